"""Putting a written synthetic world into the store (``msht load``).

The world is checked completely first (every file, row and field; nothing written),
then written in one transaction with bulk inserts, and recorded as a ``LoadedWorld``
so that loading it again adds nothing. Truth files are never read. Person and suspect
records are left unlinked: record linkage sets their entities later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models, transaction

from msht.accounts.models import Organisation, User
from msht.accounts.rules import Action, require
from msht.audit.models import AuditEventType
from msht.audit.services import audit_record, audit_record_many
from msht.core.errors import SynthError
from msht.core.models import ExploitationType, IloIndicator, Nationality, PoliceForceArea
from msht.core.policy import rules_version_on
from msht.core.reference import AgeGroup, ExploitationLocation, Gender, ImmigrationStatus, UkNation
from msht.decisions.models import Decision, DecisionOutcome, DecisionStage
from msht.intelligence.models import (
    HandlingCode,
    IntelligenceAssessment,
    IntelligenceReport,
    Offence,
    PursueOutcome,
    PursueOutcomeType,
    SourceEvaluation,
    SuspectRecord,
    SuspectRole,
)
from msht.referrals.models import (
    DutyToNotifyReport,
    ExploitationPlace,
    PersonRecord,
    PersonRecordSource,
    Referral,
)
from msht.synth.engine import schema
from msht.synth.loading import (
    DecisionRow,
    IntelligenceRow,
    Lookups,
    NotificationRow,
    PersonFields,
    PursueRow,
    ReferralRow,
    SuspectRecordRow,
    check_world,
    read_manifest,
    read_rows,
)
from msht.synth.models import LoadedWorld

if TYPE_CHECKING:
    from msht.accounts.rules import Actor

NOT_IN_PRODUCTION = "synthetic worlds are never loaded into a production store"
NOT_A_DIRECTORY = "{directory} is not a directory"
LONDON = ZoneInfo("Europe/London")

# (file name, rows done, rows in the file)
LoadProgress = Callable[[str, int, int], None]
M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class LoadResult:
    """What ``world_load`` did: the world, whether it was already loaded, rows created per model."""

    world_id: str
    already_loaded: bool
    created: dict[str, int]


def world_list_loaded() -> list[str]:
    """The ids of the synthetic worlds the store holds (one ``LoadedWorld`` row per load)."""
    return list(LoadedWorld.objects.order_by("loaded_at").values_list("world_id", flat=True))


def _lookups() -> Lookups:
    """Store codes and choices a world's rows may use."""

    def codes(model: Any) -> dict[str, int]:
        """Code to primary key of a reference table."""
        return dict(model.objects.values_list("code", "pk"))

    def values(choices: Any) -> frozenset[str]:
        """The values of a TextChoices class."""
        return frozenset(str(value) for value in choices.values)

    return Lookups(
        organisations=codes(Organisation),
        nationalities=codes(Nationality),
        police_force_areas=codes(PoliceForceArea),
        exploitation_types=codes(ExploitationType),
        ilo_indicators=codes(IloIndicator),
        choices={
            "gender": values(Gender),
            "age_group": values(AgeGroup),
            "location": values(ExploitationLocation),
            "immigration_status": values(ImmigrationStatus),
            "nation": values(UkNation),
            "stage": values(DecisionStage),
            "outcome": values(DecisionOutcome),
            "role": values(SuspectRole),
            "source_evaluation": values(SourceEvaluation),
            "assessment": values(IntelligenceAssessment),
            "handling_code": values(HandlingCode),
            "outcome_type": values(PursueOutcomeType),
            "offence": values(Offence),
        },
    )


_UNIQUE_REFERENCES: dict[str, Any] = {
    schema.REFERRALS.name: Referral,
    schema.DUTY_TO_NOTIFY.name: DutyToNotifyReport,
    schema.INTELLIGENCE.name: IntelligenceReport,
}


def _taken(file: str, references: list[str]) -> set[str]:
    """References of this batch the store already holds (unique references only)."""
    model = _UNIQUE_REFERENCES.get(file)
    if model is None:
        return set()
    return set(model.objects.filter(reference__in=references).values_list("reference", flat=True))


