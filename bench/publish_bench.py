"""Benchmark of ``msht publish`` (not a test): one quarter's release over 1,000,000 and
10,000,000 referrals, against a pandas implementation of the same tables in the same process.

A small synthetic world is generated, loaded into a scratch SQLite store and snapshotted
with ``msht analytics refresh``; the large stores are then made directly in DuckDB by
copying that snapshot's referrals (with their decisions, shifted in time) and sampling its
Duty to Notify reports, keeping its distributions, with 7% of referrals repeat referrals
(the synthetic world's default). Nothing large goes through the operational store.

Timed, median of ``--runs`` runs each:

- ``publish``: the whole of ``statistics_publish`` (what ``msht publish`` runs): DuckDB
  counts, disclosure control, ODS, CSV and HTML, the publication recorded and audited;
- ``duckdb tables``: the counting part alone (``compute_release``);
- ``pandas tables``: the same counts (every table's cells per quarter, distinct people,
  completeness, medians) computed by pandas from data frames already in memory, checked
  equal to DuckDB's; loading the frames from the store is timed apart.

    .venv/bin/python bench/publish_bench.py
    .venv/bin/python bench/publish_bench.py --sizes 1000000 --runs 3

Results are printed and written to bench/results/publish.json (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "publish.json"
TABLES_RESULTS = ROOT / "bench" / "results" / "publish_tables.json"
QUARTER = "2024Q3"
SEED_REFERRALS = 5_000
# The synthetic world's default share of referrals that refer a person already referred.
REPEAT_SHARE = 0.07


def _median_seconds(action: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times = []
    result: Any = None
    for _run in range(runs):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def _seed_store(work: Path) -> Path:
    """A snapshot of a small synthetic world, through the real refresh."""
    from django.core.management import call_command

    from msht.analytics.services import analytics_refresh
    from msht.synth.engine import generate_world
    from msht.synth.services import world_load

    call_command("migrate", verbosity=0)
    world = work / "world"
    generate_world(world, referrals=SEED_REFERRALS, seed=6)
    world_load(None, directory=world)
    store = work / "seed.duckdb"
    # The publication reads the snapshot only: protecting its dashboards would add minutes.
    analytics_refresh(None, out=store, dashboards=False)
    return store


# Copy the seed's referrals round after round (the whole seed once per round) and spread
# the copies over 2022-2024. The seed is not linked, so each of its referrals is its own
# person; the copies get the synthetic world's share of repeat referrals (repeat_share,
# docs/synth.md): that share of copies takes the person key of one of the 1,000 copies
# before it. (Sampling seed rows with replacement and keying people by seed person and
# round, as this bench first did, made 37% of referrals repeats.)
_SCALE_SQL = """
CREATE TABLE referrals AS
WITH seed AS (SELECT *, row_number() OVER (ORDER BY referral_key) - 1 AS seed_row
              FROM seedstore.referrals),
     n AS (SELECT count(*) AS rows FROM seed),
     picks AS (SELECT range AS copy_row, range % (SELECT rows FROM n) AS seed_row,
                      CASE WHEN hash(range * 31 + 3) % 100000 < $repeats
                           THEN greatest(0, range - 1 - CAST(hash(range * 17) % 1000 AS BIGINT))
                           ELSE range END AS person_row,
                      CAST(hash(range * 7 + 1) % 1096 AS INTEGER) AS day_offset
               FROM range($rows))
SELECT md5('r' || copy_row) AS referral_key,
       md5('p' || person_row) AS person_key,
       md5(s.record_key || ':' || copy_row) AS record_key,
       s.person_linked,
       DATE '2022-01-01' + day_offset AS referred_on,
       CAST(year(DATE '2022-01-01' + day_offset) AS VARCHAR) || 'Q'
           || CAST(quarter(DATE '2022-01-01' + day_offset) AS VARCHAR) AS quarter,
       year(DATE '2022-01-01' + day_offset) AS year,
       s.* EXCLUDE (referral_key, person_key, record_key, person_linked, referred_on,
                    quarter, year, seed_row),
       s.referral_key AS seed_referral_key,
       CAST(day_offset - date_diff('day', DATE '2022-01-01', s.referred_on) AS INTEGER) AS shift
