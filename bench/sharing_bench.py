"""Benchmark of sharing intelligence by rule (not a test): what "working a suspect" costs.

Load a synthetic world into a scratch database first, then point this at it:

    export DATABASE_URL=sqlite:///var/sharing-bench.sqlite3
    .venv/bin/msht migrate && .venv/bin/msht synth --referrals 20000 --out WORLD
    .venv/bin/msht load WORLD && .venv/bin/msht link suspects
    .venv/bin/python bench/sharing_bench.py --runs 5

For an investigator of every organisation that holds suspect records or intelligence,
each run times the reports list scope (every visible report's id) and one report's
permission check (``can`` on the newest report the organisation did not write), under
the rule (msht.accounts.rules.intelligence_visible_to) and under the baseline: the
handling-code-only rule it replaced (code P for every investigator, code C for the
originator and the organisations named). The figures are medians over the runs of the
sum over organisations. It also reports how many reports each rule lets organisations
see. Results go to bench/results/sharing.json (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results" / "sharing.json"


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msht.settings")
    import django

    django.setup()


def _baseline(organisation_id: int) -> Any:
    """The rule before issue 7's sharing: handling code only."""
    from django.db.models import Q

    from msht.intelligence.models import IntelligenceReport

    return IntelligenceReport.objects.filter(
        Q(originating_organisation_id=organisation_id)
        | ~Q(handling_code="C")
        | Q(permitted_organisations__id=organisation_id)
    ).distinct()


def _investigators() -> list[Any]:
    from django.db.models import Q

    from msht.accounts.models import Organisation, Role, User

    organisations = Organisation.objects.filter(
        Q(suspect_records__isnull=False) | Q(intelligence_reports__isnull=False)
    ).distinct()
    users = []
    for organisation in organisations.order_by("code"):
        user, _ = User.objects.get_or_create(
            username=f"sharing-bench-{organisation.code}",
            defaults={"role": Role.INVESTIGATOR, "organisation": organisation},
        )
        users.append(user)
    return users


def _one_run(users: list[Any]) -> dict[str, float]:
    from msht.accounts.rules import Action, can, intelligence_visible_to
    from msht.intelligence.models import IntelligenceReport

    timings = {"rule_list": 0.0, "baseline_list": 0.0, "rule_check": 0.0, "baseline_check": 0.0}
    for user in users:
        started = time.perf_counter()
        list(intelligence_visible_to(user, IntelligenceReport.objects.all()).values_list("pk"))
        timings["rule_list"] += time.perf_counter() - started
        started = time.perf_counter()
        list(_baseline(user.organisation_id).values_list("pk"))
        timings["baseline_list"] += time.perf_counter() - started
        other = (
            IntelligenceReport.objects.exclude(originating_organisation=user.organisation)
            .order_by("-received_on", "-pk")
            .first()
        )
        if other is None:
            continue
        started = time.perf_counter()
        can(user, Action.INTELLIGENCE_VIEW, other)
        timings["rule_check"] += time.perf_counter() - started
        started = time.perf_counter()
        _baseline(user.organisation_id).filter(pk=other.pk).exists()
        timings["baseline_check"] += time.perf_counter() - started
    return timings


def _visibility(users: list[Any]) -> dict[str, Any]:
    from msht.accounts.rules import intelligence_visible_to
    from msht.intelligence.models import IntelligenceReport

    total = IntelligenceReport.objects.count()
    rule = [intelligence_visible_to(u, IntelligenceReport.objects.all()).count() for u in users]
    baseline = [_baseline(u.organisation_id).count() for u in users]
    return {
        "reports": total,
        "organisations": len(users),
        "visible_per_organisation_rule_median": statistics.median(rule) if rule else 0,
        "visible_per_organisation_baseline_median": statistics.median(baseline) if baseline else 0,
        "share_visible_rule": sum(rule) / (total * len(users)) if total and users else 0.0,
        "share_visible_baseline": sum(baseline) / (total * len(users)) if total and users else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    _setup()
    from django.db import connection

    from msht.intelligence.models import SuspectRecord

    users = _investigators()
    _one_run(users)  # warm the database's caches
    runs = [_one_run(users) for _ in range(options.runs)]
    medians = {name: statistics.median(run[name] for run in runs) for name in runs[0]}
    result = {
        "database": connection.vendor,
        "suspect_records": SuspectRecord.objects.count(),
        "linked_suspect_records": SuspectRecord.objects.exclude(entity=None).count(),
        **_visibility(users),
        "runs": options.runs,
        "seconds_median": {name: round(value, 4) for name, value in medians.items()},
        "ratio_list": round(medians["rule_list"] / medians["baseline_list"], 2),
        "ratio_check": round(medians["rule_check"] / medians["baseline_check"], 2)
        if medians["baseline_check"]
        else None,
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
    }
    print(json.dumps(result, indent=2))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
