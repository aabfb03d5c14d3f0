"""Linkage runs and clerical pairs for the tests of the pages that show them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from msht.linkage.models import ClericalPair, LinkageKind, LinkageRun
from tests.referrals.factories import PersonRecordFactory

MODEL = {
    "probability_two_random_records_match": 0.001,
    "comparisons": [
        {
            "output_column_name": "name",
            "comparison_description": "names",
            "comparison_levels": [
                {"sql_condition": "x is null", "is_null_level": True},
                {"sql_condition": "a", "label_for_charts": "Same names", "m_probability": 0.6,
                 "u_probability": 0.001},
                {"sql_condition": "else", "label_for_charts": "All other", "m_probability": 0.4,
                 "u_probability": 0.999},
            ],
        }
    ],
}  # fmt: skip


def linkage_run() -> LinkageRun:
    """A finished persons run of a tiny model, with one pair for review in its counts."""
    now = timezone.now()
    return LinkageRun.objects.create(
        kind=LinkageKind.PERSONS,
        engine="duckdb",
        started_at=now - dt.timedelta(minutes=1),
        finished_at=now,
        upper_threshold=0.9,
        lower_threshold=0.5,
        model=MODEL,
        counts={"records": 2, "pairs_scored": 1, "pairs_linked": 0, "pairs_for_review": 1},
        metrics={"entities_before": 0, "entities_after": 2, "clerical": {"decided": 0}},
        timings={"train": 1.0, "total": 2.0},
    )


def person_pair() -> ClericalPair:
    """Ana and Anna Popescu, a persons pair between the thresholds awaiting a reviewer."""
    first = PersonRecordFactory.create(given_names="Ana", family_name="Popescu")
    second = PersonRecordFactory.create(given_names="Anna", family_name="Popescu")
    return ClericalPair.objects.create(
        kind=LinkageKind.PERSONS,
        record_l_id=first.pk,
        record_r_id=second.pk,
        run=linkage_run(),
        match_probability=0.7,
        match_weight=1.2,
        evidence=[{"comparison": "name", "level": "Names nearly the same", "match_weight": 7.0}],
    )
