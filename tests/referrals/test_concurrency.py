"""Concurrent submissions get unique, gap-free references (PostgreSQL: real row locks)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from msht.accounts.models import User
from msht.referrals.models import Referral
from msht.referrals.services import referral_submit
from tests.accounts.factories import UserFactory
from tests.referrals.factories import complete_answers

WRITERS = 4
REFERRALS_PER_WRITER = 5


def _submit(user_pk: int) -> list[str]:
    try:
        user = User.objects.select_related("organisation").get(pk=user_pk)
        return [
            referral_submit(user, answers=complete_answers()).reference
            for _ in range(REFERRALS_PER_WRITER)
        ]
    finally:
        connections.close_all()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_unique_consecutive_references() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only real on PostgreSQL; SQLite serialises writers itself")
    users = [UserFactory.create().pk for _ in range(WRITERS)]
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        references = [ref for batch in pool.map(_submit, users) for ref in batch]
    assert len(set(references)) == WRITERS * REFERRALS_PER_WRITER
    numbers = sorted(int(reference.rsplit("-", 1)[1]) for reference in references)
    assert numbers == list(range(1, len(numbers) + 1))
    assert Referral.objects.count() == len(numbers)
