"""Possible duplicates: existing person records that may describe a new referral's subject.

Once record linkage has run, the new record is compared with the last saved person model
(Fellegi-Sunter weights trained by Splink, docs/linkage.md): candidates are found in SQL
(a shared identifier, a compatible year of birth with a shared initial, or the same family
name), then scored with the model; a candidate whose match probability reaches the run's
review threshold is a possible duplicate. Before any linkage run, the rule below decides.

Without a model, a record is a candidate when it shares an identifier (Home Office
reference, Police National Computer id, passport number), or when its name is the same or
similar (case and accents ignored, given and family names possibly swapped, a small edit
distance allowed) *and* its date of birth is compatible (the same date when both are
complete and exact; otherwise years at most one apart). A record with no year of birth is
matched on identifiers only, so that a common name alone never makes a match.

Only ``duplicate_candidates_for`` shows the candidates, and only the ones the actor may see
(PERSON_RECORD_VIEW); the first responder who submits is told how many there are, no more.
"""

from __future__ import annotations

import json
import re
import unicodedata

import pyarrow as pa
from django.db import transaction
from django.db.models import Q

from msht.accounts.rules import Action, Actor, can, person_records_visible_to
from msht.audit.models import AuditEventType
from msht.audit.services import audit_record
from msht.linkage.engine import RAW_SCHEMA
from msht.linkage.engine.incremental import score_new_record
from msht.linkage.models import LinkageKind, LinkageRun
from msht.referrals.models import PersonRecord, Referral

# The newest candidates a submission is scored against (the SQL keeps the list short).
MAX_CANDIDATES = 2000
# Estimated dates of birth are recorded up to two years out (docs/linkage.md).
BIRTH_YEAR_SLACK = 2

_NOT_LETTERS = re.compile(r"[^a-z ]+")


