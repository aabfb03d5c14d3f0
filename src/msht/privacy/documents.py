"""A subject access export written out: one JSON file for machines, one HTML page for people."""

from __future__ import annotations

import json
from typing import Any

from django.template.loader import render_to_string

from msht.privacy.selectors import REVIEW_BEFORE_RELEASE, SECTION_TITLES, SubjectAccessBundle


def export_json(bundle: SubjectAccessBundle, *, disclosure: dict[str, Any]) -> str:
    """The whole export as one JSON document, keys sorted so two exports compare."""
    document = {"disclosure": disclosure, **bundle.as_dict()}
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, default=str)


def _display(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "(none)"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def export_html(bundle: SubjectAccessBundle, *, disclosure: dict[str, Any]) -> str:
    """The same export as a standalone, readable HTML page: one table per row."""
    sections = [
        {
            "name": name,
            "title": SECTION_TITLES[name],
            "review": name in REVIEW_BEFORE_RELEASE,
            "rows": [[(key, _display(value)) for key, value in row.items()] for row in rows],
        }
        for name, rows in bundle.sections.items()
    ]
    return render_to_string(
        "privacy/subject_access_document.html",
        {"bundle": bundle, "sections": sections, "disclosure": disclosure},
    )
