"""The attributes of referrals in one chunk, drawn to the calibration targets.

Year-level marginals (age group, exploitation category, gender, nationality, first
responder type, location, competent authority) are quota draws so that each follows its
published share; the rest are independent draws with stated probabilities.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from itertools import combinations
from typing import Any

import numpy as np

from msht.synth.engine import calibration as cal
from msht.synth.engine import organisations as orgs
from msht.synth.engine.parameters import Missingness
from msht.synth.engine.places import DEFAULT_TRANSIT_COUNTRIES, TOWNS, TRANSIT_COUNTRIES
from msht.synth.engine.population import (
    ADULT,
    AGE_NOT_KNOWN,
    CHILD,
    EEA_OR_UK,
    NATION_OF_AREA,
    NATIONALITIES,
    POLICE_FORCE_AREAS,
    UK,
    BoolArray,
    FloatArray,
    IntArray,
)
from msht.synth.engine.quota import Quota
from msht.synth.engine.reference import reference_codes
from msht.synth.engine.workdays import day_number

CATEGORIES = cal.EXPLOITATION_CATEGORIES
LABOUR, SEXUAL, CRIMINAL, DOMESTIC, ORGAN, NOT_SPECIFIED, MULTIPLE = range(7)
PAIRS: tuple[tuple[int, int], ...] = tuple(combinations(range(4), 2))
# Which two types a 'multiple' referral records, by age group (assumption: labour with
# sexual for adults, criminal with sexual or labour for children).
PAIR_WEIGHTS: dict[int, FloatArray] = {
    ADULT: np.array([0.35, 0.20, 0.25, 0.10, 0.05, 0.05]),
    CHILD: np.array([0.10, 0.30, 0.05, 0.40, 0.10, 0.05]),
    AGE_NOT_KNOWN: np.array([0.25, 0.25, 0.15, 0.25, 0.05, 0.05]),
}
LOCATIONS = cal.LOCATIONS
UK_ONLY, OVERSEAS_ONLY, UK_AND_OVERSEAS, LOCATION_NOT_KNOWN = range(4)
IMMIGRATION_STATUSES: tuple[str, ...] = (
    "uk_national",
    "settled",
    "visa_holder",
    "asylum_seeker",
    "immigration_detention",
    "irregular",
    "not_known",
)
SCA_FROM = day_number(dt.date(2019, 4, 29))
IECA_FROM = day_number(dt.date(2021, 11, 1))
NEW_RG_TEST_FROM = day_number(dt.date(2023, 1, 30))

ILO_CODES = reference_codes().ilo_indicators
# Chance of each ILO indicator (reference order) by main type: labour, sexual, criminal,
# domestic servitude, and a flat row for organ harvesting or not specified. Assumption:
# the indicators the Home Office's statutory guidance lists for each type.
ILO_CHANCE: FloatArray = np.array(
    [
        [0.5, 0.6, 0.4, 0.3, 0.2, 0.4, 0.4, 0.6, 0.4, 0.6, 0.5],
        [0.5, 0.5, 0.6, 0.5, 0.6, 0.5, 0.4, 0.3, 0.5, 0.3, 0.2],
        [0.5, 0.3, 0.3, 0.2, 0.4, 0.7, 0.1, 0.2, 0.5, 0.2, 0.1],
        [0.5, 0.5, 0.7, 0.7, 0.3, 0.4, 0.6, 0.5, 0.2, 0.5, 0.6],
        [0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3],
    ]
)


@cache
def category_shares(year: int, age: int) -> FloatArray:
    """Exploitation category shares for an age group in a year (s.6; age not known: mean)."""
    mix = cal.EXPLOITATION_MIX[year]
    adult = np.array([mix["adult"][c].value for c in CATEGORIES])
    child = np.array([mix["child"][c].value for c in CATEGORIES])
    shares = {ADULT: adult, CHILD: child}.get(age, (adult + child) / 2)
    result: FloatArray = shares / shares.sum()
    return result


@cache
def age_shares(year: int) -> FloatArray:
    """Age group shares of a year (s.5)."""
    values = np.array([cal.AGE_GROUP_SHARE[year][g].value for g in cal.AGE_GROUPS])
    result: FloatArray = values / values.sum()
    return result


@cache
def nationality_shares(year: int, missing: float) -> FloatArray:
    """True nationality shares whose recorded shares, after blanks, meet the published (s.4)."""
    top = np.array([cal.NATIONALITY_SHARE[year][code].value for code in cal.TOP_NATIONALITIES])
    top = top / (1 - missing)
    tail = np.array(list(cal.NATIONALITY_TAIL.values()))
    tail = tail / tail.sum() * (1 - top.sum())
    result: FloatArray = np.concatenate([top, tail])
    return result


def _pair_has(type_index: int, age: int) -> float:
    """Chance that a 'multiple' referral of an age group records this type."""
    return float(
        sum(w for (a, b), w in zip(PAIRS, PAIR_WEIGHTS[age], strict=True) if type_index in (a, b))
    )


@cache
def gender_shares(year: int, age: int, category: int, missing: float) -> FloatArray:
    """Male, female, other shares: sexual and domestic servitude as published, the rest solved
    so that the year's recorded female share meets the published one (s.5, s.6)."""
    female_target = cal.FEMALE_SHARE[year].value / (1 - missing)
    ages = age_shares(year)
    fixed_total = 0.0
    rest_total = 0.0
    for group in (ADULT, CHILD, AGE_NOT_KNOWN):
        cats = category_shares(year, group)
        sexual = cal.FEMALE_SHARE_OF_SEXUAL[cal.AGE_GROUPS[group]].value
        fixed_total += ages[group] * (
            cats[SEXUAL] * sexual + cats[DOMESTIC] * cal.FEMALE_SHARE_OF_DOMESTIC_SERVITUDE.value
        )
        rest_total += ages[group] * (1 - cats[SEXUAL] - cats[DOMESTIC])
    residual = float(np.clip((female_target - fixed_total) / rest_total, 0.02, 0.95))
    if category == SEXUAL:
        female = cal.FEMALE_SHARE_OF_SEXUAL[cal.AGE_GROUPS[age]].value
    elif category == DOMESTIC:
        female = cal.FEMALE_SHARE_OF_DOMESTIC_SERVITUDE.value
    else:
        female = residual
    other = cal.OTHER_GENDER_SHARE.value
    result: FloatArray = np.array([1 - female - other, female, other])
    return result


