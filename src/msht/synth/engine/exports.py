"""Agency exports of a written world: what a police force, Border Force and an NGO would send.

Each referral made by a police force, by Border Force or by an NGO also appears in that
agency's own export, in the agency's own layout (the mappings ingest/mappings/police.yaml,
border_force.yaml and ngo.yaml read them back): different column names, codes and date
formats. ``truth_exports.csv`` maps every export row to its person, so record linkage can
be measured across agencies. The world's files are read as streams, in step, so memory
stays flat at any size.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pycountry

from msht.core.errors import SynthError
from msht.synth.engine import schema

POLICE_EXPORT = "police_export.csv"
BORDER_FORCE_EXPORT = "border_force_export.jsonl"
NGO_EXPORT = "ngo_export.csv"
TRUTH_EXPORTS = "truth_exports.csv"
INTELLIGENCE_LOG = "intelligence_log.csv"
TRUTH_COLUMNS = ("export", "row_key", "referral_reference", "person_id")

POLICE_COLUMNS = (
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
)
NGO_COLUMNS = (
    "Client ID",
    "Organisation",
    "First name",
    "Surname",
    "Date of birth",
    "Gender",
    "Nationality",
    "Type of exploitation",
    "Date of first contact",
    "Exploitation began",
    "Phone",
    "Postcode",
)
NGO_CODES = frozenset(
    {
        "salvation-army",
        "barnardos",
        "migrant-help",
        "medaille-trust",
        "kalayaan",
        "unseen",
        "nspcc",
        "refugee-council",
        "tara",
        "bawso",
        "poppy-project",
    }
)
# The intelligence log layout (ingest/mappings/intelligence_log.yaml): the world's graded
# reports as the agencies' own logs export them, numbered per agency.
INTELLIGENCE_LOG_COLUMNS = (
    "LOG_NO",
    "ORIG_AGENCY",
    "DATE_RECD",
    "SRC_EVAL",
    "INT_ASSESS",
    "HANDLING",
    "HANDLING_CONDS",
    "SHARE_WITH",
    "INTEL_TEXT",
    "NOMINAL_REFS",
    "VICTIM_REFS",
    "PHONES",
    "ADDRESSES",
    "VRMS",
    "BUSINESSES",
)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PORTS = ("Heathrow", "Dover", "Gatwick", "Manchester Airport", "Stansted", "Coquelles")

POLICE_SEX = {"female": "F", "male": "M", "other": "X", "not_known": "U"}
POLICE_CODES = {
    "labour": "LAB",
    "sexual": "SEX",
    "criminal": "CRIM",
    "domestic_servitude": "DS",
    "organ_harvesting": "ORG",
    "not_specified": "UNK",
}
BORDER_GENDER = {"female": "FEMALE", "male": "MALE", "other": "UNKNOWN", "not_known": "UNKNOWN"}
BORDER_TYPES = {
    "labour": "LABOUR",
    "sexual": "SEXUAL",
    "criminal": "CRIMINAL",
    "domestic_servitude": "DOMESTIC SERVITUDE",
    "organ_harvesting": "ORGAN HARVESTING",
    "not_specified": "SUSPECTED - UNCLEAR",
}
BORDER_STATUS = {
    "uk_national": "BRITISH CITIZEN",
    "settled": "SETTLED",
    "visa_holder": "VISA HOLDER",
    "asylum_seeker": "ASYLUM CLAIMANT",
    "immigration_detention": "DETAINED",
    "irregular": "CLANDESTINE ENTRANT",
    "not_known": "NOT KNOWN",
}
NGO_GENDER = {"female": "Woman", "male": "Man", "other": "Non-binary", "not_known": ""}
NGO_TYPES = {
    "labour": "Forced labour",
    "sexual": "Sexual exploitation",
    "criminal": "Criminal exploitation",
    "domestic_servitude": "Domestic servitude",
    "organ_harvesting": "Organ harvesting",
    "not_specified": "Other",
}
NOT_A_WORLD = "{directory} holds no referrals.csv and truth_referrals.csv to export from"
OUT_OF_STEP = "referrals.csv and truth_referrals.csv disagree at {reference}"


@dataclass(frozen=True)
class ExportSummary:
    """Rows written per export file."""

    rows: dict[str, int]


def _split(value: str) -> list[str]:
    return [part for part in value.split(schema.LIST_SEPARATOR) if part]


def _uk_date(iso: str) -> str:
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}" if len(iso) == 10 else ""


def _ngo_date(iso: str) -> str:
    return f"{iso[8:10]}-{MONTHS[int(iso[5:7]) - 1]}-{iso[:4]}" if len(iso) == 10 else ""


def _birth(row: dict[str, str]) -> tuple[str, str, str]:
    """The date of birth as ISO, or the year alone, or nothing."""
    year, month, day = row["birth_year"], row["birth_month"], row["birth_day"]
    if year and month and day:
        return year, f"{int(month):02d}", f"{int(day):02d}"
    return year, "", ""


# Kosovo has no ISO 3166-1 entry; the UK and the EU write it XKX / XK.
KOSOVO = ("XKX", "XK", "Kosovo")


def _alpha_2(alpha_3: str) -> str:
    if alpha_3 == KOSOVO[0]:
        return KOSOVO[1]
    country = pycountry.countries.get(alpha_3=alpha_3)
    return str(country.alpha_2) if country is not None else ""


def _country_name(alpha_3: str) -> str:
    if alpha_3 == KOSOVO[0]:
        return KOSOVO[2]
    country = pycountry.countries.get(alpha_3=alpha_3)
    return str(country.name) if country is not None else ""


def police_row(row: dict[str, str]) -> dict[str, str]:
    """A referral as the police force's crime system exports it."""
    year, month, day = _birth(row)
    codes = [POLICE_CODES[code] for code in _split(row["exploitation_types"])]
    if row["county_lines"] == "true":
        codes.append("CL")
    return {
        "PERSON_URN": row["reference"].replace("NRM", "URN", 1),
        "FORENAME": row["given_names"],
        "SURNAME": row["family_name"],
        "DOB": f"{day}/{month}/{year}" if month else year,
        "SEX": POLICE_SEX.get(row["gender"], "U"),
        "NATIONALITY": "/".join(_split(row["nationalities"])),
        "EXPLOIT_CODE": "/".join(codes),
        "FORCE": row["first_responder_organisation"].removeprefix("police-"),
        "DATE_RECORDED": _uk_date(row["referred_on"]),
        "OFFENCE_FROM": _uk_date(row["exploitation_started_on"]),
        "PNC_ID": row["pnc_id"],
        "PHONE": (_split(row["phone_numbers"]) or [""])[0],
        "POSTCODE": row["address_postcode"],
    }


