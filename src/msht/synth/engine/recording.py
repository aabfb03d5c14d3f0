"""How an agency records a person: spellings, typos, swapped names, partial dates, blanks.

The truth is one person; each record of them passes through this channel, so two
agencies describing the same person rarely agree field for field. Every variation is a
probability in ``parameters.Variation``; every blank a probability in ``Missingness``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from msht.synth.engine.names import NICKNAMES
from msht.synth.engine.parameters import Missingness, Variation
from msht.synth.engine.places import STREET_TYPE_ABBREVIATIONS
from msht.synth.engine.population import (
    FAMILY,
    GENDER_CODES,
    GIVEN,
    MIDDLE,
    NATIONALITY_CODES,
    NATIONALITY_CULTURE,
    VIETNAMESE,
    BoolArray,
    IntArray,
    NameTable,
    address_parts,
    home_office_reference,
    passport_number,
    pnc_id,
)

_ROWS = "qwertyuiop", "asdfghjkl", "zxcvbnm"
# Keys next to each letter on a UK keyboard: the slips people make when typing names.
NEIGHBOURS: dict[str, str] = {}
for _row_index, _row in enumerate(_ROWS):
    for _col, _key in enumerate(_row):
        near = [_row[c] for c in (_col - 1, _col + 1) if 0 <= c < len(_row)]
        for other in (_row_index - 1, _row_index + 1):
            if 0 <= other < len(_ROWS):
                near += [_ROWS[other][c] for c in (_col, _col + 1) if c < len(_ROWS[other])]
        NEIGHBOURS[_key] = "".join(near)


def typo(text: str, kind: float, where: float) -> str:
    """One keyboard slip: swap two letters, drop one, double one, or hit a neighbour."""
    if len(text) < 3:
        return text
    position = 1 + int(where * (len(text) - 2))
    letter = text[position]
    if kind < 0.25:
        return text[:position] + text[position + 1] + letter + text[position + 2 :]
    if kind < 0.5:
        return text[:position] + text[position + 1 :]
    if kind < 0.75:
        return text[:position] + letter + text[position:]
    near = NEIGHBOURS.get(letter.lower(), "")
    if not near:
        return text
    replacement = near[int(where * 997) % len(near)]
    if letter.isupper():
        replacement = replacement.upper()
    return text[:position] + replacement + text[position + 1 :]


def _spell(rng: np.random.Generator, table: NameTable, index: IntArray, chance: float) -> list[str]:
    """Names at ``index``, some recorded under an alternative spelling."""
    names: list[str] = table.names[index].tolist()
    pick = np.nonzero(table.has_variants[index] & (rng.random(index.size) < chance))[0]
    choice = rng.random(pick.size)
    for row, r in zip(pick.tolist(), choice.tolist(), strict=True):
        options = table.variants[int(index[row])]
        names[row] = options[int(r * len(options))]
    return names


def _typos(rng: np.random.Generator, values: list[str], chance: float) -> BoolArray:
    """Put a keyboard slip into some values in place; returns which."""
    hit = rng.random(len(values)) < chance
    kinds = rng.random(len(values))
    wheres = rng.random(len(values))
    for row in np.nonzero(hit)[0].tolist():
        values[row] = typo(values[row], kinds[row], wheres[row])
    return hit


@dataclass
class RecordedNames:
    """Recorded given names, family names and aliases, with what was done to each."""

    given: list[str]
    family: list[str]
    aliases: list[str]
    variation: list[str]


def record_names(
    rng: np.random.Generator,
    people: dict[str, npt.NDArray[Any]],
    variation: Variation,
    missing: Missingness,
) -> RecordedNames:
    """Names as one agency recorded them (spelling, order, typos, capitals, aliases, blanks)."""
    n = people["given"].size
    given_part = _spell(rng, GIVEN, people["given"], variation.transliteration)
    middle_part = _spell(rng, MIDDLE, people["middle"], variation.transliteration)
    family = _spell(rng, FAMILY, people["family"], variation.transliteration)
    transliterated = [
        g != t or m != tm or f != tf
        for g, t, m, tm, f, tf in zip(
            given_part,
            GIVEN.names[people["given"]].tolist(),
            middle_part,
            MIDDLE.names[people["middle"]].tolist(),
            family,
            FAMILY.names[people["family"]].tolist(),
            strict=True,
        )
    ]
    vietnamese = (NATIONALITY_CULTURE[people["nationality"]] == VIETNAMESE).tolist()
    swapped = (rng.random(n) < variation.name_order_swapped).tolist()
    given: list[str] = []
    for row in range(n):
        first, mid, last = given_part[row], middle_part[row], family[row]
        if swapped[row] and vietnamese[row] and mid:
            # Written in Vietnamese order and split at the last space: 'Nguyen Van' / 'An'.
            given.append(f"{last} {mid}")
            family[row] = first
        elif swapped[row]:
            given.append(last)
            family[row] = f"{mid} {first}" if mid else first
        else:
            given.append(f"{mid} {first}" if mid else first)
    given_typo = _typos(rng, given, variation.typo)
    family_typo = _typos(rng, family, variation.typo)
    upper = rng.random(n) < variation.family_name_upper_case
    for row in np.nonzero(upper)[0].tolist():
        family[row] = family[row].upper()
    aliases = _aliases(rng, people, family, variation.alias)
    labels = []
    for row in range(n):
        parts = [
            label
            for label, flag in (
                ("transliteration", transliterated[row]),
                ("swapped", swapped[row]),
                ("typo", bool(given_typo[row] or family_typo[row])),
            )
            if flag
        ]
        labels.append("+".join(parts) or "none")
    blank_given = rng.random(n) < missing.given_names
    blank_family = rng.random(n) < missing.family_name
    for row in np.nonzero(blank_given)[0].tolist():
        given[row] = ""
    for row in np.nonzero(blank_family)[0].tolist():
        family[row] = ""
    return RecordedNames(given=given, family=family, aliases=aliases, variation=labels)


def _aliases(
    rng: np.random.Generator, people: dict[str, npt.NDArray[Any]], family: list[str], chance: float
) -> list[str]:
    """Aliases for some people: another given name of their culture, or a nickname."""
    n = people["given"].size
    result = [""] * n
    rows = np.nonzero(rng.random(n) < chance)[0]
    if rows.size == 0:
        return result
    culture = NATIONALITY_CULTURE[people["nationality"][rows]]
    sexes = np.where(people["gender"][rows] == 1, 1, 0)
    other_given = GIVEN.names[GIVEN.sample(rng, culture, sexes)].tolist()
    nickname = rng.random(rows.size) < 0.3
    picks = rng.integers(0, len(NICKNAMES), rows.size)
    for i, row in enumerate(rows.tolist()):
        if nickname[i]:
            result[row] = NICKNAMES[int(picks[i])]
        else:
            result[row] = f"{other_given[i]} {family[row]}".strip()
    return result


@dataclass
class RecordedBirth:
    """Recorded date of birth parts (blank strings where not recorded)."""

    year: list[str]
    month: list[str]
    day: list[str]
    estimated: list[str]
    variation: list[str]


def date_parts(days: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Year, month and day of day numbers."""
    dates = days.astype("datetime64[D]")
    months = dates.astype("datetime64[M]")
    years: IntArray = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    month: IntArray = months.astype(np.int64) % 12 + 1
    day: IntArray = (dates - months.astype("datetime64[D]")).astype(np.int64) + 1
    return years, month, day


