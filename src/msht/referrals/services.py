"""Writes of referrals and Duty to Notify reports (DOMAIN.md, 'The National Referral Mechanism').

Each service checks accounts.rules, runs in one transaction and writes its audit event inside
it. A check that can find several problems reports them all (ReferralProblemsError).
"""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any, TypedDict, TypeVar

from django.db import transaction
from django.db.models import Field, Model
from django.utils import timezone

from msht.accounts.models import Organisation, User
from msht.accounts.rules import Action, Actor, referrals_visible_to, require
from msht.audit.models import AuditEventType
from msht.audit.services import audit_record
from msht.core.errors import ValidationError
from msht.core.models import ExploitationType, IloIndicator, Nationality, PoliceForceArea
from msht.core.reference import AgeGroup, ExploitationLocation, Gender, ImmigrationStatus
from msht.decisions.services import decision_rg_open
from msht.referrals.answers import (
    IDENTIFYING_FIELDS,
    PERSON_FIELDS,
    REFERRAL_FIELDS,
    PlaceAnswer,
    ReferralAnswers,
    json_value,
    referral_answers,
)
from msht.referrals.duplicates import possible_duplicates
from msht.referrals.models import (
    DutyToNotifyReport,
    ExploitationPlace,
    PersonRecord,
    PersonRecordSource,
    Referral,
    ReferralAmendment,
    ReferralStatus,
)
from msht.referrals.references import next_reference

ReferenceModel = TypeVar("ReferenceModel", bound=Model)

MAX_PLACES = 10
SINGLE_COMPETENT_AUTHORITY = "single-competent-authority"
IMMIGRATION_ENFORCEMENT_COMPETENT_AUTHORITY = "immigration-enforcement-competent-authority"
UK_NATIONALITY = "GBR"
# A leap year, for the longest each month can be when the year of birth is not known.
_LEAP_YEAR = 2000
# Foreign nationals who may face removal are decided by the IECA (DOMAIN.md, 'Who decides').
MAY_FACE_REMOVAL = frozenset({ImmigrationStatus.IRREGULAR, ImmigrationStatus.IMMIGRATION_DETENTION})

# Error messages say what to do (GOV.UK design system, 'Error message').
REFERRAL_INVALID = "The referral cannot be submitted: put right every problem listed"
ANSWERS_INVALID = "Some answers are not valid: put right every problem listed"
NOT_A_DRAFT = "Only a draft can be changed this way; amend a submitted referral instead"
NOT_SUBMITTED = "Only a submitted referral can be amended"
NOT_DUTY_TO_NOTIFY = (
    "Only an adult who does not consent to a referral is reported under Duty to Notify"
)
REASON_MISSING = "Enter the reason for the amendment"
NOTHING_CHANGED = "Change at least one answer, or cancel the amendment"
NAME_MISSING = "Enter the person's given names or family name"
AGE_GROUP_MISSING = "Select the person's age group at the time of exploitation"
CONSENT_MISSING = "Select whether the adult consents to being referred"
CONSENT_REFUSED = (
    "An adult who does not consent cannot be referred: report them under Duty to Notify instead"
)
OFFICER_NAME_MISSING = "Enter your name"
OFFICER_EMAIL_MISSING = "Enter your email address"
EXPLOITATION_TYPE_MISSING = "Select at least one type of exploitation"
COUNTY_LINES_NOT_CRIMINAL = (
    "County lines is a kind of criminal exploitation: select criminal exploitation, "
    "or do not select county lines"
)
PLACES_TOO_MANY = "Enter no more than 10 places of exploitation"
UK_PLACE_MISSING = "Select the police force area where exploitation took place in the UK"
OVERSEAS_PLACE_MISSING = "Select the country where exploitation took place overseas"
UK_PLACE_NOT_ALLOWED = "Remove the UK places, or change where exploitation took place"
OVERSEAS_PLACE_NOT_ALLOWED = "Remove the overseas places, or change where exploitation took place"
PLACE_EMPTY = "Select a police force area or a country for each place"
ENDED_BEFORE_STARTED = "The date exploitation ended must be the same as or after it started"
DATE_IN_FUTURE = "The date exploitation {which} must be today or in the past"
ENDED_WHILE_ONGOING = (
    "The exploitation is marked as ongoing: leave the date it ended blank, or say it is not ongoing"
)
UK_IS_NOT_OVERSEAS = (
    "The United Kingdom is not a country overseas: select the police force area where "
    "exploitation took place in the UK"
)
NARRATIVE_MISSING = "Describe what happened to the person"
BIRTH_MONTH_INVALID = "Month of birth must be a number from 1 to 12"
BIRTH_DAY_INVALID = "Day of birth must be a real day of the month"
BIRTH_DAY_NOT_IN_MONTH = "Day of birth must be a real day of the month: {month} has {days} days"
BIRTH_DAY_WITHOUT_MONTH = "Enter the month of birth, or leave the day blank"
BIRTH_DATE_IN_FUTURE = "Date of birth must be in the past"
UNKNOWN_CODE = "Select a {what} from the list ({code} is not one)"
UNKNOWN_CHOICE = "Select one of the options for {field} ({value} is not one)"


