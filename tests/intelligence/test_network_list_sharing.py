"""The networks list shows each network as the reader may see it: intelligence they may
not read neither joins networks, nor adds members, referrals or Pursue activity, nor
leaves a gap in the numbering (docs/pursue.md, Candidate networks)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from msht.accounts.models import Directorate, OrganisationType, Role, User
from msht.audit.models import AuditEvent
from msht.intelligence.models import HandlingCode, IntelligenceReport, SuspectRecord
from msht.intelligence.networks import (
    NetworkShown,
    network_list_shown,
    network_missed_opportunities_shown,
    network_run_latest,
    network_view,
)
from msht.intelligence.services import MISSED_OPPORTUNITY_REFERRALS, network_run
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.intelligence.factories import (
    IntelligenceReportFactory,
    PursueOutcomeFactory,
    SuspectRecordFactory,
)
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Scene:
    """Kent's recruiter has two victims referred by Border Force; the NCA's controller one
    victim. Nothing Kent may see connects them. A code C report only the NCA may read
    names both, a third suspect under arrest and a further victim. Another code C report
    is all that connects a fourth suspect to a phone. A lone pair (a suspect and his
    van) is a network everyone sees."""

    kent: User
    nca: User
    recruiter: SuspectRecord
    controller: SuspectRecord
    hidden: SuspectRecord
    lone: SuspectRecord
    restricted: list[IntelligenceReport]


def _scene() -> Scene:
    kent = OrganisationFactory.create(code="kent-list", name="Kent Police (list)")
    nca = OrganisationFactory.create(
        code="nca-list", name="NCA (list)", organisation_type=OrganisationType.NCA
    )
    border_force = OrganisationFactory.create(
        code="bf-list",
        organisation_type=OrganisationType.BORDER_FORCE,
        directorate=Directorate.BORDER_FORCE,
    )
    recruiter = SuspectRecordFactory.create(
        source_organisation=kent, entity=None, phone_numbers=["07700 900111"]
    )
    recruiter.linked_referrals.set(
        [ReferralFactory.create(first_responder_organisation=border_force) for _ in range(2)]
    )
    controller = SuspectRecordFactory.create(
        source_organisation=nca, entity=None, phone_numbers=["07700 900222"]
    )
    controller.linked_referrals.set([ReferralFactory.create()])
    hidden = SuspectRecordFactory.create(source_organisation=nca, entity=None)
    PursueOutcomeFactory.create(agency=nca, suspect_record=hidden)
    joining = IntelligenceReportFactory.create(
        originating_organisation=nca,
        handling_code=HandlingCode.CONDITIONS,
        handling_conditions="NCA only: a live operation.",
    )
    joining.suspects.set([recruiter, controller, hidden])
    joining.persons.set([ReferralFactory.create().person_record])
    shadow = SuspectRecordFactory.create(source_organisation=nca, entity=None)
    alone = IntelligenceReportFactory.create(
        originating_organisation=nca,
        handling_code=HandlingCode.CONDITIONS,
        handling_conditions="NCA only.",
        phone_numbers=["07700 900333"],
    )
    alone.suspects.set([shadow])
    lone = SuspectRecordFactory.create(source_organisation=kent, entity=None, vehicles=["LN12 ONE"])
    return Scene(
        kent=UserFactory.create(role=Role.INVESTIGATOR, organisation=kent),
        nca=UserFactory.create(role=Role.INVESTIGATOR, organisation=nca),
        recruiter=recruiter,
        controller=controller,
        hidden=hidden,
        lone=lone,
        restricted=[joining, alone],
    )


def _key(record: SuspectRecord) -> str:
    return f"suspect:record-{record.pk}"


def _listed(reader: User) -> list[NetworkShown]:
    run = network_run_latest(reader)
    assert run is not None
    return network_list_shown(reader, run)


def _signed_in(reader: User) -> Client:
    client = Client()
    client.force_login(reader)
    return client


def _page(reader: User, client: Client | None = None) -> str:
    """The page's content (the layout around it carries a fresh form token each time)."""
    response = (client or _signed_in(reader)).get(reverse("intelligence:networks"))
    assert response.status_code == 200
    content = response.content.decode()
    content = content[content.index("<h1") : content.index("</main>")]
    # The build's date and time is the only thing in it a rebuild may change.
    return re.sub(r"Built \d+ \w+ \d{4} \d{2}:\d{2}", "Built", content)


def _rows(page: str, caption: str) -> list[list[str]]:
    """The cells of the table with this caption, as text."""
    table = page.split(caption, 1)[1].split("</tbody>", 1)[0]
    body = table.split('<tbody class="govuk-table__body">', 1)[1]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in body.split("</tr>")[:-1]
    ]


def test_groups_joined_only_by_a_code_c_report_are_two_networks_to_a_reader_it_excludes() -> None:
    scene = _scene()
    network_run(None)
    run = network_run_latest(scene.kent)
    assert run is not None
    # The build joins them over the whole graph.
    joined = [n.suspects for n in run.networks.all() if _key(scene.recruiter) in n.suspects]
    assert joined == [sorted([_key(scene.recruiter), _key(scene.controller), _key(scene.hidden)])]

    kent = [network.suspects for network in _listed(scene.kent)]
    nca = [network.suspects for network in _listed(scene.nca)]

    assert kent == [(_key(scene.recruiter),), (_key(scene.controller),), (_key(scene.lone),)]
    assert tuple(sorted([_key(scene.recruiter), _key(scene.controller), _key(scene.hidden)])) in nca
    assert len(nca) == 3  # the joined network, the shadow's, the lone pair


