"""Pursue outcome counts on the networks page: only the outcomes the reader may read
(issue 7, docs/pursue.md, Pursue outcomes): those against a suspect record, which every
investigator reads on the suspect's page, and their own agency's against an operation."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from msht.accounts.models import Directorate, Organisation, OrganisationType, Role, User
from msht.core.errors import PermissionDeniedError
from msht.intelligence.models import PursueOutcome, PursueOutcomeType, SuspectRecord
from msht.intelligence.selectors import pursue_outcome_counts, suspect_profile
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.intelligence.factories import PursueOutcomeFactory, SuspectRecordFactory

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Scene:
    """Kent disrupts a suspect Border Force recorded; the NCA arrests under its own
    operation, naming no suspect record; Border Force charges the suspect and names its
    operation too. Essex has recorded nothing."""

    kent: Organisation
    nca: Organisation
    border_force: Organisation
    essex: Organisation
    suspect: SuspectRecord


def _scene() -> Scene:
    kent = OrganisationFactory.create(code="kent-test", name="Kent Police (test)")
    nca = OrganisationFactory.create(
        code="nca-test", name="NCA (test)", organisation_type=OrganisationType.NCA
    )
    border_force = OrganisationFactory.create(
        code="bf-test",
        name="Border Force (test)",
        organisation_type=OrganisationType.BORDER_FORCE,
        directorate=Directorate.BORDER_FORCE,
    )
    essex = OrganisationFactory.create(code="essex-test", name="Essex Police (test)")
    suspect = SuspectRecordFactory.create(source_organisation=border_force)
    PursueOutcomeFactory.create(
        agency=kent, suspect_record=suspect, outcome_type=PursueOutcomeType.DISRUPTION
    )
    PursueOutcomeFactory.create(
        agency=nca,
        suspect_record=None,
        network_reference="OP-NCA-COVERT-1",
        outcome_type=PursueOutcomeType.ARREST,
    )
    PursueOutcomeFactory.create(
        agency=border_force,
        suspect_record=suspect,
        network_reference="OP-BF-7",
        outcome_type=PursueOutcomeType.CHARGE,
    )
    return Scene(kent, nca, border_force, essex, suspect)


def _investigator(organisation: Organisation | None) -> User:
    return UserFactory.create(role=Role.INVESTIGATOR, organisation=organisation)


def _counted(reader: User) -> Counter[tuple[str, str]]:
    return Counter(
        {(row.agency, row.outcome_type): row.count for row in pursue_outcome_counts(reader)}
    )


def test_another_agencys_outcome_against_an_operation_is_not_counted_for_the_reader() -> None:
    scene = _scene()

    essex = _counted(_investigator(scene.essex))
    nca = _counted(_investigator(scene.nca))

    assert essex == Counter(
        {("Kent Police (test)", "Disruption"): 1, ("Border Force (test)", "Charge"): 1}
    )
    assert nca == essex + Counter({("NCA (test)", "Arrest"): 1})


def test_the_networks_page_leaves_out_what_the_reader_may_not_read() -> None:
    scene = _scene()

    def page(organisation: Organisation) -> str:
        client = Client()
        client.force_login(_investigator(organisation))
        response = client.get(reverse("intelligence:networks"))
        assert response.status_code == 200
        return response.content.decode()

    essex, nca = page(scene.essex), page(scene.nca)

    assert "Kent Police (test)" in essex
    assert "Border Force (test)" in essex
    assert "NCA (test)" not in essex
    assert "NCA (test)" in nca


def test_the_table_counts_only_outcomes_the_reader_reads_elsewhere() -> None:
    scene = _scene()
    unlinked = SuspectRecordFactory.create(source_organisation=scene.kent, entity=None)
    PursueOutcomeFactory.create(agency=scene.nca, suspect_record=unlinked)
    PursueOutcomeFactory.create(
        agency=scene.essex, suspect_record=None, network_reference="OP-ESSEX-2"
    )

    for organisation in (scene.kent, scene.nca, scene.border_force, scene.essex):
        reader = _investigator(organisation)
        # What the reader reads one by one: every suspect's page, and their own
        # agency's outcomes (they recorded them).
        on_suspect_pages = [
            outcome
            for record in SuspectRecord.objects.all()
            for outcome in suspect_profile(reader, f"record-{record.pk}").outcomes
        ]
        own = PursueOutcome.objects.filter(agency=organisation, suspect_record=None)
        readable = Counter(
            (o.agency.name, o.get_outcome_type_display()) for o in [*on_suspect_pages, *own]
        )

        assert _counted(reader) == readable, organisation


def test_an_investigator_without_an_organisation_counts_outcomes_against_suspects_only() -> None:
    _scene()

    counted = _counted(_investigator(None))

    assert counted.total() == 2
    assert ("NCA (test)", "Arrest") not in counted


def test_governance_counts_every_outcome_as_its_indicator_does() -> None:
    scene = _scene()
    governance = UserFactory.create(role=Role.GOVERNANCE, organisation=scene.essex)

    assert _counted(governance).total() == PursueOutcome.objects.count() == 3


@pytest.mark.parametrize("role", [Role.ANALYST, Role.FIRST_RESPONDER, Role.ADMINISTRATOR])
def test_other_roles_may_not_count_outcomes(role: Role) -> None:
    _scene()

    with pytest.raises(PermissionDeniedError):
        pursue_outcome_counts(UserFactory.create(role=role))