FROM picks p JOIN seed s USING (seed_row)
"""

_DECISIONS_SQL = """
CREATE TABLE decisions AS
SELECT md5(d.decision_key || ':' || r.referral_key) AS decision_key,
       r.referral_key, d.stage, d.outcome,
       d.started_on + r.shift AS started_on,
       d.decided_on + r.shift AS decided_on,
       CASE WHEN d.decided_on IS NULL THEN NULL ELSE
           CAST(year(d.decided_on + r.shift) AS VARCHAR) || 'Q'
           || CAST(quarter(d.decided_on + r.shift) AS VARCHAR) END AS quarter_decided,
       d.days_taken, d.working_days_taken, d.decision_making_unit, d.assurance_status, d.issued
FROM referrals r JOIN seedstore.decisions d ON d.referral_key = r.seed_referral_key
"""

_DTN_SQL = """
CREATE TABLE duty_to_notify AS
WITH seed AS (SELECT *, row_number() OVER (ORDER BY report_key) - 1 AS seed_row
              FROM seedstore.duty_to_notify),
     n AS (SELECT count(*) AS rows FROM seed),
     picks AS (SELECT range AS copy_row, hash(range + 99) % (SELECT rows FROM n) AS seed_row,
                      CAST(hash(range * 13 + 5) % 1096 AS INTEGER) AS day_offset
               FROM range(?))
SELECT md5('d' || copy_row) AS report_key,
       DATE '2022-01-01' + day_offset AS reported_on,
       CAST(year(DATE '2022-01-01' + day_offset) AS VARCHAR) || 'Q'
           || CAST(quarter(DATE '2022-01-01' + day_offset) AS VARCHAR) AS quarter,
       year(DATE '2022-01-01' + day_offset) AS year,
       s.* EXCLUDE (report_key, reported_on, quarter, year, seed_row)
