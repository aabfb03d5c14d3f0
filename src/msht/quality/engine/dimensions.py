"""The six dimensions of the UK Government Data Quality Framework, over Arrow with DuckDB.

Completeness (per field), uniqueness (duplicates within a source), consistency (rules
across fields, and agreement with other sources' records of the same person), timeliness
(delay from event to record), validity (rows that met the rules) and accuracy (agreement
with a reference, where one exists). Each function takes Arrow tables and returns plain
``Measure`` rows; nothing here knows about Django.

Source: Government Data Quality Framework (Government Data Quality Hub, 2020), the
"data quality dimensions" section.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

COMPLETENESS = "completeness"
UNIQUENESS = "uniqueness"
CONSISTENCY = "consistency"
TIMELINESS = "timeliness"
VALIDITY = "validity"
ACCURACY = "accuracy"
DIMENSIONS = (COMPLETENESS, UNIQUENESS, CONSISTENCY, TIMELINESS, VALIDITY, ACCURACY)

# Fields that, between them, say who a person is: a repeat of all of them is a duplicate.
IDENTITY_FIELDS = ("given_names", "family_name", "birth_date")

# Consistency rules: (name, SQL that applies, SQL that holds). Each is checked only on the
# rows it applies to, so a missing value never counts as inconsistent.
CONSISTENCY_RULES: tuple[tuple[str, str, str], ...] = (
    (
        "age group agrees with the age the source reports",
        "age_group IS NOT NULL AND age_group_reported IS NOT NULL "
        "AND age_group <> 'not_known' AND age_group_reported <> 'not_known'",
        "age_group = age_group_reported",
    ),
    (
        "age group agrees with the date of birth",
        "age_group IN ('adult', 'child') AND length(birth_date) = 10 "
        "AND coalesce(exploitation_started_on, recorded_on) IS NOT NULL",
        "(date_sub('year', CAST(birth_date AS DATE), CAST(coalesce(exploitation_started_on, "
        "recorded_on) AS DATE)) < 18) = (age_group = 'child')",
    ),
    (
        "exploitation began on or before it was recorded",
        "exploitation_started_on IS NOT NULL AND recorded_on IS NOT NULL",
        "CAST(exploitation_started_on AS DATE) <= CAST(recorded_on AS DATE)",
    ),
    (
        "date of birth is before the record",
        "length(birth_date) = 10 AND recorded_on IS NOT NULL",
        "CAST(birth_date AS DATE) < CAST(recorded_on AS DATE)",
    ),
)


@dataclass(frozen=True)
class Measure:
    """One figure: a dimension, on a field (or the whole record), for a group (or all)."""

    dimension: str
    value: float | None
    numerator: int
    denominator: int
    field: str = ""
    group: str = ""
    note: str = ""


def _connect(records: pa.Table) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.register("records", records)
    return connection


def _share(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def completeness(records: pa.Table, fields: Sequence[str]) -> list[Measure]:
    """Share of records with a value, per field (a list counts when it is not empty)."""
    present = [name for name in fields if name in records.column_names]
    if not present:
        return []
    counts = ", ".join(f"count({_quoted(name)})" for name in present)
    connection = _connect(records)
    row = connection.execute(f"SELECT count(*), {counts} FROM records").fetchall()[0]  # noqa: S608 - names from the mapping
    total = int(row[0])
    return [
        Measure(COMPLETENESS, _share(int(filled), total), int(filled), total, field=name)
        for name, filled in zip(present, row[1:], strict=True)
    ]


def uniqueness(records: pa.Table) -> list[Measure]:
    """Distinct records among all: by identity fields where a source has them, else by
    content (CTDC's identical rows are different people; the figure says how many look
    alike, it merges nothing)."""
    connection = _connect(records)
    measures = []
    total, distinct = connection.execute(
        "SELECT count(*), count(DISTINCT content_hash) FROM records"
    ).fetchall()[0]
    measures.append(
        Measure(
            UNIQUENESS,
            _share(int(distinct), int(total)),
            int(distinct),
            int(total),
            field="(whole row)",
            note="distinct rows among all rows",
        )
    )
    if all(name in records.column_names for name in IDENTITY_FIELDS):
        key = " || '|' || ".join(f"coalesce({name}, '')" for name in IDENTITY_FIELDS)
        named, distinct_people = connection.execute(
            f"SELECT count(*), count(DISTINCT {key}) FROM records "  # noqa: S608 - fixed names
            "WHERE given_names IS NOT NULL AND family_name IS NOT NULL"
        ).fetchall()[0]
        measures.append(
            Measure(
                UNIQUENESS,
                _share(int(distinct_people), int(named)),
                int(distinct_people),
                int(named),
                field="(name and date of birth)",
                note="distinct name and date of birth among named records",
            )
        )
    return measures


def consistency(records: pa.Table) -> list[Measure]:
    """Share of records meeting each cross-field rule, among those it applies to."""
    connection = _connect(records)
    measures = []
    for name, applies, holds in CONSISTENCY_RULES:
        needed = {
            column
            for column in (
                "age_group",
                "age_group_reported",
                "birth_date",
                "exploitation_started_on",
                "recorded_on",
            )
            if column in applies
        }
        if not needed <= set(records.column_names):
            continue
        applicable, holding = connection.execute(
            f"SELECT count(*), count(*) FILTER (WHERE {holds}) FROM records WHERE {applies}"  # noqa: S608 - fixed rules
        ).fetchall()[0]
        if applicable:
            measures.append(
                Measure(
                    CONSISTENCY,
                    _share(int(holding), int(applicable)),
                    int(holding),
                    int(applicable),
                    field=name,
                )
            )
    return measures


# Consistency against other sources: each field a person's records are compared on, with
# the SQL that says whether two records can be compared and whether they agree. A partial
# date of birth agrees with a fuller one on the parts both give; two lists of nationalities
# agree when they share one (a person may hold several).
AGREEMENT_FIELDS: tuple[tuple[str, str, str], ...] = (
    (
        "date of birth agrees with other sources",
        "a.birth_year IS NOT NULL AND b.birth_year IS NOT NULL",
        "a.birth_year = b.birth_year "
        "AND (a.birth_month IS NULL OR b.birth_month IS NULL OR a.birth_month = b.birth_month) "
        "AND (a.birth_day IS NULL OR b.birth_day IS NULL OR a.birth_day = b.birth_day)",
    ),
    (
        "sex agrees with other sources",
        "coalesce(a.gender, 'not_known') NOT IN ('not_known', '') "
        "AND coalesce(b.gender, 'not_known') NOT IN ('not_known', '')",
        "a.gender = b.gender",
    ),
    (
        "nationality agrees with other sources",
        "len(coalesce(a.nationalities, [])) > 0 AND len(coalesce(b.nationalities, [])) > 0",
        "len(list_intersect(a.nationalities, b.nationalities)) > 0",
    ),
)
AGREEMENT_NOTE = "pairs with another source's record of the same person"


def agreement_across_sources(people: pa.Table) -> dict[str, list[Measure]]:
    """Per source, how often its records agree with other sources' records of the same
    person (one linkage entity), per field, over all other sources and per other source.

    Data Quality Framework, consistency "against other sources". ``people`` has one row
    per person record: ``entity_id``, ``source``, ``birth_year``, ``birth_month``,
    ``birth_day``, ``gender`` and ``nationalities`` (a list of codes). Every pair of
    records of one entity from two different sources is compared where both give the
    field; a missing value is never a disagreement.
    """
    connection = duckdb.connect()
    connection.register("people", people)
    columns = ", ".join(
        f"count(*) FILTER (WHERE {compared}), count(*) FILTER (WHERE {compared} AND {agrees})"
        for _, compared, agrees in AGREEMENT_FIELDS
    )
    rows = connection.execute(
        f"SELECT a.source, b.source, {columns} FROM people a JOIN people b "  # noqa: S608 - fixed rules
        "ON a.entity_id = b.entity_id AND a.source <> b.source "
        "GROUP BY a.source, b.source ORDER BY a.source, b.source"
    ).fetchall()
    totals: dict[str, dict[str, list[int]]] = {}
    by_source: dict[str, list[Measure]] = {}
    for source, other, *counts in rows:
        source_totals = totals.setdefault(source, {})
        for index, (field, _, _) in enumerate(AGREEMENT_FIELDS):
            compared, agreed = int(counts[2 * index]), int(counts[2 * index + 1])
            if not compared:
                continue
            total = source_totals.setdefault(field, [0, 0])
            total[0] += agreed
            total[1] += compared
            by_source.setdefault(source, []).append(
                Measure(CONSISTENCY, agreed / compared, agreed, compared, field=field, group=other)
            )
    for source, fields in totals.items():
        by_source[source][:0] = [
            Measure(
                CONSISTENCY, agreed / compared, agreed, compared, field=field, note=AGREEMENT_NOTE
            )
            for field, (agreed, compared) in fields.items()
        ]
    return by_source


def timeliness(records: pa.Table) -> list[Measure]:
    """Median days from the start of exploitation to the record, where both are known."""
    if not {"exploitation_started_on", "recorded_on"} <= set(records.column_names):
        return [Measure(TIMELINESS, None, 0, 0, note="the source gives no event dates")]
    connection = _connect(records)
    count, median = connection.execute(
        "SELECT count(*), median(date_diff('day', CAST(exploitation_started_on AS DATE), "
        "CAST(recorded_on AS DATE))) FROM records "
        "WHERE exploitation_started_on IS NOT NULL AND recorded_on IS NOT NULL"
    ).fetchall()[0]
    return [
        Measure(
            TIMELINESS,
            float(median) if median is not None else None,
            int(count),
            int(count),
            note="median days from exploitation starting to the record",
        )
    ]


def validity(rows: int, quarantined: int, invalid: dict[str, int]) -> list[Measure]:
    """Share of rows that met every rule, and per field the share of rows it failed."""
    measures = [Measure(VALIDITY, _share(rows - quarantined, rows), rows - quarantined, rows)]
    measures.extend(
        Measure(VALIDITY, _share(rows - count, rows), rows - count, rows, field=name)
        for name, count in sorted(invalid.items())
    )
    return measures


def accuracy(records: pa.Table, reference: pa.Table, fields: Sequence[str]) -> list[Measure]:
    """Share of values that agree with a reference (joined on ``record_key``), per field."""
    connection = _connect(records)
    connection.register("reference", reference)
    measures = []
    for name in fields:
        if name not in records.column_names or name not in reference.column_names:
            continue
        column = _quoted(name)
        compared, agreeing = connection.execute(
            f"SELECT count(*), count(*) FILTER (WHERE r.{column} = t.{column}) "  # noqa: S608 - names from the caller
            f"FROM records r JOIN reference t USING (record_key) "
            f"WHERE r.{column} IS NOT NULL AND t.{column} IS NOT NULL"
        ).fetchall()[0]
        measures.append(
            Measure(
                ACCURACY,
                _share(int(agreeing), int(compared)),
                int(agreeing),
                int(compared),
                field=name,
            )
        )
    return measures


def profile_completeness(profile: dict[str, object]) -> list[Measure]:
    """Completeness per export column, overall and per quality group, from a batch profile."""
    rows = int(profile.get("rows", 0))  # type: ignore[call-overload]
    filled: dict[str, int] = profile.get("filled", {})  # type: ignore[assignment]
    measures = [
        Measure(COMPLETENESS, _share(count, rows), count, rows, field=name)
        for name, count in filled.items()
    ]
    groups: dict[str, dict[str, object]] = profile.get("groups", {})  # type: ignore[assignment]
    for group, data in groups.items():
        group_rows = int(data["rows"])  # type: ignore[call-overload]
        group_filled: dict[str, int] = data["filled"]  # type: ignore[assignment]
        measures.extend(
            Measure(
                COMPLETENESS, _share(count, group_rows), count, group_rows, field=name, group=group
            )
            for name, count in group_filled.items()
        )
    return measures


@dataclass(frozen=True)
class FieldPicture:
    """One field across every source: the national completeness and who drags it down."""

    field: str
    completeness: float | None
    filled: int
    records: int
    worst_source: str
    worst_completeness: float | None
    worst_share_of_missing: float | None


def national_fields(by_source: dict[str, list[Measure]]) -> list[FieldPicture]:
    """Per canonical field, pooled over sources, with the source holding most missing values."""
    fields: dict[str, dict[str, Measure]] = {}
    for source, measures in by_source.items():
        for measure in measures:
            if measure.dimension == COMPLETENESS and not measure.group:
                fields.setdefault(measure.field, {})[source] = measure
    pictures = []
    for name, sources in fields.items():
        filled = sum(measure.numerator for measure in sources.values())
        records = sum(measure.denominator for measure in sources.values())
        missing = {
            source: measure.denominator - measure.numerator for source, measure in sources.items()
        }
        worst = max(missing, key=lambda source: (missing[source], source))
        total_missing = sum(missing.values())
        pictures.append(
            FieldPicture(
                field=name,
                completeness=_share(filled, records),
                filled=filled,
                records=records,
                worst_source=worst if total_missing else "",
                worst_completeness=sources[worst].value if total_missing else None,
                worst_share_of_missing=_share(missing[worst], total_missing),
            )
        )
    return sorted(pictures, key=lambda picture: (picture.completeness or 0, picture.field))


def profile_timeliness(profile: dict[str, object]) -> list[Measure]:
    """Median days from exploitation starting to the record, from a batch's delay counts."""
    counts: dict[str, int] = profile.get("delay_days", {})  # type: ignore[assignment]
    total = sum(counts.values())
    if not total:
        return [Measure(TIMELINESS, None, 0, 0, note="the batch gives no event dates")]
    ordered = sorted((int(days), count) for days, count in counts.items())
    halfway, seen, median = total / 2, 0, float(ordered[-1][0])
    for days, count in ordered:
        seen += count
        if seen >= halfway:
            median = float(days)
            break
    return [
        Measure(TIMELINESS, median, total, total, note="median days from exploitation to record")
    ]
