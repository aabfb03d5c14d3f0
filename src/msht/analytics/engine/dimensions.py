"""The tables of the quarterly release: which population, split by what, and the field behind it.

Modelled on the Home Office "Modern Slavery: National Referral Mechanism and Duty to
Notify statistics" (DOMAIN.md, 'The national picture'). Each table is a split of one
population (referrals, Duty to Notify reports, RG decisions, CG decisions) into rows,
with one column per age group at exploitation (per gender for Duty to Notify, whose
reports are all adults). Every member of the population falls in exactly one row,
so the rows of every table add up to the same totals (disclosure.py relies on it).
"""

from __future__ import annotations

from dataclasses import dataclass

NOT_RECORDED = "not_recorded"
OVERSEAS_ONLY = "overseas_only"

# Where exploitation happened, for the rows of the nation and police force area tables:
# the first UK place, else overseas only, else not recorded.
_OUTSIDE_UK = (
    f"CASE WHEN exploitation_location = 'overseas_only' THEN '{OVERSEAS_ONLY}' "
    f"ELSE '{NOT_RECORDED}' END"
)


@dataclass(frozen=True)
class Population:
    """A population the release counts: its source relation, date and columns."""

    key: str
    noun: str
    source: str
    column_expression: str
    column_dimension: str
    column_codes: tuple[str, ...]
    counts_people: bool
    people_note: str


REFERRALS = Population(
    key="referrals",
    noun="referrals",
    source="(SELECT *, quarter AS period_quarter FROM referrals)",
    column_expression="age_group",
    column_dimension="age_group",
    column_codes=("adult", "child", "not_known"),
    counts_people=True,
    people_note="",
)

DUTY_TO_NOTIFY = Population(
    key="duty_to_notify",
    noun="Duty to Notify reports",
    source="(SELECT *, quarter AS period_quarter FROM duty_to_notify)",
    column_expression="gender",
    column_dimension="gender",
    column_codes=("female", "male", "other", "not_known"),
    counts_people=False,
    people_note="Duty to Notify reports are anonymous by law: people cannot be counted ([x]).",
)


def _decisions(stage: str) -> str:
    # The stage is one of two constants below, never input.
    return (
        "(SELECT d.*, r.age_group, r.person_key, d.quarter_decided AS period_quarter "  # noqa: S608
        "FROM decisions d JOIN referrals r USING (referral_key) "
        f"WHERE d.stage = '{stage}' AND d.issued)"
    )


RG_DECISIONS = Population(
    key="rg_decisions",
    noun="Reasonable Grounds decisions",
    source=_decisions("rg"),
    column_expression="age_group",
    column_dimension="age_group",
    column_codes=REFERRALS.column_codes,
    counts_people=False,
    people_note="",
)

CG_DECISIONS = Population(
    key="cg_decisions",
    noun="Conclusive Grounds decisions",
    source=_decisions("cg"),
    column_expression="age_group",
    column_dimension="age_group",
    column_codes=REFERRALS.column_codes,
    counts_people=False,
    people_note="",
)

POPULATIONS = (REFERRALS, DUTY_TO_NOTIFY, RG_DECISIONS, CG_DECISIONS)


@dataclass(frozen=True)
class Dimension:
    """One table: a population split into rows by ``expression``."""

    key: str
    population: Population
    title: str
    row_heading: str
    expression: str
    recorded: str
    field_words: str
    vocabulary: str | None
    fixed_codes: tuple[str, ...] = ()
    note: str = ""


def _rg_band() -> str:
    return (
        "CASE WHEN working_days_taken <= 5 THEN 'wd_0_5' "
        "WHEN working_days_taken <= 20 THEN 'wd_6_20' "
        "WHEN working_days_taken <= 60 THEN 'wd_21_60' ELSE 'wd_61_plus' END"
    )


def _cg_band() -> str:
    return (
        "CASE WHEN days_taken < 90 THEN 'd_0_89' WHEN days_taken < 180 THEN 'd_90_179' "
        "WHEN days_taken < 365 THEN 'd_180_364' WHEN days_taken < 730 THEN 'd_365_729' "
        "ELSE 'd_730_plus' END"
    )


SPECIAL_LABELS = {
    NOT_RECORDED: "Not recorded",
    OVERSEAS_ONLY: "Overseas only",
    "flagged": "County lines flagged",
    "not_flagged": "Not flagged as county lines",
    "wd_0_5": "Up to 5 working days (the target)",
    "wd_6_20": "6 to 20 working days",
    "wd_21_60": "21 to 60 working days",
    "wd_61_plus": "More than 60 working days",
    "d_0_89": "Under 90 days",
    "d_90_179": "90 to 179 days",
    "d_180_364": "180 to 364 days",
    "d_365_729": "1 to 2 years",
    "d_730_plus": "2 years or more",
}

