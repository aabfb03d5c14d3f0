"""The ranking on a network page is computed on the graph the reader may see: intelligence
they may not read changes neither the order of the suspects nor the counts shown."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from msht.accounts.models import OrganisationType, Role, User
from msht.intelligence.models import HandlingCode, IntelligenceReport, SuspectRecord
from msht.intelligence.networks import network_run_latest, network_view
from msht.intelligence.services import network_run
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.intelligence.factories import (
    IntelligenceReportFactory,
    PursueOutcomeFactory,
    SuspectRecordFactory,
)
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db

Row = tuple[str, int, int, float, int]


@dataclass(frozen=True)
class Scene:
    """Kent's suspect A has two victims; the NCA's suspect B one; they share a phone. A
    code C report that only the NCA may read says B also controls three more victims."""

    kent: User
    nca: User
    controller: SuspectRecord
    recruiter: SuspectRecord
    restricted: IntelligenceReport


def _scene() -> Scene:
    kent = OrganisationFactory.create(code="kent-rank", name="Kent Police (rank)")
    nca = OrganisationFactory.create(
        code="nca-rank", name="NCA (rank)", organisation_type=OrganisationType.NCA
    )
    recruiter = SuspectRecordFactory.create(
        source_organisation=kent, entity=None, phone_numbers=["07700 900555"]
    )
    recruiter.linked_referrals.set([ReferralFactory.create(), ReferralFactory.create()])
    controller = SuspectRecordFactory.create(
        source_organisation=nca, entity=None, phone_numbers=["+44 7700 900555"]
    )
    controller.linked_referrals.set([ReferralFactory.create()])
    restricted = IntelligenceReportFactory.create(
        originating_organisation=nca,
        handling_code=HandlingCode.CONDITIONS,
        handling_conditions="NCA only: a live operation.",
    )
    restricted.suspects.set([controller])
    restricted.persons.set([ReferralFactory.create().person_record for _ in range(3)])
    return Scene(
        kent=UserFactory.create(role=Role.INVESTIGATOR, organisation=kent),
        nca=UserFactory.create(role=Role.INVESTIGATOR, organisation=nca),
        controller=controller,
        recruiter=recruiter,
        restricted=restricted,
    )


def _ranking(reader: User) -> list[Row]:
    run = network_run_latest(reader)
    assert run is not None
    view = network_view(reader, run, 1)
    return [
        (
            rank.suspect,
            rank.position,
            rank.victims_connected,
            round(rank.centrality, 9),
            rank.degree,
        )
        for rank in view.rankings
    ]


def _key(record: SuspectRecord) -> str:
    return f"suspect:record-{record.pk}"


def test_a_reader_who_may_not_see_a_code_c_report_is_ranked_as_if_it_did_not_exist() -> None:
    scene = _scene()
    network_run(None)
    with_report = _ranking(scene.kent)
    # The stored ranking is over the whole graph: the report puts the controller first.
    stored = network_run_latest(scene.kent)
    assert stored is not None
    top = stored.networks.get(number=1).rankings.order_by("position").first()
    assert top is not None
    assert (top.suspect, top.victims_connected) == (_key(scene.controller), 4)
    assert _ranking(scene.nca)[0][:3] == (_key(scene.controller), 1, 4)

    scene.restricted.delete()
    network_run(None)
    without_report = _ranking(scene.kent)

    assert with_report == without_report
    assert [row[:3] for row in with_report] == [
        (_key(scene.recruiter), 1, 2),
        (_key(scene.controller), 2, 1),
    ]


def test_the_network_page_shows_the_rank_and_victims_the_reader_may_see() -> None:
    scene = _scene()
    network_run(None)
    client = Client()
    client.force_login(scene.kent)

    page = client.get(reverse("intelligence:network", kwargs={"number": 1})).content.decode()

    rows = page.split('<tbody class="govuk-table__body">')[1].split("</tbody>")[0]
    recruiter_row, controller_row = rows.split("</tr>")[:2]
    assert _key(scene.recruiter) in recruiter_row
    assert _key(scene.controller) in controller_row
    # Rank in the network, then victims within two steps, as Kent may see them.
    assert ">1</td>" in recruiter_row
    assert ">2</td>" in recruiter_row
    assert ">2</td>" in controller_row
    assert ">1</td>" in controller_row
    assert ">4</td>" not in controller_row
    assert "Rank in this network" in page


def test_the_network_page_counts_only_the_referrals_and_outcomes_the_reader_may_see() -> None:
    scene = _scene()
    # A third suspect, known only from the restricted report, is under arrest by the NCA.
    hidden = SuspectRecordFactory.create(source_organisation=scene.nca.organisation, entity=None)
    scene.restricted.suspects.add(hidden)
    PursueOutcomeFactory.create(agency=scene.nca.organisation, suspect_record=hidden)
    network_run(None)
    run = network_run_latest(scene.kent)
    assert run is not None
    stored = run.networks.get(number=1)
    assert (stored.referral_count, stored.has_pursue_activity) == (6, True)
    url = reverse("intelligence:network", kwargs={"number": 1})

    def page(reader: User) -> str:
        client = Client()
        client.force_login(reader)
        return client.get(url).content.decode()

    kent, nca = page(scene.kent), page(scene.nca)

    assert "(3 referrals)" in kent
    assert "No Pursue activity is recorded" in kent
    assert _key(hidden) not in kent
    assert "not shown" not in kent  # nothing says that something is left out
    assert "(6 referrals)" in nca
    assert "Pursue activity is recorded against its suspects" in nca