FROM picks p JOIN seed s USING (seed_row)
"""


def _big_store(seed: Path, path: Path, referrals: int) -> None:
    import duckdb

    path.unlink(missing_ok=True)
    with duckdb.connect(str(path)) as connection:
        connection.execute(f"ATTACH '{seed}' AS seedstore (READ_ONLY)")
        connection.execute(
            _SCALE_SQL, {"rows": referrals, "repeats": round(REPEAT_SHARE * 100_000)}
        )
        connection.execute(_DECISIONS_SQL)
        dtn_rows = connection.execute(
            "SELECT (SELECT count(*) FROM seedstore.duty_to_notify) * ? "
            "/ (SELECT count(*) FROM seedstore.referrals)",
            [referrals],
        ).fetchall()[0][0]
        connection.execute(_DTN_SQL, [int(dtn_rows)])
        connection.execute(
            "CREATE TABLE referral_exploitation_types AS "
            "SELECT r.referral_key, t.exploitation_type FROM referrals r "
            "JOIN seedstore.referral_exploitation_types t ON t.referral_key = r.seed_referral_key"
        )
        connection.execute("ALTER TABLE referrals DROP COLUMN seed_referral_key")
        connection.execute("ALTER TABLE referrals DROP COLUMN shift")
        connection.execute("CREATE TABLE labels AS SELECT * FROM seedstore.labels")
        connection.execute("CREATE TABLE snapshot_info AS SELECT * FROM seedstore.snapshot_info")
        connection.execute(
            "CREATE TABLE referral_places AS SELECT * FROM seedstore.referral_places LIMIT 0"
        )


def _frames(path: Path) -> dict[str, Any]:
    import duckdb

    with duckdb.connect(str(path), read_only=True) as connection:
        names = ("referrals", "duty_to_notify", "decisions", "referral_exploitation_types")
        return {
            name: connection.table(name).to_arrow_table().to_pandas(strings_to_categorical=True)
            for name in names
        }


def _outside(frame: Any) -> Any:
    import numpy as np
    import pandas as pd

    where = np.where(
        frame["exploitation_location"] == "overseas_only", "overseas_only", "not_recorded"
    )
    return pd.Series(where, index=frame.index)


def _referral_rows(referrals: Any) -> dict[str, Any]:
    import numpy as np
    import pandas as pd

    outside = _outside(referrals)
    return {
        "nationality": referrals["nationality"].astype(object).fillna("not_recorded"),
        "gender": referrals["gender"].astype(object),
        "exploitation_type": referrals["exploitation_type"].astype(object),
        "county_lines": pd.Series(
            np.where(referrals["county_lines"], "flagged", "not_flagged"), index=referrals.index
        ),
        "first_responder_type": referrals["first_responder_type"].astype(object),
        "nation": referrals["nation_of_exploitation"].astype(object).fillna(outside),
        "police_force_area": referrals["police_force_area"].astype(object).fillna(outside),
        "competent_authority": referrals["competent_authority"]
        .astype(object)
        .fillna("not_recorded"),
    }


def _count(
    frame: Any, rows: dict[str, Any], column: str, quarter: str
) -> dict[tuple[str, str, str, str], int]:
    cells: dict[tuple[str, str, str, str], int] = {}
    columns = frame[column].astype(object)
    quarters = frame[quarter].astype(object)
    for (col, q), n in frame.groupby([columns, quarters], observed=True).size().items():
        cells[("*", "*", str(col), str(q))] = int(n)
    for family, category in rows.items():
        grouped = frame.groupby([category, columns, quarters], observed=True).size()
        for (cat, col, q), n in grouped.items():
            cells[(family, str(cat), str(col), str(q))] = int(n)
    return cells


def _decision_counts(frames: dict[str, Any], quarters: list[str]) -> dict[str, Any]:
    import numpy as np
    import pandas as pd

    decisions = frames["decisions"].merge(
        frames["referrals"][["referral_key", "age_group"]], on="referral_key"
    )
    bands = {
        "rg": (
            "working_days_taken",
            [-1, 5, 20, 60, np.inf],
            ["wd_0_5", "wd_6_20", "wd_21_60", "wd_61_plus"],
        ),
        "cg": (
            "days_taken",
            [-1, 89, 179, 364, 729, np.inf],
            ["d_0_89", "d_90_179", "d_180_364", "d_365_729", "d_730_plus"],
        ),
    }
    counts = {}
    for stage, (measure, edges, labels) in bands.items():
        chosen = decisions[
            (decisions["stage"] == stage)
            & decisions["issued"]
            & decisions["quarter_decided"].isin(quarters)
        ]
        band = pd.cut(chosen[measure], edges, labels=labels).astype(object)
        rows = {f"{stage}_outcome": chosen["outcome"].astype(object), f"{stage}_time_taken": band}
        counts[f"{stage}_decisions"] = _count(chosen, rows, "age_group", "quarter_decided")
    return counts


def _people(
    referrals: Any, rows: dict[str, Any], spans: list[tuple[str, ...]]
) -> dict[tuple[Any, ...], int]:
    people: dict[tuple[Any, ...], int] = {}
    for span in spans:
        inside = referrals["quarter"].isin(span)
        frame = referrals[inside]
        ages = frame["age_group"].astype(object)
        people[("*", "*", "*", "*", span)] = int(frame["person_key"].nunique())
        for age, n in frame.groupby(ages, observed=True)["person_key"].nunique().items():
            people[("*", "*", "*", str(age), span)] = int(n)
        for family, category in rows.items():
            grouped = frame.groupby([category[inside], ages], observed=True)["person_key"]
            for (cat, age), n in grouped.nunique().items():
                people[(family, family, str(cat), str(age), span)] = int(n)
            totals = frame.groupby(category[inside], observed=True)["person_key"].nunique()
            for cat, n in totals.items():
                people[(family, family, str(cat), "*", span)] = int(n)
    return people


def _pandas_release(
    frames: dict[str, Any], quarters: list[str], spans: list[tuple[str, ...]]
) -> dict[str, Any]:
    """The counts of compute_release, by pandas: cells per (family, category, column,
    quarter) of every population, and distinct people per referral figure."""
    referrals = frames["referrals"]
    referrals = referrals[referrals["quarter"].isin(quarters)]
    rows = _referral_rows(referrals)
    counts = {"referrals": _count(referrals, rows, "age_group", "quarter")}
    dtn = frames["duty_to_notify"]
    dtn = dtn[dtn["quarter"].isin(quarters)]
    dtn_rows = {
        "dtn_exploitation_type": dtn["exploitation_type"].astype(object),
        "dtn_nation": dtn["nation_of_exploitation"].astype(object).fillna(_outside(dtn)),
    }
    counts["duty_to_notify"] = _count(dtn, dtn_rows, "gender", "quarter")
    counts.update(_decision_counts(frames, quarters))
    return {"counts": counts, "people": _people(referrals, rows, spans)}


def _duckdb_counts(release: Any) -> dict[str, dict[tuple[str, str, str, str], int]]:
    return {
        name: {cell: n for cell, n in system.counts.items() if n}
        for name, system in release.systems.items()
    }


def _measure(
    size: int, *, seed: Path, work: Path, runs: int, publish_too: bool = True
) -> dict[str, Any]:
    """Build a store of ``size`` referrals and time publish, DuckDB tables and pandas tables."""
    import duckdb

    from msht.analytics.engine.periods import Quarter, publication_periods
    from msht.analytics.engine.tables import compute_release
    from msht.analytics.models import Publication
    from msht.analytics.services import statistics_publish

    quarter = Quarter.parse(QUARTER)
    spans = [tuple(str(q) for q in period.quarters) for period in publication_periods(quarter)]
    store = work / f"store-{size}.duckdb"
    started = time.perf_counter()
    _big_store(seed, store, size)
    build = time.perf_counter() - started
    with duckdb.connect(str(store), read_only=True) as connection:
        referrals, people = connection.execute(
            "SELECT count(*), count(DISTINCT person_key) FROM referrals"
        ).fetchall()[0]
    runs = runs if size <= 1_000_000 else max(1, runs - 1)

    def publish() -> Any:
        # An earlier publication would make each run check against the one before.
        Publication.objects.all().delete()
        return statistics_publish(None, period=QUARTER, out=work / f"release-{size}", store=store)

    def duckdb_tables() -> Any:
        with duckdb.connect(str(store), read_only=True) as connection:
            return compute_release(connection, quarter)

    publish_seconds, outcome = _median_seconds(publish, runs) if publish_too else (0.0, None)
    duckdb_seconds, release = _median_seconds(duckdb_tables, runs)
    load_seconds, frames = _median_seconds(lambda: _frames(store), 1)
    quarters = sorted({cell[3] for system in release.systems.values() for cell in system.counts})
    pandas_seconds, pandas_result = _median_seconds(
        lambda: _pandas_release(frames, quarters, spans), runs
    )
    duck_people = {
        (q.family, q.family, q.category, q.column, q.span): n
        for q, n in release.people.items()
        if q.span in spans and n
    }
    store.unlink(missing_ok=True)
    return {
        "store_build_seconds": round(build, 2),
        "repeat_referral_share": round(1 - people / referrals, 4),
        "publish_seconds_median": round(publish_seconds, 2) if publish_too else None,
        "duckdb_tables_seconds_median": round(duckdb_seconds, 3),
        "pandas_tables_seconds_median": round(pandas_seconds, 3),
        "pandas_load_seconds": round(load_seconds, 2),
        "pandas_over_duckdb_tables": round(pandas_seconds / duckdb_seconds, 2),
        "pandas_with_load_over_duckdb_tables": round(
            (pandas_seconds + load_seconds) / duckdb_seconds, 2
        ),
        "suppressed": outcome.suppressed if outcome else None,
        "figures": outcome.figures if outcome else None,
        "same_counts": _duckdb_counts(release) == pandas_result["counts"],
        "same_people": duck_people == {k: n for k, n in pandas_result["people"].items() if n},
        "runs": runs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--tables-only",
        action="store_true",
        help="time the DuckDB and pandas tables only, not the whole publish",
    )
    arguments = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="msht-publish-bench-"))
    os.environ["MSHT_VAR_DIR"] = str(work)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msht.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()

    seed = _seed_store(work)
    results: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "quarter": QUARTER,
        "seed_referrals": SEED_REFERRALS,
        "runs": arguments.runs,
        "sizes": {},
    }
    for size in arguments.sizes:
        figures = _measure(
            size,
            seed=seed,
            work=work,
            runs=arguments.runs,
            publish_too=not arguments.tables_only,
        )
        results["sizes"][str(size)] = figures
        print(f"{size:,} referrals: {json.dumps(figures)}")
    target = TABLES_RESULTS if arguments.tables_only else RESULTS
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"written to {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