class ReferralProblemsError(ValidationError):
    """Every problem with a referral's answers, each naming the field it is about."""

    def __init__(self, message: str, field_problems: list[tuple[str, str]]) -> None:
        super().__init__(message, [f"{field}: {text}" for field, text in field_problems])
        self.field_problems = field_problems

    def by_field(self) -> dict[str, list[str]]:
        """The problems grouped by field, in the order they were found."""
        grouped: dict[str, list[str]] = {}
        for field, text in self.field_problems:
            grouped.setdefault(field, []).append(text)
        return grouped


class DutyToNotifyAnswers(TypedDict, total=False):
    """What a Duty to Notify report holds: nothing that identifies the person."""

    gender: str
    nationality: str
    exploitation_types: list[str]
    exploitation_location: str
    police_force_area: str
    country_of_exploitation: str
    ilo_indicators: list[str]


# -- guards and helpers ---------------------------------------------------------------------


def _actor_user(actor: Actor) -> User:
    assert isinstance(actor, User)  # noqa: S101 - require() has let only active users through
    return actor


def _organisation_of(actor: Actor) -> Organisation:
    organisation = _actor_user(actor).organisation
    assert organisation is not None  # noqa: S101 - rules refuse users without one
    return organisation


def _check_choice(
    answers: ReferralAnswers | DutyToNotifyAnswers,
    field: str,
    choices: Iterable[str],
    problems: list[tuple[str, str]],
) -> None:
    value: Any = answers.get(field)
    if value not in (None, "") and value not in set(choices):
        problems.append((field, UNKNOWN_CHOICE.format(field=field.replace("_", " "), value=value)))


def _stored(target: Model, name: str, value: object) -> object:
    """``None`` means "no answer": stored as the field's empty value unless it may be null."""
    field = target._meta.get_field(name)
    if value is None and isinstance(field, Field) and not field.null:
        return field.get_default()
    return value


def _resolve(
    model: type[ReferenceModel],
    codes: Iterable[str],
    *,
    field: str,
    what: str,
    problems: list[tuple[str, str]],
) -> list[ReferenceModel]:
    wanted = [code for code in codes if code]
    found = {getattr(row, "code"): row for row in model._default_manager.filter(code__in=wanted)}  # noqa: B009
    for code in wanted:
        if code not in found:
            problems.append((field, UNKNOWN_CODE.format(what=what, code=code)))
    return [found[code] for code in wanted if code in found]


def _resolve_one(
    model: type[ReferenceModel],
    code: str | None,
    *,
    field: str,
    what: str,
    problems: list[tuple[str, str]],
) -> ReferenceModel | None:
    """One optional coded answer: the row, or None (an unknown code is added to problems)."""
    found = _resolve(model, [code or ""], field=field, what=what, problems=problems)
    return found[0] if found else None


