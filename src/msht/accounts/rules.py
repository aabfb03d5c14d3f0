"""The permission rules: the only module that decides who may see or do what.

Deny by default. ``can(actor, action, obj)`` answers one question; selectors use
the ``*_visible_to`` scopes so that lists never hold what the actor may not see.
Every rule names the DOMAIN.md section or policy it comes from.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from msht.accounts.models import Organisation, OrganisationType, Role, User
from msht.core import policy
from msht.core.errors import PermissionDeniedError

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    Actor = User | AnonymousUser
else:
    Actor = Any

M = TypeVar("M", bound=Model)

PERMISSION_DENIED = "You do not have permission to do this."


class Action(StrEnum):
    HOME_VIEW = "home.view"
    REFERRAL_CREATE = "referral.create"
    REFERRAL_VIEW = "referral.view"
    REFERRAL_AMEND = "referral.amend"
    DUTY_TO_NOTIFY_CREATE = "duty_to_notify.create"
    DUTY_TO_NOTIFY_VIEW = "duty_to_notify.view"
    PERSON_RECORD_VIEW = "person_record.view"
    DECISION_VIEW = "decision.view"
    DECISION_MAKE = "decision.make"
    DECISION_ASSURE = "decision.assure"
    SUSPECT_VIEW = "suspect.view"
    INTELLIGENCE_SUBMIT = "intelligence.submit"
    INTELLIGENCE_VIEW = "intelligence.view"
    PURSUE_OUTCOME_RECORD = "pursue_outcome.record"
    STATISTICS_VIEW = "statistics.view"
    GOVERNANCE_VIEW = "governance.view"
    GOVERNANCE_EDIT = "governance.edit"
    ORGANISATION_MANAGE = "organisation.manage"
    USER_MANAGE = "user.manage"
    USER_LIST_VIEW = "user.list_view"
    SECOND_FACTOR_RESET = "second_factor.reset"
    AUDIT_VIEW = "audit.view"
    DATA_LOAD = "data.load"
    INGEST_RUN = "ingest.run"
    QUARANTINE_MANAGE = "ingest.quarantine_manage"
    DATA_QUALITY_VIEW = "quality.view"
    LINKAGE_RUN = "linkage.run"
    LINKAGE_REVIEW_PERSONS = "linkage.review_persons"
    LINKAGE_REVIEW_SUSPECTS = "linkage.review_suspects"
    ANALYTICS_REFRESH = "analytics.refresh"
    STATISTICS_PUBLISH = "statistics.publish"
    ORGANISATION_DASHBOARD_VIEW = "statistics.organisation_dashboard"
    FAIRNESS_VIEW = "fairness.view"
    SUBJECT_ACCESS_EXPORT = "privacy.subject_access_export"


def _active(actor: Actor) -> bool:
    return bool(actor.is_authenticated and actor.is_active)


def _has_role(actor: Actor, *roles: Role) -> bool:
    return _active(actor) and getattr(actor, "role", None) in roles


def _organisation(actor: Actor) -> Organisation | None:
    return getattr(actor, "organisation", None)


def _in_competent_authority(actor: Actor) -> bool:
    organisation = _organisation(actor)
    return (
        organisation is not None
        and organisation.organisation_type == OrganisationType.COMPETENT_AUTHORITY
    )


def _is_casework_reader(actor: Actor) -> bool:
    """Decision makers and quality assurers of a competent authority read every case."""
    return _has_role(actor, Role.DECISION_MAKER, Role.QUALITY_ASSURER) and _in_competent_authority(
        actor
    )


def _may_refer(actor: Actor, obj: object | None) -> bool:
    """Only a first responder of a first responder organisation refers (DOMAIN.md, NRM 1)."""
    organisation = _organisation(actor)
    return (
        _has_role(actor, Role.FIRST_RESPONDER)
        and organisation is not None
        and organisation.is_first_responder
    )


def _may_notify(actor: Actor, obj: object | None) -> bool:
    """Duty to Notify: organisations under MSA 2015 s.52 and, by policy, BICS (DOMAIN.md, NRM 2)."""
    organisation = _organisation(actor)
    return (
        _has_role(actor, Role.FIRST_RESPONDER)
        and organisation is not None
        and organisation.has_duty_to_notify
    )


def _referring_organisation_id(obj: object) -> int | None:
    return getattr(obj, "first_responder_organisation_id", None)


def _may_view_referral(actor: Actor, obj: object | None) -> bool:
    """First responders see their own organisation's referrals; the competent authority sees all."""
    if _is_casework_reader(actor):
        return True
    if not _may_refer(actor, obj):
        return False
    if obj is None:
        return True
    return _referring_organisation_id(obj) == getattr(actor, "organisation_id", None)


