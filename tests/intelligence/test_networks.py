"""Network runs from the store: records to candidate networks, rankings and missed opportunities."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import pytest
from django.core.management import call_command

from msht.accounts.models import Directorate, OrganisationType, Role
from msht.audit.models import AuditEvent, AuditEventType
from msht.core.errors import PermissionDeniedError
from msht.intelligence.models import CandidateNetwork, NetworkRun, SuspectEntity, SuspectRecord
from msht.intelligence.networks import network_missed_opportunities
from msht.intelligence.services import network_run
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.intelligence.factories import (
    IntelligenceReportFactory,
    PursueOutcomeFactory,
    SuspectRecordFactory,
)
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class StoreWorld:
    controller: SuspectEntity
    recruiter: SuspectRecord


def _store_world() -> StoreWorld:
    """Two agencies record the same controller (one entity); a recruiter shares his phone;
    Border Force refers three victims linked to the recruiter. A second, smaller network
    has an arrest against it."""
    border_force = OrganisationFactory.create(
        organisation_type=OrganisationType.BORDER_FORCE, directorate=Directorate.BORDER_FORCE
    )
    controller = SuspectEntity.objects.create()
    police_view = SuspectRecordFactory.create(entity=controller, phone_numbers=["07700 900123"])
    nca_view = SuspectRecordFactory.create(entity=controller, vehicles=["AB12 CDE"])
    recruiter = SuspectRecordFactory.create(phone_numbers=["+447700900123"])
    victims = [ReferralFactory.create(first_responder_organisation=border_force) for _ in range(3)]
    recruiter.linked_referrals.set(victims)
    report = IntelligenceReportFactory.create(
        vehicles=["ab12cde"], organisations_named=["Star Wash"]
    )
    report.suspects.set([nca_view])
    lone = SuspectRecordFactory.create(addresses=[{"lines": "3 Mill St", "postcode": "M1 1AA"}])
    other = SuspectRecordFactory.create(addresses=["3 Mill Street, Manchester M1 1AA"])
    PursueOutcomeFactory.create(suspect_record=other)
    assert police_view.entity == nca_view.entity
    assert lone.entity is None
    return StoreWorld(controller, recruiter)


def test_a_run_finds_the_networks_and_ranks_their_suspects() -> None:
    world = _store_world()

    run = network_run(None).run

    networks = list(run.networks.order_by("number"))
    assert len(networks) == 2
    first, second = networks
    assert set(first.suspects) == {
        f"suspect:entity-{world.controller.pk}",
        f"suspect:record-{world.recruiter.pk}",
    }
    assert len(first.victims) == 3
    assert first.referral_count == 3
    assert not first.has_pursue_activity
    assert second.has_pursue_activity
    assert "organisation:STAR WASH" in first.others
    top = first.rankings.order_by("position").first()
    assert top is not None
    assert top.victims_connected == 3  # the recruiter
    assert top.record_id == world.recruiter.pk
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.LINKAGE_RUN, object_id=str(run.pk)
    ).exists()


def test_networks_with_referrals_and_no_pursue_activity_are_missed_opportunities() -> None:
    _store_world()
    run = network_run(None).run

    missed = network_missed_opportunities(None, run, minimum_referrals=3)

    assert [item.network.referral_count for item in missed] == [3]
    assert missed[0].directorates == ("Border Force",)
    assert network_missed_opportunities(None, run, minimum_referrals=4) == []


def test_only_investigators_build_networks() -> None:
    with pytest.raises(PermissionDeniedError):
        network_run(UserFactory.create(role=Role.ANALYST))
    network_run(UserFactory.create(role=Role.INVESTIGATOR))
    assert NetworkRun.objects.count() == 1


def test_command_prints_a_json_summary() -> None:
    _store_world()
    out = io.StringIO()

    call_command("networks", "--json", stdout=out)

    summary = json.loads(out.getvalue())
    assert summary["networks"] == CandidateNetwork.objects.count() == 2
    assert summary["missed_opportunities"] == 1
