"""What protecting the dashboards together costs (not a test): the national dashboard and
every first responder organisation's protected apart, one dashboard at a time, against all
of them protected as one count system, for the latest quarters of a synthetic world.

    .venv/bin/python bench/dashboard_bench.py --referrals 5000 --quarters 2 --runs 3

The world is built as ``bench/disclosure_bench.py`` builds it (``_world_store``: seed 6,
loaded and snapshotted through the real refresh, without its dashboards). For each of the
``--quarters`` latest quarters (``available_quarters``), in each of ``--runs`` runs, the two
modes are timed one after the other, in turn first (apart first in odd runs, together
first in even ones), so that load from other work falls on both alike:

- ``apart``: ``protect_dashboards`` for the nation alone, then for each organisation with
  referrals alone (``national=False``), as the refresh did before;
- ``together``: one ``protect_dashboards`` call with every organisation with referrals
  (``organisations_with_referrals``), as the refresh does now.

Figures are the referral counts of each dashboard's views (``pattern``; decisions and
distinct people are left out), counted per dashboard and summed over dashboards. Together,
every dashboard's ``pattern`` is the whole system's (counted per dashboard, it would count
every dashboard once per dashboard), and a figure two dashboards share (an organisation's
that is also the nation's, when no other organisation has referrals there) is one entry of
it. So a dashboard's figures are counted the same way in both modes: the distinct figures
that dashboard itself shows (each view's trend and shown breakdown rows), and how many of
them its ``pattern`` suppresses. Apart, those are exactly its ``pattern``'s entries.
Seconds are medians over runs, per quarter and of the runs' totals. The load average
(``os.getloadavg``) is read when the timing starts (the world built) and when it ends.
Results are printed and written to bench/results/dashboard.json (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.disclosure_bench import _world_store

if TYPE_CHECKING:
    import duckdb

    from msht.analytics.engine.dashboard import DashboardFigures
    from msht.analytics.engine.disclosure import DisclosureRules, Quantity
    from msht.analytics.engine.periods import Quarter

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "dashboard.json"
MODES = ("apart", "together")
COUNTED = ("figures", "suppressed", "national figures", "national suppressed")

Protected = dict[str | None, "DashboardFigures"]


def _apart(
    connection: duckdb.DuckDBPyConnection,
    quarter: Quarter,
    organisations: list[str],
    rules: DisclosureRules,
) -> Protected:
    """The nation alone, then each organisation alone (the refresh before the change)."""
    from msht.analytics.engine.dashboard import protect_dashboards

    every: Protected = {
        None: protect_dashboards(connection, quarter, organisations=(), rules=rules)[None]
    }
    for code in organisations:
        alone = protect_dashboards(
            connection, quarter, organisations=(code,), rules=rules, national=False
        )
        every[code] = alone[code]
    return every


def _together(
    connection: duckdb.DuckDBPyConnection,
    quarter: Quarter,
    organisations: list[str],
    rules: DisclosureRules,
) -> Protected:
    """Every dashboard as one count system (the refresh now)."""
    from msht.analytics.engine.dashboard import protect_dashboards

    return protect_dashboards(connection, quarter, organisations=organisations, rules=rules)


def _own_figures(figures: DashboardFigures) -> set[Quantity]:
    """The distinct referral figures one dashboard shows: each view's trend and rows."""
    totals = {figures.total(view, q) for view in figures.views for q in figures.series}
    rows = {
        figures.row(view, family, category)
        for (view, family), categories in figures.shown.items()
        for category in categories
    }
    return totals | rows


def _counted(every: Mapping[str | None, DashboardFigures]) -> dict[str, int]:
    """Figures and suppressed figures, each dashboard's own, summed (the nation's apart)."""
    counted = dict.fromkeys(COUNTED, 0)
    for dashboard, figures in every.items():
        own = _own_figures(figures)
        hidden = sum(figures.pattern[quantity] for quantity in own)
        counted["figures"] += len(own)
        counted["suppressed"] += hidden
        if dashboard is None:
            counted["national figures"] = len(own)
            counted["national suppressed"] = hidden
    return counted


