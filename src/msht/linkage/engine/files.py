"""Link files outside the store: deduplicate one CSV file or link two, by a mapping.

The mapping (YAML) names the id column and which columns hold given names, family
names, the date of birth, sex, address lines, town, postcode, phones and identifiers;
the records then go through the same preparation, comparisons and training as the
store's, trained on the files themselves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import yaml

from msht.linkage.engine.prepare import RAW_SCHEMA

MAPPING_KEYS = frozenset(
    {
        "id",
        "given_names",
        "family_names",
        "aliases",
        "date_of_birth",
        "date_format",
        "birth_year",
        "birth_month",
        "birth_day",
        "sex",
        "address_lines",
        "town",
        "postcode",
        "phones",
        "identifiers",
    }
)
FILE_LABELS = ("A", "B")
MAX_IDENTIFIERS = 3


class MappingError(ValueError):
    """A mapping file that cannot be used; ``problems`` names each field and reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class FileMapping:
    """Which input columns hold which described-person field."""

    id: str
    given_names: tuple[str, ...] = ()
    family_names: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    date_of_birth: str = ""
    date_format: str = "%Y-%m-%d"
    birth_year: str = ""
    birth_month: str = ""
    birth_day: str = ""
    sex: str = ""
    address_lines: tuple[str, ...] = ()
    town: str = ""
    postcode: str = ""
    phones: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = field(default=())

    def columns(self) -> set[str]:
        """Every input column the mapping names."""
        named: set[str] = {self.id}
        for value in (self.date_of_birth, self.birth_year, self.birth_month, self.birth_day):
            named.add(value)
        named |= {self.sex, self.town, self.postcode}
        for group in (
            self.given_names,
            self.family_names,
            self.aliases,
            self.address_lines,
            self.phones,
            self.identifiers,
        ):
            named |= set(group)
        return {column for column in named if column}