@cache
def first_responder_shares(year: int, uk_national: bool, missing: float) -> FloatArray:
    """First responder type shares for UK or foreign nationals meeting the year's mix (s.10)."""
    target = np.array(
        [cal.FIRST_RESPONDER_TYPE_SHARE[year][t].value for t in orgs.FIRST_RESPONDER_TYPES]
    )
    uk_share = nationality_shares(year, missing)[UK]
    uk_gov = cal.UK_NATIONAL_GOVERNMENT_AGENCY_SHARE.value
    for_uk = target * (1 - uk_gov) / (1 - target[orgs.GOVERNMENT])
    for_uk[orgs.GOVERNMENT] = uk_gov
    if uk_national:
        uk: FloatArray = for_uk / for_uk.sum()
        return uk
    foreign = np.maximum((target - uk_share * for_uk) / (1 - uk_share), 0.001)
    result: FloatArray = foreign / foreign.sum()
    return result


@cache
def location_shares(year: int, uk_national: bool, missing: float) -> FloatArray:
    """Location of exploitation shares for UK or foreign nationals meeting the year's (s.7)."""
    target = np.array([cal.LOCATION_SHARE[year][loc].value for loc in LOCATIONS])
    uk_only = cal.UK_NATIONAL_UK_ONLY_SHARE.value
    for_uk = np.array([uk_only, 0.0, 0.01, 1 - uk_only - 0.01])
    if uk_national:
        return for_uk
    uk_share = nationality_shares(year, missing)[UK]
    foreign = np.maximum((target - uk_share * for_uk) / (1 - uk_share), 0.001)
    result: FloatArray = foreign / foreign.sum()
    return result