def _may_amend_referral(actor: Actor, obj: object | None) -> bool:
    """Only the referring organisation's first responders amend, and only before a decision."""
    if not _may_refer(actor, obj):
        return False
    if obj is None:
        return True
    return _referring_organisation_id(obj) == getattr(
        actor, "organisation_id", None
    ) and not getattr(obj, "has_decision", False)


def _may_view_person_record(actor: Actor, obj: object | None) -> bool:
    """A person record is seen through a referral the actor may see; never by analysts."""
    if _is_casework_reader(actor):
        return True
    if obj is None:
        return _may_refer(actor, obj)
    referral = getattr(obj, "referral", None)
    return referral is not None and _may_view_referral(actor, referral)


def _may_view_duty_to_notify(actor: Actor, obj: object | None) -> bool:
    """The notifying organisation, the competent authority and analysts (reports are anonymous)."""
    if _is_casework_reader(actor) or _has_role(actor, Role.ANALYST):
        return True
    if not _may_notify(actor, obj):
        return False
    return obj is None or getattr(obj, "organisation_id", None) == getattr(
        actor, "organisation_id", None
    )


def _may_decide(actor: Actor, obj: object | None) -> bool:
    """A competent authority decision maker, never on their own organisation's referral and
    never while working in immigration enforcement (DOMAIN.md, 'Who decides'; policies
    decision_maker_may_not_decide_own_referral, immigration_enforcement_may_not_decide)."""
    organisation = _organisation(actor)
    if not (_has_role(actor, Role.DECISION_MAKER) and _in_competent_authority(actor)):
        return False
    assert organisation is not None  # noqa: S101 - guaranteed by _in_competent_authority
    if (
        policy.IMMIGRATION_ENFORCEMENT_MAY_NOT_DECIDE.default
        and organisation.performs_immigration_enforcement
    ):
        return False
    if obj is None:
        return True
    own_referral = _referring_organisation_id(obj) == organisation.pk
    return not (policy.DECISION_MAKER_MAY_NOT_DECIDE_OWN_REFERRAL.default and own_referral)


def _may_assure(actor: Actor, obj: object | None) -> bool:
    """A second person assures a decision: never the one who made it (DOMAIN.md, NRM 6)."""
    if not (_has_role(actor, Role.QUALITY_ASSURER) and _in_competent_authority(actor)):
        return False
    return obj is None or getattr(obj, "decision_maker_id", None) != actor.pk


def _may_view_decision(actor: Actor, obj: object | None) -> bool:
    """The competent authority, and the first responder who made the referral (its outcome)."""
    if _is_casework_reader(actor):
        return True
    referral = getattr(obj, "referral", None) if obj is not None else None
    return _may_view_referral(actor, referral) if referral is not None else False


def _is_investigator(actor: Actor, obj: object | None) -> bool:
    """Investigators and intelligence officers (police, NCA, IE criminal investigations)."""
    return _has_role(actor, Role.INVESTIGATOR)


def _may_view_intelligence(actor: Actor, obj: object | None) -> bool:
    """Sharing by rule (issue 7): the same scope as ``intelligence_visible_to``, for one report."""
    if not _is_investigator(actor, obj):
        return False
    if obj is None:
        return True
    if not isinstance(obj, Model) or obj.pk is None:
        return False
    organisation_id = getattr(actor, "organisation_id", None)
    if getattr(obj, "originating_organisation_id", None) == organisation_id:
        return True
    if getattr(obj, "handling_code", None) == "C":
        return bool(obj.permitted_organisations.filter(pk=organisation_id).exists())  # type: ignore[attr-defined]
    named = obj.suspects.all()  # type: ignore[attr-defined]
    if not named.exists():
        return True
    # The suspects the report names, with every record linkage placed beside them: one
    # record of the group worked by the organisation is enough (suspect_records_worked_by).
    group = named.model._default_manager.filter(
        Q(pk__in=named.values("pk")) | Q(entity_id__in=named.exclude(entity=None).values("entity"))
    )
    return bool(_worked_directly(organisation_id, group).exists())


def _is_analyst_or_governance(actor: Actor, obj: object | None) -> bool:
    """Analysts and governance users read pseudonymised statistics only."""
    return _has_role(actor, Role.ANALYST, Role.GOVERNANCE)


def _is_governance(actor: Actor, obj: object | None) -> bool:
    """Governance board members and managers."""
    return _has_role(actor, Role.GOVERNANCE)


def _is_administrator(actor: Actor, obj: object | None) -> bool:
    """Administrators manage organisations, users and reference data, not casework."""
    return _has_role(actor, Role.ADMINISTRATOR)


def _may_reset_second_factor(actor: Actor, obj: object | None) -> bool:
    """Administrators reset another user's second factor (ASVS V6.5), never their own: an
    administrator who lost theirs asks another, so no one replaces a factor unchecked."""
    if not _is_administrator(actor, obj):
        return False
    return obj is None or getattr(obj, "pk", None) != actor.pk


