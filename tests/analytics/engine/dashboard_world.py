"""A small analytics store of random referrals for the dashboard tests: the tables the
dashboards read (referrals, decisions, labels), with nations, types and breakdowns."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import duckdb

from msht.analytics.engine.periods import Quarter

QUARTER = Quarter.parse("2024Q3")
EARLIER = "2024Q2"
THRESHOLD = 10
NATIONS = ("england", "wales", "scotland", "northern_ireland")
PLACES = (*NATIONS, "overseas_only", "not_recorded")
TYPES = ("labour", "sexual", "criminal", "multiple")
FAMILIES = ("age_group", "gender", "exploitation_type", "nationality", "first_responder_type")

Codes = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class Referral:
    key: str
    quarter: str
    place: str
    kind: str
    organisation: str
    attributes: dict[str, str]


def random_referrals(
    count: int,
    quarter: str,
    rng: random.Random,
    codes: Codes,
    organisations: Mapping[str, int] | None = None,
) -> list[Referral]:
    """``count`` referrals of ``quarter``; the first codes of each family are the commonest.
    With ``organisations`` (code: weight) each is drawn a first responder organisation,
    otherwise all are Leicester's."""
    rows = []
    for number in range(count):
        attributes = {
            family: rng.choices(values, weights=[2**-i for i in range(len(values))])[0]
            for family, values in codes.items()
        }
        place = rng.choices(PLACES, weights=[60, 15, 10, 5, 5, 5])[0]
        kind = rng.choices(TYPES, weights=[40, 30, 20, 10])[0]
        organisation = (
            rng.choices(list(organisations), weights=list(organisations.values()))[0]
            if organisations
            else "leicester"
        )
        rows.append(Referral(f"{quarter}-{number}", quarter, place, kind, organisation, attributes))
    return rows


def store_of(
    referrals: Sequence[Referral], codes: Codes, rng: random.Random
) -> duckdb.DuckDBPyConnection:
    """An in-memory analytics store holding ``referrals``, RG decisions for about 60% of
    them, and the labels of every code."""
    connection = duckdb.connect()
    connection.execute(
        "CREATE TABLE referrals (referral_key VARCHAR, person_key VARCHAR, person_linked BOOLEAN,"
        " quarter VARCHAR, age_group VARCHAR, gender VARCHAR, exploitation_type VARCHAR,"
        " nationality VARCHAR, first_responder_type VARCHAR, first_responder_organisation"
        " VARCHAR, nation_of_exploitation VARCHAR, exploitation_location VARCHAR)"
    )
    connection.executemany(
        "INSERT INTO referrals VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                r.key,
                f"person-{r.key}",
                False,
                r.quarter,
                r.attributes["age_group"],
                r.attributes["gender"],
                r.kind,
                r.attributes["nationality"],
                r.attributes["first_responder_type"],
                r.organisation,
                r.place if r.place in NATIONS else None,
                "overseas_only" if r.place == "overseas_only" else "uk",
            )
            for r in referrals
        ],
    )
    connection.execute(
        "CREATE TABLE decisions (referral_key VARCHAR, stage VARCHAR, issued BOOLEAN,"
        " quarter_decided VARCHAR, working_days_taken INTEGER)"
    )
    connection.executemany(
        "INSERT INTO decisions VALUES (?, 'rg', TRUE, ?, ?)",
        [(r.key, str(QUARTER), rng.randint(1, 40)) for r in referrals if rng.random() < 0.6],
    )
    connection.execute(
        "CREATE TABLE labels (dimension VARCHAR, code VARCHAR, label VARCHAR, display_order INT)"
    )
    labels = [("exploitation_type", code) for code in TYPES]
    vocabulary = {"first_responder_type": "organisation_type"}
    labels.extend(
        (vocabulary.get(family, family), code)
        for family, values in codes.items()
        for code in values
    )
    labels.extend(("nation", code) for code in PLACES)
    connection.executemany(
        "INSERT INTO labels VALUES (?, ?, ?, ?)",
        [(dimension, code, code, order) for order, (dimension, code) in enumerate(labels)],
    )
    return connection


def world_of(
    codes: Codes, organisations: Mapping[str, int] | None = None
) -> tuple[duckdb.DuckDBPyConnection, list[Referral]]:
    """The dashboard tests' world: 360 random referrals in ``QUARTER`` and 300 in
    ``EARLIER`` (``random_referrals``), in a store of their own (``store_of``)."""
    rng = random.Random(6)
    referrals = [
        *random_referrals(360, str(QUARTER), rng, codes, organisations),
        *random_referrals(300, EARLIER, rng, codes, organisations),
    ]
    return store_of(referrals, codes, rng), referrals
