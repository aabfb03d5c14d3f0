"""Validating one export row against its source mapping: canonical fields, or every problem.

A row is either clean, and becomes canonical fields ready to store, or it carries a list
of problems (column, value, reason), each written so that the person correcting the row
knows what to change (STYLE.md: ingest reports every bad row, field and reason).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from msht.ingest.engine.mapping import ColumnCheck, FieldRule, SourceMapping
from msht.ingest.engine.readers import RawRow

FORMULA = re.compile(r"^[\t\r\n ]*(?:[=@]|[+\-][\t ]*[A-Za-z(])")
UNDECODABLE = re.compile(r"[\udc80-\udcff]")
NOT_PLAIN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\udc80-\udcff]")
CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f]")
FORMULA_STARTS = frozenset("=@+-\t\r\n ")

TOO_LONG = "is {length:,} characters long; a cell may hold at most {limit:,}"
NUL_CHARACTER = "holds a NUL character, which is not text; re-export the file"
CONTROL_CHARACTER = "holds a control character (0x{code:02X}), which is not text; correct the value"
NOT_TEXT = (
    "holds bytes that are not valid {encoding} text ({bytes}); save the file as UTF-8 "
    "and ingest it again"
)
FORMULA_CELL = (
    "starts like a spreadsheet formula ('{start}'), which could run on a reader's machine "
    "(formula injection); remove the leading character or correct the value"
)
NOT_INTEGER = "is not a whole number"
OUT_OF_RANGE = "is outside the allowed range {minimum} to {maximum}"
NOT_DATE = "is not a date in the form {formats}"
IMPLAUSIBLE_YEAR = "gives the year {year}, which is not plausible (1900 to 2100)"
UNKNOWN_CODE = "is not one of the values this source uses: {choices}"
NOT_FLAG = "must be {allowed} or empty"
NOT_COUNTRY = "is not an ISO 3166 country code ({form})"
REQUIRED = "is empty, and this source must always give it"
KEY_MISSING = "is empty, but it identifies the record in this source"
CHOICES_SHOWN = 12


@dataclass(frozen=True)
class Problem:
    """One reason a row cannot load: the column, the value as given, and what to do."""

    column: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        """Plain form for JSON storage."""
        return {"field": self.column, "value": self.value, "reason": self.reason}


@dataclass
class CheckedRow:
    """A row after validation: canonical fields or problems, with its raw cells and hash."""

    number: int
    raw: dict[str, str]
    content_hash: str
    fields: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    unmapped: list[dict[str, str]] = field(default_factory=list)
    present: frozenset[str] = frozenset()

    @property
    def is_valid(self) -> bool:
        """True when nothing stops the row from loading."""
        return not self.problems


def content_hash(raw: dict[str, str]) -> str:
    """SHA-256 of the cells by column name: the same row hashes the same in any file or order."""
    text = "\x1f".join(f"{name}\x1e{raw[name].strip()}" for name in sorted(raw))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _shown(value: str, limit: int = 200) -> str:
    return value if len(value) <= limit else f"{value[:limit]}... ({len(value):,} characters)"


def cell_problem(value: str, *, limit: int, encoding: str) -> str:
    """Why a cell cannot be stored as it is, or an empty string."""
    if not value or (
        len(value) <= limit and value[0] not in FORMULA_STARTS and not NOT_PLAIN.search(value)
    ):
        return ""  # the common case, decided with one scan
    if len(value) > limit:
        return TOO_LONG.format(length=len(value), limit=limit)
    if "\x00" in value:
        return NUL_CHARACTER
    control = CONTROL.search(value)
    if control:
        return CONTROL_CHARACTER.format(code=ord(control.group()))
    bad = UNDECODABLE.findall(value)
    if bad:
        shown = " ".join(f"0x{ord(char) - 0xDC00:02X}" for char in bad[:4])
        return NOT_TEXT.format(encoding=encoding or "UTF-8", bytes=shown)
    match = FORMULA.match(value)
    if match:
        return FORMULA_CELL.format(start=value.strip()[:12])
    return ""


@lru_cache(maxsize=100_000)  # bounded: a file may hold millions of distinct dates
def _parse_date(text: str, formats: tuple[str, ...]) -> dt.date | None:
    for form in formats:
        try:
            return dt.datetime.strptime(text, form).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    return None


def _partial_date(text: str, formats: tuple[str, ...]) -> str | None:
    """A partial date as partial ISO: '1990' or '1990-07'."""
    for form in formats:
        try:
            parsed = dt.datetime.strptime(text, form)  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
        return f"{parsed.year:04d}" if "%m" not in form else f"{parsed.year:04d}-{parsed.month:02d}"
    return None


def _date(rule: FieldRule, text: str) -> tuple[Any, str]:
    parsed = _parse_date(text, rule.formats or ("%Y-%m-%d",))
    if parsed is not None:
        if not 1900 <= parsed.year <= 2100:
            return None, IMPLAUSIBLE_YEAR.format(year=parsed.year)
        return parsed.isoformat(), ""
    partial = _partial_date(text, rule.partial_formats)
    if partial is not None:
        if not 1900 <= int(partial[:4]) <= 2100:
            return None, IMPLAUSIBLE_YEAR.format(year=partial[:4])
        return partial, ""
    shown = ", ".join(form.replace("%", "") for form in (*rule.formats, *rule.partial_formats))
    return None, NOT_DATE.format(formats=shown or "Y-m-d")


def _integer(text: str, minimum: int | None, maximum: int | None) -> tuple[Any, str]:
    try:
        number = int(float(text)) if re.fullmatch(r"-?\d+(\.0+)?", text) else int(text)
    except ValueError:
        return None, NOT_INTEGER
    low = minimum if minimum is not None else -(2**31)
    high = maximum if maximum is not None else 2**31
    if not low <= number <= high:
        return None, OUT_OF_RANGE.format(minimum=low, maximum=high)
    return number, ""


def _lookup(rule: FieldRule, text: str) -> tuple[str, ...] | None:
    return rule.values.get(text if rule.case_sensitive else text.casefold())


def _choices(rule: FieldRule) -> str:
    keys = sorted(rule.values)
    more = f" and {len(keys) - CHOICES_SHOWN} more" if len(keys) > CHOICES_SHOWN else ""
    return ", ".join(keys[:CHOICES_SHOWN]) + more


def _code(rule: FieldRule, text: str, row: CheckedRow, column: str) -> tuple[Any, str]:
    mapped = _lookup(rule, text)
    if mapped is None:
        if rule.otherwise == "reject":
            return None, UNKNOWN_CODE.format(choices=_choices(rule))
        # A documented "not known": the original stays in the raw row and in the notes.
        row.unmapped.append({"field": rule.name, "column": column, "value": text})
        return rule.otherwise, ""
    return mapped[0], ""


def _codes(rule: FieldRule, text: str, row: CheckedRow, column: str) -> tuple[Any, str]:
    codes: list[str] = []
    for part in text.split(rule.separator):
        item = part.strip()
        if not item:
            continue
        mapped = _lookup(rule, item)
        if mapped is None:
            if rule.otherwise == "reject":
                return None, UNKNOWN_CODE.format(choices=_choices(rule))
            row.unmapped.append({"field": rule.name, "column": column, "value": item})
            mapped = (rule.otherwise,)
        codes.extend(code for code in mapped if code not in codes)
    return (sorted(codes) or None), ""


def _country(rule: FieldRule, text: str) -> tuple[Any, str]:
    key = rule.country_format if rule.country_format in {"alpha_3", "name"} else "alpha_2"
    if rule.country_format == "iso":  # either ISO 3166 form, told apart by length
        key = "alpha_3" if len(text.strip()) == 3 else "alpha_2"
    found = _country_lookup(key, text.strip().upper() if key != "name" else text.strip())
    if found is None:
        return None, NOT_COUNTRY.format(form=rule.country_format.replace("_", "-"))
    return found, ""


# Kosovo has no ISO 3166-1 entry; XKX/XK is the code the UK and the EU use (as core does).
EXTRA_COUNTRIES = {("alpha_3", "XKX"): "XKX", ("alpha_2", "XK"): "XKX", ("name", "Kosovo"): "XKX"}


@cache
def _country_lookup(key: str, text: str) -> str | None:
    import pycountry

    if (key, text) in EXTRA_COUNTRIES:
        return EXTRA_COUNTRIES[(key, text)]

    try:
        query: dict[str, Any] = {key: text}
        country = pycountry.countries.get(**query)
    except (KeyError, LookupError):
        country = None
    if country is None and key == "name":
        try:
            country = pycountry.countries.lookup(text)
        except LookupError:
            country = None
    return None if country is None else str(country.alpha_3)


def _countries(rule: FieldRule, text: str) -> tuple[Any, str]:
    codes: list[str] = []
    for part in text.split(rule.separator):
        if part.strip():
            code, problem = _country(rule, part)
            if problem:
                return None, problem
            if code not in codes:
                codes.append(code)
    return codes or None, ""


def _flags(rule: FieldRule, row: CheckedRow, cells: dict[str, str | None]) -> Any:
    codes: list[str] = []
    any_answer = False
    for column, targets in rule.columns.items():
        text = cells.get(column)
        if text is None:
            continue
        if text in rule.true_values:
            any_answer = True
            codes.extend(code for code in targets if code not in codes)
        elif text in rule.false_values:
            any_answer = True
        else:
            allowed = " or ".join((*rule.true_values, *rule.false_values))
            row.problems.append(Problem(column, _shown(text), NOT_FLAG.format(allowed=allowed)))
    if not any_answer:
        return None
    return sorted(codes)


def _value(rule: FieldRule, text: str, row: CheckedRow) -> tuple[Any, str]:
    kind = rule.kind
    if kind == "text":
        if len(text) > rule.max_length:
            return None, TOO_LONG.format(length=len(text), limit=rule.max_length)
        return text, ""
    if kind == "integer":
        return _integer(text, rule.minimum, rule.maximum)
    if kind == "date":
        return _date(rule, text)
    if kind == "code":
        return _code(rule, text, row, rule.column)
    if kind == "codes":
        return _codes(rule, text, row, rule.column)
    if kind == "country":
        return _country(rule, text)
    if kind == "countries":
        return _countries(rule, text)
    return [part.strip() for part in text.split(rule.separator) if part.strip()] or None, ""


def _check_column(check: ColumnCheck, text: str) -> str:
    if check.kind == "flag":
        allowed = check.allowed or ("0", "1")
        return "" if text in allowed else NOT_FLAG.format(allowed=" or ".join(allowed))
    if check.kind == "integer":
        return _integer(text, check.minimum, check.maximum)[1]
    if check.allowed and text not in check.allowed:
        return UNKNOWN_CODE.format(choices=", ".join(check.allowed[:CHOICES_SHOWN]))
    return ""


def _read_cells(
    checked: CheckedRow, mapping: SourceMapping, encoding: str
) -> dict[str, str | None]:
    """Each cell stripped, or None when missing; unsafe cells become problems."""
    cells: dict[str, str | None] = {}
    present: set[str] = set()
    for column, value in checked.raw.items():
        problem = cell_problem(value, limit=mapping.max_cell_length, encoding=encoding)
        if problem:
            checked.problems.append(Problem(column, _shown(value), problem))
        text = value.strip()
        if text in mapping.missing_values or not text:
            cells[column] = None
        else:
            cells[column] = text
            present.add(column)
    checked.present = frozenset(present)
    return cells


def _apply_field(rule: FieldRule, checked: CheckedRow, cells: dict[str, str | None]) -> None:
    if rule.kind == "flags":
        value = _flags(rule, checked, cells)
    else:
        text = cells.get(rule.column)
        value = None
        if text is not None:
            value, reason = _value(rule, text, checked)
            if reason:
                checked.problems.append(Problem(rule.column, _shown(text), reason))
    if value is None and rule.required:
        checked.problems.append(Problem(rule.source_columns[0], "", REQUIRED))
    if value is not None:
        checked.fields[rule.name] = value


def check_row(row: RawRow, mapping: SourceMapping, *, encoding: str = "") -> CheckedRow:
    """Validate one raw row: canonical fields, or the problems that keep it out."""
    checked = CheckedRow(row.number, row.values, content_hash(row.values))
    if row.problem:
        checked.problems.append(Problem("(row)", "", row.problem))
        return checked
    cells = _read_cells(checked, mapping, encoding)
    if checked.problems:
        return checked
    for rule in mapping.fields.values():
        _apply_field(rule, checked, cells)
    for column, check in mapping.checks.items():
        text = cells.get(column)
        reason = _check_column(check, text) if text is not None else ""
        if reason:
            checked.problems.append(Problem(column, _shown(text or ""), reason))
    checked.problems.extend(
        Problem(column, "", KEY_MISSING) for column in mapping.record_key if not cells.get(column)
    )
    return checked


def record_key(row: CheckedRow, mapping: SourceMapping, occurrence: int) -> str:
    """The record's key in its source: the key columns, or content hash plus occurrence.

    A source without an id column (CTDC) has identical rows that are different people; the
    n-th copy of a row is always the n-th record, so ingesting the file again is idempotent.
    """
    if mapping.record_key:
        return "|".join(row.raw[column].strip() for column in mapping.record_key)[:200]
    return f"{row.content_hash[:40]}#{occurrence}"
