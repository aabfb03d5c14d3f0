"""Reading a written world back: the manifest, every store file row by row, every problem.

Parsing never raises on bad data: each field that breaks a rule adds a ``Problem``
naming the file, row, field and reason, and the whole world is checked before anything
is written (STYLE.md: a check that can find several problems collects them all). Truth
files are never opened: only the store files the manifest lists are read, and a
manifest that lists a truth file is refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from msht.core.errors import SynthError
from msht.synth.engine import schema

MISSING_MANIFEST = "{directory} holds no world.json: not a synthetic world"
BAD_MANIFEST = "world.json cannot be read: {reason}"
TRUTH_LISTED = "world.json lists {name} as a store file: truth files are never loaded"
UNKNOWN_FILE = "world.json lists {name}, which is not a store file of this format"
MISSING_FILE = "{name} is listed in world.json but missing"
CHECKSUM_MISMATCH = "the file changed after it was written (SHA-256 does not match world.json)"
ROW_COUNT_MISMATCH = "world.json says {expected} rows, the file has {actual}"
MAX_REPORTED = 50


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field of one row (row 0 is the file as a whole)."""

    file: str
    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        if self.row == 0:
            return f"{self.file}: {self.reason}"
        return f"{self.file} row {self.row}, field {self.field}: {self.reason}"


class WorldFileError(SynthError):
    """A world's files break rules; ``problems`` names every file, row, field and reason."""

    def __init__(self, directory: str, problems: list[Problem]) -> None:
        shown = "; ".join(str(problem) for problem in problems[:MAX_REPORTED])
        more = len(problems) - MAX_REPORTED
        suffix = f"; and {more} more" if more > 0 else ""
        super().__init__(
            f"the world in {directory} cannot be loaded "
            f"({len(problems)} problem(s)): {shown}{suffix}"
        )
        self.problems = problems


@dataclass(frozen=True)
class Manifest:
    """What world.json says: the world's id and the store files with their rows and SHA-256."""

    world_id: str
    seed: int
    referrals: int
    generator_version: str
    parameters: dict[str, Any]
    files: dict[str, tuple[int, str]]

    @property
    def checksum(self) -> str:
        """SHA-256 over the store files' SHA-256 sums in name order: the world's content."""
        digest = hashlib.sha256()
        for name in sorted(self.files):
            digest.update(f"{name}:{self.files[name][1]}\n".encode())
        return digest.hexdigest()


def read_manifest(directory: Path) -> Manifest:
    """Read world.json; refuse truth files and files this format does not know."""
    path = directory / schema.MANIFEST
    if not path.is_file():
        raise SynthError(MISSING_MANIFEST.format(directory=directory.name))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != schema.FORMAT:
            raise ValueError(f"format is {data.get('format')!r}, not {schema.FORMAT!r}")
        files = {
            name: (int(entry["rows"]), str(entry["sha256"]))
            for name, entry in data["files"].items()
        }
        manifest = Manifest(
            world_id=str(data["world_id"]),
            seed=int(data["seed"]),
            referrals=int(data["referrals"]),
            generator_version=str(data["generator_version"]),
            parameters=dict(data["parameters"]),
            files=files,
        )
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise SynthError(BAD_MANIFEST.format(reason=error)) from error
    known = {spec.name for spec in schema.STORE_FILES}
    for name in manifest.files:
        if "truth" in name:
            raise SynthError(TRUTH_LISTED.format(name=name))
        if name not in known:
            raise SynthError(UNKNOWN_FILE.format(name=name))
    for name in known - set(manifest.files):
        raise SynthError(MISSING_FILE.format(name=name))
    return manifest


@dataclass(frozen=True)
class Lookups:
    """Store codes that rows may use, each mapped to its primary key."""

    organisations: dict[str, int]
    nationalities: dict[str, int]
    police_force_areas: dict[str, int]
    exploitation_types: dict[str, int]
    ilo_indicators: dict[str, int]
    choices: dict[str, frozenset[str]]