def _may_list_users(actor: Actor, obj: object | None) -> bool:
    """Administrators list users, each with a link to reset their second factor: every user,
    as ``second_factor.reset`` lets any administrator reset any other user's."""
    return _is_administrator(actor, obj)


def _is_analyst(actor: Actor, obj: object | None) -> bool:
    """Statisticians and analysts: pseudonymised data, publications, linkage runs."""
    return _has_role(actor, Role.ANALYST)


def _is_analyst_or_administrator(actor: Actor, obj: object | None) -> bool:
    """Pipeline runs (analytics refresh, linkage) that touch no record on screen."""
    return _has_role(actor, Role.ANALYST, Role.ADMINISTRATOR)


def _may_view_data_quality(actor: Actor, obj: object | None) -> bool:
    """Data quality figures hold no personal data: analysts, governance, administrators."""
    return _has_role(actor, Role.ANALYST, Role.GOVERNANCE, Role.ADMINISTRATOR)


def _may_review_person_pair(actor: Actor, obj: object | None) -> bool:
    """Clerical review shows two victims' identities side by side: competent authority
    caseworkers only, who already read every case (DOMAIN.md, 'Who decides')."""
    return _is_casework_reader(actor)


def _may_view_organisation_dashboard(actor: Actor, obj: object | None) -> bool:
    """Analysts and governance see every organisation's figures; anyone else only their own."""
    if _is_analyst_or_governance(actor, obj):
        return True
    if not _active(actor) or _organisation(actor) is None:
        return False
    return obj is None or getattr(obj, "pk", None) == getattr(actor, "organisation_id", None)


def _may_monitor_decisions(actor: Actor, obj: object | None) -> bool:
    """Decision monitoring is for governance and the competent authority's quality
    assurers (issue 8): aggregates of decisions, no person's record."""
    return _has_role(actor, Role.GOVERNANCE) or (
        _has_role(actor, Role.QUALITY_ASSURER) and _in_competent_authority(actor)
    )


def _may_export_subject_access(actor: Actor, obj: object | None) -> bool:
    """Administrators answer subject access requests (there is no data protection officer role).

    ARCHITECTURE.md, 'Who uses it': administrators see no casework on screen, so the export
    is their one, audited, way to read a whole person (issue 10)."""
    return _has_role(actor, Role.ADMINISTRATOR)


def _is_active(actor: Actor, obj: object | None) -> bool:
    """Any signed-in, active user (their own home page)."""
    return _active(actor)


_RULES: dict[Action, Callable[[Actor, object | None], bool]] = {
    Action.HOME_VIEW: _is_active,
    Action.REFERRAL_CREATE: _may_refer,
    Action.REFERRAL_VIEW: _may_view_referral,
    Action.REFERRAL_AMEND: _may_amend_referral,
    Action.DUTY_TO_NOTIFY_CREATE: _may_notify,
    Action.DUTY_TO_NOTIFY_VIEW: _may_view_duty_to_notify,
    Action.PERSON_RECORD_VIEW: _may_view_person_record,
    Action.DECISION_VIEW: _may_view_decision,
    Action.DECISION_MAKE: _may_decide,
    Action.DECISION_ASSURE: _may_assure,
    Action.SUSPECT_VIEW: _is_investigator,
    Action.INTELLIGENCE_SUBMIT: _is_investigator,
    Action.INTELLIGENCE_VIEW: _may_view_intelligence,
    Action.PURSUE_OUTCOME_RECORD: _is_investigator,
    Action.STATISTICS_VIEW: _is_analyst_or_governance,
    Action.GOVERNANCE_VIEW: _is_governance,
    Action.GOVERNANCE_EDIT: _is_governance,
    Action.ORGANISATION_MANAGE: _is_administrator,
    Action.USER_MANAGE: _is_administrator,
    Action.USER_LIST_VIEW: _may_list_users,
    Action.SECOND_FACTOR_RESET: _may_reset_second_factor,
    Action.AUDIT_VIEW: _is_administrator,
    Action.DATA_LOAD: _is_administrator,
    Action.INGEST_RUN: _is_administrator,
    Action.QUARANTINE_MANAGE: _is_administrator,
    Action.DATA_QUALITY_VIEW: _may_view_data_quality,
    Action.LINKAGE_RUN: _is_analyst_or_administrator,
    Action.LINKAGE_REVIEW_PERSONS: _may_review_person_pair,
    Action.LINKAGE_REVIEW_SUSPECTS: _is_investigator,
    Action.ANALYTICS_REFRESH: _is_analyst_or_administrator,
    Action.STATISTICS_PUBLISH: _is_analyst,
    Action.ORGANISATION_DASHBOARD_VIEW: _may_view_organisation_dashboard,
    Action.FAIRNESS_VIEW: _may_monitor_decisions,
    Action.SUBJECT_ACCESS_EXPORT: _may_export_subject_access,
}


