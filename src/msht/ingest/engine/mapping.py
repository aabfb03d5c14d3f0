"""Source mappings: a declarative YAML file per source says how its export becomes MSHT fields.

A mapping names the source, what its rows become (``target``: person records by default,
or intelligence reports), the organisation it comes from, how missing values are
written, which columns identify a record, and for each canonical field the column(s)
it comes from, its type and, for coded fields, the value map. Nothing here touches a
database: the mapping is plain data, checked once when loaded (ARCHITECTURE.md, ingest).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from msht.core.errors import ValidationError

MAPPINGS_DIRECTORY = Path(__file__).resolve().parent.parent / "mappings"

# Canonical codes, the same as msht.core.reference and core's reference data (a test keeps
# them equal); the engine may not import Django to read them.
GENDERS = frozenset({"female", "male", "other", "not_known"})
AGE_GROUPS = frozenset({"adult", "child", "not_known"})
EXPLOITATION_TYPES = frozenset(
    {"labour", "sexual", "criminal", "domestic_servitude", "organ_harvesting", "not_specified"}
)
IMMIGRATION_STATUSES = frozenset(
    {
        "uk_national",
        "settled",
        "visa_holder",
        "asylum_seeker",
        "immigration_detention",
        "irregular",
        "not_known",
    }
)

# Each canonical field, the kind of value it holds, and the codes a value map may produce.
CANONICAL_FIELDS: dict[str, tuple[str, frozenset[str] | None]] = {
    "source_reference": ("text", None),
    "given_names": ("text", None),
    "family_name": ("text", None),
    "aliases": ("list", None),
    "birth_date": ("date", None),
    "gender": ("code", GENDERS),
    "nationalities": ("countries", None),
    "age_group": ("code", AGE_GROUPS),
    "age_group_reported": ("code", AGE_GROUPS),
    "age_band": ("text", None),
    "exploitation_types": ("codes", EXPLOITATION_TYPES),
    "year_of_registration": ("integer", None),
    "recorded_on": ("date", None),
    "exploitation_started_on": ("date", None),
    "country_of_exploitation": ("country", None),
    "police_force_area": ("text", None),
    "immigration_status": ("code", IMMIGRATION_STATUSES),
    "phone_numbers": ("list", None),
    "postcode": ("text", None),
    "home_office_reference": ("text", None),
    "pnc_id": ("text", None),
    "passport_number": ("text", None),
}

# Intelligence reports graded on the 3x5x2 model (msht.intelligence.models keeps the same
# codes; a test keeps them equal): what an intelligence log's rows become.
SOURCE_EVALUATIONS = frozenset({"1", "2", "3"})
INTELLIGENCE_ASSESSMENTS = frozenset({"A", "B", "C", "D", "E"})
HANDLING_CODES = frozenset({"P", "C"})
INTELLIGENCE_FIELDS: dict[str, tuple[str, frozenset[str] | None]] = {
    "source_reference": ("text", None),
    "received_on": ("date", None),
    "source_evaluation": ("code", SOURCE_EVALUATIONS),
    "intelligence_assessment": ("code", INTELLIGENCE_ASSESSMENTS),
    "handling_code": ("code", HANDLING_CODES),
    "handling_conditions": ("text", None),
    "permitted_organisations": ("list", None),
    "summary": ("text", None),
    "suspect_references": ("list", None),
    "person_references": ("list", None),
    "phone_numbers": ("list", None),
    "addresses": ("list", None),
    "vehicles": ("list", None),
    "organisations_named": ("list", None),
}

# What a mapping's rows become: person records (the default) or intelligence reports.
TARGET_FIELDS = {"person": CANONICAL_FIELDS, "intelligence": INTELLIGENCE_FIELDS}

# The longest text each canonical field may hold (the person record's column sizes).
TEXT_LIMITS = {
    "summary": 5000,
    "handling_conditions": 2000,
    "source_reference": 100,
    "given_names": 200,
    "family_name": 200,
    "home_office_reference": 40,
    "pnc_id": 40,
    "passport_number": 40,
    "postcode": 20,
    "police_force_area": 64,
    "age_band": 40,
}

FIELD_TYPES = frozenset(
    {"text", "integer", "date", "code", "codes", "flags", "country", "countries", "list"}
)
UNKNOWN_FIELD = "{source}: '{name}' is not a canonical field (choose from {choices})"
UNKNOWN_TYPE = "{source}: field '{name}' has type '{kind}', not one of {choices}"
BAD_CODE = "{source}: field '{name}' maps '{value}' to '{code}', which is not one of {choices}"
NO_COLUMN = "{source}: field '{name}' names no column"
NO_MAPPING = "no mapping for source '{source}' (mappings: {choices})"
BAD_OTHERWISE = "{source}: field '{name}' otherwise must be 'reject' or a canonical code"
UNKNOWN_TARGET = "{source}: target '{target}' is not one of {choices}"
TARGET_NOT_PERSON = "{source}: a mapping of target '{target}' must say describes_person: false"


@dataclass(frozen=True)
class FieldRule:
    """How one canonical field is read from the export."""

    name: str
    kind: str
    column: str = ""
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    otherwise: str = "reject"
    separator: str = ";"
    formats: tuple[str, ...] = ()
    partial_formats: tuple[str, ...] = ()
    country_format: str = "alpha_2"
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = 1000
    true_values: tuple[str, ...] = ("1",)
    false_values: tuple[str, ...] = ("0",)
    case_sensitive: bool = False
    required: bool = False

    @property
    def source_columns(self) -> tuple[str, ...]:
        """Every export column this field reads."""
        return (self.column,) if self.column else tuple(self.columns)


@dataclass(frozen=True)
class ColumnCheck:
    """A check on a column that feeds no canonical field (it is kept in the raw row)."""

    column: str
    kind: str
    allowed: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class OrganisationSpec:
    """The organisation a source's rows come from (accounts.Organisation)."""

    code: str
    name: str = ""
    organisation_type: str = ""
    column: str = ""
    prefix: str = ""