def _batches(items: Iterable[M], size: int) -> Iterator[list[M]]:
    """Items in lists of at most ``size``."""
    batch: list[M] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _person_values(person: PersonFields) -> dict[str, Any]:
    """Model fields of a described person (DescribedPerson, core.records)."""
    return {
        "given_names": person.given_names,
        "family_name": person.family_name,
        "aliases": person.aliases,
        "birth_year": person.birth_year,
        "birth_month": person.birth_month,
        "birth_day": person.birth_day,
        "birth_date_is_estimated": person.birth_date_is_estimated,
        "gender": person.gender,
        "pnc_id": person.pnc_id,
        "passport_number": person.passport_number,
        "phone_numbers": person.phone_numbers,
        "addresses": person.addresses,
    }


def _link(relation: Any, pairs: Iterable[tuple[int, Iterable[Any]]]) -> None:
    """Bulk-insert a many-to-many relation's rows: each owner's pk with its targets' ids,
    each target once."""
    through = relation.through
    owner, target = relation.field.m2m_column_name(), relation.field.m2m_reverse_name()
    through.objects.bulk_create(
        through(**{owner: pk, target: other})
        for pk, others in pairs
        for other in dict.fromkeys(others)
    )


class _Writer:
    """Writes checked rows in batches, remembering the keys later files refer to."""

    def __init__(
        self,
        directory: Path,
        lookups: Lookups,
        statuses: dict[str, str],
        rows: dict[str, int],
        batch_size: int,
        progress: LoadProgress | None,
    ) -> None:
        self.directory = directory
        self.lookups = lookups
        self.statuses = statuses
        self.rows = rows
        self.batch_size = batch_size
        self.progress = progress
        self.referrals: dict[str, int] = {}
        self.person_records: dict[str, int] = {}
        self.decisions: dict[str, int] = {}
        self.suspect_records: dict[str, int] = {}
        self.created: dict[str, int] = {}

    def _rows(self, spec: schema.FileSpec) -> Iterator[list[Any]]:
        """Checked rows of a store file in batches, reporting progress after each."""
        problems: list[Any] = []
        rows = (row for _, row in read_rows(self.directory, spec, self.lookups, problems))
        done = 0
        for batch in _batches(rows, self.batch_size):
            yield batch
            done += len(batch)
            if self.progress is not None:
                self.progress(spec.name, done, self.rows[spec.name])
        if problems:
            # The check found none; a file that changed between the check and now is refused.
            raise SynthError(f"{spec.name} changed while it was being loaded")

    def _count(self, name: str, number: int) -> None:
        """Add to the rows created of a model."""
        self.created[name] = self.created.get(name, 0) + number

    def referrals_file(self) -> None:
        """Person records (source: referral), referrals, their types, indicators and places."""
        for batch in self._rows(schema.REFERRALS):
            self._referral_batch(batch)

    def _referral_batch(self, batch: list[ReferralRow]) -> None:
        """Write one batch of referrals with their person records, links and places."""
        people = PersonRecord.objects.bulk_create(
            [
                PersonRecord(
                    source=PersonRecordSource.REFERRAL,
                    source_organisation_id=row.organisation,
                    source_reference=row.reference,
                    home_office_reference=row.home_office_reference,
                    **_person_values(row.person),
                )
                for row in batch
            ]
        )
        referrals = Referral.objects.bulk_create(
            [
                Referral(
                    reference=row.reference,
                    status=self.statuses.get(row.reference, "submitted"),
                    person_record_id=person.pk,
                    first_responder_organisation_id=row.organisation,
                    competent_authority_id=row.competent_authority,
                    referred_on=row.referred_on,
                    submitted_at=_morning(row.referred_on),
                    consent_given=row.consent_given,
                    age_group_at_exploitation=row.age_group,
                    county_lines=row.county_lines,
                    exploitation_location=row.location,
                    exploitation_started_on=row.started_on,
                    exploitation_ended_on=row.ended_on,
                    exploitation_is_ongoing=row.ongoing,
                    immigration_status=row.immigration_status,
                    narrative=row.narrative,
                    police_crime_reference=row.police_crime_reference,
                    nation=row.nation,
                )
                for row, person in zip(batch, people, strict=True)
            ]
        )
        _link(
            PersonRecord.nationalities,
            ((person.pk, row.nationalities) for row, person in zip(batch, people, strict=True)),
        )
        by_referral = list(zip(batch, referrals, strict=True))
        _link(Referral.exploitation_types, ((r.pk, x.exploitation_types) for x, r in by_referral))
        _link(Referral.ilo_indicators, ((r.pk, x.ilo_indicators) for x, r in by_referral))
        places = ExploitationPlace.objects.bulk_create(
            ExploitationPlace(
                referral_id=referral.pk,
                police_force_area_id=area,
                country_id=country,
                town_or_city=town,
            )
            for row, referral in zip(batch, referrals, strict=True)
            for area, country, town in row.places
        )
        for row, referral, person in zip(batch, referrals, people, strict=True):
            self.referrals[row.reference] = referral.pk
            self.person_records[row.reference] = person.pk
        self._count("person_records", len(people))
        self._count("referrals", len(referrals))
        self._count("exploitation_places", len(places))

    def decisions_file(self) -> None:
        """RG, reconsideration and CG decisions, each with the rules version of its date."""
        for batch in self._rows(schema.DECISIONS):
            pending: list[DecisionRow] = []
            for row in batch:
                if row.reconsideration_of and row.reconsideration_of not in self.decisions:
                    # The decision reconsidered is in this batch: write what comes before it first.
                    self._decision_batch(pending)
                    pending = []
                pending.append(row)
            self._decision_batch(pending)

    def _decision_batch(self, batch: list[DecisionRow]) -> None:
        """Write one batch of decisions and remember their keys."""
        if not batch:
            return
        created = Decision.objects.bulk_create(
            [
                Decision(
                    referral_id=self.referrals[row.referral],
                    stage=row.stage,
                    outcome=row.outcome,
                    decision_making_unit_id=row.unit,
                    reconsideration_of_id=self.decisions.get(row.reconsideration_of),
                    started_on=row.started_on,
                    deadline=row.deadline,
                    decided_on=row.decided_on,
                    reasons=row.reasons,
                    multi_agency_panel_reviewed=row.panel_reviewed,
                    rules_version=rules_version_on(row.decided_on or row.started_on),
                )
                for row in batch
            ]
        )
        for row, decision in zip(batch, created, strict=True):
            self.decisions[row.reference] = decision.pk
        self._count("decisions", len(created))

    def notifications_file(self) -> None:
        """Duty to Notify reports with their exploitation types and indicators."""
        for batch in self._rows(schema.DUTY_TO_NOTIFY):
            rows: list[NotificationRow] = batch
            reports = DutyToNotifyReport.objects.bulk_create(
                DutyToNotifyReport(
                    reference=row.reference,
                    organisation_id=row.organisation,
                    reported_on=row.reported_on,
                    gender=row.gender,
                    nationality_id=row.nationality,
                    exploitation_location=row.location,
                    police_force_area_id=row.police_force_area,
                    country_of_exploitation_id=row.country,
                )
                for row in rows
            )
            pairs = list(zip(rows, reports, strict=True))
            _link(
                DutyToNotifyReport.exploitation_types,
                ((report.pk, row.exploitation_types) for row, report in pairs),
            )
            _link(
                DutyToNotifyReport.ilo_indicators,
                ((report.pk, row.ilo_indicators) for row, report in pairs),
            )
            self._count("duty_to_notify_reports", len(reports))

    def suspects_file(self) -> None:
        """Suspect records and the referrals each is linked to."""
        for batch in self._rows(schema.SUSPECT_RECORDS):
            rows: list[SuspectRecordRow] = batch
            records = SuspectRecord.objects.bulk_create(
                SuspectRecord(
                    source_reference=row.reference,
                    source_organisation_id=row.organisation,
                    nationality_id=row.nationality,
                    vehicles=row.vehicles,
                    role=row.role,
                    **_person_values(row.person),
                )
                for row in rows
            )
            _link(
                SuspectRecord.linked_referrals,
                (
                    (record.pk, [self.referrals[ref] for ref in row.linked_referrals])
                    for row, record in zip(rows, records, strict=True)
                ),
            )
            for row, record in zip(rows, records, strict=True):
                self.suspect_records[row.reference] = record.pk
            self._count("suspect_records", len(records))

    def intelligence_file(self) -> None:
        """Graded intelligence reports and the suspects, persons and organisations they name."""
        for batch in self._rows(schema.INTELLIGENCE):
            rows: list[IntelligenceRow] = batch
            reports = IntelligenceReport.objects.bulk_create(
                IntelligenceReport(
                    reference=row.reference,
                    originating_organisation_id=row.organisation,
                    received_on=row.received_on,
                    source_evaluation=row.source_evaluation,
                    intelligence_assessment=row.assessment,
                    handling_code=row.handling_code,
                    handling_conditions=row.handling_conditions,
                    summary=row.summary,
                    phone_numbers=row.phone_numbers,
                    addresses=row.addresses,
                    vehicles=row.vehicles,
                    organisations_named=row.organisations_named,
                )
                for row in rows
            )
            pairs = list(zip(rows, reports, strict=True))
            _link(
                IntelligenceReport.permitted_organisations,
                ((report.pk, row.permitted) for row, report in pairs),
            )
            _link(
                IntelligenceReport.suspects,
                (
                    (report.pk, [self.suspect_records[ref] for ref in row.suspect_records])
                    for row, report in pairs
                ),
            )
            _link(
                IntelligenceReport.persons,
                (
                    (report.pk, [self.person_records[ref] for ref in row.persons])
                    for row, report in pairs
                ),
            )
            self._count("intelligence_reports", len(reports))

    def pursue_file(self) -> None:
        """Pursue outcomes against suspect records or networks."""
        for batch in self._rows(schema.PURSUE_OUTCOMES):
            rows: list[PursueRow] = batch
            outcomes = PursueOutcome.objects.bulk_create(
                PursueOutcome(
                    outcome_type=row.outcome_type,
                    agency_id=row.agency,
                    suspect_record_id=self.suspect_records.get(row.suspect_record),
                    network_reference=row.network_reference,
                    occurred_on=row.occurred_on,
                    offence=row.offence,
                    notes=row.notes,
                )
                for row in rows
            )
            self._count("pursue_outcomes", len(outcomes))