def _measure(
    store: Path, quarters: int, runs: int, rules: DisclosureRules, progress: Progress
) -> tuple[dict[str, dict[str, Any]], int]:
    """Seconds per run and figures per quarter of each mode (the modes in turn first), and
    how many organisations have referrals."""
    import duckdb

    from msht.analytics.engine.dashboard import available_quarters, organisations_with_referrals

    protectors: dict[str, Callable[..., Protected]] = {"apart": _apart, "together": _together}
    measured: dict[str, dict[str, Any]] = {
        mode: {"seconds": {}, "counts": {}, "varied": False} for mode in MODES
    }
    with duckdb.connect(str(store), read_only=True) as connection:
        chosen = available_quarters(connection)[:quarters]
        organisations = organisations_with_referrals(connection)
        task = progress.add_task("Protecting", total=runs * len(chosen) * len(MODES))
        for run in range(runs):
            order = MODES if run % 2 == 0 else MODES[::-1]
            for quarter in chosen:
                for mode in order:
                    progress.update(task, description=f"Run {run + 1}, {quarter}, {mode}")
                    started = time.perf_counter()
                    every = protectors[mode](connection, quarter, organisations, rules)
                    seconds = time.perf_counter() - started
                    measured[mode]["seconds"].setdefault(str(quarter), []).append(seconds)
                    counted = _counted(every)
                    earlier = measured[mode]["counts"].setdefault(str(quarter), counted)
                    measured[mode]["varied"] |= earlier != counted
                    progress.advance(task)
    return measured, len(organisations)


def _summary(measured: dict[str, Any]) -> dict[str, Any]:
    """Medians per quarter and of the runs' totals, and the figures summed over quarters."""
    per_run = [sum(run) for run in zip(*measured["seconds"].values(), strict=True)]
    counts: dict[str, int] = {}
    for quarter_counts in measured["counts"].values():
        for key, value in quarter_counts.items():
            counts[key] = counts.get(key, 0) + value
    return {
        "median_seconds": {
            quarter: round(statistics.median(times), 1)
            for quarter, times in measured["seconds"].items()
        },
        "median_seconds_in_all": round(statistics.median(per_run), 1),
        "counts": counts,
    }


def _print(results: dict[str, Any]) -> None:
    table = Table(
        title=f"{results['referrals']} referrals, {results['organisations']} organisations, "
        f"median of {results['runs']} runs"
    )
    table.add_column("mode")
    table.add_column("quarter")
    for column in ("median seconds", *COUNTED):
        table.add_column(column.replace(" ", "\n"), justify="right")
    for mode in MODES:
        measured = results["modes"][mode]
        rows = [
            (quarter, seconds, measured["raw"]["counts"][quarter])
            for quarter, seconds in measured["median_seconds"].items()
        ]
        rows.append(("all", measured["median_seconds_in_all"], measured["counts"]))
        for number, (quarter, seconds, counted) in enumerate(rows, start=1):
            figures = [str(counted[key]) for key in COUNTED]
            table.add_row(
                mode, quarter, f"{seconds:.1f}", *figures, end_section=number == len(rows)
            )
    console = Console()
    console.print(table)
    console.print(f"together / apart: {results['ratio']:.2f}")
    console.print(f"load average at start: {results['load_start']}, at end: {results['load_end']}")
    varied = [mode for mode in MODES if results["modes"][mode]["raw"]["varied"]]
    if varied:
        console.print(f"figures differed between runs: {', '.join(varied)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=5_000)
    parser.add_argument("--quarters", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="msht-dashboard-bench-"))
    # The Django set-up of disclosure_bench's main: a scratch store for the world.
    os.environ["MSHT_VAR_DIR"] = str(work)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msht.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from msht.analytics.engine.disclosure import DisclosureRules
    from msht.analytics.store import dashboard_threshold

    call_command("migrate", verbosity=0)
    rules = DisclosureRules(threshold=dashboard_threshold())
    with Progress() as progress:
        building = progress.add_task(f"A world of {arguments.referrals} referrals", total=None)
        store = _world_store(work, arguments.referrals)
        progress.update(building, total=1, completed=1)
        load_start = [round(load, 2) for load in os.getloadavg()]
        measured, organisations = _measure(
            store, arguments.quarters, arguments.runs, rules, progress
        )
        load_end = [round(load, 2) for load in os.getloadavg()]
    modes = {mode: {**_summary(measured[mode]), "raw": measured[mode]} for mode in MODES}
    apart, together = (modes[mode]["median_seconds_in_all"] for mode in MODES)
    results = {
        "referrals": arguments.referrals,
        "runs": arguments.runs,
        "organisations": organisations,
        "threshold": rules.threshold,
        "load_start": load_start,
        "load_end": load_end,
        "ratio": round(together / apart, 2),
        "modes": modes,
    }
    _print(results)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"written to {RESULTS.relative_to(ROOT)}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
