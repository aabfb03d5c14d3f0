"""Policy rules declared once: each has a name, a default, help text, a source and a version.

A rule that changed over time is *dated*: ``value_on(day)`` gives the value in
force on that day. Every decision or publication stores ``RULES_VERSION`` (and
may store the dated rule's own version) so it can be read under the rules it
was made under.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class DatedValue(Generic[T]):
    """A value in force from ``starts_on`` until the next one starts."""

    starts_on: dt.date
    value: T
    version: str


@dataclass(frozen=True)
class PolicyRule(Generic[T]):
    """One policy rule with its default and where it comes from."""

    name: str
    default: T
    help_text: str
    source: str
    version: str
    history: tuple[DatedValue[T], ...] = field(default=())

    def value_on(self, day: dt.date) -> T:
        """The value in force on ``day`` (the default when the rule has no history)."""
        current = self.default
        for dated in sorted(self.history, key=lambda entry: entry.starts_on):
            if dated.starts_on <= day:
                current = dated.value
        return current

    def version_on(self, day: dt.date) -> str:
        """The version of the rule in force on ``day``."""
        current = self.version
        for dated in sorted(self.history, key=lambda entry: entry.starts_on):
            if dated.starts_on <= day:
                current = dated.version
        return current


RG_DECISION_WORKING_DAYS = PolicyRule(
    name="rg_decision_working_days",
    default=5,
    help_text="Target for a Reasonable Grounds decision, in working days from the referral.",
    source="DOMAIN.md, NRM step 3; Modern Slavery Statutory Guidance",
    version="2019-04-29",
)

RG_TEST = PolicyRule(
    name="rg_test",
    default="suspect but cannot prove",
    help_text="The Reasonable Grounds test in force.",
    source="Nationality and Borders Act 2022 s.60; statutory guidance revisions of 2023",
    version="2019-04-29",
    history=(
        DatedValue(dt.date(2019, 4, 29), "suspect but cannot prove", "2019-04-29"),
        DatedValue(
            dt.date(2023, 1, 30),
            "reasonable grounds to believe the person is a victim",
            "2023-01-30",
        ),
        DatedValue(
            dt.date(2023, 7, 10),
            "reasonable grounds to believe, on objective evidence where available",
            "2023-07-10",
        ),
    ),
)

RECOVERY_PERIOD_DAYS = PolicyRule(
    name="recovery_period_days",
    default=45,
    help_text="Minimum recovery period after a positive RG decision, in calendar days "
    "(England and Wales; Scotland and Northern Ireland differ, see the nation rules).",
    source="DOMAIN.md, NRM step 4; Nationality and Borders Act 2022",
    version="2022-12-13",
    history=(
        DatedValue(dt.date(2009, 4, 1), 45, "2009-04-01"),
        DatedValue(dt.date(2022, 12, 13), 30, "2022-12-13"),
    ),
)

RECOVERY_PERIOD_DAYS_SCOTLAND = PolicyRule(
    name="recovery_period_days_scotland",
    default=90,
    help_text="Minimum recovery and reflection period in Scotland, in calendar days.",
    source="Human Trafficking and Exploitation (Scotland) Act 2015 s.9 and regulations",
    version="2018-04-01",
)

RECOVERY_PERIOD_DAYS_NORTHERN_IRELAND = PolicyRule(
    name="recovery_period_days_northern_ireland",
    default=45,
    help_text="Minimum recovery and reflection period in Northern Ireland, in calendar days.",
    source="Human Trafficking and Exploitation (NI) Act 2015 s.18",
    version="2015-01-13",
)

CG_TARGET_DAYS = PolicyRule(
    name="cg_target_days",
    default=90,
    help_text="Target for a Conclusive Grounds decision, in calendar days after the positive "
    "RG decision; later CG decisions count as overdue (and bound CG reconsiderations).",
    source="MSHT service standard (no statutory limit: DOMAIN.md, NRM 5 notes median waits "
    "of 526 days in 2023, which this target makes visible as overdue)",
    version="1",
)

RECONSIDERATION_WINDOW_DAYS = PolicyRule(
    name="reconsideration_window_days",
    default=30,
    help_text="Calendar days after a negative RG or CG decision in which reconsideration "
    "may be requested (later only in exceptional circumstances).",
    source="DOMAIN.md, NRM step 6",
    version="2019-04-29",
)

IMMIGRATION_ENFORCEMENT_MAY_NOT_DECIDE = PolicyRule(
    name="immigration_enforcement_may_not_decide",
    default=True,
    help_text="No one working in an immigration enforcement function may make an NRM decision.",
    source="DOMAIN.md, 'Who decides'; APPG and inspection reports on independence",
    version="1",
)

DECISION_MAKER_MAY_NOT_DECIDE_OWN_REFERRAL = PolicyRule(
    name="decision_maker_may_not_decide_own_referral",
    default=True,
    help_text="A decision maker may not decide a case referred by their own organisation.",
    source="DOMAIN.md, 'Who decides' (separation of duties)",
    version="1",
)

CHILD_AGE_LIMIT = PolicyRule(
    name="child_age_limit",
    default=18,
    help_text="Under this age at the time of exploitation a person is a child: no consent needed.",
    source="DOMAIN.md, NRM step 1",
    version="1",
)

INSPECTION_RESPONSE_WEEKS = PolicyRule(
    name="inspection_response_weeks",
    default=8,
    help_text="Weeks from receiving an inspection report to publishing it with the response.",
    source="Ministerial commitment of 2014 (DOMAIN.md, Governance)",
    version="2014",
)

DISCLOSURE_MINIMUM_COUNT = PolicyRule(
    name="disclosure_minimum_count",
    default=10,
    help_text="Published counts below this are suppressed (with secondary suppression).",
    source="DOMAIN.md, 'The national picture'; GSS disclosure control guidance; ONS 10-5 rule "
    "(issue 6: counts under 10)",
    version="2",
)

RETENTION_YEARS_POSITIVE_CG = PolicyRule(
    name="retention_years_positive_cg",
    default=25,
    help_text="Years after a positive Conclusive Grounds decision before the case is anonymised.",
    source="MSHT's choice (DOMAIN.md names no period), for the data protection officer to "
    "confirm: a confirmed victim relies on the decision for years (the MSA 2015 s.45 defence, "
    "leave to remain as a victim, compensation), and a child's record must outlast adulthood",
    version="1",
)

RETENTION_YEARS_NEGATIVE = PolicyRule(
    name="retention_years_negative",
    default=6,
    help_text="Years after a negative or withdrawn final decision before the case is anonymised.",
    source="MSHT's choice: the six-year limitation period (Limitation Act 1980 s.2) covers "
    "reconsideration, judicial review and claims about how the case was handled",
    version="1",
)

RETENTION_YEARS_AGENCY_EXPORT = PolicyRule(
    name="retention_years_agency_export",
    default=6,
    help_text="Years after an agency export last changed a record before the row is "
    "anonymised (the agency keeps its own copy).",
    source="MSHT's choice, aligned with retention_years_negative: a copy for linkage and "
    "statistics, not the record of the case",
    version="1",
)

RETENTION_YEARS_INTELLIGENCE = PolicyRule(
    name="retention_years_intelligence",
    default=6,
    help_text="Years after the last activity before intelligence, and suspects with no "
    "conviction, are deleted (or anonymised where a Pursue outcome still counts them).",
    source="College of Policing APP, Management of Police Information (MoPI): group 3 "
    "review period of six years",
    version="1",
)

RETENTION_CONVICTED_SUSPECT_AGE = PolicyRule(
    name="retention_convicted_suspect_age",
    default=100,
    help_text="A suspect convicted of a modern slavery offence is kept until this age "
    "(never, automatically, when the year of birth is not known).",
    source="MoPI group 1 (serious specified offences): retained until the subject is 100",
    version="1",
)

RULES: tuple[PolicyRule[object], ...] = (
    RG_DECISION_WORKING_DAYS,
    RG_TEST,
    RECOVERY_PERIOD_DAYS,
    RECOVERY_PERIOD_DAYS_SCOTLAND,
    RECOVERY_PERIOD_DAYS_NORTHERN_IRELAND,
    CG_TARGET_DAYS,
    RECONSIDERATION_WINDOW_DAYS,
    IMMIGRATION_ENFORCEMENT_MAY_NOT_DECIDE,
    DECISION_MAKER_MAY_NOT_DECIDE_OWN_REFERRAL,
    CHILD_AGE_LIMIT,
    INSPECTION_RESPONSE_WEEKS,
    DISCLOSURE_MINIMUM_COUNT,
    RETENTION_YEARS_POSITIVE_CG,
    RETENTION_YEARS_NEGATIVE,
    RETENTION_YEARS_AGENCY_EXPORT,
    RETENTION_YEARS_INTELLIGENCE,
    RETENTION_CONVICTED_SUSPECT_AGE,
)  # type: ignore[assignment]

# Bumped whenever a rule above is added or changes; decisions store it.
RULES_VERSION = "2026.3"


def rules_version_on(day: dt.date) -> str:
    """The version string a decision made on ``day`` stores: the set's version and dated rules."""
    dated = ",".join(f"{rule.name}={rule.version_on(day)}" for rule in RULES if rule.history)
    return f"{RULES_VERSION};{dated}"
