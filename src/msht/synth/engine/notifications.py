"""Duty to Notify reports: anonymous notifications of adults who did not consent (DOMAIN.md NRM 2).

A report names no one: organisation, date, gender, nationality, exploitation types,
where, and indicators. The person behind it is known only to the ground truth (status
``notified``). Volumes follow the published ratio of reports to referrals (s.9).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from msht.synth.engine import organisations as orgs
from msht.synth.engine.parameters import Missingness
from msht.synth.engine.places import DEFAULT_TRANSIT_COUNTRIES, TRANSIT_COUNTRIES
from msht.synth.engine.population import (
    ADULT,
    AREA_WEIGHTS,
    GENDER_CODES,
    NATION_OF_AREA,
    NATIONALITIES,
    NATIONALITY_CODES,
    POLICE_FORCE_AREAS,
    UK,
    IntArray,
    make_people,
)
from msht.synth.engine.reference import organisations
from msht.synth.engine.referrals import (
    OVERSEAS_ONLY,
    PAIR_WEIGHTS,
    PAIRS,
    UK_AND_OVERSEAS,
    UK_ONLY,
    _ilo,
    category_shares,
    gender_shares,
    ilo_text,
    location_shares,
    nationality_shares,
    type_text,
)
from msht.synth.engine.workdays import iso

# England and Wales only: section 52 of the Modern Slavery Act 2015 does not reach
# Scotland or Northern Ireland.
_ENGLAND_AND_WALES = NATION_OF_AREA <= 1
_AREA_WEIGHTS_EW = (
    np.where(_ENGLAND_AND_WALES, AREA_WEIGHTS, 0.0) / AREA_WEIGHTS[_ENGLAND_AND_WALES].sum()
)
_LOCAL_EW = np.array(
    [
        orgs.INDEX[code]
        for code in organisations().local_authorities
        if NATION_OF_AREA[orgs.AREA[orgs.INDEX[code]]] <= 1
    ],
    dtype=np.int64,
)
# Who notifies (assumption: police most, then Home Office enforcement and local authorities).
_NOTIFIERS = ("police", "immigration-enforcement", "border-force", "ukvi", "local", "nca", "glaa")
_NOTIFIER_WEIGHTS = np.array([0.55, 0.15, 0.05, 0.05, 0.12, 0.03, 0.05])


def notifying_organisations(rng: np.random.Generator, count: int) -> tuple[IntArray, IntArray]:
    """Duty holders in England and Wales (s.52), and the police force area of each report."""
    kind = rng.choice(len(_NOTIFIERS), size=count, p=_NOTIFIER_WEIGHTS)
    area = rng.choice(len(POLICE_FORCE_AREAS), size=count, p=_AREA_WEIGHTS_EW)
    organisation = area.copy()
    for index, name in enumerate(_NOTIFIERS):
        mask = kind == index
        if name == "local":
            organisation[mask] = rng.choice(_LOCAL_EW, size=int(mask.sum()))
            area[mask] = orgs.AREA[organisation[mask]]
        elif name != "police":
            organisation[mask] = orgs.INDEX[name]
    return organisation, area


def duty_to_notify(
    rng: np.random.Generator,
    *,
    days: IntArray,
    year: int,
    first_number: int,
    tag: str,
    missing: Missingness,
) -> tuple[dict[str, list[str]], dict[str, npt.NDArray[Any]]]:
    """Reports for the given days of one year, and the people behind them (adults only)."""
    n = days.size
    organisation, area = notifying_organisations(rng, n)
    category = rng.choice(7, size=n, p=category_shares(year, ADULT))
    pair = np.where(category == 6, rng.choice(len(PAIRS), size=n, p=PAIR_WEIGHTS[ADULT]), -1)
    gender = np.zeros(n, dtype=np.int64)
    for value in np.unique(category):
        mask = category == value
        shares = gender_shares(year, ADULT, int(value), missing.gender)
        gender[mask] = rng.choice(3, size=int(mask.sum()), p=shares)
    nationality = rng.choice(
        len(NATIONALITIES), size=n, p=nationality_shares(year, missing.nationality)
    )
    location = np.zeros(n, dtype=np.int64)
    for uk_national in (False, True):
        mask = (nationality == UK) == uk_national
        shares = location_shares(year, uk_national, missing.nationality)
        location[mask] = rng.choice(4, size=int(mask.sum()), p=shares)
    ilo = _ilo(rng, category, pair)
    gender_text = GENDER_CODES[gender].tolist()
    for row in np.nonzero(rng.random(n) < missing.gender)[0].tolist():
        gender_text[row] = "not_known"
    nationality_text = NATIONALITY_CODES[nationality].tolist()
    for row in np.nonzero(rng.random(n) < missing.nationality)[0].tolist():
        nationality_text[row] = ""
    pick = rng.random(n)
    countries = []
    for row in range(n):
        if location[row] in (OVERSEAS_ONLY, UK_AND_OVERSEAS):
            own = NATIONALITIES[int(nationality[row])]
            transit = TRANSIT_COUNTRIES.get(own, DEFAULT_TRANSIT_COUNTRIES)
            countries.append(
                own if own != "GBR" and pick[row] < 0.6 else transit[int(pick[row] * len(transit))]
            )
        else:
            countries.append("")
    in_uk = np.isin(location, [UK_ONLY, UK_AND_OVERSEAS])
    references = [f"DTN-{tag}-{first_number + i:07d}" for i in range(n)]
    rows = {
        "reference": references,
        "organisation": orgs.CODE_ARRAY[organisation].tolist(),
        "reported_on": iso(days),
        "gender": gender_text,
        "nationality": nationality_text,
        "exploitation_types": [
            type_text(int(c), int(p)) for c, p in zip(category.tolist(), pair.tolist(), strict=True)
        ],
        "exploitation_location": [
            ("uk_only", "overseas_only", "uk_and_overseas", "not_known")[loc]
            for loc in location.tolist()
        ],
        "police_force_area": [
            POLICE_FORCE_AREAS[a] if flag else ""
            for a, flag in zip(area.tolist(), in_uk.tolist(), strict=True)
        ],
        "country_of_exploitation": countries,
        "ilo_indicators": [ilo_text(int(mask)) for mask in ilo.tolist()],
    }
    people = make_people(
        rng,
        nationality=nationality,
        gender=gender,
        age_group=np.full(n, ADULT, dtype=np.int64),
        exploitation_start=days - (14 + rng.exponential(365, n)).astype(np.int64),
        areas=area,
    )
    return rows, people