def border_force_row(row: dict[str, str]) -> dict[str, Any]:
    """A referral as Border Force's encounter system exports it (one JSON object)."""
    year, month, day = _birth(row)
    nationalities = _split(row["nationalities"])
    reference = row["reference"]
    return {
        "case_id": reference.replace("NRM", "BF", 1),
        "first_name": row["given_names"] or None,
        "last_name": row["family_name"] or None,
        "date_of_birth": f"{year}-{month}-{day}" if month else (year or None),
        "gender": BORDER_GENDER.get(row["gender"], "UNKNOWN"),
        "nationality_iso2": _alpha_2(nationalities[0]) if nationalities else None,
        "exploitation": [BORDER_TYPES[code] for code in _split(row["exploitation_types"])],
        "immigration_status": BORDER_STATUS.get(row["immigration_status"], "NOT KNOWN"),
        "encounter_date": row["referred_on"].replace("-", ""),
        "passport_no": row["passport_number"] or None,
        "ho_ref": row["home_office_reference"] or None,
        "port": PORTS[int(reference.rsplit("-", 1)[-1]) % len(PORTS)],
    }


def ngo_row(row: dict[str, str]) -> dict[str, str]:
    """A referral as the NGO's case-management system exports it."""
    year, month, day = _birth(row)
    nationalities = _split(row["nationalities"])
    return {
        "Client ID": row["reference"].replace("NRM", "CL", 1),
        "Organisation": row["first_responder_organisation"],
        "First name": row["given_names"],
        "Surname": row["family_name"],
        "Date of birth": f"{day}-{MONTHS[int(month) - 1]}-{year}" if month else year,
        "Gender": NGO_GENDER.get(row["gender"], ""),
        "Nationality": _country_name(nationalities[0]) if nationalities else "",
        "Type of exploitation": ",".join(
            NGO_TYPES[code] for code in _split(row["exploitation_types"])
        ),
        "Date of first contact": _ngo_date(row["referred_on"]),
        "Exploitation began": _ngo_date(row["exploitation_started_on"]),
        "Phone": (_split(row["phone_numbers"]) or [""])[0],
        "Postcode": row["address_postcode"],
    }


