"""Build the pseudonymised analytics store (a DuckDB file) from Arrow extracts of the store.

The raw extracts carry database ids; every id is replaced by its pseudonym before
DuckDB sees it, and no name, identifier, phone, address or narrative is ever
extracted. The file is written beside its destination and renamed over it, so a
reader sees the old snapshot or the new one, never half of one.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import holidays
import numpy as np
import pyarrow as pa

from msht.analytics.engine.pseudonym import pseudonymise

# The extracts the snapshot is built from, with the id columns each one carries and the
# namespace of their pseudonyms (sources.py in the app writes the queries).
RAW_ID_COLUMNS: dict[str, dict[str, str]] = {
    "referrals": {"id": "referral", "person_record_id": "person_record", "entity_id": "person"},
    "nationalities": {"person_record_id": "person_record"},
    "referral_exploitation_types": {"referral_id": "referral"},
    "places": {"referral_id": "referral"},
    "duty_to_notify": {"id": "duty_to_notify"},
    "duty_to_notify_exploitation_types": {"report_id": "duty_to_notify"},
    "decisions": {"id": "decision", "referral_id": "referral"},
}

_TEXT, _INT, _BOOL = pa.string(), pa.int64(), pa.bool_()

# The type of every column of the raw extracts: SQLite's driver guesses types from the
# values (an empty result has none to guess from), so each extract is cast to these.
RAW_SCHEMAS: dict[str, dict[str, pa.DataType]] = {
    "referrals": {
        "id": _INT,
        "person_record_id": _INT,
        "entity_id": _TEXT,
        "referred_on": _TEXT,
        "status": _TEXT,
        "age_group": _TEXT,
        "gender": _TEXT,
        "county_lines": _BOOL,
        "exploitation_location": _TEXT,
        "immigration_status": _TEXT,
        "nation": _TEXT,
        "organisation_code": _TEXT,
        "organisation_type": _TEXT,
        "competent_authority": _TEXT,
    },
    "nationalities": {"person_record_id": _INT, "link_id": _INT, "code": _TEXT},
    "referral_exploitation_types": {"referral_id": _INT, "code": _TEXT},
    "places": {
        "place_id": _INT,
        "referral_id": _INT,
        "pfa_code": _TEXT,
        "pfa_nation": _TEXT,
        "country_code": _TEXT,
    },
    "duty_to_notify": {
        "id": _INT,
        "reported_on": _TEXT,
        "organisation_code": _TEXT,
        "organisation_type": _TEXT,
        "gender": _TEXT,
        "nationality": _TEXT,
        "exploitation_location": _TEXT,
        "pfa_code": _TEXT,
        "pfa_nation": _TEXT,
    },
    "duty_to_notify_exploitation_types": {"report_id": _INT, "code": _TEXT},
    "decisions": {
        "id": _INT,
        "referral_id": _INT,
        "stage": _TEXT,
        "outcome": _TEXT,
        "started_on": _TEXT,
        "decided_on": _TEXT,
        "assurance_status": _TEXT,
        "unit_code": _TEXT,
        "nation": _TEXT,
    },
}

# The `holidays` package's subdivision codes for the UK nations (DOMAIN.md: working days
# exclude the bank holidays of the nation concerned).
_SUBDIVISION = {"england": "ENG", "wales": "WLS", "scotland": "SCT", "northern_ireland": "NIR"}

SNAPSHOT_TABLES = (
    "referrals",
    "referral_exploitation_types",
    "referral_places",
    "duty_to_notify",
    "decisions",
    "labels",
    "snapshot_info",
)


@dataclass(frozen=True)
class SnapshotSummary:
    """What a refresh wrote: rows per table and the share of referrals whose person is linked."""

    path: Path
    rows: dict[str, int]
    linked_share: float


@cache
def _bank_holidays(nation: str, first_year: int, last_year: int) -> np.ndarray:
    subdivision = _SUBDIVISION.get(nation, "ENG")
    days = holidays.country_holidays(
        "GB", subdiv=subdivision, years=range(first_year, last_year + 1)
    )
    return np.array(sorted(days.keys()), dtype="datetime64[D]")


def working_days_taken(starts: pa.Array, ends: pa.Array, nations: pa.Array) -> pa.Array:
    """Working days after each start up to and including its end (weekends and the nation's
    bank holidays excluded); null where the decision is not made."""
    start = np.array(starts.to_pylist(), dtype="datetime64[D]")
    end = np.array(ends.to_pylist(), dtype="datetime64[D]")
    nation = np.array([value or "england" for value in nations.to_pylist()], dtype=object)
    result = np.zeros(len(start), dtype=np.int64)
    decided = ~np.isnat(end) & ~np.isnat(start)
    if decided.any():
        years = np.concatenate([start[decided], end[decided]]).astype("datetime64[Y]")
        first_year = int(years.min().astype(int)) + 1970
        last_year = int(years.max().astype(int)) + 1970
        for name in set(nation[decided]):
            rows = decided & (nation == name)
            result[rows] = np.busday_count(
                start[rows] + 1,
                end[rows] + 1,
                holidays=_bank_holidays(str(name), first_year, last_year),
            )
    return pa.array(result, mask=~decided, type=pa.int64())


def conform(name: str, table: pa.Table) -> pa.Table:
    """The extract ``name`` with exactly the columns and types of RAW_SCHEMAS (dates as
    ISO text until _as_dates); PostgreSQL's real dates are written back as ISO text first."""
    columns = {}
    for column, wanted in RAW_SCHEMAS[name].items():
        values = table.column(column)
        if pa.types.is_date(values.type) or pa.types.is_timestamp(values.type):
            values = values.cast(pa.date32()).cast(pa.string())
        columns[column] = values.cast(wanted)
    return pa.table(columns)