class Fields:
    """Parses one row's fields; each broken rule becomes a Problem rather than an exception."""

    def __init__(
        self, file: str, row: int, values: dict[str, str], problems: list[Problem]
    ) -> None:
        self.file = file
        self.row = row
        self.values = values
        self.problems = problems
        self.ok = True

    def fail(self, name: str, reason: str) -> None:
        """Record a problem with a field; the row will not be loaded."""
        self.ok = False
        self.problems.append(Problem(self.file, self.row, name, reason))

    def text(self, name: str, *, max_length: int | None = None, required: bool = False) -> str:
        """A text field, optionally required and limited in length."""
        value = self.values.get(name) or ""
        if required and not value.strip():
            self.fail(name, "must not be blank")
        if max_length is not None and len(value) > max_length:
            self.fail(name, f"longer than {max_length} characters")
        return value

    def date(self, name: str, *, required: bool = False) -> dt.date | None:
        """An ISO 8601 date, or None when blank."""
        value = self.text(name, required=required)
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.fail(name, f"not a date (YYYY-MM-DD): {value!r}")
            return None

    def required_date(self, name: str) -> dt.date:
        """A date that must be there (a placeholder when not: the row is then refused)."""
        return self.date(name, required=True) or dt.date.min

    def required_code(self, name: str, lookup: dict[str, int]) -> int:
        """A code that must be there (0 when not: the row is then refused)."""
        return self.code(name, lookup, required=True) or 0

    def boolean(self, name: str, *, required: bool = True) -> bool | None:
        """'true' or 'false' (blank allowed when not required)."""
        value = self.text(name)
        if value in {"true", "false"}:
            return value == "true"
        if value or required:
            self.fail(name, f"must be true or false, not {value!r}")
        return None

    def integer(self, name: str, low: int, high: int) -> int | None:
        """A whole number within bounds, or None when blank."""
        value = self.text(name)
        if not value:
            return None
        try:
            number = int(value)
        except ValueError:
            self.fail(name, f"not a whole number: {value!r}")
            return None
        if not low <= number <= high:
            self.fail(name, f"must be between {low} and {high}, not {number}")
            return None
        return number

    def choice(self, name: str, choices: frozenset[str], *, required: bool = True) -> str:
        """One of the model's choices."""
        value = self.text(name)
        if (value or required) and value not in choices:
            self.fail(name, f"{value!r} is not one of {', '.join(sorted(choices))}")
        return value

    def code(self, name: str, lookup: dict[str, int], *, required: bool = False) -> int | None:
        """A store code's primary key, or None when blank."""
        value = self.text(name, required=required)
        if not value:
            return None
        if value not in lookup:
            self.fail(name, f"unknown code {value!r}")
            return None
        return lookup[value]

    def codes(self, name: str, lookup: dict[str, int], *, required: bool = False) -> list[int]:
        """Primary keys of a ';'-separated list of store codes."""
        values = [v for v in self.text(name).split(schema.LIST_SEPARATOR) if v]
        if required and not values:
            self.fail(name, "needs at least one code")
        unknown = [v for v in values if v not in lookup]
        if unknown:
            self.fail(name, f"unknown code(s) {', '.join(repr(v) for v in unknown)}")
        return [lookup[v] for v in values if v in lookup]

    def items(self, name: str, separator: str = schema.LIST_SEPARATOR) -> list[str]:
        """The non-blank items of a separated list."""
        return [v for v in self.text(name).split(separator) if v]


@dataclass
class PersonFields:
    """The described-person fields of a referral subject or a suspect."""

    given_names: str
    family_name: str
    aliases: list[str]
    birth_year: int | None
    birth_month: int | None
    birth_day: int | None
    birth_date_is_estimated: bool
    gender: str
    pnc_id: str
    passport_number: str
    phone_numbers: list[str]
    addresses: list[dict[str, str]]


def parse_person(fields: Fields, lookups: Lookups) -> PersonFields:
    """Names, date of birth parts, gender, identifiers, phones and the address of a row."""
    year = fields.integer("birth_year", 1900, 2030)
    month = fields.integer("birth_month", 1, 12)
    day = fields.integer("birth_day", 1, 31)
    if day is not None and month is None:
        fields.fail("birth_day", "a day of birth needs a month of birth")
    lines = fields.text("address_lines", max_length=200)
    town = fields.text("address_town", max_length=200)
    postcode = fields.text("address_postcode", max_length=12)
    address = (
        [{"lines": lines, "town": town, "postcode": postcode}] if lines or town or postcode else []
    )
    return PersonFields(
        given_names=fields.text("given_names", max_length=200),
        family_name=fields.text("family_name", max_length=200),
        aliases=fields.items("aliases"),
        birth_year=year,
        birth_month=month,
        birth_day=day,
        birth_date_is_estimated=bool(fields.boolean("birth_date_is_estimated")),
        gender=fields.choice("gender", lookups.choices["gender"]),
        pnc_id=fields.text("pnc_id", max_length=40),
        passport_number=fields.text("passport_number", max_length=40),
        phone_numbers=fields.items("phone_numbers"),
        addresses=address,
    )