def _check_choices(answers: ReferralAnswers, problems: list[tuple[str, str]]) -> None:
    _check_choice(answers, "age_group_at_exploitation", AgeGroup.values, problems)
    _check_choice(answers, "gender", Gender.values, problems)
    _check_choice(answers, "exploitation_location", ExploitationLocation.values, problems)
    _check_choice(answers, "immigration_status", ImmigrationStatus.values, problems)
    month, day = answers.get("birth_month"), answers.get("birth_day")
    if month is not None and not 1 <= month <= 12:
        problems.append(("birth_month", BIRTH_MONTH_INVALID))
    if day is not None and not 1 <= day <= 31:
        problems.append(("birth_day", BIRTH_DAY_INVALID))
    if len(answers.get("places") or []) > MAX_PLACES:
        problems.append(("places", PLACES_TOO_MANY))


def _apply_places(
    referral: Referral, places: list[PlaceAnswer], problems: list[tuple[str, str]]
) -> None:
    areas = {
        area.code: area
        for area in PoliceForceArea.objects.filter(
            code__in=[place.get("police_force_area", "") for place in places]
        )
    }
    countries = {
        country.code: country
        for country in Nationality.objects.filter(
            code__in=[place.get("country", "") for place in places]
        )
    }
    rows: list[ExploitationPlace] = []
    for place in places[:MAX_PLACES]:
        area_code, country_code = place.get("police_force_area", ""), place.get("country", "")
        if area_code and area_code not in areas:
            problems.append(
                ("places", UNKNOWN_CODE.format(what="police force area", code=area_code))
            )
        if country_code and country_code not in countries:
            problems.append(("places", UNKNOWN_CODE.format(what="country", code=country_code)))
        if not area_code and not country_code:
            problems.append(("places", PLACE_EMPTY))
        area, country = areas.get(area_code), countries.get(country_code)
        if area is not None or country is not None:
            rows.append(
                ExploitationPlace(
                    referral=referral,
                    police_force_area=area,
                    country=country,
                    town_or_city=place.get("town_or_city", ""),
                )
            )
    referral.exploitation_places.all().delete()
    ExploitationPlace.objects.bulk_create(rows)


def _apply_answers(referral: Referral, answers: ReferralAnswers) -> list[tuple[str, str]]:
    """Write the given answers (and only those) to the referral and its person record.

    Returns the malformed answers (unknown codes or choices); the caller raises, and its
    transaction undoes the writes. A missing answer is not a problem (drafts may be incomplete).
    """
    problems: list[tuple[str, str]] = []
    _check_choices(answers, problems)
    record = referral.person_record
    values: dict[str, Any] = dict(answers)
    for target, names in ((record, PERSON_FIELDS), (referral, REFERRAL_FIELDS)):
        for name in names:
            if name in values:
                setattr(target, name, _stored(target, name, values[name]))
    record.save()
    referral.save()
    # Each many-to-many answer: (the field's related manager, reference model, what it is).
    related: tuple[tuple[str, Any, Any, str], ...] = (
        ("nationalities", record.nationalities, Nationality, "nationality"),
        (
            "exploitation_types",
            referral.exploitation_types,
            ExploitationType,
            "type of exploitation",
        ),
        ("ilo_indicators", referral.ilo_indicators, IloIndicator, "indicator"),
    )
    for field, manager, model, what in related:
        if field in values:
            manager.set(_resolve(model, values[field], field=field, what=what, problems=problems))
    if "places" in answers:
        _apply_places(referral, answers["places"], problems)
    return problems