def _as_dates(table: pa.Table, columns: tuple[str, ...]) -> pa.Table:
    """SQLite hands dates over as text; the snapshot holds real dates."""
    for column in columns:
        values = table.column(column)
        if not pa.types.is_date32(values.type):
            values = values.cast(pa.string()).cast(pa.date32())
        table = table.set_column(table.schema.get_field_index(column), column, values)
    return table


def _with_working_days(decisions: pa.Table) -> pa.Table:
    decisions = _as_dates(decisions, ("started_on", "decided_on"))
    days = working_days_taken(
        decisions.column("started_on").combine_chunks(),
        decisions.column("decided_on").combine_chunks(),
        decisions.column("nation").combine_chunks(),
    )
    return decisions.append_column("working_days_taken", days)


# Quarters are written 2024Q3 everywhere (periods.Quarter).
_QUARTER_MACRO = (
    "CREATE MACRO quarter_of(day) AS "
    "CAST(year(day) AS VARCHAR) || 'Q' || CAST(quarter(day) AS VARCHAR)"
)

_BUILD_SQL = (
    """
CREATE TABLE snap.referrals AS
WITH first_nationality AS (
    SELECT person_record_id, arg_min(code, link_id) AS nationality
    FROM nationalities GROUP BY person_record_id
), types AS (
    SELECT referral_id,
           CASE WHEN count(DISTINCT code) = 1 THEN min(code) ELSE 'multiple' END
               AS exploitation_type
    FROM referral_exploitation_types
    WHERE code <> 'not_specified'
    GROUP BY referral_id
), first_uk_place AS (
    SELECT referral_id, arg_min(pfa_code, place_id) AS police_force_area,
           arg_min(pfa_nation, place_id) AS nation_of_exploitation
    FROM places WHERE pfa_code IS NOT NULL GROUP BY referral_id
)
SELECT r.id AS referral_key,
       coalesce(r.entity_id, r.person_record_id) AS person_key,
       r.person_record_id AS record_key,
       r.entity_id IS NOT NULL AS person_linked,
       r.referred_on,
       quarter_of(r.referred_on) AS quarter,
       year(r.referred_on) AS year,
       r.status,
       r.age_group,
       r.gender,
       n.nationality,
       coalesce(t.exploitation_type, 'not_specified') AS exploitation_type,
       CAST(r.county_lines AS BOOLEAN) AS county_lines,
       r.exploitation_location,
       r.immigration_status,
       p.police_force_area,
       p.nation_of_exploitation,
       r.nation AS nation_of_support,
       r.organisation_code AS first_responder_organisation,
       r.organisation_type AS first_responder_type,
       r.competent_authority
FROM referrals_dated r
LEFT JOIN first_nationality n USING (person_record_id)
LEFT JOIN types t ON t.referral_id = r.id
LEFT JOIN first_uk_place p ON p.referral_id = r.id
""",
    """
CREATE TABLE snap.referral_exploitation_types AS
SELECT referral_id AS referral_key, code AS exploitation_type FROM referral_exploitation_types
""",
    """
CREATE TABLE snap.referral_places AS
SELECT referral_id AS referral_key, pfa_code AS police_force_area, pfa_nation AS nation,
       country_code AS country
FROM places
""",
    """
CREATE TABLE snap.duty_to_notify AS
WITH types AS (
    SELECT report_id,
           CASE WHEN count(DISTINCT code) = 1 THEN min(code) ELSE 'multiple' END
               AS exploitation_type
    FROM duty_to_notify_exploitation_types
    WHERE code <> 'not_specified'
    GROUP BY report_id
)
SELECT d.id AS report_key,
       d.reported_on,
       quarter_of(d.reported_on) AS quarter,
       year(d.reported_on) AS year,
       d.organisation_code AS organisation,
       d.organisation_type,
       d.gender,
       d.nationality,
       coalesce(t.exploitation_type, 'not_specified') AS exploitation_type,
       d.exploitation_location,
       d.pfa_code AS police_force_area,
       d.pfa_nation AS nation_of_exploitation
FROM duty_to_notify_dated d LEFT JOIN types t ON t.report_id = d.id
""",
    """
CREATE TABLE snap.decisions AS
SELECT d.id AS decision_key,
       d.referral_id AS referral_key,
       d.stage,
       nullif(d.outcome, '') AS outcome,
       d.started_on,
       d.decided_on,
       CASE WHEN d.decided_on IS NULL THEN NULL
            ELSE quarter_of(d.decided_on) END AS quarter_decided,
       date_diff('day', d.started_on, d.decided_on) AS days_taken,
       d.working_days_taken,
       d.unit_code AS decision_making_unit,
       d.assurance_status,
       (d.decided_on IS NOT NULL AND nullif(d.outcome, '') IS NOT NULL
        AND d.assurance_status IN ('not_required', 'approved')) AS issued
FROM decisions_dated d
""",
    "CREATE TABLE snap.labels AS SELECT * FROM labels",
)