def _as_columns(value: Any, key: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    problems.append(f"{key}: expected a column name or a list of column names")
    return ()


def parse_mapping(data: Any) -> FileMapping:
    """A FileMapping from the mapping file's content; every problem is reported at once."""
    if not isinstance(data, Mapping):
        raise MappingError(["the mapping must be a YAML mapping of field: column"])
    problems = [f"{key}: not a mapping field" for key in data if key not in MAPPING_KEYS]
    if not isinstance(data.get("id"), str) or not data.get("id"):
        problems.append("id: the id column is required")
    single: dict[str, Any] = {}
    for key in ("date_of_birth", "date_format", "birth_year", "birth_month", "birth_day"):
        single[key] = data.get(key) or ""
    for key in ("sex", "town", "postcode"):
        single[key] = data.get(key) or ""
    for key, value in single.items():
        if not isinstance(value, str):
            problems.append(f"{key}: expected one column name")
    lists = {
        key: _as_columns(data.get(key), key, problems)
        for key in (
            "given_names",
            "family_names",
            "aliases",
            "address_lines",
            "phones",
            "identifiers",
        )
    }
    if len(lists["identifiers"]) > MAX_IDENTIFIERS:
        problems.append(f"identifiers: at most {MAX_IDENTIFIERS} columns")
    if not lists["given_names"] and not lists["family_names"]:
        problems.append("given_names, family_names: at least one name column is required")
    if problems:
        raise MappingError(problems)
    return FileMapping(
        id=str(data["id"]),
        given_names=lists["given_names"],
        family_names=lists["family_names"],
        aliases=lists["aliases"],
        date_of_birth=str(single["date_of_birth"]),
        date_format=str(single["date_format"] or "%Y-%m-%d"),
        birth_year=str(single["birth_year"]),
        birth_month=str(single["birth_month"]),
        birth_day=str(single["birth_day"]),
        sex=str(single["sex"]),
        address_lines=lists["address_lines"],
        town=str(single["town"]),
        postcode=str(single["postcode"]),
        phones=lists["phones"],
        identifiers=lists["identifiers"],
    )


def read_mapping(path: Path) -> FileMapping:
    """Parse a mapping file (YAML)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise MappingError([f"{path.name}: not valid YAML ({error})"]) from error
    return parse_mapping(data)


def _quote(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _joined(columns: Sequence[str]) -> str:
    if not columns:
        return "cast(null as varchar)"
    parts = ", ".join(f"nullif(trim({_quote(column)}), '')" for column in columns)
    return f"nullif(concat_ws(' ', {parts}), '')"


def _json_list(columns: Sequence[str]) -> str:
    if not columns:
        return "'[]'"
    items = ", ".join(f"nullif(trim({_quote(column)}), '')" for column in columns)
    return f"to_json(list_filter([{items}], lambda v: v is not null))"


def _birth(mapping: FileMapping) -> str:
    if mapping.date_of_birth:
        parsed = f"try_strptime(nullif(trim({_quote(mapping.date_of_birth)}), ''), $date_format)"
        return (
            f"cast(year({parsed}) as integer) as birth_year, "
            f"cast(month({parsed}) as integer) as birth_month, "
            f"cast(day({parsed}) as integer) as birth_day"
        )
    parts = []
    for name, column in (
        ("birth_year", mapping.birth_year),
        ("birth_month", mapping.birth_month),
        ("birth_day", mapping.birth_day),
    ):
        value = f"try_cast({_quote(column)} as integer)" if column else "cast(null as integer)"
        parts.append(f"{value} as {name}")
    return ", ".join(parts)


def _select(mapping: FileMapping) -> str:
    identifiers = [
        f"cast({_quote(column)} as varchar) as identifier_{number}"
        for number, column in enumerate(mapping.identifiers, start=1)
    ]
    identifiers += [
        f"cast(null as varchar) as identifier_{number}"
        for number in range(len(mapping.identifiers) + 1, MAX_IDENTIFIERS + 1)
    ]
    sex = _quote(mapping.sex) if mapping.sex else "cast(null as varchar)"
    town = _quote(mapping.town) if mapping.town else "null"
    postcode = _quote(mapping.postcode) if mapping.postcode else "null"
    return f"""
        select $label || ':' || cast({_quote(mapping.id)} as varchar) as record_id,
            $label as source_dataset,
            {_joined(mapping.given_names)} as given_names,
            {_joined(mapping.family_names)} as family_name,
            {_json_list(mapping.aliases)} as aliases_json,
            {_birth(mapping)},
            false as birth_date_is_estimated,
            {sex} as gender, '[]' as nationalities_json,
            {", ".join(identifiers)},
            {_json_list(mapping.phones)} as phones_json,
            to_json([{{'lines': {_joined(mapping.address_lines)}, 'town': {town},
                       'postcode': {postcode}}}]) as addresses_json
        from read_csv($path, all_varchar = true, header = true)
    """  # noqa: S608 - column names are quoted; values are parameters


def records_from_files(paths: Sequence[Path], mapping: FileMapping) -> pa.Table:
    """The records of one or two CSV files in RAW_SCHEMA; ids are ``A:<id>`` / ``B:<id>``."""
    tables = []
    with duckdb.connect() as connection:
        for label, path in zip(FILE_LABELS, paths, strict=False):
            header = connection.sql(
                "select * from read_csv($path, all_varchar = true, header = true) limit 0",
                params={"path": str(path)},
            ).columns
            missing = sorted(mapping.columns() - set(header))
            if missing:
                raise MappingError(
                    [
                        f"{path.name}: no column {column!r} named by the mapping"
                        for column in missing
                    ]
                )
            parameters: dict[str, str] = {"path": str(path), "label": label}
            if mapping.date_of_birth:
                parameters["date_format"] = mapping.date_format
            tables.append(connection.sql(_select(mapping), params=parameters).to_arrow_table())
    return pa.concat_tables([table.cast(RAW_SCHEMA) for table in tables])


def clusters_by_file(clusters: pa.Table) -> pa.Table:
    """The run's clusters as the columns ``file``, ``record_id``, ``cluster_id``."""
    labelled = clusters.column("record_id").to_pylist()
    files, ids = [], []
    for value in labelled:
        label, _, record = str(value).partition(":")
        files.append(label)
        ids.append(record)
    return pa.table({"file": files, "record_id": ids, "cluster_id": clusters.column("cluster_id")})