def _birth_date_problems(answers: ReferralAnswers, today: dt.date) -> list[tuple[str, str]]:
    year, month, day = (
        answers.get("birth_year"),
        answers.get("birth_month"),
        answers.get("birth_day"),
    )
    if day is not None and month is None:
        return [("birth_day", BIRTH_DAY_WITHOUT_MONTH)]
    if day is not None and month is not None and 1 <= month <= 12:
        # A partial date (no year) is still a real day of its month: 29 February may be
        # right for an unknown year, 30 February never is.
        longest = calendar.monthrange(year if year is not None else _LEAP_YEAR, month)[1]
        if day > longest:
            message = BIRTH_DAY_NOT_IN_MONTH.format(month=calendar.month_name[month], days=longest)
            return [("birth_day", message)]
    if year is None:
        return []
    if year > today.year:
        return [("birth_year", BIRTH_DATE_IN_FUTURE)]
    if month is not None and day is not None:
        try:
            born = dt.date(year, month, day)
        except ValueError:
            return [("birth_day", BIRTH_DAY_INVALID)]
        if born > today:
            return [("birth_year", BIRTH_DATE_IN_FUTURE)]
    return []


def _consent_problems(answers: ReferralAnswers) -> list[tuple[str, str]]:
    """Adults must consent; children need no consent (DOMAIN.md, NRM 1)."""
    if answers.get("age_group_at_exploitation") != AgeGroup.ADULT:
        return []
    consent = answers.get("consent_given")
    if consent is None:
        return [("consent_given", CONSENT_MISSING)]
    if consent is False:
        return [("consent_given", CONSENT_REFUSED)]
    return []


def _place_problems(answers: ReferralAnswers) -> list[tuple[str, str]]:
    places = answers.get("places") or []
    location = answers.get("exploitation_location")
    in_uk = any(place.get("police_force_area") for place in places)
    overseas = any(place.get("country") for place in places)
    problems: list[tuple[str, str]] = []
    # A place in the UK is named by its police force area, so the nation and the statistics
    # by police force area can be worked out; the UK as a "country overseas" is neither.
    if any(place.get("country") == UK_NATIONALITY for place in places):
        problems.append(("places", UK_IS_NOT_OVERSEAS))
    if location in {ExploitationLocation.UK_ONLY, ExploitationLocation.UK_AND_OVERSEAS}:
        if not in_uk:
            problems.append(("places", UK_PLACE_MISSING))
    elif in_uk:
        problems.append(("places", UK_PLACE_NOT_ALLOWED))
    if location in {ExploitationLocation.OVERSEAS_ONLY, ExploitationLocation.UK_AND_OVERSEAS}:
        if not overseas:
            problems.append(("places", OVERSEAS_PLACE_MISSING))
    elif overseas:
        problems.append(("places", OVERSEAS_PLACE_NOT_ALLOWED))
    return problems


def _when_problems(answers: ReferralAnswers, today: dt.date) -> list[tuple[str, str]]:
    started, ended = answers.get("exploitation_started_on"), answers.get("exploitation_ended_on")
    problems: list[tuple[str, str]] = []
    if started and started > today:
        problems.append(("exploitation_started_on", DATE_IN_FUTURE.format(which="started")))
    if ended and ended > today:
        problems.append(("exploitation_ended_on", DATE_IN_FUTURE.format(which="ended")))
    if started and ended and ended < started:
        problems.append(("exploitation_ended_on", ENDED_BEFORE_STARTED))
    if ended and answers.get("exploitation_is_ongoing"):
        problems.append(("exploitation_ended_on", ENDED_WHILE_ONGOING))
    return problems


def submission_problems(answers: ReferralAnswers, today: dt.date) -> list[tuple[str, str]]:
    """Every reason the answers cannot be submitted as an NRM referral, in form order."""
    problems: list[tuple[str, str]] = []
    if not answers.get("referring_officer_name", "").strip():
        problems.append(("referring_officer_name", OFFICER_NAME_MISSING))
    if not answers.get("referring_officer_email", "").strip():
        problems.append(("referring_officer_email", OFFICER_EMAIL_MISSING))
    if not answers.get("age_group_at_exploitation"):
        problems.append(("age_group_at_exploitation", AGE_GROUP_MISSING))
    problems += _consent_problems(answers)
    if not (answers.get("given_names", "").strip() or answers.get("family_name", "").strip()):
        problems.append(("given_names", NAME_MISSING))
    problems += _birth_date_problems(answers, today)
    types = answers.get("exploitation_types") or []
    if not types:
        problems.append(("exploitation_types", EXPLOITATION_TYPE_MISSING))
    if answers.get("county_lines") and "criminal" not in types:
        problems.append(("county_lines", COUNTY_LINES_NOT_CRIMINAL))
    problems += _place_problems(answers)
    problems += _when_problems(answers, today)
    if not answers.get("narrative", "").strip():
        problems.append(("narrative", NARRATIVE_MISSING))
    return problems