def intelligence_log_row(row: dict[str, str]) -> dict[str, str]:
    """A graded report as its originating agency's intelligence log exports it."""
    return {
        "LOG_NO": row["reference"].replace("INT", "IL", 1),
        "ORIG_AGENCY": row["originating_organisation"],
        "DATE_RECD": _uk_date(row["received_on"]),
        "SRC_EVAL": row["source_evaluation"],
        "INT_ASSESS": row["intelligence_assessment"],
        "HANDLING": row["handling_code"],
        "HANDLING_CONDS": row["handling_conditions"],
        "SHARE_WITH": ";".join(_split(row["permitted_organisations"])),
        "INTEL_TEXT": row["summary"],
        "NOMINAL_REFS": ";".join(_split(row["suspect_records"])),
        "VICTIM_REFS": ";".join(_split(row["persons"])),
        "PHONES": ";".join(_split(row["phone_numbers"])),
        "ADDRESSES": "|".join(_split(row["addresses"])),
        "VRMS": ";".join(_split(row["vehicles"])),
        "BUSINESSES": ";".join(_split(row["organisations_named"])),
    }


def write_intelligence_log(directory: Path) -> int:
    """Write the world's intelligence reports as one intelligence log; the rows written.

    A world without ``intelligence.csv`` (none was generated) gets no log.
    """
    source = directory / schema.INTELLIGENCE.name
    if not source.is_file():
        return 0
    written = 0
    with (
        source.open(newline="", encoding="utf-8") as reports,
        (directory / INTELLIGENCE_LOG).open("w", newline="", encoding="utf-8") as handle,
    ):
        log = csv.DictWriter(handle, fieldnames=INTELLIGENCE_LOG_COLUMNS)
        log.writeheader()
        for row in csv.DictReader(reports):
            log.writerow(intelligence_log_row(row))
            written += 1
    return written


def _in_step(directory: Path) -> Iterator[tuple[dict[str, str], str]]:
    """Each referral with its person id; the two files are written in the same order."""
    referrals_path = directory / schema.REFERRALS.name
    truth_path = directory / schema.TRUTH_REFERRALS.name
    if not referrals_path.is_file() or not truth_path.is_file():
        raise SynthError(NOT_A_WORLD.format(directory=directory))
    with (
        referrals_path.open(newline="", encoding="utf-8") as referrals,
        truth_path.open(newline="", encoding="utf-8") as truth,
    ):
        for row, known in zip(csv.DictReader(referrals), csv.DictReader(truth), strict=True):
            if row["reference"] != known["referral_reference"]:
                raise SynthError(OUT_OF_STEP.format(reference=row["reference"]))
            yield row, known["person_id"]


def _agency(organisation: str) -> str:
    if organisation.startswith("police-"):
        return "police"
    if organisation == "border-force":
        return "border_force"
    return "ngo" if organisation in NGO_CODES else ""


def write_agency_exports(directory: Path) -> ExportSummary:
    """Write the police, Border Force and NGO exports and the intelligence log of the world
    in ``directory``.

    Args:
        directory: a written world (referrals.csv and truth_referrals.csv).

    Returns:
        Rows written per file, including the truth file.

    Examples:
        >>> write_agency_exports(Path("var/world")).rows["police_export.csv"] > 0
        True
    """
    counts = {POLICE_EXPORT: 0, BORDER_FORCE_EXPORT: 0, NGO_EXPORT: 0, TRUTH_EXPORTS: 0}
    handles: list[IO[str]] = []

    def open_text(name: str, encoding: str = "utf-8") -> IO[str]:
        handle = (directory / name).open("w", newline="", encoding=encoding)
        handles.append(handle)
        return handle

    try:
        police = csv.DictWriter(open_text(POLICE_EXPORT), fieldnames=POLICE_COLUMNS)
        # The NGO's spreadsheet saves semicolon-separated UTF-8 with a byte order mark.
        ngo = csv.DictWriter(
            open_text(NGO_EXPORT, "utf-8-sig"), fieldnames=NGO_COLUMNS, delimiter=";"
        )
        border = open_text(BORDER_FORCE_EXPORT)
        truth = csv.writer(open_text(TRUTH_EXPORTS))
        police.writeheader()
        ngo.writeheader()
        truth.writerow(TRUTH_COLUMNS)
        for row, person_id in _in_step(directory):
            agency = _agency(row["first_responder_organisation"])
            if agency == "police":
                written: dict[str, Any] = police_row(row)
                police.writerow(written)
                name, key = POLICE_EXPORT, written["PERSON_URN"]
            elif agency == "border_force":
                written = border_force_row(row)
                border.write(json.dumps(written, ensure_ascii=False) + "\n")
                name, key = BORDER_FORCE_EXPORT, written["case_id"]
            elif agency == "ngo":
                written = ngo_row(row)
                ngo.writerow(written)
                name, key = NGO_EXPORT, written["Client ID"]
            else:
                continue
            counts[name] += 1
            truth.writerow((name, key, row["reference"], person_id))
            counts[TRUTH_EXPORTS] += 1
    finally:
        for handle in handles:
            handle.close()
    counts[INTELLIGENCE_LOG] = write_intelligence_log(directory)
    return ExportSummary(rows=counts)
