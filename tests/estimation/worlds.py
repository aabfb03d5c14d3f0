"""A small store of linked referrals for the hidden-figure tests."""

from __future__ import annotations

import datetime as dt

from msht.accounts.models import OrganisationType
from msht.referrals.models import PersonEntity
from tests.accounts.factories import OrganisationFactory
from tests.referrals.factories import DraftReferralFactory, ReferralFactory

SECTORS = {
    "police": OrganisationType.POLICE_FORCE,
    "local_authority": OrganisationType.LOCAL_AUTHORITY,
    "government": OrganisationType.BORDER_FORCE,
    "ngo": OrganisationType.NGO,
}


def _refer(person: PersonEntity | None, sector: str, day: dt.date = dt.date(2024, 5, 1)) -> None:
    organisation = OrganisationFactory.create(organisation_type=SECTORS[sector])
    referral = ReferralFactory.create(first_responder_organisation=organisation, referred_on=day)
    if person is not None:
        referral.person_record.entity = person
        referral.person_record.save(update_fields=["entity"])


def linked_referrals_world() -> None:
    """Five linked people seen by several lists, three unlinked referrals, and noise."""
    for sectors in (
        ("police", "ngo"),
        ("police", "ngo", "local_authority"),
        ("police",),
        ("government", "police"),
        ("local_authority", "local_authority"),  # one list twice: still one person
    ):
        person = PersonEntity.objects.create()
        for sector in sectors:
            _refer(person, sector)
    for sector in ("police", "ngo", "government"):
        _refer(None, sector)
    _refer(None, "police", day=dt.date(2023, 12, 31))  # outside the period
    DraftReferralFactory.create(referred_on=dt.date(2024, 5, 1))  # never submitted