@dataclass
class ReferralRow:
    reference: str
    organisation: int
    competent_authority: int | None
    referred_on: dt.date
    consent_given: bool | None
    age_group: str
    exploitation_types: list[int]
    county_lines: bool
    location: str
    places: list[tuple[int | None, int | None, str]]
    started_on: dt.date | None
    ended_on: dt.date | None
    ongoing: bool
    immigration_status: str
    ilo_indicators: list[int]
    narrative: str
    police_crime_reference: str
    nation: str
    person: PersonFields
    nationalities: list[int]
    home_office_reference: str


def _places(fields: Fields, lookups: Lookups) -> list[tuple[int | None, int | None, str]]:
    """Places 'pfa:<area>:<town>' and 'country:<ISO3>' (at most ten, DOMAIN.md)."""
    result: list[tuple[int | None, int | None, str]] = []
    items = fields.items("exploitation_places")
    if len(items) > 10:
        fields.fail("exploitation_places", "at most ten places of exploitation")
    for item in items:
        kind, _, rest = item.partition(":")
        code, _, town = rest.partition(":")
        if kind == "pfa" and code in lookups.police_force_areas:
            result.append((lookups.police_force_areas[code], None, town[:200]))
        elif kind == "country" and code in lookups.nationalities:
            result.append((None, lookups.nationalities[code], ""))
        else:
            fields.fail("exploitation_places", f"not a known place: {item!r}")
    return result


def parse_referral(fields: Fields, lookups: Lookups) -> ReferralRow:
    """One referrals.csv row: the referral and its subject's person record."""
    row = ReferralRow(
        reference=fields.text("reference", max_length=32, required=True),
        organisation=fields.required_code("first_responder_organisation", lookups.organisations),
        competent_authority=fields.code("competent_authority", lookups.organisations),
        referred_on=fields.required_date("referred_on"),
        consent_given=fields.boolean("consent_given", required=False),
        age_group=fields.choice("age_group_at_exploitation", lookups.choices["age_group"]),
        exploitation_types=fields.codes(
            "exploitation_types", lookups.exploitation_types, required=True
        ),
        county_lines=bool(fields.boolean("county_lines")),
        location=fields.choice("exploitation_location", lookups.choices["location"]),
        places=_places(fields, lookups),
        started_on=fields.date("exploitation_started_on"),
        ended_on=fields.date("exploitation_ended_on"),
        ongoing=bool(fields.boolean("exploitation_is_ongoing")),
        immigration_status=fields.choice(
            "immigration_status", lookups.choices["immigration_status"]
        ),
        ilo_indicators=fields.codes("ilo_indicators", lookups.ilo_indicators),
        narrative=fields.text("narrative"),
        police_crime_reference=fields.text("police_crime_reference", max_length=64),
        nation=fields.choice("nation", lookups.choices["nation"]),
        person=parse_person(fields, lookups),
        nationalities=fields.codes("nationalities", lookups.nationalities),
        home_office_reference=fields.text("home_office_reference", max_length=40),
    )
    if row.age_group == "adult" and row.consent_given is False:
        fields.fail(
            "consent_given", "an adult who does not consent is reported under Duty to Notify"
        )
    if row.started_on and row.ended_on and row.ended_on < row.started_on:
        fields.fail("exploitation_ended_on", "exploitation cannot end before it started")
    return row


@dataclass
class DecisionRow:
    reference: str
    referral: str
    stage: str
    outcome: str
    unit: int
    started_on: dt.date
    deadline: dt.date | None
    decided_on: dt.date | None
    reconsideration_of: str
    panel_reviewed: bool
    reasons: str