def can(actor: Actor, action: Action, obj: object | None = None) -> bool:
    """True only when a rule for ``action`` exists and allows ``actor`` (deny by default)."""
    rule = _RULES.get(action)
    return rule is not None and rule(actor, obj)


def require(actor: Actor, action: Action, obj: object | None = None) -> None:
    """Raise PermissionDeniedError unless ``can(actor, action, obj)``."""
    if not can(actor, action, obj):
        raise PermissionDeniedError(PERMISSION_DENIED)


def referrals_visible_to(actor: Actor, referrals: QuerySet[M]) -> QuerySet[M]:
    """Scope a referral queryset to what ``actor`` may see (same rule as REFERRAL_VIEW)."""
    if _is_casework_reader(actor):
        return referrals
    if _may_refer(actor, None):
        return referrals.filter(
            first_responder_organisation_id=getattr(actor, "organisation_id", None)
        )
    return referrals.none()


def users_visible_to(actor: Actor, users: QuerySet[M]) -> QuerySet[M]:
    """Scope a user queryset to those ``actor`` may list (same rule as USER_LIST_VIEW)."""
    return users if _may_list_users(actor, None) else users.none()


def person_records_visible_to(actor: Actor, records: QuerySet[M]) -> QuerySet[M]:
    """Scope person records: through visible referrals only (same rule as PERSON_RECORD_VIEW)."""
    if _is_casework_reader(actor):
        return records
    if _may_refer(actor, None):
        return records.filter(
            referral__first_responder_organisation_id=getattr(actor, "organisation_id", None)
        )
    return records.none()


def _worked_directly(organisation_id: int | None, records: QuerySet[M]) -> QuerySet[M]:
    """Of a few records, those the organisation works itself (each looked up by index)."""
    every = records.model._default_manager.all()
    return records.filter(
        Q(source_organisation_id=organisation_id)
        | Exists(
            every.filter(
                pk=OuterRef("pk"), intelligence__originating_organisation_id=organisation_id
            )
        )
        | Exists(every.filter(pk=OuterRef("pk"), outcomes__agency_id=organisation_id))
        | Exists(
            every.filter(
                pk=OuterRef("pk"),
                linked_referrals__first_responder_organisation_id=organisation_id,
            )
        )
    )


def suspect_records_worked_by(organisation_id: int | None, records: QuerySet[M]) -> QuerySet[M]:
    """The suspect records an organisation works (issue 7, docs/pursue.md): records of every
    suspect entity it has recorded a suspect record of, originated intelligence naming, recorded
    a Pursue outcome against, or referred a victim linked to. Records linkage has placed in one
    entity count as one suspect, so working one agency's record works every agency's."""
    if organisation_id is None:
        return records.none()
    every = records.model._default_manager.all()
    direct = every.filter(
        Q(source_organisation_id=organisation_id)
        | Q(pk__in=every.filter(intelligence__originating_organisation_id=organisation_id))
        | Q(pk__in=every.filter(outcomes__agency_id=organisation_id))
        | Q(pk__in=every.filter(linked_referrals__first_responder_organisation_id=organisation_id))
    )
    entities = direct.filter(entity__isnull=False).values("entity_id")
    return records.filter(Q(pk__in=direct.values("pk")) | Q(entity_id__in=entities))


def intelligence_visible_to(actor: Actor, reports: QuerySet[M]) -> QuerySet[M]:
    """Scope intelligence reports (INTELLIGENCE_VIEW): sharing by rule, not by request.

    An investigator sees the reports of their own organisation. Under handling code C, only
    the organisations the conditions name see it besides (they win over any other rule).
    Under code P, a report naming suspects goes to the organisations working any of them
    (``suspect_records_worked_by``); one naming no suspect goes to every investigator.
    """
    if not _is_investigator(actor, None):
        return reports.none()
    organisation_id = getattr(actor, "organisation_id", None)
    every = reports.model._default_manager.all()
    suspect_model = cast(type[Model], reports.model._meta.get_field("suspects").related_model)
    suspects = suspect_model._default_manager.all()
    worked = suspect_records_worked_by(organisation_id, suspects)
    # Correlated (one index lookup per report), not a list of every report naming a suspect.
    names_a_suspect = Exists(every.filter(pk=OuterRef("pk"), suspects__isnull=False))
    about_worked = every.filter(suspects__in=worked.values("pk")).values("pk")
    permitted = every.filter(permitted_organisations__id=organisation_id).values("pk")
    return reports.filter(
        Q(originating_organisation_id=organisation_id)
        | Q(handling_code="C", pk__in=permitted)
        | (~Q(handling_code="C") & (~names_a_suspect | Q(pk__in=about_worked)))
    )