def record_births(
    rng: np.random.Generator,
    births: IntArray,
    known: BoolArray,
    variation: Variation,
    missing_share: float,
) -> RecordedBirth:
    """Dates of birth as recorded: exact, year and month, year only, estimated, or swapped."""
    n = births.size
    years, months, days = date_parts(births)
    year = years.copy()
    month = months.copy()
    day = days.copy()
    draw = rng.random(n)
    cut = np.cumsum(
        [
            variation.birth_date_estimated,
            variation.birth_date_year_only,
            variation.birth_date_year_month,
            variation.birth_day_month_swapped,
        ]
    )
    estimated = draw < cut[0]
    year_only = (draw >= cut[0]) & (draw < cut[1])
    year_month = (draw >= cut[1]) & (draw < cut[2])
    swap = (draw >= cut[2]) & (draw < cut[3]) & (days <= 12) & (days != months)
    year = np.where(estimated, years + rng.integers(-2, 3, n), year)
    month = np.where(estimated, 1, month)
    day = np.where(estimated, 1, day)
    month = np.where(swap, days, month)
    day = np.where(swap, months, day)
    blank = ~known | (rng.random(n) < missing_share)
    labels = np.select(
        [blank, estimated, year_only, year_month, swap],
        ["missing", "estimated", "year_only", "year_month", "day_month_swapped"],
        default="exact",
    ).tolist()
    year_text = np.where(blank, "", year.astype(str)).tolist()
    month_text = np.where(blank | year_only, "", month.astype(str)).tolist()
    day_text = np.where(blank | year_only | year_month, "", day.astype(str)).tolist()
    estimated_text = np.where(estimated & ~blank, "true", "false").tolist()
    return RecordedBirth(year_text, month_text, day_text, estimated_text, labels)


def phone_formats(rng: np.random.Generator, phones: IntArray) -> list[str]:
    """Mobile numbers as typed: '07700 900123', '07700900123' or '+447700900123'."""
    style = rng.random(phones.size)
    result = []
    for value, r in zip(phones.tolist(), style.tolist(), strict=True):
        digits = f"0{value}"
        if r < 0.5:
            result.append(f"{digits[:5]} {digits[5:]}")
        elif r < 0.8:
            result.append(digits)
        else:
            result.append(f"+44{digits[1:]}")
    return result