def parse_decision(fields: Fields, lookups: Lookups) -> DecisionRow:
    """One decisions.csv row (an outcome and a decision date, or neither)."""
    row = DecisionRow(
        reference=fields.text("reference", required=True),
        referral=fields.text("referral_reference", required=True),
        stage=fields.choice("stage", lookups.choices["stage"]),
        outcome=fields.choice("outcome", lookups.choices["outcome"], required=False),
        unit=fields.required_code("decision_making_unit", lookups.organisations),
        started_on=fields.required_date("started_on"),
        deadline=fields.date("deadline"),
        decided_on=fields.date("decided_on"),
        reconsideration_of=fields.text("reconsideration_of"),
        panel_reviewed=bool(fields.boolean("multi_agency_panel_reviewed")),
        reasons=fields.text("reasons"),
    )
    if bool(row.outcome) != bool(row.decided_on):
        fields.fail("decided_on", "a decision has an outcome and a decision date, or neither")
    if row.decided_on and row.started_on and row.decided_on < row.started_on:
        fields.fail("decided_on", "a decision cannot be made before it was due")
    if row.stage.endswith("reconsideration") and not row.reconsideration_of:
        fields.fail("reconsideration_of", "a reconsideration names the decision it reconsiders")
    return row


@dataclass
class NotificationRow:
    reference: str
    organisation: int
    reported_on: dt.date
    gender: str
    nationality: int | None
    exploitation_types: list[int]
    location: str
    police_force_area: int | None
    country: int | None
    ilo_indicators: list[int]


def parse_notification(fields: Fields, lookups: Lookups) -> NotificationRow:
    """One duty_to_notify.csv row: anonymous, so it has no identifying column to read."""
    return NotificationRow(
        reference=fields.text("reference", max_length=32, required=True),
        organisation=fields.required_code("organisation", lookups.organisations),
        reported_on=fields.required_date("reported_on"),
        gender=fields.choice("gender", lookups.choices["gender"]),
        nationality=fields.code("nationality", lookups.nationalities),
        exploitation_types=fields.codes(
            "exploitation_types", lookups.exploitation_types, required=True
        ),
        location=fields.choice("exploitation_location", lookups.choices["location"]),
        police_force_area=fields.code("police_force_area", lookups.police_force_areas),
        country=fields.code("country_of_exploitation", lookups.nationalities),
        ilo_indicators=fields.codes("ilo_indicators", lookups.ilo_indicators),
    )


@dataclass
class SuspectRecordRow:
    reference: str
    organisation: int
    person: PersonFields
    nationality: int | None
    vehicles: list[str]
    role: str
    linked_referrals: list[str]


def parse_suspect_record(fields: Fields, lookups: Lookups) -> SuspectRecordRow:
    """One suspect_records.csv row: an agency's description of a suspect."""
    return SuspectRecordRow(
        reference=fields.text("source_reference", max_length=100, required=True),
        organisation=fields.required_code("source_organisation", lookups.organisations),
        person=parse_person(fields, lookups),
        nationality=fields.code("nationality", lookups.nationalities),
        vehicles=fields.items("vehicles"),
        role=fields.choice("role", lookups.choices["role"]),
        linked_referrals=fields.items("linked_referrals"),
    )


@dataclass
class IntelligenceRow:
    reference: str
    organisation: int
    received_on: dt.date
    source_evaluation: str
    assessment: str
    handling_code: str
    handling_conditions: str
    permitted: list[int]
    summary: str
    suspect_records: list[str]
    persons: list[str]
    phone_numbers: list[str]
    addresses: list[str]
    vehicles: list[str]
    organisations_named: list[str]


def parse_intelligence(fields: Fields, lookups: Lookups) -> IntelligenceRow:
    """One intelligence.csv row, graded 3x5x2; handling code C must state its conditions."""
    row = IntelligenceRow(
        reference=fields.text("reference", max_length=32, required=True),
        organisation=fields.required_code("originating_organisation", lookups.organisations),
        received_on=fields.required_date("received_on"),
        source_evaluation=fields.choice("source_evaluation", lookups.choices["source_evaluation"]),
        assessment=fields.choice("intelligence_assessment", lookups.choices["assessment"]),
        handling_code=fields.choice("handling_code", lookups.choices["handling_code"]),
        handling_conditions=fields.text("handling_conditions"),
        permitted=fields.codes("permitted_organisations", lookups.organisations),
        summary=fields.text("summary", required=True),
        suspect_records=fields.items("suspect_records"),
        persons=fields.items("persons"),
        phone_numbers=fields.items("phone_numbers"),
        addresses=fields.items("addresses", schema.ADDRESS_SEPARATOR),
        vehicles=fields.items("vehicles"),
        organisations_named=fields.items("organisations_named", schema.ADDRESS_SEPARATOR),
    )
    if row.handling_code == "C" and not row.handling_conditions.strip():
        fields.fail("handling_conditions", "handling code C must state its conditions")
    return row