def _morning(day: dt.date) -> dt.datetime:
    """Referrals are taken as submitted at 9am London time on their day."""
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=LONDON)


def world_load(
    actor: Actor | None,
    *,
    directory: Path,
    progress: LoadProgress | None = None,
    batch_size: int = 2000,
) -> LoadResult:
    """Load a written synthetic world into the store once; never its truth files.

    Every store file is checked first (codes, dates, choices, lengths, references between
    files, references already in the store, checksums against world.json) and every
    problem is reported at once; then everything is written in one transaction, audited,
    and the world recorded so that a second load adds nothing.

    Args:
        actor: who loads (None for the command line run by an operator).
        directory: the folder ``msht synth`` wrote.
        progress: called with (file name, rows written, rows in the file) after each batch.
        batch_size: rows per bulk insert.

    Returns:
        The world's id, whether it was already loaded, and rows created per model.

    Raises:
        SynthError: in production, when the folder is not a world, or (as
            ``WorldFileError``, with ``problems``) when any file, row or field is bad.

    Examples:
        >>> result = world_load(None, directory=Path("var/world"))
        >>> result.created["referrals"]
        5000
    """
    if getattr(settings, "PRODUCTION", False):
        raise SynthError(NOT_IN_PRODUCTION)
    # The command line (actor None) is an operator with shell access; a signed-in user
    # must be allowed to load data.
    if actor is not None:
        require(actor, Action.DATA_LOAD)
    if not directory.is_dir():
        raise SynthError(NOT_A_DIRECTORY.format(directory=directory.name))
    manifest = read_manifest(directory)
    if LoadedWorld.objects.filter(world_id=manifest.world_id).exists():
        return LoadResult(world_id=manifest.world_id, already_loaded=True, created={})
    lookups = _lookups()
    checked = check_world(directory, manifest, lookups, _taken)
    writer = _Writer(directory, lookups, checked.statuses, checked.rows, batch_size, progress)
    with transaction.atomic():
        writer.referrals_file()
        writer.decisions_file()
        writer.notifications_file()
        writer.suspects_file()
        writer.intelligence_file()
        writer.pursue_file()
        loaded = LoadedWorld.objects.create(
            world_id=manifest.world_id,
            checksum=manifest.checksum,
            seed=manifest.seed,
            referrals=manifest.referrals,
            generator_version=manifest.generator_version,
            parameters=manifest.parameters,
            counts=writer.created,
            loaded_by=actor if isinstance(actor, User) else None,
        )
        audit_record(
            actor,
            event_type=AuditEventType.DATA_LOADED,
            obj=loaded,
            details={
                "world_id": manifest.world_id,
                "checksum": manifest.checksum,
                **writer.created,
            },
        )
        for model, keys in (
            (PersonRecord, writer.person_records.values()),
            (SuspectRecord, writer.suspect_records.values()),
        ):
            audit_record_many(
                actor,
                event_type=AuditEventType.RECORD_CREATED,
                object_type=model._meta.label_lower,
                object_ids=(str(key) for key in keys),
                details={"world_id": manifest.world_id},
            )
    return LoadResult(world_id=manifest.world_id, already_loaded=False, created=writer.created)