def address_formats(
    rng: np.random.Generator, codes: IntArray
) -> tuple[list[str], list[str], list[str]]:
    """Addresses as typed: street types abbreviated, capitals, postcodes left off."""
    style = rng.random((codes.size, 3))
    parts = address_parts(codes)
    lines, towns, postcodes = [], [], []
    for row, (abbreviate, upper, no_postcode) in enumerate(style.tolist()):
        kind = parts.kind[row]
        if abbreviate < 0.3:
            kind = STREET_TYPE_ABBREVIATIONS[kind]
        line = f"{parts.house[row]} {parts.street[row]} {kind}"
        town = parts.town[row]
        postcode = "" if no_postcode < 0.1 else f"{parts.outward[row]} {parts.inward[row]}"
        if upper < 0.1:
            line, town, postcode = line.upper(), town.upper(), postcode.replace(" ", "")
        lines.append(line)
        towns.append(town)
        postcodes.append(postcode)
    return lines, towns, postcodes


def _blank(values: list[str], mask: BoolArray) -> None:
    """Blank the values where ``mask`` is true (the missingness draw)."""
    for row in np.nonzero(mask)[0].tolist():
        values[row] = ""


def record_person(
    rng: np.random.Generator,
    people: dict[str, npt.NDArray[Any]],
    *,
    birth_known: BoolArray,
    variation: Variation,
    missing: Missingness,
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The person fields of one referral row each, and the truth of what was varied."""
    n = people["given"].size
    names = record_names(rng, people, variation, missing)
    birth = record_births(rng, people["birth"], birth_known, variation, missing.birth_date)
    draws = {
        name: rng.random(n) < getattr(missing, name)
        for name in (
            "gender",
            "nationality",
            "phone",
            "address",
            "home_office_reference",
            "pnc_id",
            "passport_number",
        )
    }
    gender = GENDER_CODES[people["gender"]].tolist()
    for row in np.nonzero(draws["gender"])[0].tolist():
        gender[row] = "not_known"
    nationality = NATIONALITY_CODES[people["nationality"]].tolist()
    _blank(nationality, draws["nationality"])
    phones = phone_formats(rng, people["phone"])
    _blank(phones, draws["phone"])
    lines, towns, postcodes = address_formats(rng, people["address"])
    for values in (lines, towns, postcodes):
        _blank(values, draws["address"])
    nationalities = people["nationality"].tolist()
    home_office = [home_office_reference(v) if v else "" for v in people["home_office"].tolist()]
    _blank(home_office, draws["home_office_reference"])
    pnc = [pnc_id(v) if v else "" for v in people["pnc"].tolist()]
    _blank(pnc, draws["pnc_id"])
    passport = [
        passport_number(v, nat) if v else ""
        for v, nat in zip(people["passport"].tolist(), nationalities, strict=True)
    ]
    _blank(passport, draws["passport_number"])
    recorded = {
        "given_names": names.given,
        "family_name": names.family,
        "aliases": names.aliases,
        "birth_year": birth.year,
        "birth_month": birth.month,
        "birth_day": birth.day,
        "birth_date_is_estimated": birth.estimated,
        "gender": gender,
        "nationalities": nationality,
        "home_office_reference": home_office,
        "pnc_id": pnc,
        "passport_number": passport,
        "phone_numbers": phones,
        "address_lines": lines,
        "address_town": towns,
        "address_postcode": postcodes,
    }
    truth = {
        "name_variation": names.variation,
        "birth_date_variation": birth.variation,
        "missing_fields": _missing_labels(n, recorded, people, draws),
    }
    return recorded, truth


def _missing_labels(
    n: int,
    recorded: dict[str, list[str]],
    people: dict[str, npt.NDArray[Any]],
    draws: dict[str, BoolArray],
) -> list[str]:
    """Which fields the missingness draw blanked (only those the person really has)."""
    has = {
        "home_office_reference": people["home_office"] > 0,
        "pnc_id": people["pnc"] > 0,
        "passport_number": people["passport"] > 0,
    }
    labels: list[list[str]] = [[] for _ in range(n)]
    for name in ("given_names", "family_name"):
        for row, value in enumerate(recorded[name]):
            if not value:
                labels[row].append(name)
    for row, value in enumerate(recorded["birth_year"]):
        if not value:
            labels[row].append("birth_date")
    for name, mask in draws.items():
        effective = mask & has[name] if name in has else mask
        for row in np.nonzero(effective)[0].tolist():
            labels[row].append(name)
    return [";".join(items) for items in labels]
