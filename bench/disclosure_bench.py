"""How many figures disclosure control suppresses (not a test): primary and secondary
suppressions per table of one quarter's publication and of the national dashboard, over an
analytics store (``msht analytics refresh``) or a synthetic world built for the purpose.

    .venv/bin/python bench/disclosure_bench.py --referrals 5000 20000
    .venv/bin/python bench/disclosure_bench.py --store var/analytics.duckdb

A world is generated (``msht.synth``, seed 6), loaded into a scratch SQLite store and
snapshotted, as ``bench/publish_bench.py`` does. "Primary" counts the figures suppressed by
rules 1 and 2 of ``msht.analytics.engine.disclosure`` (small counts, disclosive zeros);
"secondary" the partners chosen so that no suppressed figure can be recovered. People
counts are reported apart (``protect_distinct_counts``). Results are printed and written to
bench/results/disclosure.json (git-ignored).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "disclosure.json"
QUARTER = "2024Q3"
WORLD_SEED = 6
REFERENCE_DATA_MIGRATIONS = (
    "msht.core.migrations.0002_reference_data",
    "msht.accounts.migrations.0002_organisations",
)


def _world_store(work: Path, referrals: int) -> Path:
    """A snapshot of a synthetic world of ``referrals`` referrals, through the real refresh."""
    from django.apps import apps
    from django.core.management import call_command

    from msht.analytics.services import analytics_refresh
    from msht.synth.engine import generate_world
    from msht.synth.services import world_load

    # Each world alone in the store: empty it, then put the reference data back (the data
    # migrations' loaders, which flush removes).
    call_command("flush", interactive=False, verbosity=0)
    for module in REFERENCE_DATA_MIGRATIONS:
        importlib.import_module(module).load(apps, None)
    world = work / f"world-{referrals}"
    generate_world(world, referrals=referrals, seed=WORLD_SEED)
    world_load(None, directory=world)
    store = work / f"store-{referrals}.duckdb"
    # The bench protects what it measures itself; the store's own dashboards are not needed.
    analytics_refresh(None, out=store, dashboards=False)
    return store


def _tally(pattern: Mapping[Any, bool], primary: set[Any], table: Any) -> dict[str, dict[str, int]]:
    """Figures, primary and secondary suppressions per table (``table(quantity)``)."""
    figures: Counter[str] = Counter()
    first: Counter[str] = Counter()
    second: Counter[str] = Counter()
    for quantity, hidden in pattern.items():
        key = table(quantity)
        figures[key] += 1
        if hidden and quantity in primary:
            first[key] += 1
        elif hidden:
            second[key] += 1
    tables = {
        key: {"figures": figures[key], "primary": first[key], "secondary": second[key]}
        for key in sorted(figures)
    }
    tables["all"] = {
        "figures": sum(figures.values()),
        "primary": sum(first.values()),
        "secondary": sum(second.values()),
    }
    return tables


def _publication(store: Path) -> dict[str, Any]:
    """The release of QUARTER, with no earlier publication."""
    import duckdb

    from msht.analytics.engine.disclosure import DisclosureRules
    from msht.analytics.engine.layout import protect_release
    from msht.analytics.engine.periods import Quarter, publication_periods
    from msht.analytics.engine.tables import compute_release

    quarter = Quarter.parse(QUARTER)
    rules = DisclosureRules(threshold=10)
    with duckdb.connect(str(store), read_only=True) as connection:
        release = compute_release(connection, quarter)
    started = time.perf_counter()
    protected = protect_release(release, rules)
    seconds = time.perf_counter() - started
    periods = {
        tuple(str(q) for q in period.quarters): period.key
        for period in publication_periods(quarter)
    }
    primary = {
        quantity
        for quantity in protected.pattern
        if not rules.publishable(release.systems[quantity.system].value(quantity))
    }
    primary |= _disclosive_zeros(release, rules)
    people_primary = {q for q, n in release.people.items() if not rules.publishable(n)}

    def table(quantity: Any) -> str:
        period = periods.get(quantity.span, "series")
        return f"{quantity.system} {quantity.family} {period}"

    return {
        "seconds": round(seconds, 1),
        "counts": _tally(protected.pattern, primary, table),
        "people": _tally(protected.people_pattern, people_primary, table)["all"],
    }


def _disclosive_zeros(release: Any, rules: Any) -> set[Any]:
    from msht.analytics.engine import disclosure

    flagged: set[Any] = set()
    for name, wanted in release.wanted.items():
        flagged |= disclosure._disclosive_zero_rows(release.systems[name], wanted, rules)
    return flagged


def _dashboard(store: Path) -> dict[str, Any]:
    """The national dashboard of QUARTER: every view at once."""
    import duckdb

    from msht.analytics.engine.dashboard import protect_dashboard
    from msht.analytics.engine.disclosure import ALL, DisclosureRules
    from msht.analytics.engine.periods import Quarter

    rules = DisclosureRules(threshold=10)
    with duckdb.connect(str(store), read_only=True) as connection:
        started = time.perf_counter()
        figures = protect_dashboard(
            connection, Quarter.parse(QUARTER), organisation=None, rules=rules
        )
        seconds = time.perf_counter() - started
    primary = {
        quantity
        for quantity in figures.pattern
        if not rules.publishable(figures.referrals.value(quantity))
    }
    people_primary = {q for q, n in figures.people.items() if not rules.publishable(n)}

    def table(quantity: Any) -> str:
        return "trend" if quantity.family == ALL else quantity.family

    return {
        "seconds": round(seconds, 1),
        "counts": _tally(figures.pattern, primary, table),
        "people": _tally(figures.people_pattern, people_primary, table)["all"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, nargs="*", default=[5_000, 20_000])
    parser.add_argument("--store", type=Path, nargs="*", default=[])
    arguments = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="msht-disclosure-bench-"))
    os.environ["MSHT_VAR_DIR"] = str(work)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msht.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    stores = {str(path): path for path in arguments.store}
    if not arguments.store:
        call_command("migrate", verbosity=0)
        stores = {f"{n} referrals": _world_store(work, n) for n in arguments.referrals}
    results: dict[str, Any] = {"quarter": QUARTER, "stores": {}}
    for name, store in stores.items():
        figures = {"publication": _publication(store), "dashboard": _dashboard(store)}
        results["stores"][name] = figures
        for part, measured in figures.items():
            print(f"{name}, {part} ({measured['seconds']} s):")
            for key, row in measured["counts"].items():
                print(f"  {key}: {row}")
            print(f"  people: {measured['people']}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