def _count(connection: duckdb.DuckDBPyConnection, table: str) -> int:
    # Table names come from SNAPSHOT_TABLES, never from input.
    return int(connection.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])  # noqa: S608


def build_snapshot(
    raw: dict[str, pa.Table],
    *,
    key: bytes,
    destination: Path,
    source: str,
    refreshed_at: dt.datetime,
    progress: Callable[[str], None] | None = None,
) -> SnapshotSummary:
    """Pseudonymise the raw extracts and write the analytics store atomically.

    Args:
        raw: one Arrow table per name in RAW_ID_COLUMNS, plus ``labels`` (dimension,
            code, label, display_order) for the reference lists.
        key: the pseudonymisation key (derive_key of the service secret).
        destination: the DuckDB file to replace.
        source: which database the extract came from (recorded in snapshot_info).
        refreshed_at: when the extract was taken.
        progress: told the name of each step as it starts.

    Returns:
        Rows written per table and the share of referrals with a linked person.
    """
    step = progress or (lambda _name: None)
    step("pseudonymise")
    tables = {
        name: pseudonymise(conform(name, raw[name]), key, columns)
        for name, columns in RAW_ID_COLUMNS.items()
    }
    tables["labels"] = raw["labels"]
    tables["referrals_dated"] = _as_dates(tables.pop("referrals"), ("referred_on",))
    tables["duty_to_notify_dated"] = _as_dates(tables.pop("duty_to_notify"), ("reported_on",))
    tables["decisions_dated"] = _with_working_days(tables.pop("decisions"))
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary_name = tempfile.mkstemp(
        prefix=f".{destination.name}.", suffix=".tmp", dir=destination.parent
    )
    os.close(handle)
    temporary = Path(temporary_name)
    temporary.unlink()  # DuckDB creates the file itself
    try:
        connection = duckdb.connect()
        try:
            for name, table in tables.items():
                connection.register(name, table)
            connection.execute(_QUARTER_MACRO)
            connection.execute(f"ATTACH '{temporary}' AS snap")
            for statement in _BUILD_SQL:
                step(statement.split()[2].removeprefix("snap."))
                connection.execute(statement)
            connection.execute(
                "CREATE TABLE snap.snapshot_info AS SELECT ? AS refreshed_at, ? AS source",
                [refreshed_at, source],
            )
            rows = {name: int(_count(connection, f"snap.{name}")) for name in SNAPSHOT_TABLES}
            linked = connection.execute(
                "SELECT coalesce(avg(CAST(person_linked AS DOUBLE)), 0) FROM snap.referrals"
            ).fetchall()[0][0]
            connection.execute("DETACH snap")
        finally:
            connection.close()
        os.replace(temporary, destination)
    finally:
        for leftover in (temporary, Path(f"{temporary}.wal")):
            leftover.unlink(missing_ok=True)
    return SnapshotSummary(path=destination, rows=rows, linked_share=float(linked))