def normalise_name(name: str) -> str:
    """Lower case, accents removed, punctuation dropped, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_only = "".join(char for char in decomposed if not unicodedata.combining(char))
    letters = _NOT_LETTERS.sub(" ", ascii_only.lower().replace("-", " "))
    return " ".join(letters.split())


def edit_distance(first: str, second: str) -> int:
    """Levenshtein distance: insertions, deletions and substitutions of one character."""
    if len(first) < len(second):
        first, second = second, first
    previous = list(range(len(second) + 1))
    for i, char_first in enumerate(first, start=1):
        current = [i]
        for j, char_second in enumerate(second, start=1):
            current.append(
                min(
                    previous[j] + 1,
                    current[j - 1] + 1,
                    previous[j - 1] + (char_first != char_second),
                )
            )
        previous = current
    return previous[-1]


def _similar(first: str, second: str) -> bool:
    """Equal, or within one edit (two for names longer than eight letters)."""
    if not first or not second:
        return False
    if first == second:
        return True
    allowed = 2 if min(len(first), len(second)) > 8 else 1
    return edit_distance(first, second) <= allowed


def _name_parts(record: PersonRecord) -> tuple[str, str]:
    """The first given name and the whole family name, normalised."""
    given = normalise_name(record.given_names).split()
    return (given[0] if given else "", normalise_name(record.family_name))


def names_match(first: PersonRecord, second: PersonRecord) -> bool:
    """Same or similar names, in either order (given and family names are often swapped)."""
    given_a, family_a = _name_parts(first)
    given_b, family_b = _name_parts(second)
    straight = _similar(given_a, given_b) and _similar(family_a, family_b)
    swapped = _similar(given_a, family_b) and _similar(family_a, given_b)
    return straight or swapped


def _is_exact(record: PersonRecord) -> bool:
    return (
        record.birth_year is not None
        and record.birth_month is not None
        and record.birth_day is not None
        and not record.birth_date_is_estimated
    )


def dates_of_birth_compatible(first: PersonRecord, second: PersonRecord) -> bool:
    """The same date when both are complete and exact; otherwise years at most one apart."""
    if first.birth_year is None or second.birth_year is None:
        return False
    if _is_exact(first) and _is_exact(second):
        return (first.birth_year, first.birth_month, first.birth_day) == (
            second.birth_year,
            second.birth_month,
            second.birth_day,
        )
    return abs(first.birth_year - second.birth_year) <= 1


def _identifier_query(record: PersonRecord) -> Q | None:
    query: Q | None = None
    for field in ("home_office_reference", "pnc_id", "passport_number"):
        value = getattr(record, field).strip()
        if value:
            condition = Q(**{f"{field}__iexact": value})
            query = condition if query is None else query | condition
    return query


def possible_duplicates(record: PersonRecord) -> list[PersonRecord]:
    """Every other person record that may describe the same person (no permission check:
    callers are services, which store only the count, and the selector below): scored with
    the last linkage model when there is one, by the rule otherwise."""
    run = (
        LinkageRun.objects.filter(kind=LinkageKind.PERSONS)
        .order_by("-started_at", "-pk")
        .only("model", "lower_threshold")
        .first()
    )
    if run is None or not run.model.get("comparisons"):
        return _rule_based_duplicates(record)
    return _model_duplicates(record, run)


def _initials(record: PersonRecord) -> set[str]:
    names = f"{normalise_name(record.given_names)} {normalise_name(record.family_name)}"
    return {token[0] for token in names.split() if token}


def _candidate_query(record: PersonRecord) -> Q | None:
    """Blocking in SQL: a shared identifier; a year of birth within two with a shared
    initial; or the same family name (either order) whatever the date of birth."""
    query = _identifier_query(record)
    conditions: list[Q] = [query] if query is not None else []
    initials = _initials(record)
    if record.birth_year is not None and initials:
        initial_query = Q()
        for letter in sorted(initials):
            initial_query |= Q(family_name__istartswith=letter) | Q(given_names__istartswith=letter)
        conditions.append(
            Q(
                birth_year__gte=record.birth_year - BIRTH_YEAR_SLACK,
                birth_year__lte=record.birth_year + BIRTH_YEAR_SLACK,
            )
            & initial_query
        )
    for name in {record.family_name.strip(), record.given_names.strip()} - {""}:
        conditions.append(Q(family_name__iexact=name))
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined


_RAW_FIELDS = (
    "pk",
    "given_names",
    "family_name",
    "aliases",
    "birth_year",
    "birth_month",
    "birth_day",
    "birth_date_is_estimated",
    "gender",
    "home_office_reference",
    "pnc_id",
    "passport_number",
    "phone_numbers",
    "addresses",
)


def _raw(rows: list[dict[str, object]]) -> pa.Table:
    """Person records as the linkage engine reads them (RAW_SCHEMA)."""
    return pa.Table.from_pylist(
        [
            {
                "record_id": str(row["pk"]),
                "source_dataset": "store",
                "given_names": row["given_names"],
                "family_name": row["family_name"],
                "aliases_json": json.dumps(row["aliases"] or []),
                "birth_year": row["birth_year"],
                "birth_month": row["birth_month"],
                "birth_day": row["birth_day"],
                "birth_date_is_estimated": row["birth_date_is_estimated"],
                "gender": row["gender"],
                "nationalities_json": "[]",
                "identifier_1": row["home_office_reference"] or None,
                "identifier_2": row["pnc_id"] or None,
                "identifier_3": row["passport_number"] or None,
                "phones_json": json.dumps(row["phone_numbers"] or []),
                "addresses_json": json.dumps(row["addresses"] or []),
            }
            for row in rows
        ],
        schema=RAW_SCHEMA,
    )


def _model_duplicates(record: PersonRecord, run: LinkageRun) -> list[PersonRecord]:
    """Candidates from SQL scored with the run's model; those at or above its review
    threshold are possible duplicates."""
    query = _candidate_query(record)
    if query is None:
        return []
    candidates = list(
        PersonRecord.objects.exclude(pk=record.pk)
        .filter(query)
        .order_by("-pk")
        .values(*_RAW_FIELDS)[:MAX_CANDIDATES]
    )
    if not candidates:
        return []
    new = {field: getattr(record, field) for field in _RAW_FIELDS if field != "pk"}
    new["pk"] = record.pk if record.pk is not None else 0
    scored = score_new_record(_raw([new]), _raw(candidates), run.model)
    kept = [int(item.record_id) for item in scored if item.match_probability >= run.lower_threshold]
    return list(PersonRecord.objects.filter(pk__in=kept).order_by("pk"))


def _rule_based_duplicates(record: PersonRecord) -> list[PersonRecord]:
    """The rule used before any linkage run (module docstring)."""
    others = PersonRecord.objects.exclude(pk=record.pk)
    found: dict[int, PersonRecord] = {}
    identifiers = _identifier_query(record)
    if identifiers is not None:
        for candidate in others.filter(identifiers):
            found[candidate.pk] = candidate
    if record.birth_year is not None and (record.given_names or record.family_name):
        near = others.filter(
            birth_year__gte=record.birth_year - 1, birth_year__lte=record.birth_year + 1
        ).only(
            "pk",
            "given_names",
            "family_name",
            "birth_year",
            "birth_month",
            "birth_day",
            "birth_date_is_estimated",
        )
        for candidate in near.iterator(chunk_size=2000):
            if (
                candidate.pk not in found
                and dates_of_birth_compatible(record, candidate)
                and names_match(record, candidate)
            ):
                found[candidate.pk] = candidate
    return sorted(found.values(), key=lambda candidate: candidate.pk)


def duplicate_candidates_for(actor: Actor, referral: Referral) -> list[PersonRecord]:
    """The possible duplicates of the referral's subject that the actor may see
    (PERSON_RECORD_VIEW); nothing for anyone else. Each record shown is an audited read."""
    if not can(actor, Action.REFERRAL_VIEW, referral) or not can(
        actor, Action.PERSON_RECORD_VIEW, None
    ):
        return []
    candidate_ids = [candidate.pk for candidate in possible_duplicates(referral.person_record)]
    visible = person_records_visible_to(
        actor,
        PersonRecord.objects.filter(pk__in=candidate_ids).select_related(
            "source_organisation", "entity"
        ),
    )
    candidates = list(visible.order_by("pk"))
    if candidates:
        with transaction.atomic():
            for candidate in candidates:
                audit_record(
                    actor,
                    event_type=AuditEventType.RECORD_VIEWED,
                    obj=candidate,
                    details={"via": "possible duplicate", "referral": referral.reference},
                )
    return candidates