@cache
def county_lines_chance(year: int) -> float:
    """Chance that a criminal exploitation referral is flagged county lines (s.6)."""
    ages = age_shares(year)
    criminal = sum(
        ages[group]
        * (
            category_shares(year, group)[CRIMINAL]
            + category_shares(year, group)[MULTIPLE] * _pair_has(CRIMINAL, group)
        )
        for group in (ADULT, CHILD, AGE_NOT_KNOWN)
    )
    return float(min(cal.COUNTY_LINES_SHARE[year].value / criminal, 0.95))


@dataclass
class ReferralDraw:
    """The drawn attributes of one chunk's referrals (arrays of one length)."""

    days: IntArray
    years: IntArray
    age: IntArray
    category: IntArray
    pair: IntArray
    gender: IntArray
    nationality: IntArray
    repeat: BoolArray
    first_responder_type: IntArray
    organisation: IntArray
    area: IntArray
    nation: IntArray
    competent_authority: IntArray
    immigration_status: IntArray
    location: IntArray
    county_lines: BoolArray
    ilo: IntArray
    exploitation_start: IntArray
    exploitation_end: IntArray
    ongoing: BoolArray


def _by_year(
    rng: np.random.Generator,
    quota: Quota,
    years: IntArray,
    name: str,
    shares_of: Any,
    group: IntArray | None = None,
) -> IntArray:
    """Quota draws per year (and per value of ``group``) with shares from ``shares_of``."""
    result = np.zeros(years.size, dtype=np.int64)
    keys = years * 100 + (group if group is not None else 0)
    for key in np.unique(keys):
        year, sub = divmod(int(key), 100)
        mask = keys == key
        result[mask] = quota.draw(rng, (name, year, sub), int(mask.sum()), shares_of(year, sub))
    return result


