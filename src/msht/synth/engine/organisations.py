"""Organisations in the engine: one integer per store code, with its area and nation."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from msht.synth.engine import calibration as cal
from msht.synth.engine.population import (
    AREA_WEIGHTS,
    NATION_OF_AREA,
    POLICE_FORCE_AREAS,
    IntArray,
)
from msht.synth.engine.reference import organisations, police_force_code

NATION_NAMES: tuple[str, ...] = ("england", "wales", "scotland", "northern_ireland")
_ORGS = organisations()

# Police forces first, index i is the force of police force area i.
CODES: tuple[str, ...] = (
    tuple(police_force_code(area) for area in POLICE_FORCE_AREAS)
    + _ORGS.local_authorities
    + _ORGS.ngos
    + _ORGS.hsc_trusts
    + _ORGS.national
)
INDEX: dict[str, int] = {code: index for index, code in enumerate(CODES)}
CODE_ARRAY: npt.NDArray[np.object_] = np.array(CODES, dtype=object)

_LOCAL = np.array([INDEX[code] for code in _ORGS.local_authorities], dtype=np.int64)
_NGO = np.array([INDEX[code] for code in cal.NGO_WEIGHTS], dtype=np.int64)
_NGO_WEIGHTS = np.array(list(cal.NGO_WEIGHTS.values())) / sum(cal.NGO_WEIGHTS.values())
_HSC = np.array([INDEX[code] for code in _ORGS.hsc_trusts], dtype=np.int64)

NCA = INDEX["nca"]
GLAA = INDEX["glaa"]
UKVI = INDEX["ukvi"]
IMMIGRATION_ENFORCEMENT = INDEX["immigration-enforcement"]
BORDER_FORCE = INDEX["border-force"]
SCA = INDEX["single-competent-authority"]
IECA = INDEX["immigration-enforcement-competent-authority"]

# Area (police force area index) of each organisation, -1 where it covers the whole UK.
AREA: IntArray = np.full(len(CODES), -1, dtype=np.int64)
AREA[: len(POLICE_FORCE_AREAS)] = np.arange(len(POLICE_FORCE_AREAS))
for _code, _area in _ORGS.local_authority_areas.items():
    AREA[INDEX[_code]] = POLICE_FORCE_AREAS.index(_area)

# Nation of each organisation (national bodies count as England's, where they sit).
NATION: IntArray = np.zeros(len(CODES), dtype=np.int64)
NATION[: len(POLICE_FORCE_AREAS)] = NATION_OF_AREA
for _code, _nation in _ORGS.local_authority_nations.items():
    NATION[INDEX[_code]] = NATION_NAMES.index(_nation)
for _code, _nation in _ORGS.ngo_nations.items():
    NATION[INDEX[_code]] = NATION_NAMES.index(_nation)
NATION[_HSC] = NATION_NAMES.index("northern_ireland")

FIRST_RESPONDER_TYPES = cal.FIRST_RESPONDER_TYPES
POLICE, LOCAL_AUTHORITY, GOVERNMENT, NGO, NCA_TYPE, GLAA_TYPE, HSC = range(7)
_AGENCY_CODES = ("ukvi", "immigration-enforcement", "border-force")


def pick(rng: np.random.Generator, types: IntArray, years: IntArray) -> IntArray:
    """An organisation of each first responder type (police forces by area weight, s.7)."""
    n = types.size
    result = np.empty(n, dtype=np.int64)
    police = types == POLICE
    result[police] = rng.choice(len(POLICE_FORCE_AREAS), size=int(police.sum()), p=AREA_WEIGHTS)
    local = types == LOCAL_AUTHORITY
    result[local] = rng.choice(_LOCAL, size=int(local.sum()))
    ngo = types == NGO
    result[ngo] = rng.choice(_NGO, size=int(ngo.sum()), p=_NGO_WEIGHTS)
    hsc = types == HSC
    result[hsc] = rng.choice(_HSC, size=int(hsc.sum()))
    result[types == NCA_TYPE] = NCA
    result[types == GLAA_TYPE] = GLAA
    for year in np.unique(years[types == GOVERNMENT]):
        mask = (types == GOVERNMENT) & (years == year)
        split = cal.GOVERNMENT_AGENCY_SPLIT[int(year)]
        weights = np.array([split[code].value for code in _AGENCY_CODES])
        choices = np.array([INDEX[code] for code in _AGENCY_CODES])
        result[mask] = rng.choice(choices, size=int(mask.sum()), p=weights / weights.sum())
    return result


def areas_of(rng: np.random.Generator, organisations_: IntArray) -> IntArray:
    """The police force area each organisation works in (a weighted draw for national ones)."""
    areas = AREA[organisations_].copy()
    national = areas < 0
    drawn = rng.choice(len(POLICE_FORCE_AREAS), size=int(national.sum()), p=AREA_WEIGHTS)
    hsc = np.isin(organisations_[national], _HSC)
    drawn[hsc] = POLICE_FORCE_AREAS.index("psni")
    ngo_nation = NATION[organisations_[national]]
    for nation, area in ((1, "south-wales"), (2, "police-scotland")):
        drawn[(ngo_nation == nation) & ~hsc] = POLICE_FORCE_AREAS.index(area)
    areas[national] = drawn
    return areas
