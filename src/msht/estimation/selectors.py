"""Reads for the hidden-figure estimate: the overlap table of linked people, and past runs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import QuerySet

from msht.accounts.models import OrganisationType
from msht.accounts.rules import Action, Actor, require
from msht.core.errors import ValidationError
from msht.core.periods import Span, parse_span
from msht.estimation.engine.overlap import OverlapTable, overlap_table
from msht.estimation.models import EstimationRun, ListGrouping
from msht.referrals.models import Referral, ReferralStatus

# The sectors the published NRM statistics group first responders into.
SECTOR_OF_TYPE: dict[str, str] = {
    OrganisationType.POLICE_FORCE: "police",
    OrganisationType.LOCAL_AUTHORITY: "local_authority",
    OrganisationType.HEALTH_AND_SOCIAL_CARE_TRUST: "local_authority",
    OrganisationType.NGO: "ngo",
    OrganisationType.NCA: "government",
    OrganisationType.BORDER_FORCE: "government",
    OrganisationType.IMMIGRATION_ENFORCEMENT: "government",
    OrganisationType.UK_VISAS_AND_IMMIGRATION: "government",
    OrganisationType.GLAA: "government",
    OrganisationType.HOME_OFFICE_OTHER: "government",
    OrganisationType.COMPETENT_AUTHORITY: "government",
}


@dataclass(frozen=True)
class LinkedLists:
    """The overlap table of people, with what it was built from."""

    table: OverlapTable
    referral_count: int
    people_seen: int
    linked_share: float


def estimation_period(text: str) -> Span:
    """A calendar year, a span of years or a quarter; ValidationError for anything else."""
    try:
        return parse_span(text)
    except ValueError as error:
        raise ValidationError(str(error), [str(error)]) from None


def _list_of(organisation_type: str, grouping: ListGrouping) -> str:
    if grouping == ListGrouping.SECTOR:
        return SECTOR_OF_TYPE[organisation_type]
    return organisation_type


def linked_lists_for_period(*, period: Span, grouping: ListGrouping) -> LinkedLists:
    """Who each list saw in the period, counting a linked person once across lists.

    A referral's person is its record's linked entity; a record linkage has not
    placed counts as a person of its own (the caveats say how that biases).
    """
    rows = (
        Referral.objects.exclude(status=ReferralStatus.DRAFT)
        .filter(referred_on__range=(period.start, period.end))
        .values_list(
            "person_record_id",
            "person_record__entity_id",
            "first_responder_organisation__organisation_type",
        )
    )
    lists_by_person: dict[str, set[str]] = {}
    referral_count = linked = 0
    for record_id, entity_id, organisation_type in rows.iterator(chunk_size=5000):
        referral_count += 1
        linked += entity_id is not None
        person = f"entity:{entity_id}" if entity_id is not None else f"record:{record_id}"
        lists_by_person.setdefault(person, set()).add(_list_of(organisation_type, grouping))
    if not referral_count:
        message = f"No submitted referrals in {period.label}: there is nothing to estimate from."
        raise ValidationError(message, [message])
    names = sorted({name for lists in lists_by_person.values() for name in lists})
    patterns = Counter(
        tuple(int(name in lists) for name in names) for lists in lists_by_person.values()
    )
    table = overlap_table(names, {pattern: float(n) for pattern, n in patterns.items()})
    return LinkedLists(table, referral_count, len(lists_by_person), linked / referral_count)


def estimation_run_list(actor: Actor) -> QuerySet[EstimationRun]:
    """Past estimates, newest first (aggregates only: analysts and governance)."""
    require(actor, Action.STATISTICS_VIEW)
    return EstimationRun.objects.select_related("created_by")


def estimation_run_get(actor: Actor, run_id: int) -> EstimationRun:
    require(actor, Action.STATISTICS_VIEW)
    return EstimationRun.objects.select_related("created_by").get(pk=run_id)


def estimation_run_latest(actor: Actor) -> EstimationRun | None:
    """The newest estimate, for the national picture (None before the first)."""
    return estimation_run_list(actor).first()