def _competent_authority(answers: ReferralAnswers) -> Organisation:
    """IECA for foreign nationals who may face removal, else the SCA (DOMAIN.md, 'Who decides')."""
    foreign = UK_NATIONALITY not in (answers.get("nationalities") or [])
    may_face_removal = answers.get("immigration_status") in MAY_FACE_REMOVAL
    code = (
        IMMIGRATION_ENFORCEMENT_COMPETENT_AUTHORITY
        if foreign and may_face_removal
        else SINGLE_COMPETENT_AUTHORITY
    )
    return Organisation.objects.get(code=code)


def _nation(referral: Referral) -> str:
    """The nation of the first UK place of exploitation, else the referring organisation's."""
    place = (
        referral.exploitation_places.filter(police_force_area__isnull=False)
        .select_related("police_force_area")
        .order_by("pk")
        .first()
    )
    if place is not None and place.police_force_area is not None:
        return place.police_force_area.nation
    return referral.first_responder_organisation.nation


def _own_draft(actor: Actor, reference: str) -> Referral:
    """The actor's organisation's draft, locked; absent and other organisations' look the same."""
    referral = (
        Referral.objects.select_for_update()
        .select_related("person_record", "first_responder_organisation")
        .get(reference=reference, first_responder_organisation=_organisation_of(actor))
    )
    if referral.status != ReferralStatus.DRAFT:
        raise ValidationError(NOT_A_DRAFT, [NOT_A_DRAFT])
    return referral


def _new_draft(actor: Actor) -> Referral:
    organisation = _organisation_of(actor)
    user = _actor_user(actor)
    record = PersonRecord.objects.create(
        source=PersonRecordSource.REFERRAL, source_organisation=organisation
    )
    return Referral.objects.create(
        reference=f"DRAFT-{uuid.uuid4().hex[:24]}",
        status=ReferralStatus.DRAFT,
        person_record=record,
        first_responder_organisation=organisation,
        referring_officer=user,
        referring_officer_name=user.get_full_name(),
        referring_officer_email=user.email,
        referred_on=timezone.localdate(),
    )


def _save_draft(
    actor: Actor, reference: str | None, answers: ReferralAnswers
) -> tuple[Referral, list[tuple[str, str]]]:
    referral = _new_draft(actor) if reference is None else _own_draft(actor, reference)
    problems = _apply_answers(referral, answers)
    audit_record(
        actor,
        event_type=AuditEventType.RECORD_CHANGED,
        obj=referral,
        details={"status": ReferralStatus.DRAFT, "fields": sorted(answers)},
    )
    return referral, problems


# -- services -------------------------------------------------------------------------------


def referral_draft_save(
    actor: Actor, *, answers: ReferralAnswers, reference: str | None = None
) -> Referral:
    """Create a draft referral, or change one of the organisation's drafts (REFERRAL_CREATE).

    Any answer may be missing; malformed ones (unknown codes or choices) raise
    ReferralProblemsError listing each.
    """
    require(actor, Action.REFERRAL_CREATE)
    with transaction.atomic():
        referral, problems = _save_draft(actor, reference, answers)
        if problems:
            raise ReferralProblemsError(ANSWERS_INVALID, problems)
        return referral