@dataclass
class PursueRow:
    outcome_type: str
    agency: int
    suspect_record: str
    network_reference: str
    occurred_on: dt.date
    offence: str
    notes: str


def parse_pursue(fields: Fields, lookups: Lookups) -> PursueRow:
    """One pursue_outcomes.csv row, against a suspect record or a network (or both)."""
    row = PursueRow(
        outcome_type=fields.choice("outcome_type", lookups.choices["outcome_type"]),
        agency=fields.required_code("agency", lookups.organisations),
        suspect_record=fields.text("suspect_record"),
        network_reference=fields.text("network_reference", max_length=64),
        occurred_on=fields.required_date("occurred_on"),
        offence=fields.choice("offence", lookups.choices["offence"]),
        notes=fields.text("notes"),
    )
    if not row.suspect_record and not row.network_reference:
        fields.fail("suspect_record", "an outcome names a suspect record or a network")
    return row


Parser = Callable[[Fields, Lookups], Any]

PARSERS: dict[str, Parser] = {
    schema.REFERRALS.name: parse_referral,
    schema.DECISIONS.name: parse_decision,
    schema.DUTY_TO_NOTIFY.name: parse_notification,
    schema.SUSPECT_RECORDS.name: parse_suspect_record,
    schema.INTELLIGENCE.name: parse_intelligence,
    schema.PURSUE_OUTCOMES.name: parse_pursue,
}


def read_rows(
    directory: Path, spec: schema.FileSpec, lookups: Lookups, problems: list[Problem]
) -> Iterator[tuple[int, Any]]:
    """Parsed rows of a store file and their numbers (1 is the first row after the header)."""
    parser = PARSERS[spec.name]
    with (directory / spec.name).open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        if tuple(header) != spec.columns:
            problems.append(
                Problem(spec.name, 0, "header", f"columns must be {', '.join(spec.columns)}")
            )
            return
        width = len(spec.columns)
        for number, values in enumerate(reader, start=1):
            if len(values) != width:
                problems.append(
                    Problem(spec.name, number, "row", f"has {len(values)} fields, not {width}")
                )
                continue
            fields = Fields(
                spec.name, number, dict(zip(spec.columns, values, strict=True)), problems
            )
            parsed = parser(fields, lookups)
            if fields.ok:
                yield number, parsed


def file_digest(path: Path) -> str:
    """SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# Status of a referral from its decisions: the latest stage decides (DOMAIN.md NRM 3-7).
_RG, _RECONSIDERATION, _CG = "rg", "rg_reconsideration", "cg"


@dataclass
class DecisionTrail:
    """The latest outcome at each stage of one referral ('' while pending)."""

    stages: dict[str, str] = field(default_factory=dict)

    def note(self, stage: str, outcome: str) -> None:
        """Remember the latest outcome at a stage."""
        self.stages[stage] = outcome

    def status(self) -> str:
        """The referral status the decisions imply."""
        if _CG in self.stages:
            return {
                "positive": "cg_positive",
                "negative": "cg_negative",
                "withdrawn": "withdrawn",
            }.get(self.stages[_CG], "rg_positive")
        if _RECONSIDERATION in self.stages:
            return "rg_positive" if self.stages[_RECONSIDERATION] == "positive" else "rg_negative"
        outcome = self.stages.get(_RG, "")
        return {"positive": "rg_positive", "negative": "rg_negative", "withdrawn": "withdrawn"}.get(
            outcome, "submitted"
        )


@dataclass
class Checked:
    """What the check of a world found: row counts and each referral's status."""

    rows: dict[str, int]
    statuses: dict[str, str]


