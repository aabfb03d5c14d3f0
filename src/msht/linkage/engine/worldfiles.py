"""Read a synthetic world's files (``msht synth``) straight into linkage records.

The store is the normal way in; benchmarks at a million records and quick checks read the
world's CSV files instead, which hold the same fields, so the model sees the same data.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from msht.linkage.engine.prepare import RAW_SCHEMA

_LIST = "coalesce(to_json(list_filter(string_split({column}, ';'), lambda v: v <> '')), '[]')"
_ADDRESS = """case when coalesce(address_lines, '') <> '' or coalesce(address_town, '') <> ''
    or coalesce(address_postcode, '') <> ''
    then to_json([{'lines': address_lines, 'town': address_town,
                    'postcode': address_postcode}]) else '[]' end"""


def _person_select(reference: str, nationality: str, identifiers: tuple[str, str, str]) -> str:
    columns = ", ".join(
        f"cast({column} as varchar) as identifier_{number}"
        if column
        else f"cast(null as varchar) as identifier_{number}"
        for number, column in enumerate(identifiers, start=1)
    )
    # Column names are this module's constants; the file path is a parameter.
    return f"""
        select {reference} as record_id, 'store' as source_dataset,
            given_names, family_name, {_LIST.format(column="aliases")} as aliases_json,
            try_cast(birth_year as integer) as birth_year,
            try_cast(birth_month as integer) as birth_month,
            try_cast(birth_day as integer) as birth_day,
            coalesce(try_cast(birth_date_is_estimated as boolean), false)
                as birth_date_is_estimated,
            gender, {_LIST.format(column=nationality)} as nationalities_json,
            {columns},
            {_LIST.format(column="phone_numbers")} as phones_json,
            {_ADDRESS} as addresses_json
        from read_csv($path, all_varchar = true, header = true)
    """  # noqa: S608


def _read(sql: str, path: Path) -> pa.Table:
    with duckdb.connect() as connection:
        table: pa.Table = connection.sql(sql, params={"path": str(path)}).to_arrow_table()
    return table


def referral_records(directory: Path) -> pa.Table:
    """The subject of every referral in ``referrals.csv`` as RAW_SCHEMA records."""
    sql = _person_select(
        "reference", "nationalities", ("home_office_reference", "pnc_id", "passport_number")
    )
    return _read(sql, directory / "referrals.csv").cast(RAW_SCHEMA)


def suspect_records(directory: Path) -> pa.Table:
    """Every row of ``suspect_records.csv`` as RAW_SCHEMA records."""
    sql = _person_select("source_reference", "nationality", ("", "pnc_id", "passport_number"))
    return _read(sql, directory / "suspect_records.csv").cast(RAW_SCHEMA)


_TRUTH = {
    "persons": ("truth_referrals.csv", "referral_reference", "person_id"),
    "suspects": ("truth_suspect_records.csv", "suspect_record_reference", "suspect_id"),
}


def truth(directory: Path, kind: str) -> dict[str, str]:
    """Record reference -> true person (``persons``) or suspect (``suspects``)."""
    name, reference, entity = _TRUTH[kind]
    sql = f"select {reference}, {entity} from read_csv($path, all_varchar = true)"  # noqa: S608
    table = _read(sql, directory / name)
    return dict(zip(table.column(0).to_pylist(), table.column(1).to_pylist(), strict=True))
