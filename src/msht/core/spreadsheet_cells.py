"""Text cells made safe for spreadsheets (CSV and ODS exports).

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
may be run as a formula when the file is opened (CSV or formula injection, OWASP).
Such text is written with a leading apostrophe, which spreadsheets show as text.
Numbers are never changed: only text is escaped.
"""

from __future__ import annotations

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def needs_escaping(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula."""
    return text.startswith(FORMULA_TRIGGERS)


def escape_text(text: str) -> str:
    """``text`` as a spreadsheet shows it as text, never as a formula."""
    return ESCAPE + text if needs_escaping(text) else text


def escape_cell(value: object) -> object:
    """A cell value ready to write: text escaped, numbers and empty cells as they are."""
    if isinstance(value, str):
        return escape_text(value)
    return value


def escape_row(values: list[object] | tuple[object, ...]) -> list[object]:
    """Every cell of a row ready to write."""
    return [escape_cell(value) for value in values]