@dataclass(frozen=True)
class SourceMapping:
    """Everything MSHT needs to read one source's exports."""

    source: str
    name: str
    organisation: OrganisationSpec
    description: str
    describes_person: bool
    encoding: str
    delimiter: str
    missing_values: frozenset[str]
    record_key: tuple[str, ...]
    required_columns: tuple[str, ...]
    quality_group: str
    header_row: int
    skip_rows_after_header: int
    ignore_columns: frozenset[str]
    fields: dict[str, FieldRule]
    checks: dict[str, ColumnCheck]
    max_cell_length: int
    version: str
    target: str = "person"

    @property
    def known_columns(self) -> frozenset[str]:
        """Columns the mapping reads or checks."""
        columns = {column for rule in self.fields.values() for column in rule.source_columns}
        columns |= {self.organisation.column} if self.organisation.column else set()
        return frozenset(columns | set(self.checks) | set(self.record_key))


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return tuple(str(item) for item in value)
    return (str(value),)


def _value_map(
    source: str, name: str, raw: dict[str, Any], codes: frozenset[str] | None
) -> dict[str, tuple[str, ...]]:
    values: dict[str, tuple[str, ...]] = {}
    for value, target in (raw or {}).items():
        mapped = _tuple(target)
        for code in mapped:
            if codes is not None and code not in codes:
                raise ValidationError(
                    BAD_CODE.format(
                        source=source, name=name, value=value, code=code, choices=sorted(codes)
                    )
                )
        values[str(value)] = mapped
    return values


def _field_rule(
    source: str,
    name: str,
    raw: dict[str, Any],
    canonical: dict[str, tuple[str, frozenset[str] | None]] = CANONICAL_FIELDS,
) -> FieldRule:
    if name not in canonical:
        raise ValidationError(
            UNKNOWN_FIELD.format(source=source, name=name, choices=sorted(canonical))
        )
    default_kind, codes = canonical[name]
    kind = str(raw.get("type", default_kind))
    if kind not in FIELD_TYPES:
        raise ValidationError(
            UNKNOWN_TYPE.format(source=source, name=name, kind=kind, choices=sorted(FIELD_TYPES))
        )
    columns = {
        str(column): _value_map(source, name, {"x": target}, codes)["x"]
        for column, target in (raw.get("columns") or {}).items()
    }
    column = str(raw.get("column", ""))
    if not column and not columns:
        raise ValidationError(NO_COLUMN.format(source=source, name=name))
    otherwise = str(raw.get("otherwise", "reject"))
    if otherwise != "reject" and codes is not None and otherwise not in codes:
        raise ValidationError(BAD_OTHERWISE.format(source=source, name=name))
    case_sensitive = bool(raw.get("case_sensitive", False))
    values = _value_map(source, name, raw.get("values") or {}, codes)
    if not case_sensitive:
        values = {key.casefold(): target for key, target in values.items()}
    return FieldRule(
        name=name,
        kind=kind,
        column=column,
        columns=columns,
        values=values,
        otherwise=otherwise,
        separator=str(raw.get("separator", ";")),
        formats=_tuple(raw.get("formats")),
        partial_formats=_tuple(raw.get("partial_formats")),
        country_format=str(raw.get("country_format", "alpha_2")),
        minimum=raw.get("min"),
        maximum=raw.get("max"),
        max_length=min(int(raw.get("max_length", 1000)), TEXT_LIMITS.get(name, 1000)),
        true_values=_tuple(raw.get("true_values", ["1"])),
        false_values=_tuple(raw.get("false_values", ["0"])),
        case_sensitive=case_sensitive,
        required=bool(raw.get("required", False)),
    )