def referral_submit(
    actor: Actor, *, reference: str | None = None, answers: ReferralAnswers | None = None
) -> Referral:
    """Submit a draft (after applying any answers given) as an NRM referral (DOMAIN.md, NRM 1).

    Checks every required answer and reports all problems at once; assigns the reference
    ``NRM-YYYY-NNNNNN``, the competent authority and the nation; counts possible duplicates.
    """
    require(actor, Action.REFERRAL_CREATE)
    with transaction.atomic():
        problems: list[tuple[str, str]] = []
        if answers is not None or reference is None:
            referral, problems = _save_draft(actor, reference, answers or {})
        else:
            referral = _own_draft(actor, reference)
        current = referral_answers(referral)
        today = timezone.localdate()
        problems += submission_problems(current, today)
        if problems:
            raise ReferralProblemsError(REFERRAL_INVALID, problems)
        now = timezone.now()
        referral.reference = next_reference("NRM", now.year)
        referral.status = ReferralStatus.SUBMITTED
        referral.submitted_at = now
        referral.referred_on = today
        referral.competent_authority = _competent_authority(current)
        referral.nation = _nation(referral)
        referral.possible_duplicate_count = len(possible_duplicates(referral.person_record))
        referral.save()
        referral.person_record.source_reference = referral.reference
        referral.person_record.save(update_fields=["source_reference"])
        audit_record(
            actor,
            event_type=AuditEventType.RECORD_CREATED,
            obj=referral,
            details={
                "status": ReferralStatus.SUBMITTED,
                "competent_authority": referral.competent_authority.code,
                "possible_duplicates": referral.possible_duplicate_count,
            },
        )
        # The competent authority's RG decision falls due from this moment (DOMAIN.md, NRM 3).
        decision_rg_open(actor=actor, referral=referral)
        return referral


def _changes(before: ReferralAnswers, after: ReferralAnswers) -> dict[str, list[object]]:
    old, new = dict(before), dict(after)
    return {
        name: [json_value(old.get(name)), json_value(new.get(name))]
        for name in sorted(new)
        if old.get(name) != new.get(name)
    }


def referral_amend(
    actor: Actor, *, reference: str, answers: ReferralAnswers, reason: str
) -> ReferralAmendment:
    """Change a submitted referral before any decision, keeping the history (REFERRAL_AMEND).

    Only the referring organisation's first responders amend. The amended answers must
    still pass every submission check.
    """
    with transaction.atomic():
        # Scoped first, so that another organisation's referral looks absent, not forbidden.
        referral = referrals_visible_to(
            actor,
            Referral.objects.select_for_update().select_related(
                "person_record", "first_responder_organisation"
            ),
        ).get(reference=reference)
        require(actor, Action.REFERRAL_AMEND, referral)
        if referral.status != ReferralStatus.SUBMITTED:
            raise ValidationError(NOT_SUBMITTED, [NOT_SUBMITTED])
        problems: list[tuple[str, str]] = []
        if not reason.strip():
            problems.append(("reason", REASON_MISSING))
        before = referral_answers(referral)
        problems += _apply_answers(referral, answers)
        after = referral_answers(referral)
        changes = _changes(before, after)
        if not changes:
            problems.append(("answers", NOTHING_CHANGED))
        problems += submission_problems(after, referral.referred_on)
        if problems:
            raise ReferralProblemsError(REFERRAL_INVALID, problems)
        referral.competent_authority = _competent_authority(after)
        referral.nation = _nation(referral)
        referral.save(update_fields=["competent_authority", "nation", "updated_at"])
        amendment = ReferralAmendment.objects.create(
            referral=referral,
            amended_at=timezone.now(),
            amended_by=_actor_user(actor),
            changes=changes,
            reason=reason.strip(),
        )
        audit_record(
            actor,
            event_type=AuditEventType.RECORD_CHANGED,
            obj=referral,
            details={"fields": sorted(changes), "amendment": amendment.pk},
        )
        return amendment