def check_world(
    directory: Path,
    manifest: Manifest,
    lookups: Lookups,
    taken: Callable[[str, list[str]], set[str]],
) -> Checked:
    """Read every store file once and collect every problem; raise WorldFileError if any.

    ``taken(file, references)`` returns those references the store already holds.
    """
    problems: list[Problem] = []
    for spec in schema.STORE_FILES:
        if file_digest(directory / spec.name) != manifest.files[spec.name][1]:
            problems.append(Problem(spec.name, 0, "", CHECKSUM_MISMATCH))
    seen: dict[str, set[str]] = {spec.name: set() for spec in schema.STORE_FILES}
    trails: dict[str, DecisionTrail] = {}
    rows: dict[str, int] = {}
    for spec in schema.STORE_FILES:
        count = 0
        batch: list[tuple[int, str]] = []
        for number, row in read_rows(directory, spec, lookups, problems):
            count += 1
            reference = _reference_of(row)
            if reference:
                if reference in seen[spec.name]:
                    problems.append(
                        Problem(spec.name, number, _REFERENCE_FIELD[spec.name], "appears twice")
                    )
                seen[spec.name].add(reference)
                batch.append((number, reference))
            _check_links(spec.name, number, row, seen, trails, problems)
            if len(batch) >= 2000:
                _check_taken(spec.name, batch, taken, problems)
                batch = []
        _check_taken(spec.name, batch, taken, problems)
        rows[spec.name] = count
        expected = manifest.files[spec.name][0]
        row_problems = any(p.file == spec.name and p.row > 0 for p in problems)
        if not row_problems and count != expected:
            reason = ROW_COUNT_MISMATCH.format(expected=expected, actual=count)
            problems.append(Problem(spec.name, 0, "", reason))
    if problems:
        raise WorldFileError(directory.name, problems)
    return Checked(rows=rows, statuses={ref: trail.status() for ref, trail in trails.items()})


_REFERENCE_FIELD = {
    schema.REFERRALS.name: "reference",
    schema.DECISIONS.name: "reference",
    schema.DUTY_TO_NOTIFY.name: "reference",
    schema.SUSPECT_RECORDS.name: "source_reference",
    schema.INTELLIGENCE.name: "reference",
    schema.PURSUE_OUTCOMES.name: "",
}


def _reference_of(row: Any) -> str:
    """The row's own reference ('' for files without one)."""
    reference = getattr(row, "reference", "")
    return str(reference)


def _check_taken(
    file: str,
    batch: list[tuple[int, str]],
    taken: Callable[[str, list[str]], set[str]],
    problems: list[Problem],
) -> None:
    """Report references of the batch that the store already holds."""
    if not batch:
        return
    clashes = taken(file, [reference for _, reference in batch])
    for number, reference in batch:
        if reference in clashes:
            problems.append(
                Problem(
                    file, number, _REFERENCE_FIELD[file], f"{reference} is already in the store"
                )
            )


def _check_links(
    file: str,
    number: int,
    row: Any,
    seen: dict[str, set[str]],
    trails: dict[str, DecisionTrail],
    problems: list[Problem],
) -> None:
    """References between files point at rows read before them."""
    referrals = seen[schema.REFERRALS.name]
    suspects = seen[schema.SUSPECT_RECORDS.name]

    def missing(name: str, values: list[str], known: set[str], what: str) -> None:
        """Report references to rows not read before this one."""
        unknown = [v for v in values if v not in known]
        if unknown:
            problems.append(Problem(file, number, name, f"no {what} {', '.join(unknown[:3])}"))

    if isinstance(row, ReferralRow):
        trails[row.reference] = DecisionTrail()
    elif isinstance(row, DecisionRow):
        missing("referral_reference", [row.referral], referrals, "referral")
        if row.reconsideration_of:
            missing("reconsideration_of", [row.reconsideration_of], seen[file], "earlier decision")
        if row.referral in trails:
            trails[row.referral].note(row.stage, row.outcome)
    elif isinstance(row, SuspectRecordRow):
        missing("linked_referrals", row.linked_referrals, referrals, "referral")
    elif isinstance(row, IntelligenceRow):
        missing("suspect_records", row.suspect_records, suspects, "suspect record")
        missing("persons", row.persons, referrals, "referral")
    elif isinstance(row, PursueRow) and row.suspect_record:
        missing("suspect_record", [row.suspect_record], suspects, "suspect record")