def _check(column: str, raw: Any) -> ColumnCheck:
    if isinstance(raw, str):
        return ColumnCheck(column=column, kind=raw)
    return ColumnCheck(
        column=column,
        kind=str(raw.get("type", "text")),
        allowed=_tuple(raw.get("allowed")),
        minimum=raw.get("min"),
        maximum=raw.get("max"),
    )


def mapping_from_dict(raw: dict[str, Any], *, version: str = "") -> SourceMapping:
    """Build and check a mapping from its parsed YAML."""
    source = str(raw["source"])
    organisation = raw.get("organisation") or {}
    if isinstance(organisation, str):
        organisation = {"code": organisation}
    target = str(raw.get("target", "person"))
    if target not in TARGET_FIELDS:
        raise ValidationError(
            UNKNOWN_TARGET.format(source=source, target=target, choices=sorted(TARGET_FIELDS))
        )
    describes_person = bool(raw.get("describes_person", target == "person"))
    if target != "person" and describes_person:
        raise ValidationError(TARGET_NOT_PERSON.format(source=source, target=target))
    checks: dict[str, ColumnCheck] = {}
    for group in raw.get("checks") or []:
        for column in group.get("columns", []):
            checks[str(column)] = _check(str(column), group)
    return SourceMapping(
        source=source,
        name=str(raw.get("name", source)),
        organisation=OrganisationSpec(
            code=str(organisation["code"]),
            name=str(organisation.get("name", "")),
            organisation_type=str(organisation.get("organisation_type", "")),
            column=str(organisation.get("column", "")),
            prefix=str(organisation.get("prefix", "")),
        ),
        description=str(raw.get("description", "")).strip(),
        describes_person=describes_person,
        encoding=str(raw.get("encoding", "")),
        delimiter=str(raw.get("delimiter", ",")),
        missing_values=frozenset(str(value) for value in raw.get("missing_values", [""])),
        record_key=_tuple(raw.get("record_key")),
        required_columns=_tuple(raw.get("required_columns")),
        quality_group=str(raw.get("quality_group", "")),
        header_row=int(raw.get("header_row", 1)),
        skip_rows_after_header=int(raw.get("skip_rows_after_header", 0)),
        ignore_columns=frozenset(_tuple(raw.get("ignore_columns"))),
        fields={
            name: _field_rule(source, name, rule or {}, TARGET_FIELDS[target])
            for name, rule in (raw.get("fields") or {}).items()
        },
        checks=checks,
        max_cell_length=int(raw.get("max_cell_length", 10_000)),
        version=version,
        target=target,
    )


def mapping_load(path: Path) -> SourceMapping:
    """Read one mapping file; its version is the SHA-256 of its bytes."""
    data = path.read_bytes()
    version = hashlib.sha256(data).hexdigest()[:16]
    return mapping_from_dict(yaml.safe_load(data), version=version)


def available_sources(directory: Path = MAPPINGS_DIRECTORY) -> list[str]:
    """The sources that have a mapping file."""
    return sorted(path.stem for path in directory.glob("*.yaml"))


def mapping_for(source: str, directory: Path = MAPPINGS_DIRECTORY) -> SourceMapping:
    """The mapping of ``source`` from the folder of source mappings."""
    path = directory / f"{source}.yaml"
    if not path.is_file():
        raise ValidationError(NO_MAPPING.format(source=source, choices=available_sources()))
    return mapping_load(path)
