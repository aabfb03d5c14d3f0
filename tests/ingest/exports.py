"""Small agency exports written for tests, in the layouts of the shipped source mappings."""

from __future__ import annotations

import csv
from pathlib import Path

POLICE_HEADER = [
    "PERSON_URN",
    "FORENAME",
    "SURNAME",
    "DOB",
    "SEX",
    "NATIONALITY",
    "EXPLOIT_CODE",
    "FORCE",
    "DATE_RECORDED",
    "OFFENCE_FROM",
    "PNC_ID",
    "PHONE",
    "POSTCODE",
]


def police_row(number: int, **changes: str) -> dict[str, str]:
    """A valid police export row; ``changes`` overrides cells."""
    row = {
        "PERSON_URN": f"URN{number:06d}",
        "FORENAME": f"Given{number}",
        "SURNAME": f"Family{number}",
        "DOB": f"{1 + number % 28:02d}/0{1 + number % 9}/19{70 + number % 30}",
        "SEX": "MF"[number % 2],
        "NATIONALITY": ("GBR", "ALB", "VNM/ROU")[number % 3],
        "EXPLOIT_CODE": ("LAB", "SEX/CL", "CRIM")[number % 3],
        "FORCE": "metropolitan",
        "DATE_RECORDED": "14/03/2024",
        "OFFENCE_FROM": "01/02/2024",
        "PNC_ID": f"24/{number:06d}X",
        "PHONE": f"07700 9{number:05d}",
        "POSTCODE": "SW1A 1AA",
    }
    row.update(changes)
    return row


def write_police(path: Path, rows: list[dict[str, str]], *, encoding: str = "utf-8") -> Path:
    """Write rows as a police CSV export."""
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.DictWriter(handle, fieldnames=POLICE_HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path
