"""The store's person and suspect records as linkage input (Arrow, through ADBC).

Identifying fields are read here and stay inside the linkage run: the analysts'
pseudonymised analytics store carries no names, so linkage never reads it. The SQL is
portable between SQLite and PostgreSQL; JSON columns are cast to text.
"""

from __future__ import annotations

import uuid

import duckdb
import pyarrow as pa

from msht.analytics.extract import arrow_from_query
from msht.linkage.engine import RAW_SCHEMA
from msht.linkage.models import LinkageKind

_DESCRIBED_PERSON = """
    CAST(p.id AS TEXT) AS record_id, p.given_names, p.family_name,
    CAST(p.aliases AS TEXT) AS aliases_json, p.birth_year, p.birth_month, p.birth_day,
    p.birth_date_is_estimated, p.gender, p.pnc_id, p.passport_number,
    CAST(p.phone_numbers AS TEXT) AS phones_json, CAST(p.addresses AS TEXT) AS addresses_json,
    CAST(p.entity_id AS TEXT) AS entity_id
"""

QUERIES: dict[str, tuple[str, str]] = {
    LinkageKind.PERSONS: (
        f"SELECT {_DESCRIBED_PERSON}, p.home_office_reference FROM referrals_personrecord p",  # noqa: S608
        """
        SELECT CAST(pn.personrecord_id AS TEXT) AS record_id, n.code
        FROM referrals_personrecord_nationalities pn
        JOIN core_nationality n ON n.id = pn.nationality_id
        """,
    ),
    LinkageKind.SUSPECTS: (
        f"SELECT {_DESCRIBED_PERSON}, '' AS home_office_reference "  # noqa: S608
        "FROM intelligence_suspectrecord p",
        """
        SELECT CAST(s.id AS TEXT) AS record_id, n.code
        FROM intelligence_suspectrecord s
        JOIN core_nationality n ON n.id = s.nationality_id
        """,
    ),
}

_SHAPE = """
select r.record_id, 'store' as source_dataset, r.given_names, r.family_name, r.aliases_json,
    cast(r.birth_year as integer) as birth_year, cast(r.birth_month as integer) as birth_month,
    cast(r.birth_day as integer) as birth_day,
    cast(r.birth_date_is_estimated as boolean) as birth_date_is_estimated,
    r.gender, coalesce(n.codes, '[]') as nationalities_json,
    nullif(r.home_office_reference, '') as identifier_1,
    nullif(r.pnc_id, '') as identifier_2, nullif(r.passport_number, '') as identifier_3,
    r.phones_json, r.addresses_json
from records r
left join (select record_id, to_json(list(code order by code)) as codes
           from nationalities group by record_id) n using (record_id)
order by cast(r.record_id as bigint)
"""


def store_records(kind: str) -> tuple[pa.Table, dict[str, str]]:
    """Every record of ``kind`` in RAW_SCHEMA, and each placed record's current entity
    (record id -> entity id as 32 hex digits, the same on SQLite and PostgreSQL)."""
    records_sql, nationalities_sql = QUERIES[kind]
    records = arrow_from_query(records_sql)
    nationalities = arrow_from_query(nationalities_sql)
    with duckdb.connect() as connection:
        connection.register("records", records)
        connection.register("nationalities", nationalities)
        raw = connection.sql(_SHAPE).to_arrow_table().cast(RAW_SCHEMA)
    previous = {
        str(record): uuid.UUID(str(entity)).hex
        for record, entity in zip(
            records.column("record_id").to_pylist(),
            records.column("entity_id").to_pylist(),
            strict=True,
        )
        if entity
    }
    return raw, previous