def test_the_list_is_the_one_a_reader_would_see_if_the_report_did_not_exist() -> None:
    scene = _scene()
    network_run(None)
    listed, page = _listed(scene.kent), _page(scene.kent)
    run = network_run_latest(scene.kent)
    assert run is not None
    missed = network_missed_opportunities_shown(
        scene.kent, listed, minimum_referrals=MISSED_OPPORTUNITY_REFERRALS
    )
    assert run.counts["networks"] == 3  # joined, the shadow's, the lone pair

    for report in scene.restricted:
        report.delete()
    network_run(None)
    rebuilt = _listed(scene.kent)

    assert listed == rebuilt
    assert page == _page(scene.kent)
    assert missed == network_missed_opportunities_shown(
        scene.kent, rebuilt, minimum_referrals=MISSED_OPPORTUNITY_REFERRALS
    )


def test_the_list_counts_the_members_referrals_and_activity_the_reader_may_see() -> None:
    scene = _scene()
    network_run(None)

    kent, nca = _page(scene.kent), _page(scene.nca)

    # Network, suspects, victims, referrals, Pursue activity.
    assert _rows(kent, "The largest networks") == [
        ["Network 1", "1", "2", "2", "None"],
        ["Network 2", "1", "1", "1", "None"],
        ["Network 3", "1", "0", "0", "None"],
    ]
    assert "3 candidate networks as you may see them" in kent
    # Nothing Kent sees has three referrals: no missed opportunity, and no trace of the
    # arrest of a suspect only the hidden report names.
    assert "Every network with 3 or more referrals has Pursue activity recorded." in kent
    assert _key(scene.hidden) not in kent
    assert _rows(nca, "The largest networks")[0] == ["Network 1", "3", "4", "4", "Yes"]
    assert "3 candidate networks as you may see them" in nca


def test_a_network_only_hidden_intelligence_makes_leaves_no_gap_in_the_numbering() -> None:
    scene = _scene()
    network_run(None)

    kent, nca = _listed(scene.kent), _listed(scene.nca)

    assert [network.number for network in kent] == [1, 2, 3]
    assert [network.number for network in nca] == [1, 2, 3]
    assert all("phone:07700900333" not in network.others for network in kent)
    assert any("phone:07700900333" in network.others for network in nca)


def test_a_missed_opportunity_counts_only_what_the_reader_may_see() -> None:
    scene = _scene()
    # A third victim linked to Kent's recruiter: his network is now a missed opportunity
    # to Kent, while the NCA sees the arrest in the network the report joins.
    scene.recruiter.linked_referrals.add(ReferralFactory.create())
    network_run(None)

    kent = _rows(_page(scene.kent), "no Pursue activity against any of their suspects")
    nca = _page(scene.nca)

    assert kent == [["Network 1", "3", "1", "Border Force"]]
    assert "Every network with 3 or more referrals has Pursue activity recorded." in nca


def test_each_network_listed_opens_on_its_own_page_under_the_same_number() -> None:
    scene = _scene()
    network_run(None)
    run = network_run_latest(scene.kent)
    assert run is not None
    client = _signed_in(scene.kent)

    def page(number: int) -> tuple[int, str]:
        response = client.get(reverse("intelligence:network", kwargs={"number": number}))
        return response.status_code, response.content.decode()

    pages = [page(number) for number in (1, 2, 3)]

    for (status, content), listed, suspect in zip(
        pages, _listed(scene.kent), (scene.recruiter, scene.controller, scene.lone), strict=True
    ):
        assert status == 200
        assert f"Network {listed.number}</h1>" in content
        assert _key(suspect) in content
        view = network_view(scene.kent, run, listed.number)
        assert (tuple(r.suspect for r in view.rankings), view.referral_count) == (
            listed.suspects,
            listed.referral_count,
        )
    assert _key(scene.controller) not in pages[0][1]  # the join is not on the page
    assert all("07700900333" not in content for _, content in pages)
    assert page(4)[0] == 404  # no page for the network only hidden intelligence makes
    # A suspect's page links to the network under the number the list gives it.
    profile = client.get(
        reverse("intelligence:suspect", kwargs={"key": f"record-{scene.controller.pk}"})
    ).content.decode()
    assert ">Network 2</a>" in profile
    assert ">Network 1</a>" not in profile


def test_reading_the_list_is_audited_as_before() -> None:
    """The list names no one (keys and counts), so, as before, reading it writes nothing
    to the trail; refused readers are refused."""
    scene = _scene()
    network_run(None)
    client = _signed_in(scene.kent)
    before = AuditEvent.objects.count()

    _page(scene.kent, client)

    assert AuditEvent.objects.count() == before
    analyst = Client()
    analyst.force_login(UserFactory.create(role=Role.ANALYST))
    assert analyst.get(reverse("intelligence:networks")).status_code == 403
