"""Reads about users and organisations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from msht.accounts.models import Organisation, Role, User
from msht.accounts.rules import Action, Actor, can, require, users_visible_to
from msht.audit.models import AuditEventType
from msht.audit.services import audit_record_many


@dataclass(frozen=True)
class HomeLink:
    """A task on a role's home page; ``url_name`` once the page for it exists."""

    title: str
    description: str
    url_name: str | None = None


# The work each role comes to MSHT for (ARCHITECTURE.md, 'Who uses it').
_ROLE_TASKS: dict[Role, tuple[HomeLink, ...]] = {
    Role.FIRST_RESPONDER: (
        HomeLink(
            "Refer a potential victim",
            "Make a National Referral Mechanism referral.",
            "referrals:start",
        ),
        HomeLink(
            "Report under Duty to Notify",
            "Notify the Home Office of an adult who does not consent to a referral.",
            "referrals:duty-to-notify",
        ),
        HomeLink("Your drafts", "Referrals you saved to finish later.", "referrals:drafts"),
        HomeLink(
            "Your organisation's dashboard",
            "Your organisation's referrals over time.",
            "analytics:organisation-dashboards",
        ),
        HomeLink(
            "Your organisation's referrals",
            "See the outcome of referrals you made.",
            "referrals:list",
        ),
    ),
    Role.DECISION_MAKER: (
        HomeLink(
            "Your work queue",
            "Reasonable Grounds and Conclusive Grounds decisions due.",
            "decisions:queue",
        ),
        HomeLink(
            "Reconsiderations",
            "Requests to reconsider a negative decision.",
            "decisions:reconsiderations",
        ),
        HomeLink(
            "Possible duplicate people",
            "Decide whether two records describe the same person.",
            "linkage:queue-persons",
        ),
    ),
    Role.QUALITY_ASSURER: (
        HomeLink(
            "Decisions to assure",
            "Second-person checks of decisions.",
            "decisions:assurance-queue",
        ),
        HomeLink(
            "Decision monitoring",
            "Are decisions fair, consistent and on time: findings with their tables.",
            "fairness:monitoring",
        ),
        HomeLink(
            "Possible duplicate people",
            "Decide whether two records describe the same person.",
            "linkage:queue-persons",
        ),
    ),
    Role.INVESTIGATOR: (
        HomeLink("Submit intelligence", "Graded on the 3x5x2 model.", "intelligence:report-new"),
        HomeLink(
            "Intelligence",
            "Reports you may see, with their handling conditions.",
            "intelligence:reports",
        ),
        HomeLink(
            "Suspects and networks",
            "Suspects linked across agencies, networks, missed opportunities.",
            "intelligence:networks",
        ),
        HomeLink(
            "Possible duplicate suspects",
            "Decide whether two records describe the same suspect.",
            "linkage:queue-suspects",
        ),
        HomeLink(
            "Record a Pursue outcome",
            "Investigations, arrests, charges, convictions.",
            "intelligence:outcome-new",
        ),
    ),
    Role.ANALYST: (
        HomeLink(
            "National statistics",
            "The national picture, and the quarterly tables with disclosure control.",
            "analytics:dashboard",
        ),
        HomeLink("Data quality", "Completeness and validity per source.", "quality:national"),
        HomeLink(
            "Record linkage",
            "Linkage runs, their trained models and reviewers' precision.",
            "linkage:runs",
        ),
        HomeLink(
            "The hidden figure",
            "How many victims no list has seen: multiple systems estimation.",
            "estimation:list",
        ),
    ),
    Role.GOVERNANCE: (
        HomeLink("Performance indicators", "Per directorate and strand.", "governance:indicators"),
        HomeLink(
            "National picture",
            "Referrals, people and decisions over time, with disclosure control.",
            "analytics:dashboard",
        ),
        HomeLink(
            "Inspection recommendations",
            "Responses and actions against deadlines.",
            "governance:recommendations",
        ),
        HomeLink("Delivery plan", "Objectives and milestones per strand.", "governance:plan"),
        HomeLink(
            "Roles and responsibilities",
            "Who is responsible and accountable for each strand.",
            "governance:raci",
        ),
        HomeLink(
            "Skills gaps", "Training required per role, and what lapses.", "governance:skills"
        ),
        HomeLink(
            "Overdue decisions",
            "Reasonable Grounds and Conclusive Grounds decisions past their targets.",
            "decisions:overdue",
        ),
        HomeLink(
            "Decision monitoring",
            "Are decisions fair, consistent and on time: findings with their tables.",
            "fairness:monitoring",
        ),
    ),
    Role.ADMINISTRATOR: (
        HomeLink("Organisations", "First responders, competent authorities and units."),
        HomeLink(
            "Users",
            "Who may sign in, their role, and whether they have set up a second factor.",
            "accounts:users",
        ),
        HomeLink("Ingest an agency export", "Load a source's export file.", "ingest:upload"),
        HomeLink(
            "Quarantined rows",
            "Correct and re-submit rows that could not load.",
            "ingest:quarantine",
        ),
        HomeLink("Data quality", "Completeness and validity per source.", "quality:national"),
        HomeLink(
            "Subject access requests",
            "Export everything held about one person (audited, with the recipient).",
            "privacy:subject-access",
        ),
    ),
}


def home_tasks_for(actor: Actor) -> tuple[HomeLink, ...]:
    """The tasks shown on ``actor``'s home page, by role (nothing for an unknown role)."""
    if not can(actor, Action.HOME_VIEW) or not isinstance(actor, User):
        return ()
    return _ROLE_TASKS.get(Role(actor.role), ()) if actor.role in Role.values else ()


@dataclass(frozen=True)
class UserFilters:
    """The users list's filters: an organisation's code and words from a name or email."""

    organisation: str = ""
    search: str = ""


def user_list_organisations(actor: Actor) -> QuerySet[Organisation]:
    """The organisations of the users ``actor`` may list, for the filter (USER_LIST_VIEW)."""
    require(actor, Action.USER_LIST_VIEW)
    visible = users_visible_to(actor, User.objects.all())
    return Organisation.objects.filter(pk__in=visible.values("organisation_id")).order_by("name")


def user_list_for_administration(actor: Actor, *, filters: UserFilters) -> QuerySet[User]:
    """Users ``actor`` may list (USER_LIST_VIEW), filtered, by surname, each annotated with
    ``has_second_factor`` (a confirmed authenticator app)."""
    require(actor, Action.USER_LIST_VIEW)
    users = users_visible_to(actor, User.objects.select_related("organisation"))
    if filters.organisation:
        users = users.filter(organisation__code=filters.organisation)
    for word in filters.search.split():
        users = users.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(username__icontains=word)
        )
    confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return users.annotate(has_second_factor=Exists(confirmed)).order_by(
        "last_name", "first_name", "username"
    )


def user_list_read(actor: Actor, users: Sequence[User], *, filters: UserFilters) -> None:
    """Audit a page of the users list: one ``record.viewed`` per user shown (names, emails
    and roles are personal data), with the filters that chose them."""
    require(actor, Action.USER_LIST_VIEW)
    with transaction.atomic():
        audit_record_many(
            actor,
            event_type=AuditEventType.RECORD_VIEWED,
            object_type="accounts.user",
            object_ids=[str(user.pk) for user in users],
            details={
                "page": "users list",
                "organisation": filters.organisation,
                "search": filters.search,
            },
        )
