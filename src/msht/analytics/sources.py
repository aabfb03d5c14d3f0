"""The extract queries behind the analytics store: only the columns the statistics need.

No name, alias, date of birth, identifier, phone, address, narrative or crime reference is
selected; ids are selected only to be replaced by pseudonyms (engine.snapshot). The SQL is
portable between SQLite and PostgreSQL.
"""

from __future__ import annotations

import pyarrow as pa

from msht.accounts.models import Organisation, OrganisationType
from msht.analytics.extract import arrow_from_query
from msht.core.models import ExploitationType, Nationality, PoliceForceArea
from msht.core.reference import AgeGroup, ExploitationLocation, Gender, UkNation
from msht.decisions.models import DecisionOutcome, DecisionStage

QUERIES: dict[str, str] = {
    # Drafts are not yet referrals (status 'draft', ReferralStatus.DRAFT).
    "referrals": """
        SELECT r.id, r.person_record_id, CAST(p.entity_id AS TEXT) AS entity_id,
               r.referred_on, r.status, r.age_group_at_exploitation AS age_group, p.gender,
               r.county_lines, r.exploitation_location, r.immigration_status, r.nation,
               fr.code AS organisation_code, fr.organisation_type,
               ca.code AS competent_authority
        FROM referrals_referral r
        JOIN referrals_personrecord p ON p.id = r.person_record_id
        JOIN accounts_organisation fr ON fr.id = r.first_responder_organisation_id
        LEFT JOIN accounts_organisation ca ON ca.id = r.competent_authority_id
        WHERE r.status <> 'draft'
    """,
    "nationalities": """
        SELECT pn.personrecord_id AS person_record_id, pn.id AS link_id, n.code
        FROM referrals_personrecord_nationalities pn
        JOIN core_nationality n ON n.id = pn.nationality_id
    """,
    "referral_exploitation_types": """
        SELECT rt.referral_id, t.code
        FROM referrals_referral_exploitation_types rt
        JOIN core_exploitationtype t ON t.id = rt.exploitationtype_id
    """,
    "places": """
        SELECT ep.id AS place_id, ep.referral_id, pfa.code AS pfa_code, pfa.nation AS pfa_nation,
               c.code AS country_code
        FROM referrals_exploitationplace ep
        LEFT JOIN core_policeforcearea pfa ON pfa.id = ep.police_force_area_id
        LEFT JOIN core_nationality c ON c.id = ep.country_id
    """,
    "duty_to_notify": """
        SELECT d.id, d.reported_on, o.code AS organisation_code, o.organisation_type, d.gender,
               n.code AS nationality, d.exploitation_location, pfa.code AS pfa_code,
               pfa.nation AS pfa_nation
        FROM referrals_dutytonotifyreport d
        JOIN accounts_organisation o ON o.id = d.organisation_id
        LEFT JOIN core_nationality n ON n.id = d.nationality_id
        LEFT JOIN core_policeforcearea pfa ON pfa.id = d.police_force_area_id
    """,
    "duty_to_notify_exploitation_types": """
        SELECT dt.dutytonotifyreport_id AS report_id, t.code
        FROM referrals_dutytonotifyreport_exploitation_types dt
        JOIN core_exploitationtype t ON t.id = dt.exploitationtype_id
    """,
    "decisions": """
        SELECT d.id, d.referral_id, d.stage, d.outcome, d.started_on, d.decided_on,
               d.assurance_status, u.code AS unit_code, r.nation
        FROM decisions_decision d
        JOIN referrals_referral r ON r.id = d.referral_id
        JOIN accounts_organisation u ON u.id = d.decision_making_unit_id
        WHERE r.status <> 'draft'
    """,
}


def _labels() -> pa.Table:
    """Reference lists as (dimension, code, label, display_order): no personal data."""
    rows: list[tuple[str, str, str, int]] = []

    def add_choices(dimension: str, choices: list[tuple[str, str]]) -> None:
        rows.extend((dimension, code, label, order) for order, (code, label) in enumerate(choices))

    add_choices("age_group", list(AgeGroup.choices))
    add_choices("gender", list(Gender.choices))
    add_choices("nation", list(UkNation.choices))
    add_choices("exploitation_location", list(ExploitationLocation.choices))
    add_choices("organisation_type", list(OrganisationType.choices))
    add_choices("stage", list(DecisionStage.choices))
    add_choices("outcome", list(DecisionOutcome.choices))
    types = list(ExploitationType.objects.values_list("code", "name", "display_order"))
    rows.extend(("exploitation_type", code, name, order) for code, name, order in types)
    rows.append(("exploitation_type", "multiple", "More than one type", 1000))
    nationalities = Nationality.objects.values_list("code", "name")
    rows.extend(("nationality", code, name, 0) for code, name in nationalities)
    areas = PoliceForceArea.objects.values_list("code", "name")
    rows.extend(("police_force_area", code, name, 0) for code, name in areas)
    organisations = Organisation.objects.values_list("code", "name")
    rows.extend(("organisation", code, name, 0) for code, name in organisations)
    dimension, code, label, order = zip(*rows, strict=True)
    return pa.table(
        {
            "dimension": pa.array(dimension, pa.string()),
            "code": pa.array(code, pa.string()),
            "label": pa.array(label, pa.string()),
            "display_order": pa.array(order, pa.int32()),
        }
    )


def extract_store() -> dict[str, pa.Table]:
    """Every raw extract the snapshot needs, read through ADBC (committed data only)."""
    raw = {name: arrow_from_query(sql) for name, sql in QUERIES.items()}
    raw["labels"] = _labels()
    return raw