def _report_from_draft(draft: Referral) -> DutyToNotifyAnswers:
    """The non-identifying answers of a draft; everything in IDENTIFYING_FIELDS is dropped."""
    answers = referral_answers(draft)
    places = answers.get("places") or []
    report: DutyToNotifyAnswers = {
        "gender": answers.get("gender", Gender.NOT_KNOWN),
        "exploitation_types": answers.get("exploitation_types") or [],
        "exploitation_location": answers.get("exploitation_location")
        or ExploitationLocation.NOT_KNOWN,
        "ilo_indicators": answers.get("ilo_indicators") or [],
    }
    nationalities = answers.get("nationalities") or []
    if nationalities:
        report["nationality"] = nationalities[0]
    area = next((p["police_force_area"] for p in places if p.get("police_force_area")), "")
    country = next((p["country"] for p in places if p.get("country")), "")
    if area:
        report["police_force_area"] = area
    if country:
        report["country_of_exploitation"] = country
    return report


def _create_report(actor: Actor, answers: DutyToNotifyAnswers) -> DutyToNotifyReport:
    problems: list[tuple[str, str]] = []
    _check_choice(answers, "gender", Gender.values, problems)
    _check_choice(answers, "exploitation_location", ExploitationLocation.values, problems)
    nationality = _resolve_one(
        Nationality,
        answers.get("nationality"),
        field="nationality",
        what="nationality",
        problems=problems,
    )
    area = _resolve_one(
        PoliceForceArea,
        answers.get("police_force_area"),
        field="police_force_area",
        what="police force area",
        problems=problems,
    )
    country = _resolve_one(
        Nationality,
        answers.get("country_of_exploitation"),
        field="country_of_exploitation",
        what="country",
        problems=problems,
    )
    types = _resolve(
        ExploitationType,
        answers.get("exploitation_types") or [],
        field="exploitation_types",
        what="type of exploitation",
        problems=problems,
    )
    if not types and not any(f == "exploitation_types" for f, _ in problems):
        problems.append(("exploitation_types", EXPLOITATION_TYPE_MISSING))
    indicators = _resolve(
        IloIndicator,
        answers.get("ilo_indicators") or [],
        field="ilo_indicators",
        what="indicator",
        problems=problems,
    )
    if problems:
        raise ReferralProblemsError(ANSWERS_INVALID, problems)
    today = timezone.localdate()
    report = DutyToNotifyReport.objects.create(
        reference=next_reference("DTN", today.year),
        organisation=_organisation_of(actor),
        reported_on=today,
        gender=answers.get("gender") or Gender.NOT_KNOWN,
        nationality=nationality,
        exploitation_location=answers.get("exploitation_location")
        or ExploitationLocation.NOT_KNOWN,
        police_force_area=area,
        country_of_exploitation=country,
    )
    report.exploitation_types.set(types)
    report.ilo_indicators.set(indicators)
    return report


def duty_to_notify_submit(
    actor: Actor,
    *,
    reference: str | None = None,
    answers: DutyToNotifyAnswers | None = None,
) -> DutyToNotifyReport:
    """File a Duty to Notify report, which identifies no one (DOMAIN.md, NRM 2; MSA 2015 s.52).

    From a draft (``reference``) of an adult who does not consent: the draft's
    non-identifying answers are kept, its identifying ones discarded and the draft deleted.
    Otherwise from ``answers``, which hold no identifying field by construction.
    """
    require(actor, Action.DUTY_TO_NOTIFY_CREATE)
    with transaction.atomic():
        draft: Referral | None = None
        if reference is not None:
            draft = _own_draft(actor, reference)
            if not (
                draft.age_group_at_exploitation == AgeGroup.ADULT and draft.consent_given is False
            ):
                raise ValidationError(NOT_DUTY_TO_NOTIFY, [f"consent_given: {NOT_DUTY_TO_NOTIFY}"])
            answers = _report_from_draft(draft)
        report = _create_report(actor, answers or {})
        details: dict[str, Any] = {"anonymous": True}
        if draft is not None:
            record = draft.person_record
            details.update(
                {
                    "converted_from_draft": draft.reference,
                    "draft_deleted": True,
                    "identifying_data_discarded": sorted(IDENTIFYING_FIELDS),
                }
            )
            draft.delete()
            record.delete()
        audit_record(actor, event_type=AuditEventType.RECORD_CREATED, obj=report, details=details)
        return report
