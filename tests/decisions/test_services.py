"""The NRM decision rules (DOMAIN.md, NRM 3-7 and 'Who decides'), with frozen time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from msht.accounts.models import OrganisationType, User
from msht.audit.models import AuditEvent
from msht.core import policy
from msht.core.errors import PermissionDeniedError, ValidationError
from msht.core.reference import UkNation
from msht.decisions import services
from msht.decisions.models import AssuranceStatus, Decision, DecisionOutcome, DecisionStage
from msht.referrals.models import Referral, ReferralStatus
from tests.accounts.factories import (
    CompetentAuthorityFactory,
    DecisionMakerFactory,
    OrganisationFactory,
    QualityAssurerFactory,
    UserFactory,
)
from tests.decisions.factories import (
    NegativeRgDecisionFactory,
    PendingRgDecisionFactory,
    PositiveRgDecisionFactory,
)
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db

POSITIVE = DecisionOutcome.POSITIVE
NEGATIVE = DecisionOutcome.NEGATIVE


def _at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC), tick=False
    )


@pytest.fixture
def decision_maker() -> User:
    return DecisionMakerFactory.create()


@pytest.fixture
def assurer(decision_maker: User) -> User:
    return QualityAssurerFactory.create(organisation=decision_maker.organisation)


@pytest.fixture
def on_2024_07_03() -> Iterator[None]:
    with _at(dt.date(2024, 7, 3)):
        yield


def _rg(actor: User, referral: Referral, outcome: str = POSITIVE) -> Decision:
    return services.decision_record_rg(
        actor=actor, referral=referral, outcome=outcome, reasons="The reasons."
    )


@pytest.mark.parametrize(
    ("referred_on", "nation", "deadline"),
    [
        # Christmas, Boxing Day and New Year's Day; Scotland also keeps 2 January.
        (dt.date(2024, 12, 23), UkNation.ENGLAND, dt.date(2025, 1, 2)),
        (dt.date(2024, 12, 23), UkNation.SCOTLAND, dt.date(2025, 1, 3)),
        # St Patrick's Day is a bank holiday in Northern Ireland only.
        (dt.date(2025, 3, 14), UkNation.ENGLAND, dt.date(2025, 3, 21)),
        (dt.date(2025, 3, 14), UkNation.NORTHERN_IRELAND, dt.date(2025, 3, 24)),
        # The summer bank holiday: late August in England and Wales, early August in Scotland.
        (dt.date(2024, 8, 1), UkNation.WALES, dt.date(2024, 8, 8)),
        (dt.date(2024, 8, 1), UkNation.SCOTLAND, dt.date(2024, 8, 9)),
    ],
)
def test_rg_deadline_is_five_working_days_in_the_referrals_nation(
    decision_maker: User, referred_on: dt.date, nation: UkNation, deadline: dt.date
) -> None:
    referral = ReferralFactory.create(referred_on=referred_on, nation=nation)
    with _at(referred_on + dt.timedelta(days=1)):
        decision = _rg(decision_maker, referral)
    assert decision.deadline == deadline
    assert services.rg_deadline(referral) == deadline


@pytest.mark.usefixtures("on_2024_07_03")
def test_positive_rg_starts_the_recovery_period_and_opens_cg(decision_maker: User) -> None:
    referral = ReferralFactory.create()
    decision = _rg(decision_maker, referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RG_POSITIVE
    assert referral.competent_authority == decision_maker.organisation
    assert decision.decided_on == dt.date(2024, 7, 3)
    assert decision.recovery_period_ends_on == dt.date(2024, 8, 2)
    assert decision.decision_making_unit == decision_maker.organisation
    assert decision.rules_version == policy.rules_version_on(dt.date(2024, 7, 3))
    cg = Decision.objects.get(referral=referral, stage=DecisionStage.CONCLUSIVE_GROUNDS)
    assert cg.is_pending
    assert cg.started_on == dt.date(2024, 8, 2)
    assert cg.deadline == dt.date(2024, 7, 3) + dt.timedelta(days=services.CG_TARGET_DAYS)


@pytest.mark.parametrize(
    ("decided_on", "nation", "days"),
    [
        (dt.date(2022, 12, 12), UkNation.ENGLAND, 45),
        (dt.date(2022, 12, 13), UkNation.ENGLAND, 30),
        (dt.date(2024, 7, 3), UkNation.SCOTLAND, 90),
        (dt.date(2024, 7, 3), UkNation.NORTHERN_IRELAND, 45),
    ],
)
def test_recovery_period_follows_the_dated_rule_of_each_nation(
    decision_maker: User, decided_on: dt.date, nation: UkNation, days: int
) -> None:
    referral = ReferralFactory.create(referred_on=decided_on - dt.timedelta(days=2), nation=nation)
    with _at(decided_on):
        decision = _rg(decision_maker, referral)
    assert decision.recovery_period_ends_on == decided_on + dt.timedelta(days=days)
    assert decision.rules_version == policy.rules_version_on(decided_on)


def test_rules_version_records_the_rules_in_force_on_the_day(decision_maker: User) -> None:
    referral = ReferralFactory.create(referred_on=dt.date(2022, 12, 1))
    with _at(dt.date(2022, 12, 5)):
        decision = _rg(decision_maker, referral)
    assert "recovery_period_days=2009-04-01" in decision.rules_version
    assert decision.rules_version.startswith(policy.RULES_VERSION)


@pytest.mark.usefixtures("on_2024_07_03")
def test_decision_maker_cannot_decide_own_organisations_referral() -> None:
    authority = CompetentAuthorityFactory.create()
    referral = ReferralFactory.create(first_responder_organisation=authority)
    decision_maker = DecisionMakerFactory.create(organisation=authority)
    with pytest.raises(PermissionDeniedError, match="your own organisation"):
        _rg(decision_maker, referral)
    assert not Decision.objects.exists()


@pytest.mark.usefixtures("on_2024_07_03")
def test_immigration_enforcement_cannot_decide() -> None:
    authority = CompetentAuthorityFactory.create(performs_immigration_enforcement=True)
    decision_maker = DecisionMakerFactory.create(organisation=authority)
    with pytest.raises(PermissionDeniedError, match="immigration enforcement function"):
        _rg(decision_maker, ReferralFactory.create())


@pytest.mark.usefixtures("on_2024_07_03")
def test_first_responder_cannot_decide() -> None:
    referral = ReferralFactory.create()
    responder = UserFactory.create(organisation=referral.first_responder_organisation)
    with pytest.raises(PermissionDeniedError, match=services.NOT_A_DECISION_MAKER):
        _rg(responder, referral)


@pytest.mark.usefixtures("on_2024_07_03")
def test_rg_needs_an_outcome_and_reasons(decision_maker: User) -> None:
    with pytest.raises(ValidationError) as raised:
        services.decision_record_rg(
            actor=decision_maker, referral=ReferralFactory.create(), outcome="maybe", reasons=" "
        )
    assert raised.value.problems == [services.OUTCOME_INVALID, services.REASONS_MISSING]


@pytest.mark.usefixtures("on_2024_07_03")
def test_rg_fills_in_the_pending_decision(decision_maker: User) -> None:
    pending = PendingRgDecisionFactory.create()
    decision = _rg(decision_maker, pending.referral)
    assert decision.pk == pending.pk
    with pytest.raises(ValidationError, match=services.RG_NOT_AWAITED):
        _rg(decision_maker, pending.referral)


@pytest.mark.usefixtures("on_2024_07_03")
def test_negative_rg_awaits_assurance_before_it_changes_the_referral(
    decision_maker: User, assurer: User
) -> None:
    referral = ReferralFactory.create()
    decision = _rg(decision_maker, referral, NEGATIVE)
    referral.refresh_from_db()
    assert decision.assurance_status == AssuranceStatus.AWAITING
    assert referral.status == ReferralStatus.SUBMITTED
    assured = services.decision_assure(actor=assurer, decision=decision, approve=True)
    referral.refresh_from_db()
    assert assured.assurance_status == AssuranceStatus.APPROVED
    assert assured.quality_assurer == assurer
    assert referral.status == ReferralStatus.RG_NEGATIVE


@pytest.mark.usefixtures("on_2024_07_03")
def test_quality_assurance_needs_a_second_person(decision_maker: User) -> None:
    decision = _rg(decision_maker, ReferralFactory.create(), NEGATIVE)
    # Even a quality assurer who made the decision may not assure it.
    decision_maker.role = "quality_assurer"
    decision_maker.save()
    with pytest.raises(PermissionDeniedError, match="second person"):
        services.decision_assure(actor=decision_maker, decision=decision, approve=True)


@pytest.mark.usefixtures("on_2024_07_03")
def test_only_quality_assurers_assure(decision_maker: User) -> None:
    decision = _rg(decision_maker, ReferralFactory.create(), NEGATIVE)
    other = DecisionMakerFactory.create(organisation=decision_maker.organisation)
    with pytest.raises(PermissionDeniedError, match=services.NOT_AN_ASSURER):
        services.decision_assure(actor=other, decision=decision, approve=True)


@pytest.mark.usefixtures("on_2024_07_03")
def test_rejected_decision_goes_back_to_the_decision_maker(
    decision_maker: User, assurer: User
) -> None:
    referral = ReferralFactory.create()
    decision = _rg(decision_maker, referral, NEGATIVE)
    with pytest.raises(ValidationError, match=services.REJECTION_NOTES_MISSING):
        services.decision_assure(actor=assurer, decision=decision, approve=False)
    sent_back = services.decision_assure(
        actor=assurer, decision=decision, approve=False, notes="Consider the medical evidence."
    )
    assert sent_back.is_pending
    assert sent_back.assurance_status == AssuranceStatus.REJECTED
    with pytest.raises(ValidationError, match=services.NOT_AWAITING_ASSURANCE):
        services.decision_assure(actor=assurer, decision=decision, approve=True)
    again = _rg(decision_maker, referral, POSITIVE)
    assert again.pk == decision.pk
    assert again.quality_assurer is None
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RG_POSITIVE


def test_cg_is_refused_before_the_recovery_period_has_passed(decision_maker: User) -> None:
    rg = PositiveRgDecisionFactory.create(
        decided_on=dt.date(2024, 7, 3), recovery_period_ends_on=dt.date(2024, 8, 2)
    )
    with _at(dt.date(2024, 8, 1)), pytest.raises(ValidationError) as raised:
        services.decision_record_cg(
            actor=decision_maker, referral=rg.referral, outcome=POSITIVE, reasons="Reasons."
        )
    assert str(raised.value) == services.CG_TOO_EARLY.format(earliest=dt.date(2024, 8, 2))
    assert "2 August 2024" in str(raised.value)
    with _at(dt.date(2024, 8, 2)):
        cg = services.decision_record_cg(
            actor=decision_maker, referral=rg.referral, outcome=POSITIVE, reasons="Reasons."
        )
    rg.referral.refresh_from_db()
    assert cg.stage == DecisionStage.CONCLUSIVE_GROUNDS
    assert rg.referral.status == ReferralStatus.CG_POSITIVE


def test_cg_needs_a_positive_rg(decision_maker: User) -> None:
    with _at(dt.date(2024, 9, 1)), pytest.raises(ValidationError, match="positive"):
        services.decision_record_cg(
            actor=decision_maker, referral=ReferralFactory.create(), outcome=POSITIVE, reasons="R"
        )


def test_negative_cg_is_assured_and_goes_to_the_panel(decision_maker: User, assurer: User) -> None:
    rg = PositiveRgDecisionFactory.create(
        decided_on=dt.date(2024, 7, 3), recovery_period_ends_on=dt.date(2024, 8, 2)
    )
    with _at(dt.date(2024, 9, 2)):
        cg = services.decision_record_cg(
            actor=decision_maker, referral=rg.referral, outcome=NEGATIVE, reasons="Reasons."
        )
        rg.referral.refresh_from_db()
        assert rg.referral.status == ReferralStatus.RG_POSITIVE
        assured = services.decision_assure(actor=assurer, decision=cg, approve=True)
    rg.referral.refresh_from_db()
    assert rg.referral.status == ReferralStatus.CG_NEGATIVE
    assert assured.multi_agency_panel_reviewed


def _negative_rg(decided_on: dt.date) -> Decision:
    return NegativeRgDecisionFactory.create(
        referral__referred_on=decided_on - dt.timedelta(days=3), decided_on=decided_on
    )


def test_reconsideration_within_the_window(decision_maker: User) -> None:
    negative = _negative_rg(dt.date(2024, 7, 3))
    responder = UserFactory.create(organisation=negative.referral.first_responder_organisation)
    with _at(dt.date(2024, 8, 2)):
        request = services.reconsideration_request(
            actor=responder, decision=negative, reasons="New evidence from the support worker."
        )
        assert request.stage == DecisionStage.RG_RECONSIDERATION
        assert request.deadline == dt.date(2024, 8, 9)
        with pytest.raises(ValidationError, match=services.RECONSIDERATION_ALREADY_OPEN):
            services.reconsideration_request(actor=responder, decision=negative, reasons="Again.")
        decided = services.decision_record_reconsideration(
            actor=decision_maker, reconsideration=request, outcome=POSITIVE, reasons="Reasons."
        )
    negative.referral.refresh_from_db()
    assert negative.referral.status == ReferralStatus.RG_POSITIVE
    assert decided.recovery_period_ends_on == dt.date(2024, 9, 1)
    with pytest.raises(ValidationError, match=services.RECONSIDERATION_NOT_PENDING):
        services.decision_record_reconsideration(
            actor=decision_maker, reconsideration=request, outcome=POSITIVE, reasons="R."
        )


def test_late_reconsideration_needs_exceptional_circumstances() -> None:
    negative = _negative_rg(dt.date(2024, 7, 3))
    responder = UserFactory.create(organisation=negative.referral.first_responder_organisation)
    with _at(dt.date(2024, 8, 3)):
        with pytest.raises(ValidationError) as raised:
            services.reconsideration_request(actor=responder, decision=negative, reasons="New.")
        assert str(raised.value) == services.RECONSIDERATION_LATE.format(closed=dt.date(2024, 8, 2))
        request = services.reconsideration_request(
            actor=responder,
            decision=negative,
            reasons="New.",
            exceptional_circumstances="The person was in hospital.",
        )
    assert request.exceptional_circumstances == "The person was in hospital."


def test_only_an_issued_negative_can_be_reconsidered(decision_maker: User) -> None:
    positive = PositiveRgDecisionFactory.create()
    with _at(dt.date(2024, 7, 10)), pytest.raises(ValidationError, match="negative"):
        services.reconsideration_request(actor=decision_maker, decision=positive, reasons="R.")


def test_another_organisation_cannot_request_reconsideration() -> None:
    negative = _negative_rg(dt.date(2024, 7, 3))
    stranger = UserFactory.create(organisation=OrganisationFactory.create())
    with _at(dt.date(2024, 7, 10)), pytest.raises(PermissionDeniedError):
        services.reconsideration_request(actor=stranger, decision=negative, reasons="R.")


@pytest.mark.usefixtures("on_2024_07_03")
def test_withdrawal_closes_the_referral_with_reasons(decision_maker: User) -> None:
    pending = PendingRgDecisionFactory.create()
    with pytest.raises(ValidationError, match=services.WITHDRAW_REASON_MISSING):
        services.referral_withdraw(actor=decision_maker, referral=pending.referral, reasons="")
    withdrawn = services.referral_withdraw(
        actor=decision_maker, referral=pending.referral, reasons="The person withdrew consent."
    )
    pending.referral.refresh_from_db()
    assert withdrawn.pk == pending.pk
    assert withdrawn.outcome == DecisionOutcome.WITHDRAWN
    assert pending.referral.status == ReferralStatus.WITHDRAWN
    with pytest.raises(ValidationError, match=services.WITHDRAW_NOT_OPEN):
        services.referral_withdraw(actor=decision_maker, referral=pending.referral, reasons="R")


@pytest.mark.usefixtures("on_2024_07_03")
def test_withdrawal_without_a_pending_decision_creates_one(decision_maker: User) -> None:
    referral = ReferralFactory.create()
    withdrawn = services.referral_withdraw(actor=decision_maker, referral=referral, reasons="Gone")
    assert withdrawn.stage == DecisionStage.REASONABLE_GROUNDS


@pytest.mark.usefixtures("on_2024_07_03")
def test_rg_open_sets_the_deadline(decision_maker: User) -> None:
    referral = ReferralFactory.create(competent_authority=decision_maker.organisation)
    opened = services.decision_rg_open(actor=decision_maker, referral=referral)
    assert opened.deadline == dt.date(2024, 7, 8)
    assert services.decision_rg_open(actor=decision_maker, referral=referral).pk == opened.pk


@pytest.mark.usefixtures("on_2024_07_03")
def test_every_write_is_audited(decision_maker: User, assurer: User) -> None:
    referral = ReferralFactory.create()
    decision = _rg(decision_maker, referral, NEGATIVE)
    services.decision_assure(actor=assurer, decision=decision, approve=True)
    actions = [
        (event.actor_username, event.details["action"])
        for event in AuditEvent.objects.order_by("sequence")
    ]
    assert actions == [
        (decision_maker.username, "decision.recorded"),
        (assurer.username, "decision.assured"),
        (assurer.username, "referral.status_changed"),
    ]
    assert AuditEvent.objects.filter(object_type="decisions.decision").count() == 2


def test_organisation_type_of_competent_authority_is_required_to_decide() -> None:
    police_decision_maker = DecisionMakerFactory.create(
        organisation=OrganisationFactory.create(organisation_type=OrganisationType.POLICE_FORCE)
    )
    with _at(dt.date(2024, 7, 3)), pytest.raises(PermissionDeniedError):
        _rg(police_decision_maker, ReferralFactory.create())


@pytest.mark.usefixtures("on_2024_07_03")
def test_withdrawal_closes_a_negative_rg_awaiting_assurance(
    decision_maker: User, assurer: User
) -> None:
    referral = ReferralFactory.create()
    negative = _rg(decision_maker, referral, NEGATIVE)
    withdrawn = services.referral_withdraw(
        actor=decision_maker, referral=referral, reasons="The person withdrew consent."
    )
    referral.refresh_from_db()
    negative.refresh_from_db()
    assert withdrawn.pk == negative.pk
    assert negative.outcome == DecisionOutcome.WITHDRAWN
    assert negative.assurance_status == AssuranceStatus.NOT_REQUIRED
    assert referral.status == ReferralStatus.WITHDRAWN
    assert not Decision.objects.filter(assurance_status=AssuranceStatus.AWAITING).exists()
    event = AuditEvent.objects.filter(
        object_type="decisions.decision", object_id=str(negative.pk)
    ).latest("sequence")
    assert event.details["superseded_unassured"] == NEGATIVE
    with pytest.raises(ValidationError, match=services.ASSURANCE_OF_WITHDRAWN):
        services.decision_assure(actor=assurer, decision=negative, approve=True)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WITHDRAWN


def test_withdrawal_closes_a_negative_cg_awaiting_assurance(
    decision_maker: User, assurer: User
) -> None:
    rg = PositiveRgDecisionFactory.create(
        decided_on=dt.date(2024, 7, 3), recovery_period_ends_on=dt.date(2024, 8, 2)
    )
    with _at(dt.date(2024, 9, 2)):
        cg = services.decision_record_cg(
            actor=decision_maker, referral=rg.referral, outcome=NEGATIVE, reasons="Reasons."
        )
        services.referral_withdraw(actor=decision_maker, referral=rg.referral, reasons="Closed.")
        with pytest.raises(ValidationError, match=services.ASSURANCE_OF_WITHDRAWN):
            services.decision_assure(actor=assurer, decision=cg, approve=True)
    cg.refresh_from_db()
    rg.referral.refresh_from_db()
    assert cg.outcome == DecisionOutcome.WITHDRAWN
    assert not cg.multi_agency_panel_reviewed
    assert rg.referral.status == ReferralStatus.WITHDRAWN


@pytest.mark.usefixtures("on_2024_07_03")
@pytest.mark.parametrize("approve", [True, False])
def test_a_decision_still_awaiting_assurance_on_a_withdrawn_referral_is_refused(
    decision_maker: User, assurer: User, approve: bool
) -> None:
    # A row left awaiting assurance by a withdrawal made before withdrawals closed it.
    referral = ReferralFactory.create()
    negative = _rg(decision_maker, referral, NEGATIVE)
    Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.WITHDRAWN)
    with pytest.raises(ValidationError, match=services.ASSURANCE_OF_WITHDRAWN):
        services.decision_assure(
            actor=assurer, decision=negative, approve=approve, notes="Sent back."
        )
    referral.refresh_from_db()
    negative.refresh_from_db()
    assert referral.status == ReferralStatus.WITHDRAWN
    assert negative.assurance_status == AssuranceStatus.AWAITING