def draw_referrals(
    rng: np.random.Generator,
    quota: Quota,
    days: IntArray,
    *,
    repeat_share: float,
    missing: Missingness,
) -> ReferralDraw:
    """Every attribute of the chunk's referrals except the person (calibration module targets)."""
    n = days.size
    years = days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    age = _by_year(rng, quota, years, "age", lambda y, _: age_shares(y))
    category = _by_year(rng, quota, years, "category", category_shares, age)
    pair = np.full(n, -1, dtype=np.int64)
    for group in (ADULT, CHILD, AGE_NOT_KNOWN):
        mask = (category == MULTIPLE) & (age == group)
        pair[mask] = rng.choice(len(PAIRS), size=int(mask.sum()), p=PAIR_WEIGHTS[group])
    gender = _by_year(
        rng,
        quota,
        years,
        "gender",
        lambda y, sub: gender_shares(y, sub // 10, sub % 10, missing.gender),
        age * 10 + category,
    )
    nationality = _by_year(
        rng, quota, years, "nationality", lambda y, _: nationality_shares(y, missing.nationality)
    )
    is_uk = (nationality == UK).astype(np.int64)
    fr_type = _by_year(
        rng,
        quota,
        years,
        "first_responder",
        lambda y, sub: first_responder_shares(y, bool(sub), missing.nationality),
        is_uk,
    )
    organisation = orgs.pick(rng, fr_type, years)
    area = orgs.areas_of(rng, organisation)
    location = _by_year(
        rng,
        quota,
        years,
        "location",
        lambda y, sub: location_shares(y, bool(sub), missing.nationality),
        is_uk,
    )
    criminal = (category == CRIMINAL) | (
        (category == MULTIPLE) & np.isin(pair, [i for i, p in enumerate(PAIRS) if CRIMINAL in p])
    )
    chance = np.array([county_lines_chance(int(y)) for y in years])
    start, end, ongoing = _exploitation_dates(rng, days, age)
    authority = _competent_authority(rng, quota, days, years, nationality, missing)
    return ReferralDraw(
        days=days,
        years=years,
        age=age,
        category=category,
        pair=pair,
        gender=gender,
        nationality=nationality,
        repeat=rng.random(n) < repeat_share,
        first_responder_type=fr_type,
        organisation=organisation,
        area=area,
        nation=NATION_OF_AREA[area],
        competent_authority=authority,
        immigration_status=immigration_statuses(rng, nationality, authority),
        location=location,
        county_lines=criminal & (rng.random(n) < chance),
        ilo=_ilo(rng, category, pair),
        exploitation_start=start,
        exploitation_end=end,
        ongoing=ongoing,
    )


def _competent_authority(
    rng: np.random.Generator,
    quota: Quota,
    days: IntArray,
    years: IntArray,
    nationality: IntArray,
    missing: Missingness,
) -> IntArray:
    """NCA (UK and EEA) or UKVI before the SCA; then SCA, or IECA for foreign nationals (s.3)."""
    result = np.where(EEA_OR_UK[nationality], orgs.NCA, orgs.UKVI)
    result = np.where(days >= SCA_FROM, orgs.SCA, result)
    eligible = (days >= IECA_FROM) & (nationality != UK)
    for year in np.unique(years[eligible]):
        mask = eligible & (years == year)
        uk_share = nationality_shares(int(year), missing.nationality)[UK]
        chance = min(cal.IECA_SHARE[int(year)].value / (1 - uk_share), 0.95)
        draw = quota.draw(rng, ("ieca", int(year)), int(mask.sum()), [1 - chance, chance])
        result[np.nonzero(mask)[0][draw == 1]] = orgs.IECA
    return result.astype(np.int64)


def immigration_statuses(
    rng: np.random.Generator, nationality: IntArray, authority: IntArray
) -> IntArray:
    """Immigration status at referral: IECA cases mostly detained (assumption)."""
    n = nationality.size
    foreign = np.array([0.0, 0.08, 0.10, 0.45, 0.03, 0.12, 0.22])
    ieca = np.array([0.0, 0.0, 0.0, 0.20, 0.45, 0.35, 0.0])
    uk = np.array([0.97, 0, 0, 0, 0, 0, 0.03])
    result = rng.choice(7, size=n, p=foreign)
    mask = authority == orgs.IECA
    result[mask] = rng.choice(7, size=int(mask.sum()), p=ieca)
    mask = nationality == UK
    result[mask] = rng.choice(7, size=int(mask.sum()), p=uk)
    return result.astype(np.int64)


def _ilo(rng: np.random.Generator, category: IntArray, pair: IntArray) -> IntArray:
    """ILO indicators as a bit mask (bit i: ILO_CODES[i]); at least one per referral."""
    n = category.size
    row = np.where(category < 4, category, 4)
    chance = ILO_CHANCE[row]
    pair_rows = np.nonzero(pair >= 0)[0]
    if pair_rows.size:
        first = np.array([PAIRS[p][0] for p in pair[pair_rows]])
        second = np.array([PAIRS[p][1] for p in pair[pair_rows]])
        chance[pair_rows] = np.maximum(ILO_CHANCE[first], ILO_CHANCE[second])
    hits = rng.random((n, len(ILO_CODES))) < chance
    hits[~hits.any(axis=1), 0] = True
    weights = 1 << np.arange(len(ILO_CODES), dtype=np.int64)
    mask: IntArray = hits.astype(np.int64) @ weights
    return mask


def _exploitation_dates(
    rng: np.random.Generator, days: IntArray, age: IntArray
) -> tuple[IntArray, IntArray, BoolArray]:
    """When exploitation began (weeks to years before referral) and ended, if it has."""
    n = days.size
    lag = np.where(age == CHILD, rng.integers(30, 540, n), 14 + rng.exponential(365, n))
    start = days - lag.astype(np.int64)
    ongoing = rng.random(n) < 0.25
    end = days - np.floor(rng.random(n) * np.minimum(lag, 120)).astype(np.int64)
    return start, end, ongoing


@cache
def ilo_text(mask: int) -> str:
    """The ILO indicator codes of a bit mask, joined by ';'."""
    return ";".join(code for bit, code in enumerate(ILO_CODES) if mask >> bit & 1)


MAIN_TYPE_CODES = cal.MAIN_TYPES


def type_text(category: int, pair: int) -> str:
    """The exploitation type codes of a category (two for 'multiple'), joined by ';'."""
    if category == MULTIPLE:
        first, second = PAIRS[pair]
        return f"{MAIN_TYPE_CODES[first]};{MAIN_TYPE_CODES[second]}"
    return CATEGORIES[category]


def main_type(category: IntArray, pair: IntArray) -> IntArray:
    """The main exploitation type index (0-3), or -1 for organ harvesting and not specified."""
    first = np.array([PAIRS[p][0] if p >= 0 else 0 for p in pair.tolist()], dtype=np.int64)
    result = np.where(category < 4, category, -1)
    return np.where(category == MULTIPLE, first, result).astype(np.int64)


def places(
    rng: np.random.Generator,
    location: IntArray,
    area: IntArray,
    nationality: IntArray,
    county_lines: BoolArray,
) -> list[str]:
    """Places of exploitation: 'pfa:<area>:<town>' in the UK and 'country:<ISO3>' overseas."""
    n = location.size
    extra_area = rng.choice(len(POLICE_FORCE_AREAS), size=n)
    second_area = rng.random(n) < np.where(county_lines, 0.7, 0.15)
    town_pick = rng.random((n, 2))
    country_pick = rng.random((n, 3))
    result = []
    for row in range(n):
        parts: list[str] = []
        loc = int(location[row])
        if loc in (UK_ONLY, UK_AND_OVERSEAS):
            areas = [int(area[row])]
            if second_area[row] and int(extra_area[row]) != areas[0]:
                areas.append(int(extra_area[row]))
            for i, code in enumerate(areas):
                towns = TOWNS[POLICE_FORCE_AREAS[code]]
                town = towns[int(town_pick[row, i] * len(towns))][0]
                parts.append(f"pfa:{POLICE_FORCE_AREAS[code]}:{town}")
        if loc in (OVERSEAS_ONLY, UK_AND_OVERSEAS):
            own = NATIONALITIES[int(nationality[row])]
            transit = TRANSIT_COUNTRIES.get(own, DEFAULT_TRANSIT_COUNTRIES)
            countries = [] if own == "GBR" or country_pick[row, 0] < 0.3 else [own]
            if not countries or country_pick[row, 1] < 0.4:
                countries.append(transit[int(country_pick[row, 2] * len(transit))])
            parts.extend(f"country:{code}" for code in countries)
        result.append(";".join(parts))
    return result


_SETTINGS = {
    LABOUR: (
        "a car wash",
        "a factory",
        "a farm",
        "a construction site",
        "a nail bar",
        "a restaurant",
    ),
    SEXUAL: ("a residential address", "a massage parlour", "hotels", "an online advert"),
    CRIMINAL: ("a cannabis grow", "drug supply lines", "shoplifting", "a trap house"),
    DOMESTIC: ("a private household", "a family home"),
}
_FOUND_BY = {
    orgs.POLICE: "police officers",
    orgs.LOCAL_AUTHORITY: "children's services",
    orgs.GOVERNMENT: "Home Office officers",
    orgs.NGO: "a support worker",
    orgs.NCA_TYPE: "an NCA operation",
    orgs.GLAA_TYPE: "a GLAA inspection",
    orgs.HSC: "a health and social care worker",
}


def narratives(
    rng: np.random.Generator,
    category: IntArray,
    pair: IntArray,
    fr_type: IntArray,
    county_lines: BoolArray,
    places_text: list[str],
) -> list[str]:
    """A one-sentence narrative: who found the person, where and in what setting (no names)."""
    kind = main_type(category, pair)
    pick = rng.random(category.size)
    result = []
    for row in range(category.size):
        found = _FOUND_BY[int(fr_type[row])]
        main = int(kind[row])
        town = (
            places_text[row].split(";")[0].split(":")[-1]
            if places_text[row].startswith("pfa:")
            else ""
        )
        where = f" in {town}" if town else ""
        if main < 0:
            result.append(
                f"Indicators of exploitation noticed by {found}{where}; type not yet clear."
            )
            continue
        settings = _SETTINGS[main]
        setting = settings[int(pick[row] * len(settings))]
        lines = " (county lines)" if county_lines[row] else ""
        result.append(f"Identified by {found}{where}; exploited through {setting}{lines}.")
    return result