DIMENSIONS = (
    Dimension(
        "nationality",
        REFERRALS,
        "NRM referrals by nationality",
        "Nationality",
        f"coalesce(nationality, '{NOT_RECORDED}')",
        "nationality IS NOT NULL",
        "nationality",
        "nationality",
        note="A person's first recorded nationality.",
    ),
    Dimension(
        "gender",
        REFERRALS,
        "NRM referrals by gender",
        "Gender",
        "gender",
        "gender <> 'not_known'",
        "gender",
        "gender",
        fixed_codes=("female", "male", "other", "not_known"),
    ),
    Dimension(
        "exploitation_type",
        REFERRALS,
        "NRM referrals by exploitation type",
        "Exploitation type",
        "exploitation_type",
        "exploitation_type <> 'not_specified'",
        "exploitation type",
        "exploitation_type",
        fixed_codes=(
            "labour",
            "sexual",
            "criminal",
            "domestic_servitude",
            "organ_harvesting",
            "multiple",
            "not_specified",
        ),
        note="A referral recording more than one type is counted once, as 'More than one type'.",
    ),
    Dimension(
        "county_lines",
        REFERRALS,
        "NRM referrals flagged as county lines",
        "County lines",
        "CASE WHEN county_lines THEN 'flagged' ELSE 'not_flagged' END",
        "county_lines IS NOT NULL",
        "county lines flag",
        None,
        fixed_codes=("flagged", "not_flagged"),
    ),
    Dimension(
        "first_responder_type",
        REFERRALS,
        "NRM referrals by first responder organisation type",
        "First responder organisation type",
        "first_responder_type",
        "first_responder_type IS NOT NULL",
        "first responder organisation",
        "organisation_type",
    ),
    Dimension(
        "nation",
        REFERRALS,
        "NRM referrals by UK nation of exploitation",
        "UK nation of exploitation",
        f"coalesce(nation_of_exploitation, {_OUTSIDE_UK})",
        "(nation_of_exploitation IS NOT NULL OR exploitation_location = 'overseas_only')",
        "place of exploitation",
        "nation",
        fixed_codes=(
            "england",
            "wales",
            "scotland",
            "northern_ireland",
            OVERSEAS_ONLY,
            NOT_RECORDED,
        ),
        note="Where a referral names several places in the UK, the first one recorded.",
    ),
    Dimension(
        "police_force_area",
        REFERRALS,
        "NRM referrals by police force area of exploitation",
        "Police force area of exploitation",
        f"coalesce(police_force_area, {_OUTSIDE_UK})",
        "(police_force_area IS NOT NULL OR exploitation_location = 'overseas_only')",
        "police force area of exploitation",
        "police_force_area",
        note="Where a referral names several places in the UK, the first one recorded.",
    ),
    Dimension(
        "competent_authority",
        REFERRALS,
        "NRM referrals by competent authority",
        "Competent authority",
        f"coalesce(competent_authority, '{NOT_RECORDED}')",
        "competent_authority IS NOT NULL",
        "competent authority",
        "organisation",
    ),
    Dimension(
        "dtn_exploitation_type",
        DUTY_TO_NOTIFY,
        "Duty to Notify reports by exploitation type",
        "Exploitation type",
        "exploitation_type",
        "exploitation_type <> 'not_specified'",
        "exploitation type",
        "exploitation_type",
        fixed_codes=(
            "labour",
            "sexual",
            "criminal",
            "domestic_servitude",
            "organ_harvesting",
            "multiple",
            "not_specified",
        ),
    ),
    Dimension(
        "dtn_nation",
        DUTY_TO_NOTIFY,
        "Duty to Notify reports by UK nation of exploitation",
        "UK nation of exploitation",
        f"coalesce(nation_of_exploitation, {_OUTSIDE_UK})",
        "(nation_of_exploitation IS NOT NULL OR exploitation_location = 'overseas_only')",
        "place of exploitation",
        "nation",
        fixed_codes=(
            "england",
            "wales",
            "scotland",
            "northern_ireland",
            OVERSEAS_ONLY,
            NOT_RECORDED,
        ),
    ),
    Dimension(
        "rg_outcome",
        RG_DECISIONS,
        "Reasonable Grounds decisions by outcome",
        "Outcome",
        "outcome",
        "outcome IS NOT NULL",
        "outcome",
        "outcome",
        fixed_codes=("positive", "negative", "withdrawn"),
    ),
    Dimension(
        "rg_time_taken",
        RG_DECISIONS,
        "Time taken to make Reasonable Grounds decisions",
        "Working days from referral to decision",
        _rg_band(),
        "working_days_taken IS NOT NULL",
        "decision date",
        None,
        fixed_codes=("wd_0_5", "wd_6_20", "wd_21_60", "wd_61_plus"),
        note="Working days exclude weekends and the bank holidays of the nation concerned.",
    ),
    Dimension(
        "cg_outcome",
        CG_DECISIONS,
        "Conclusive Grounds decisions by outcome",
        "Outcome",
        "outcome",
        "outcome IS NOT NULL",
        "outcome",
        "outcome",
        fixed_codes=("positive", "negative", "withdrawn"),
    ),
    Dimension(
        "cg_time_taken",
        CG_DECISIONS,
        "Time taken to make Conclusive Grounds decisions",
        "Calendar days from when the decision fell due",
        _cg_band(),
        "days_taken IS NOT NULL",
        "decision date",
        None,
        fixed_codes=("d_0_89", "d_90_179", "d_180_364", "d_365_729", "d_730_plus"),
        note="Counted from the Reasonable Grounds decision that opened the Conclusive Grounds "
        "decision.",
    ),
)
