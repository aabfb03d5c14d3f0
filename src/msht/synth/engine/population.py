"""The people of the world: their true names, dates of birth, identifiers, phones, addresses.

People are held as compact numpy columns (indices into name tables, day numbers,
integers for phones and identifiers) so a world of a million referrals keeps its people
in tens of megabytes; strings are made only when a row is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from msht.synth.engine import calibration as cal
from msht.synth.engine.growth import GrowArray
from msht.synth.engine.names import CULTURE_OF_NATIONALITY, CULTURES, VARIANTS, rare_names
from msht.synth.engine.places import STREET_TYPES, STREETS, TOWNS

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ObjectArray = npt.NDArray[np.object_]

NATIONALITIES: tuple[str, ...] = cal.TOP_NATIONALITIES + tuple(cal.NATIONALITY_TAIL)
NATIONALITY_INDEX: dict[str, int] = {code: index for index, code in enumerate(NATIONALITIES)}
UK = NATIONALITY_INDEX["GBR"]
NATIONALITY_CODES: ObjectArray = np.array(NATIONALITIES, dtype=object)
CULTURE_NAMES: tuple[str, ...] = tuple(CULTURES)
NATIONALITY_CULTURE: IntArray = np.array(
    [CULTURE_NAMES.index(CULTURE_OF_NATIONALITY[code]) for code in NATIONALITIES],
    dtype=np.int64,
)
EEA_OR_UK: BoolArray = np.array([code in cal.EEA_AND_UK for code in NATIONALITIES])

POLICE_FORCE_AREAS: tuple[str, ...] = tuple(cal.POLICE_FORCE_AREA_POPULATION)
POLICE_FORCE_AREA_CODES: ObjectArray = np.array(POLICE_FORCE_AREAS, dtype=object)
NATION_OF_AREA: IntArray = np.array(
    [
        ("england", "wales", "scotland", "northern_ireland").index(
            cal.POLICE_FORCE_AREA_NATION[code]
        )
        for code in POLICE_FORCE_AREAS
    ],
    dtype=np.int64,
)

MALE, FEMALE, OTHER = 0, 1, 2
GENDER_CODES: ObjectArray = np.array(["male", "female", "other"], dtype=object)
ADULT, CHILD, AGE_NOT_KNOWN = 0, 1, 2
AGE_GROUP_CODES: ObjectArray = np.array(cal.AGE_GROUPS, dtype=object)

# Address codes pack their parts into one integer, each part in a fixed radix.
_ADDRESS_RADIX = (len(POLICE_FORCE_AREAS), 8, len(STREETS), len(STREET_TYPES), 400, 6, 40, 10, 400)
_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_FLAT_LETTERS = ("", "A", "B", "C", "D", "E")


def area_weights() -> FloatArray:
    """Police force area weights: population within each nation, nations as published (s.7)."""
    population = np.array([cal.POLICE_FORCE_AREA_POPULATION[c] for c in POLICE_FORCE_AREAS])
    weights = np.zeros(population.size)
    for nation, share in enumerate(
        cal.NATION_SHARE[name].value
        for name in ("england", "wales", "scotland", "northern_ireland")
    ):
        mask = nation == NATION_OF_AREA
        weights[mask] = share * population[mask] / population[mask].sum()
    weights /= weights.sum()
    return weights


AREA_WEIGHTS = area_weights()


def _zipf(size: int, exponent: float) -> FloatArray:
    """Zipf weights: a few names are very common, most are rare."""
    weights = 1.0 / np.arange(1, size + 1, dtype=np.float64) ** exponent
    result: FloatArray = weights / weights.sum()
    return result


@dataclass(frozen=True)
class NameTable:
    """All names of one kind (given, middle or family) with sampling ranges per group."""

    names: ObjectArray
    variants: tuple[tuple[str, ...], ...]
    has_variants: BoolArray
    ranges: dict[tuple[int, int], tuple[int, FloatArray]]

    def sample(self, rng: np.random.Generator, cultures: IntArray, sexes: IntArray) -> IntArray:
        """Indices of names drawn by each row's culture and sex (index 0, blank, if none)."""
        result = np.zeros(cultures.size, dtype=np.int64)
        keys = cultures * 2 + sexes
        for key in np.unique(keys):
            entry = self.ranges.get((int(key) // 2, int(key) % 2))
            if entry is None:
                continue
            start, weights = entry
            mask = keys == key
            result[mask] = start + rng.choice(weights.size, size=int(mask.sum()), p=weights)
        return result


NamePool = tuple[tuple[str, ...], float, float]  # listed names, Zipf exponent, head share


def _pool_names(pool: NamePool) -> tuple[list[str], FloatArray, dict[str, tuple[str, ...]]]:
    """A pool's names with their weights: the listed names by Zipf, sharing the head
    share, then the rarer names (``rare_names``) sharing the rest alike."""
    listed, exponent, head_share = pool
    head = _zipf(len(listed), exponent)
    rare, spellings = rare_names(listed) if head_share < 1.0 else ((), {})
    if not rare:
        return list(listed), head, {}
    weights = np.concatenate([head * head_share, np.full(len(rare), (1 - head_share) / len(rare))])
    return [*listed, *rare], weights, spellings


def _table(groups: dict[tuple[int, int], NamePool]) -> NameTable:
    """A name table from name pools per (culture, sex)."""
    names: list[str] = [""]
    ranges: dict[tuple[int, int], tuple[int, FloatArray]] = {}
    spellings: dict[str, tuple[str, ...]] = dict(VARIANTS)
    for key, pool in groups.items():
        if not pool[0]:
            continue
        pool_names, weights, pool_spellings = _pool_names(pool)
        ranges[key] = (len(names), weights)
        names.extend(pool_names)
        for rare_name, spelled in pool_spellings.items():
            spellings.setdefault(rare_name, spelled)
    variants = tuple(spellings.get(name, ()) for name in names)
    return NameTable(
        names=np.array(names, dtype=object),
        variants=variants,
        has_variants=np.array([bool(v) for v in variants]),
        ranges=ranges,
    )


def _build_tables() -> tuple[NameTable, NameTable, NameTable]:
    """The given, middle and family name tables of every culture."""
    given: dict[tuple[int, int], NamePool] = {}
    middle: dict[tuple[int, int], NamePool] = {}
    family: dict[tuple[int, int], NamePool] = {}
    for index, name in enumerate(CULTURE_NAMES):
        culture = CULTURES[name]
        given[(index, MALE)] = (culture.male, 0.5, culture.given_head_share)
        given[(index, FEMALE)] = (culture.female, 0.5, culture.given_head_share)
        middle[(index, MALE)] = (culture.middle_male, 0.0, 1.0)
        middle[(index, FEMALE)] = (culture.middle_female, 0.0, 1.0)
        # Family names do not depend on sex: one range, stored under the male key.
        family[(index, MALE)] = (culture.family, culture.family_exponent, culture.family_head_share)
    return _table(given), _table(middle), _table(family)


GIVEN, MIDDLE, FAMILY = _build_tables()
VIETNAMESE = CULTURE_NAMES.index("vietnamese")


def given_names(given: IntArray, middle: IntArray) -> list[str]:
    """Full given names: a Vietnamese middle name stands before the given name."""
    first = GIVEN.names[given]
    mid = MIDDLE.names[middle]
    return [f"{m} {g}" if m else g for m, g in zip(mid.tolist(), first.tolist(), strict=True)]


class Columns:
    """Named growable columns: the compact state of a population."""

    def __init__(self, spec: dict[str, npt.DTypeLike]) -> None:
        self._columns = {name: GrowArray(dtype) for name, dtype in spec.items()}

    def __len__(self) -> int:
        return len(next(iter(self._columns.values())))

    def extend(self, values: Mapping[str, npt.ArrayLike]) -> None:
        """Append rows given as one array per column (every column)."""
        for name, column in self._columns.items():
            column.extend(values[name])

    def take(self, rows: IntArray) -> dict[str, npt.NDArray[Any]]:
        """The columns at ``rows``."""
        return {name: column.values[rows] for name, column in self._columns.items()}

    def column(self, name: str) -> npt.NDArray[Any]:
        """One column's filled values."""
        return self._columns[name].values


PERSON_COLUMNS: dict[str, npt.DTypeLike] = {
    "person_id": np.int64,
    "nationality": np.int16,
    "gender": np.int8,
    "age_group": np.int8,
    "given": np.int32,
    "middle": np.int32,
    "family": np.int32,
    "birth": np.int32,
    "phone": np.int64,
    "address": np.int64,
    "home_office": np.int64,
    "pnc": np.int64,
    "passport": np.int64,
    "household": np.int64,
    "exploitation_start": np.int32,
    "first_day": np.int32,
}


def birth_days(
    rng: np.random.Generator, age_groups: IntArray, exploitation_start: IntArray
) -> IntArray:
    """True dates of birth: children 10-17 and adults 18-70 when exploitation began (s.5)."""
    n = age_groups.size
    child_age = rng.choice(np.arange(10, 18), size=n, p=_child_age_weights())
    adult_age = np.minimum(18 + rng.gamma(2.0, 6.0, size=n), 70)
    unknown_child = rng.random(n) < 0.4
    age = np.where(age_groups == CHILD, child_age, adult_age)
    age = np.where((age_groups == AGE_NOT_KNOWN) & unknown_child, child_age, age)
    offset = np.floor(age * 365.25 + rng.random(n) * 365).astype(np.int64)
    births: IntArray = exploitation_start - offset
    return births


def _child_age_weights() -> FloatArray:
    # Older children are referred most (county lines recruits 14-17).
    """Ages 10-17 weighted to the older children referred most."""
    weights = np.array([1, 1, 2, 3, 5, 7, 9, 10], dtype=np.float64)
    result: FloatArray = weights / weights.sum()
    return result


def addresses(rng: np.random.Generator, areas: IntArray) -> IntArray:
    """Packed address codes in each row's police force area."""
    n = areas.size
    town_counts = np.array([len(TOWNS[code]) for code in POLICE_FORCE_AREAS])
    parts = [
        areas,
        np.floor(rng.random(n) * town_counts[areas]).astype(np.int64),
        rng.integers(0, len(STREETS), n),
        rng.integers(0, len(STREET_TYPES), n),
        rng.integers(1, 250, n),
        np.where(rng.random(n) < 0.2, rng.integers(1, 6, n), 0),
        rng.integers(1, 40, n),
        rng.integers(0, 10, n),
        rng.integers(0, 400, n),
    ]
    code = np.zeros(n, dtype=np.int64)
    for part, radix in zip(parts, _ADDRESS_RADIX, strict=True):
        code = code * radix + part
    return code


_TOWN_SLOTS = _ADDRESS_RADIX[1]
_TOWN_NAMES: ObjectArray = np.array(
    [
        TOWNS[area][min(slot, len(TOWNS[area]) - 1)][0]
        for area in POLICE_FORCE_AREAS
        for slot in range(_TOWN_SLOTS)
    ],
    dtype=object,
)
_TOWN_POSTCODES: ObjectArray = np.array(
    [
        TOWNS[area][min(slot, len(TOWNS[area]) - 1)][1]
        for area in POLICE_FORCE_AREAS
        for slot in range(_TOWN_SLOTS)
    ],
    dtype=object,
)
_UNITS: ObjectArray = np.array(
    [a + b for a in _POSTCODE_LETTERS for b in _POSTCODE_LETTERS], dtype=object
)


@dataclass(frozen=True)
class AddressParts:
    """Decoded addresses, one list per part."""

    house: list[str]
    street: list[str]
    kind: list[str]
    town: list[str]
    outward: list[str]
    inward: list[str]


def address_parts(codes: IntArray) -> AddressParts:
    """Decode packed addresses: house (and flat), street, street type, town, postcode halves."""
    values = []
    rest = codes.astype(np.int64)
    for radix in reversed(_ADDRESS_RADIX):
        values.append(rest % radix)
        rest = rest // radix
    area, town, street, kind, number, flat, district, sector, unit = reversed(values)
    slot = area * _TOWN_SLOTS + town
    return AddressParts(
        house=[
            f"Flat {_FLAT_LETTERS[f]}, {n}" if f else str(n)
            for f, n in zip(flat.tolist(), number.tolist(), strict=True)
        ],
        street=np.array(STREETS, dtype=object)[street].tolist(),
        kind=np.array(STREET_TYPES, dtype=object)[kind].tolist(),
        town=_TOWN_NAMES[slot].tolist(),
        outward=[
            f"{a}{d}"
            for a, d in zip(_TOWN_POSTCODES[slot].tolist(), district.tolist(), strict=True)
        ],
        inward=[f"{s}{u}" for s, u in zip(sector.tolist(), _UNITS[unit].tolist(), strict=True)],
    )


def address_texts(codes: IntArray) -> list[str]:
    """Addresses as one line each: '12 High Street, Leeds, LS6 2AB'."""
    parts = address_parts(codes)
    return [
        f"{h} {s} {k}, {t}, {o} {i}"
        for h, s, k, t, o, i in zip(
            parts.house,
            parts.street,
            parts.kind,
            parts.town,
            parts.outward,
            parts.inward,
            strict=True,
        )
    ]


def home_office_reference(value: int) -> str:
    """A Home Office reference: one letter and seven digits."""
    return f"{'HPVA'[value % 4]}{value % 10_000_000:07d}"


def pnc_id(value: int) -> str:
    """A Police National Computer id: two-digit year, serial, check letter (YY/NNNNNNL)."""
    year, serial = divmod(value, 1_000_000)
    return f"{year:02d}/{serial:06d}{'ABCDEFGHJKLMNPQRTUVWXYZ'[value % 23]}"


def passport_number(value: int, nationality: int) -> str:
    """A passport number: nine digits for the UK, a letter and eight digits elsewhere."""
    if nationality == UK:
        return f"{value:09d}"
    return f"{NATIONALITIES[nationality][0]}{value % 100_000_000:08d}"


def phone_text(value: int) -> str:
    """A UK mobile number as dialled: 07xxx xxxxxx."""
    digits = f"0{value}"
    return f"{digits[:5]} {digits[5:]}"


def make_people(
    rng: np.random.Generator,
    *,
    nationality: IntArray,
    gender: IntArray,
    age_group: IntArray,
    exploitation_start: IntArray,
    areas: IntArray,
) -> dict[str, npt.NDArray[Any]]:
    """True names, birth, identifiers, phone and address of new people (no household yet)."""
    n = nationality.size
    culture = NATIONALITY_CULTURE[nationality]
    name_sex = np.where(gender == OTHER, rng.integers(0, 2, n), gender)
    foreign = nationality != UK
    has_home_office = foreign & (rng.random(n) < 0.85)
    has_pnc = rng.random(n) < np.where(foreign, 0.10, 0.35)
    has_passport = rng.random(n) < np.where(foreign, 0.45, 0.50)
    return {
        "nationality": nationality,
        "gender": gender,
        "age_group": age_group,
        "given": GIVEN.sample(rng, culture, name_sex),
        "middle": MIDDLE.sample(rng, culture, name_sex),
        "family": FAMILY.sample(rng, culture, np.zeros(n, dtype=np.int64)),
        "birth": birth_days(rng, age_group, exploitation_start),
        "phone": rng.integers(7_000_000_000, 7_999_999_999, n),
        "address": addresses(rng, areas),
        "home_office": np.where(has_home_office, rng.integers(1, 10_000_000, n), 0),
        "pnc": np.where(
            has_pnc, rng.integers(10, 25, n) * 1_000_000 + rng.integers(1, 999_999, n), 0
        ),
        "passport": np.where(has_passport, rng.integers(100_000_000, 999_999_999, n), 0),
        "household": np.full(n, -1, dtype=np.int64),
        "exploitation_start": exploitation_start,
    }


def form_households(
    rng: np.random.Generator,
    people: dict[str, npt.NDArray[Any]],
    *,
    share: float,
    next_household: int,
) -> int:
    """Group some new people of one nationality into households sharing name, address, phone.

    Members are taken in order (people are made in date order), so a household's
    members are referred close together; the first member's family name, address and
    phone become everyone's. Returns the next free household number.
    """
    n = people["nationality"].size
    candidates = np.nonzero(rng.random(n) < share)[0]
    if candidates.size < 2:
        return next_household
    for nationality in np.unique(people["nationality"][candidates]):
        members = candidates[people["nationality"][candidates] == nationality]
        start = 0
        while members.size - start >= 2:
            size = int(
                min(rng.choice([2, 3, 4, 5], p=[0.5, 0.3, 0.15, 0.05]), members.size - start)
            )
            group = members[start : start + size]
            head = group[0]
            for column in ("family", "address", "phone"):
                people[column][group] = people[column][head]
            people["household"][group] = next_household
            next_household += 1
            start += size
    return next_household


def format_truth_people(
    people: dict[str, npt.NDArray[Any]], status: str, first_referred: list[str]
) -> dict[str, list[str]]:
    """Rows of truth_people.csv for the people given (true values, never varied)."""
    nationality = people["nationality"].tolist()
    return {
        "person_id": [f"PERSON-{value:08d}" for value in people["person_id"].tolist()],
        "status": [status] * len(nationality),
        "household_id": [
            f"HOUSEHOLD-{value:07d}" if value >= 0 else "" for value in people["household"].tolist()
        ],
        "given_names": given_names(people["given"], people["middle"]),
        "family_name": FAMILY.names[people["family"]].tolist(),
        "birth_date": np.datetime_as_string(people["birth"].astype("datetime64[D]")).tolist(),
        "gender": GENDER_CODES[people["gender"]].tolist(),
        "nationality": NATIONALITY_CODES[people["nationality"]].tolist(),
        "age_group": AGE_GROUP_CODES[people["age_group"]].tolist(),
        "phone": [f"0{value}" for value in people["phone"].tolist()],
        "address": address_texts(people["address"]),
        "home_office_reference": [
            home_office_reference(v) if v else "" for v in people["home_office"].tolist()
        ],
        "pnc_id": [pnc_id(v) if v else "" for v in people["pnc"].tolist()],
        "passport_number": [
            passport_number(v, nat) if v else ""
            for v, nat in zip(people["passport"].tolist(), nationality, strict=True)
        ],
        "first_referred_on": first_referred,
    }
