"""Case references: ``KIND-YYYY-NNNNNN``, unique and gap-free per kind and year."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from msht.referrals.models import ReferenceSequence


def next_reference(kind: str, year: int) -> str:
    """The next reference of ``kind`` (NRM, DTN, INT...) in ``year``; one locked counter
    row per kind and year keeps references unique. Call inside the write's transaction."""
    prefix = f"{kind}-{year}"
    sequence = ReferenceSequence.objects.select_for_update().filter(prefix=prefix).first()
    if sequence is None:
        try:
            with transaction.atomic():
                ReferenceSequence.objects.create(prefix=prefix, last_number=0)
        except IntegrityError:
            pass  # another writer created it first; lock theirs
        sequence = ReferenceSequence.objects.select_for_update().get(prefix=prefix)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"{prefix}-{sequence.last_number:06d}"
