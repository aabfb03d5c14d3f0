"""The files of a written world: their names and columns.

Store files are what agencies would send; truth files (names contain ``truth``) say who
is really who and are never loaded. Multi-valued cells separate values with ``;``
(``|`` for addresses and business names, which may hold commas or semicolons).
"""

from __future__ import annotations

from dataclasses import dataclass

FORMAT = "msht-synth-world"
FORMAT_VERSION = 1
# 2: names have a long tail of rarer names (names.rare_names), as real names do.
GENERATOR_VERSION = "2"
MANIFEST = "world.json"
LIST_SEPARATOR = ";"
ADDRESS_SEPARATOR = "|"


@dataclass(frozen=True)
class FileSpec:
    """One CSV file: its name, its columns and which columns hold free text."""

    name: str
    columns: tuple[str, ...]
    text_columns: frozenset[str] = frozenset()

    @property
    def is_truth(self) -> bool:
        """Truth files have 'truth' in their name and are never loaded."""
        return "truth" in self.name


_PERSON_COLUMNS = (
    "given_names",
    "family_name",
    "aliases",
    "birth_year",
    "birth_month",
    "birth_day",
    "birth_date_is_estimated",
    "gender",
)
_PERSON_TEXT = frozenset(
    {"given_names", "family_name", "aliases", "address_lines", "address_town", "narrative"}
)

REFERRALS = FileSpec(
    "referrals.csv",
    (
        "reference",
        "first_responder_organisation",
        "competent_authority",
        "referred_on",
        "consent_given",
        "age_group_at_exploitation",
        "exploitation_types",
        "county_lines",
        "exploitation_location",
        "exploitation_places",
        "exploitation_started_on",
        "exploitation_ended_on",
        "exploitation_is_ongoing",
        "immigration_status",
        "ilo_indicators",
        "narrative",
        "police_crime_reference",
        "nation",
        *_PERSON_COLUMNS,
        "nationalities",
        "home_office_reference",
        "pnc_id",
        "passport_number",
        "phone_numbers",
        "address_lines",
        "address_town",
        "address_postcode",
    ),
    _PERSON_TEXT | {"exploitation_places"},
)

DECISIONS = FileSpec(
    "decisions.csv",
    (
        "reference",
        "referral_reference",
        "stage",
        "outcome",
        "decision_making_unit",
        "started_on",
        "deadline",
        "decided_on",
        "reconsideration_of",
        "multi_agency_panel_reviewed",
        "reasons",
    ),
    frozenset({"reasons"}),
)

DUTY_TO_NOTIFY = FileSpec(
    "duty_to_notify.csv",
    (
        "reference",
        "organisation",
        "reported_on",
        "gender",
        "nationality",
        "exploitation_types",
        "exploitation_location",
        "police_force_area",
        "country_of_exploitation",
        "ilo_indicators",
    ),
)

SUSPECT_RECORDS = FileSpec(
    "suspect_records.csv",
    (
        "source_reference",
        "source_organisation",
        *_PERSON_COLUMNS,
        "nationality",
        "pnc_id",
        "passport_number",
        "phone_numbers",
        "address_lines",
        "address_town",
        "address_postcode",
        "vehicles",
        "role",
        "linked_referrals",
    ),
    _PERSON_TEXT,
)

INTELLIGENCE = FileSpec(
    "intelligence.csv",
    (
        "reference",
        "originating_organisation",
        "received_on",
        "source_evaluation",
        "intelligence_assessment",
        "handling_code",
        "handling_conditions",
        "permitted_organisations",
        "summary",
        "suspect_records",
        "persons",
        "phone_numbers",
        "addresses",
        "vehicles",
        "organisations_named",
    ),
    frozenset({"handling_conditions", "summary", "addresses", "organisations_named"}),
)

PURSUE_OUTCOMES = FileSpec(
    "pursue_outcomes.csv",
    (
        "outcome_type",
        "agency",
        "suspect_record",
        "network_reference",
        "occurred_on",
        "offence",
        "notes",
    ),
    frozenset({"notes"}),
)

TRUTH_PEOPLE = FileSpec(
    "truth_people.csv",
    (
        "person_id",
        "status",
        "household_id",
        "given_names",
        "family_name",
        "birth_date",
        "gender",
        "nationality",
        "age_group",
        "phone",
        "address",
        "home_office_reference",
        "pnc_id",
        "passport_number",
        "first_referred_on",
    ),
    frozenset({"given_names", "family_name", "address"}),
)

TRUTH_REFERRALS = FileSpec(
    "truth_referrals.csv",
    (
        "referral_reference",
        "person_id",
        "is_repeat",
        "household_id",
        "network_id",
        "name_variation",
        "birth_date_variation",
        "missing_fields",
    ),
)

TRUTH_DUTY_TO_NOTIFY = FileSpec("truth_duty_to_notify.csv", ("dtn_reference", "person_id"))

TRUTH_SUSPECTS = FileSpec(
    "truth_suspects.csv",
    (
        "suspect_id",
        "network_id",
        "role",
        "given_names",
        "family_name",
        "birth_date",
        "gender",
        "nationality",
    ),
    frozenset({"given_names", "family_name"}),
)

TRUTH_SUSPECT_RECORDS = FileSpec(
    "truth_suspect_records.csv", ("suspect_record_reference", "suspect_id", "network_id")
)

TRUTH_NETWORKS = FileSpec(
    "truth_networks.csv",
    (
        "network_id",
        "exploitation_type",
        "nationality",
        "police_force_area",
        "active_from",
        "active_to",
        "size",
    ),
)

TRUTH_OPERATIONS = FileSpec("truth_operations.csv", ("network_reference", "network_id"))

STORE_FILES: tuple[FileSpec, ...] = (
    REFERRALS,
    DECISIONS,
    DUTY_TO_NOTIFY,
    SUSPECT_RECORDS,
    INTELLIGENCE,
    PURSUE_OUTCOMES,
)
TRUTH_FILES: tuple[FileSpec, ...] = (
    TRUTH_PEOPLE,
    TRUTH_REFERRALS,
    TRUTH_DUTY_TO_NOTIFY,
    TRUTH_SUSPECTS,
    TRUTH_SUSPECT_RECORDS,
    TRUTH_NETWORKS,
    TRUTH_OPERATIONS,
)
ALL_FILES: tuple[FileSpec, ...] = STORE_FILES + TRUTH_FILES
