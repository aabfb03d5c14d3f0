"""Every calibration target of the synthetic world, each with its source.

A figure is either *published* (read from the UK's NRM and Duty to Notify statistics,
as collected in the shared data folder's ``nrm/figures.md``; the section is named) or
an *assumption* (no published figure exists; the reason is stated). docs/synth.md
renders this module as a table. Shares are of all referrals in the year unless stated.
"""

from __future__ import annotations

from dataclasses import dataclass

YEARS: tuple[int, ...] = (2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024)


@dataclass(frozen=True)
class Figure:
    """One calibration target: its value and where it comes from."""

    value: float
    source: str


def published(value: float, source: str) -> Figure:
    """A figure read from a published statistic (``source`` names the figures.md section)."""
    return Figure(value, f"published: {source}")


def assumed(value: float, reason: str) -> Figure:
    """A figure with no published source; ``reason`` says why this value."""
    return Figure(value, f"assumption: {reason}")


# figures.md sections, cited by every published figure below.
S1 = "figures.md s.1 (annual NRM referrals, first published)"
S2 = "figures.md s.2 (quarterly NRM referrals, first published)"
S3 = "figures.md s.3 (referrals by competent authority)"
S4 = "figures.md s.4 (referrals by nationality)"
S5 = "figures.md s.5 (referrals by age at exploitation and gender)"
S6 = "figures.md s.6 (referrals by exploitation type)"
S7 = "figures.md s.7 (location of exploitation; police force for crime recording 2018)"
S8 = "figures.md s.8 (RG and CG decisions)"
S9 = "figures.md s.9 (Duty to Notify reports)"
S11 = "figures.md s.11 (UNODC GLOTIP UK series: prosecutions and convictions)"

# --- Referral volumes -------------------------------------------------------------------

REFERRALS_PER_YEAR: dict[int, Figure] = {
    2017: published(5145, S1 + ", NCA end of year 2017"),
    2018: published(6993, S1 + ", NCA end of year 2018"),
    2019: published(10627, S1 + ", UNODC series"),
    2020: published(10613, S1),
    2021: published(12727, S1),
    2022: published(16938, S1),
    2023: published(17004, S1),
    2024: published(19125, S1),
}

_EVEN = "no quarterly figure published: the year's remainder is split evenly"

# Quarterly referrals; a year's quarters are used as relative weights within the year.
REFERRALS_PER_QUARTER: dict[int, tuple[Figure, Figure, Figure, Figure]] = {
    2017: (
        assumed(1274.3, _EVEN),
        assumed(1274.3, _EVEN),
        published(1322, S2 + ", Q3 2017"),
        assumed(1274.3, _EVEN),
    ),
    2018: tuple(assumed(6993 / 4, _EVEN) for _ in range(4)),  # type: ignore[dict-item]
    2019: (
        assumed(2750, _EVEN),
        published(2320, S2 + ", Q2 2019"),
        published(2807, S2 + ", Q3 2019"),
        assumed(2750, _EVEN),
    ),
    2020: (
        published(2862, S2 + ", Q1 2020"),
        published(2207, S2 + ", Q2 2020"),
        published(2506, S2 + ", Q3 2020"),
        published(3041, S2 + ", Q4 2020"),
    ),
    2021: (
        published(2945, S2 + ", Q1 2021"),
        assumed(3225.5, _EVEN),
        assumed(3225.5, _EVEN),
        published(3331, S2 + ", Q4 2021"),
    ),
    2022: (
        published(3773, S2 + ", Q1 2022"),
        published(4161, S2 + ", Q2 2022"),
        published(4581, S2 + ", Q3 2022"),
        published(4418, S2 + ", Q4 2022"),
    ),
    2023: (
        published(4746, S2 + ", Q1 2023"),
        published(3998, S2 + ", Q2 2023"),
        published(4131, S2 + ", Q3 2023"),
        published(4142, S2 + ", Q4 2023"),
    ),
    2024: (
        published(4524, S2 + ", Q1 2024"),
        published(4316, S2 + ", Q2 2024"),
        published(4758, S2 + ", Q3 2024"),
        assumed(19125 - 4524 - 4316 - 4758, "the year's total less its three published quarters"),
    ),
}

# Referrals are made on working days; weekends and bank holidays see fewer.
NON_WORKING_DAY_WEIGHT = assumed(
    0.3, "first responders refer mostly in office hours; a third of a weekday's volume"
)

# --- Age group at exploitation -----------------------------------------------------------

AGE_GROUPS: tuple[str, ...] = ("adult", "child", "not_known")

AGE_GROUP_SHARE: dict[int, dict[str, Figure]] = {
    2017: {
        "adult": assumed(1 - 2118 / 5145 - 0.04, "the rest: child published, not known 4%"),
        "child": published(2118 / 5145, S5 + " (2017: 2,118 children)"),
        "not_known": assumed(0.04, "not published for 2017; 4% as in 2018-2019"),
    },
    2018: {
        "adult": assumed(1 - 3137 / 6993 - 0.04, "the rest: child published, not known 4%"),
        "child": published(3137 / 6993, S5 + " (2018: 3,137 children)"),
        "not_known": assumed(0.04, "not published for 2018"),
    },
    2019: {
        "adult": assumed(0.53, "interpolated between 2018 and 2020"),
        "child": assumed(0.43, "interpolated between 2018 and 2020"),
        "not_known": assumed(0.04, "not published for 2019"),
    },
    2020: {
        "adult": published(5087 / 10613, S5),
        "child": published(4946 / 10613, S5),
        "not_known": published(1 - (5087 + 4946) / 10613, S5 + " (the rest)"),
    },
    2021: {
        "adult": published(6411 / 12727, S5),
        "child": published(5468 / 12727, S5),
        "not_known": published(1 - (6411 + 5468) / 12727, S5 + " (the rest)"),
    },
    2022: {
        "adult": assumed(0.52, "child share published (41%); not known taken as in 2021"),
        "child": published(7019 / 16938, S5 + " (at least 7,019 children)"),
        "not_known": assumed(1 - 0.52 - 7019 / 16938, "the rest"),
    },
    2023: {
        "adult": published(8622 / 17004, S5),
        "child": published(7432 / 17004, S5),
        "not_known": published(1 - (8622 + 7432) / 17004, S5 + " (the rest)"),
    },
    2024: {
        "adult": assumed(0.49, "not in stored pages; Q4 2023 had adults 48%, children 47%"),
        "child": assumed(0.46, "not in stored pages; Q4 2023 had adults 48%, children 47%"),
        "not_known": assumed(0.05, "the rest"),
    },
}

# --- Gender ------------------------------------------------------------------------------

FEMALE_SHARE: dict[int, Figure] = {
    2017: assumed(0.40, "not in stored pages; female share fell from 64% (2013) to 32% (2019)"),
    2018: assumed(0.36, "not in stored pages; between 2017 and 2019"),
    2019: published(0.32, S5 + " (68% male)"),
    2020: published(2752 / 10613, S5),
    2021: published(2923 / 12727, S5),
    2022: published(0.21, S5),
    2023: published(4088 / 17004, S5),
    2024: published((1226 + 1167) / (4524 + 4316), S2 + " (Q1 and Q2 2024)"),
}

# Gender recorded as neither male nor female (before missingness is applied).
OTHER_GENDER_SHARE = assumed(0.002, "published tables show 'other' only as a small residual")

# Sexual exploitation referrals are overwhelmingly female; the other types take the rest.
FEMALE_SHARE_OF_SEXUAL: dict[str, Figure] = {
    "adult": published(0.90, S6 + " (2020: 90% of adult sexual exploitation female)"),
    "child": published(0.85, S6 + " (2020: 85% of child sexual exploitation female)"),
    "not_known": assumed(0.88, "between adults and children"),
}
FEMALE_SHARE_OF_DOMESTIC_SERVITUDE = assumed(
    0.75, "domestic servitude victims are mostly women (Kalayaan casework); no NRM table"
)

# --- Exploitation type by age group ------------------------------------------------------

# One category per referral; "multiple" records two of the four main types.
EXPLOITATION_CATEGORIES: tuple[str, ...] = (
    "labour",
    "sexual",
    "criminal",
    "domestic_servitude",
    "organ_harvesting",
    "not_specified",
    "multiple",
)
MAIN_TYPES: tuple[str, ...] = ("labour", "sexual", "criminal", "domestic_servitude")

_ADULT_MIX = "no adult breakdown beyond labour published; shares of other types assumed"
_CHILD_MIX = "no child breakdown beyond criminal published; shares of other types assumed"


def _mix(first: tuple[str, Figure], rest: dict[str, float], reason: str) -> dict[str, Figure]:
    """A category mix: one published (or assumed) share plus assumed shares, 'multiple' the rest."""
    mix = {first[0]: first[1]}
    mix.update({name: assumed(value, reason) for name, value in rest.items()})
    remainder = 1 - sum(figure.value for figure in mix.values())
    mix["multiple"] = assumed(round(remainder, 6), "the rest: two or more types recorded")
    return mix


def _adult(labour: Figure, sexual: float, criminal: float, unknown: float) -> dict[str, Figure]:
    """An adult mix: labour as given, the other types assumed, 'multiple' the rest (s.6)."""
    rest = {
        "sexual": sexual,
        "criminal": criminal,
        "domestic_servitude": 0.09,
        "organ_harvesting": 0.001,
        "not_specified": unknown,
    }
    return _mix(("labour", labour), rest, _ADULT_MIX)


def _child(criminal: Figure, sexual: float, labour: float, unknown: float) -> dict[str, Figure]:
    """A child mix: criminal as given, the other types assumed, 'multiple' the rest (s.6)."""
    rest = {
        "labour": labour,
        "sexual": sexual,
        "domestic_servitude": 0.02,
        "organ_harvesting": 0.0005,
        "not_specified": unknown,
    }
    return _mix(("criminal", criminal), rest, _CHILD_MIX)


_LABOUR_MOST = "labour most common for adults (NCA 2018, clewer 2020); level of 2021-2023"

EXPLOITATION_MIX: dict[int, dict[str, dict[str, Figure]]] = {
    2017: {
        "adult": _adult(assumed(0.37, _LABOUR_MOST), 0.26, 0.06, 0.10),
        "child": _child(assumed(0.38, "criminal grew to 49% by 2021"), 0.18, 0.12, 0.14),
    },
    2018: {
        "adult": _adult(assumed(0.37, _LABOUR_MOST), 0.25, 0.07, 0.10),
        "child": _child(assumed(0.42, "criminal grew to 49% by 2021"), 0.17, 0.11, 0.14),
    },
    2019: {
        "adult": _adult(assumed(0.36, _LABOUR_MOST), 0.24, 0.08, 0.11),
        "child": _child(assumed(0.45, "criminal grew to 49% by 2021"), 0.15, 0.10, 0.14),
    },
    2020: {
        "adult": _adult(assumed(0.35, _LABOUR_MOST), 0.23, 0.09, 0.12),
        "child": _child(
            assumed(0.47, "criminal most common for children (clewer 2020)"), 0.14, 0.09, 0.14
        ),
    },
    2021: {
        "adult": _adult(
            published(2141 / 6411, S6 + " (2021: adults labour 33%)"), 0.22, 0.10, 0.13
        ),
        "child": _child(
            published(2689 / 5468, S6 + " (2021: children criminal 49%)"), 0.12, 0.08, 0.15
        ),
    },
    2022: {
        "adult": _adult(published(0.39, S6 + " (2022: adults labour 39%)"), 0.20, 0.09, 0.12),
        "child": _child(published(0.43, S6 + " (2022: children criminal 43%)"), 0.14, 0.09, 0.18),
    },
    2023: {
        "adult": _adult(
            published(680 / 1978, S6 + " (Q4 2023: adults labour 34%)"), 0.20, 0.10, 0.14
        ),
        "child": _child(
            published(844 / 1945, S6 + " (Q4 2023: children criminal 43%)"), 0.14, 0.09, 0.18
        ),
    },
    2024: {
        "adult": _adult(assumed(0.35, "not in stored pages; Q4 2023 level"), 0.20, 0.10, 0.14),
        "child": _child(assumed(0.44, "not in stored pages; Q4 2023 level"), 0.14, 0.09, 0.17),
    },
}

# Age group not known: the average of the adult and child mixes of the year.
NOT_KNOWN_AGE_MIX_REASON = "no published mix for age not known: mean of adult and child"

# The county lines flag, as a share of all referrals (applied to criminal exploitation).
COUNTY_LINES_SHARE: dict[int, Figure] = {
    2017: assumed(0.06, "county lines flag recorded from 2018; low before the 2020 peak"),
    2018: assumed(0.09, "rising towards the 2020 level"),
    2019: assumed(0.13, "rising towards the 2020 level"),
    2020: published(401 / 2506, S2 + " (Q3 2020: 16% flagged)"),
    2021: assumed(0.15, ">550 flags per quarter 2020-22 (figures.md s.6)"),
    2022: published(2281 / 16938, S6 + " (2022: 2,281 flagged, 13%)"),
    2023: published(390 * 4 / 17004, S6 + " (2023: about 390 flags per quarter)"),
    2024: assumed(0.09, "not in stored pages; 2023 level"),
}

# --- Nationality ---------------------------------------------------------------------------

TOP_NATIONALITIES: tuple[str, ...] = ("GBR", "ALB", "VNM", "ERI", "SDN")

_RANK = "rank order UK, Albanian, Vietnamese published for 2019-2021; share interpolated"
_SMALL = "not in the published top three; a small share before the 2022 rise"

NATIONALITY_SHARE: dict[int, dict[str, Figure]] = {
    2017: {
        "GBR": published(820 / 5145, S4),
        "ALB": assumed(0.19, "Albanians were the most referred foreign nationality in 2017-2018"),
        "VNM": assumed(0.11, "Vietnam third in 2018 (figures.md s.4)"),
        "ERI": assumed(0.03, _SMALL),
        "SDN": assumed(0.03, _SMALL),
    },
    2018: {
        "GBR": published(1625 / 6993, S4),
        "ALB": assumed(0.16, "second in 2018 (figures.md s.4); share assumed"),
        "VNM": assumed(0.10, "third in 2018 (figures.md s.4); share assumed"),
        "ERI": assumed(0.03, _SMALL),
        "SDN": assumed(0.03, _SMALL),
    },
    2019: {
        "GBR": assumed(0.30, _RANK),
        "ALB": assumed(0.14, _RANK),
        "VNM": assumed(0.08, _RANK),
        "ERI": assumed(0.03, _SMALL),
        "SDN": assumed(0.03, _SMALL),
    },
    2020: {
        "GBR": assumed(0.34, _RANK),
        "ALB": assumed(0.15, _RANK),
        "VNM": assumed(0.07, _RANK),
        "ERI": assumed(0.03, _SMALL),
        "SDN": assumed(0.03, _SMALL),
    },
    2021: {
        "GBR": assumed(0.30, _RANK),
        "ALB": assumed(0.17, _RANK),
        "VNM": assumed(0.05, _RANK),
        "ERI": assumed(0.05, _SMALL),
        "SDN": assumed(0.03, _SMALL),
    },
    2022: {
        "GBR": published(4172 / 16938, S4),
        "ALB": published(4609 / 16938, S4),
        "VNM": published(766 / 16938, S4),
        "ERI": published(1172 / 16938, S4),
        "SDN": published(850 / 16938, S4),
    },
    2023: {
        "GBR": published(4299 / 17004, S4),
        "ALB": published(4052 / 17004, S4),
        "VNM": published(991 / 17004, S4),
        "ERI": published(898 / 17004, S4),
        "SDN": published(940 / 17004, S4),
    },
    2024: {
        "GBR": published(4441 / 19125, S4 + " (the annex also says 4,411)"),
        "ALB": published(2492 / 19125, S4),
        "VNM": published(2153 / 19125, S4),
        "ERI": published(1702 / 19125, S4),
        "SDN": published(1175 / 19125, S4),
    },
}

# The rest of each year is spread over this tail in these relative weights (ISO 3166-1
# alpha-3; XKX is Kosovo). Assumption: the nationalities that appear in NRM tables below
# the top five, weighted by how often they are named there; no published shares.
NATIONALITY_TAIL: dict[str, float] = {
    "ROU": 6.0,
    "IRQ": 5.0,
    "AFG": 5.0,
    "IRN": 4.0,
    "ETH": 4.0,
    "IND": 4.0,
    "CHN": 4.0,
    "NGA": 4.0,
    "PAK": 3.0,
    "POL": 3.0,
    "EGY": 2.0,
    "SYR": 2.0,
    "BGD": 2.0,
    "BGR": 2.0,
    "KWT": 1.5,
    "PHL": 1.5,
    "GHA": 1.5,
    "LTU": 1.5,
    "SVK": 1.5,
    "HUN": 1.5,
    "TUR": 1.5,
    "SOM": 1.5,
    "CZE": 1.0,
    "XKX": 1.0,
    "LKA": 1.0,
    "TCD": 1.0,
    "JAM": 1.0,
    "UKR": 1.0,
    "LBY": 0.8,
    "BRA": 0.8,
    "MAR": 0.8,
    "UGA": 0.8,
    "KEN": 0.8,
    "ZWE": 0.8,
    "THA": 0.8,
    "YEM": 0.8,
    "SSD": 0.8,
    "LVA": 0.8,
    "GIN": 0.5,
    "SLE": 0.5,
    "CMR": 0.5,
    "MYS": 0.5,
    "RUS": 0.5,
    "GMB": 0.5,
    "DZA": 0.5,
    "PRT": 0.5,
    "SEN": 0.3,
    "EST": 0.3,
    "TUN": 0.3,
}
NATIONALITY_TAIL_SOURCE = (
    "assumption: nationalities named in NRM tables below the top five; relative weights"
)

# Nationalities whose nationals the pre-2019 competent authority split sent to the NCA's
# UK Human Trafficking Centre (UK and EEA); others went to UK Visas and Immigration.
EEA_AND_UK: frozenset[str] = frozenset(
    {"GBR", "ROU", "POL", "LTU", "SVK", "HUN", "BGR", "CZE", "LVA", "EST", "PRT"}
)

# --- First responder organisation types -----------------------------------------------------

FIRST_RESPONDER_TYPES: tuple[str, ...] = (
    "police_force",
    "local_authority",
    "government_agency",
    "ngo",
    "nca",
    "glaa",
    "hsc_trust",
)

_FR = (
    "no published table (figures.md s.10); police, local authorities and Home Office "
    "agencies the main referrers, government agencies rising from 2022 with small boats"
)


def _fr(police: float, la: float, gov: float, ngo: float) -> dict[str, Figure]:
    """First responder type shares of a year, normalised (assumption, figures.md s.10)."""
    shares = {
        "police_force": police,
        "local_authority": la,
        "government_agency": gov,
        "ngo": ngo,
        "nca": 0.01,
        "glaa": 0.008,
        "hsc_trust": 0.005,
    }
    total = sum(shares.values())
    return {name: assumed(round(value / total, 6), _FR) for name, value in shares.items()}


FIRST_RESPONDER_TYPE_SHARE: dict[int, dict[str, Figure]] = {
    2017: _fr(0.33, 0.20, 0.32, 0.12),
    2018: _fr(0.34, 0.21, 0.31, 0.11),
    2019: _fr(0.36, 0.22, 0.30, 0.09),
    2020: _fr(0.38, 0.23, 0.28, 0.08),
    2021: _fr(0.36, 0.22, 0.32, 0.07),
    2022: _fr(0.27, 0.17, 0.47, 0.06),
    2023: _fr(0.28, 0.18, 0.45, 0.06),
    2024: _fr(0.28, 0.18, 0.45, 0.06),
}

# Home Office agencies rarely refer UK nationals; the other types make up the difference.
UK_NATIONAL_GOVERNMENT_AGENCY_SHARE = assumed(
    0.02, "UKVI, Border Force and Immigration Enforcement meet UK nationals rarely"
)

# Within government agencies (organisation codes of accounts/migrations/organisations.yaml).
GOVERNMENT_AGENCY_SPLIT: dict[int, dict[str, Figure]] = {
    year: {
        "ukvi": assumed(0.55 if year < 2022 else 0.50, "UKVI the largest Home Office referrer"),
        "immigration-enforcement": assumed(0.30, "detention and enforcement visits"),
        "border-force": assumed(
            0.15 if year < 2022 else 0.20, "small boat arrivals from 2022 (figures.md s.10)"
        ),
    }
    for year in YEARS
}

# NGOs in relative weights: the Salvation Army holds the adult support contract.
NGO_WEIGHTS: dict[str, float] = {
    "salvation-army": 5.0,
    "migrant-help": 3.0,
    "barnardos": 2.0,
    "medaille-trust": 1.0,
    "unseen": 1.0,
    "nspcc": 1.0,
    "refugee-council": 1.0,
    "kalayaan": 0.8,
    "poppy-project": 0.5,
    "tara": 0.4,
    "bawso": 0.4,
}
NGO_WEIGHTS_SOURCE = "assumption: the adult support contractor and child charities refer most"

# --- Police force areas --------------------------------------------------------------------

# Mid-2021 resident population of each force area, in millions (ONS mid-year estimates,
# rounded): the weight of a force within its nation.
POLICE_FORCE_AREA_POPULATION: dict[str, float] = {
    "avon-and-somerset": 1.75,
    "bedfordshire": 0.70,
    "cambridgeshire": 0.90,
    "cheshire": 1.08,
    "city-of-london": 0.01,
    "cleveland": 0.57,
    "cumbria": 0.50,
    "derbyshire": 1.05,
    "devon-and-cornwall": 1.80,
    "dorset": 0.78,
    "durham": 0.64,
    "essex": 1.87,
    "gloucestershire": 0.65,
    "greater-manchester": 2.87,
    "hampshire": 2.00,
    "hertfordshire": 1.20,
    "humberside": 0.93,
    "kent": 1.87,
    "lancashire": 1.53,
    "leicestershire": 1.10,
    "lincolnshire": 0.77,
    "merseyside": 1.43,
    "metropolitan": 8.80,
    "norfolk": 0.92,
    "north-yorkshire": 0.83,
    "northamptonshire": 0.79,
    "northumbria": 1.47,
    "nottinghamshire": 1.17,
    "south-yorkshire": 1.40,
    "staffordshire": 1.14,
    "suffolk": 0.76,
    "surrey": 1.20,
    "sussex": 1.70,
    "thames-valley": 2.45,
    "warwickshire": 0.60,
    "west-mercia": 1.30,
    "west-midlands": 2.92,
    "west-yorkshire": 2.35,
    "wiltshire": 0.73,
    "dyfed-powys": 0.52,
    "gwent": 0.60,
    "north-wales": 0.70,
    "south-wales": 1.33,
    "police-scotland": 5.45,
    "psni": 1.90,
}
POLICE_FORCE_AREA_SOURCE = (
    "assumption: within a nation, referrals in proportion to resident population "
    "(ONS mid-2021, rounded); nations weighted by the published 2018 split"
)

POLICE_FORCE_AREA_NATION: dict[str, str] = {
    **{code: "england" for code in POLICE_FORCE_AREA_POPULATION},
    "dyfed-powys": "wales",
    "gwent": "wales",
    "north-wales": "wales",
    "south-wales": "wales",
    "police-scotland": "scotland",
    "psni": "northern_ireland",
}

NATION_SHARE: dict[str, Figure] = {
    "england": published(6462 / 6993, S7 + " (2018 police force for crime recording)"),
    "wales": published(251 / 6993, S7),
    "scotland": published(228 / 6993, S7),
    "northern_ireland": published(52 / 6993, S7),
}

# --- Location of exploitation ---------------------------------------------------------------

LOCATIONS: tuple[str, ...] = ("uk_only", "overseas_only", "uk_and_overseas", "not_known")

_LOC = "both and not known not published; taken as 6% and the rest"


def _location(uk: Figure, overseas: Figure) -> dict[str, Figure]:
    """Location shares: UK only and overseas as given, both 6%, not known the rest (s.7)."""
    both = 0.06
    return {
        "uk_only": uk,
        "overseas_only": overseas,
        "uk_and_overseas": assumed(both, _LOC),
        "not_known": assumed(round(1 - uk.value - overseas.value - both, 6), _LOC),
    }


LOCATION_SHARE: dict[int, dict[str, Figure]] = {
    2017: _location(assumed(0.52, "between 2013 and 2018"), assumed(0.33, "above 2018")),
    2018: _location(
        assumed(0.58, "overseas published; UK only assumed"),
        published(1986 / 6993, S7 + " (2018 overseas only)"),
    ),
    2019: _location(assumed(0.61, "between 2018 and 2020"), assumed(0.27, "between 2018 and 2020")),
    2020: _location(published(6716 / 10613, S7), published(2722 / 10613, S7)),
    2021: _location(published(7434 / 12727, S7), published(3883 / 12727, S7)),
    2022: _location(assumed(0.58, "2021 level"), assumed(0.31, "2021 level")),
    2023: _location(assumed(0.58, "2021 level"), assumed(0.31, "2021 level")),
    2024: _location(assumed(0.58, "2021 level"), assumed(0.31, "2021 level")),
}

UK_NATIONAL_UK_ONLY_SHARE = assumed(
    0.96, "UK nationals are almost all exploited in the UK (county lines, domestic labour)"
)

# --- Competent authority ---------------------------------------------------------------------

IECA_SHARE: dict[int, Figure] = {
    2021: assumed(0.20, "IECA from 1 November 2021: 'about a fifth' (DOMAIN.md)"),
    2022: published(3934 / 16938, S3),
    2023: published(3300 / 17004, S3),
    2024: published(4335 / 19125, S3),
}

# --- Decisions ---------------------------------------------------------------------------------

# Reasonable Grounds positive rate by the year the decision is made.
RG_POSITIVE_RATE: dict[int, Figure] = {
    2017: assumed(0.92, "not in stored pages; high before the 2023 change of test"),
    2018: assumed(0.92, "not in stored pages; high before the 2023 change of test"),
    2019: assumed(0.92, "not in stored pages; high before the 2023 change of test"),
    2020: assumed(0.91, "Q1 2021 published at 91%"),
    2021: published(0.90, S8),
    2022: published(0.88, S8),
    2023: published(0.55, S8),
    2024: published(0.53, S8),
}
# The new RG test started on 30 January 2023 (core.policy RG_TEST); January 2023 keeps the
# old rate (Q4 2022: 85%) and the rest of 2023 is set so that the year averages 55%.
RG_POSITIVE_RATE_BEFORE_NEW_TEST_2023 = published(0.85, S8 + " (Q4 2022: 85%)")
RG_WITHDRAWN_SHARE = assumed(0.01, "a few referrals are withdrawn or closed before RG")

# Working days from referral to RG decision: median and spread of a lognormal, by the year
# of referral. Target 5 working days (core.policy RG_DECISION_WORKING_DAYS); many are late.
RG_DELAY_MEDIAN_WORKING_DAYS: dict[int, Figure] = {
    2017: assumed(4, "most RG decisions on time before the 2019 SCA"),
    2018: assumed(5, "most RG decisions on time before the 2019 SCA"),
    2019: assumed(6, "SCA transition from April 2019"),
    2020: assumed(8, "pandemic backlog"),
    2021: assumed(12, "rising backlog"),
    2022: assumed(22, "record referrals; backlog 12,907 awaiting decision in Jan 2023 (s.8)"),
    2023: assumed(25, "new RG test and evidence guidance in 2023"),
    2024: assumed(14, "backlog reduction: more RG decisions (20,090) than referrals in 2024"),
}
RG_DELAY_SIGMA = assumed(0.9, "log-scale spread: roughly a third on time when the median is 10")

RG_RECONSIDERATION_SHARE = assumed(0.10, "a minority of negative RGs are challenged")
RG_RECONSIDERATION_OVERTURNED = assumed(0.45, "reconsiderations succeed often on new evidence")

# Conclusive Grounds decisions per year (positive and negative); a queue of positive-RG
# cases is worked down at this capacity, scaled to the world's size.
CG_DECISIONS_PER_YEAR: dict[int, Figure] = {
    2017: assumed(3500, "not in stored pages; set so the end-2024 backlog is near 17,168"),
    2018: assumed(3500, "not in stored pages; set so the end-2024 backlog is near 17,168"),
    2019: assumed(4400, "not in stored pages; set so the end-2024 backlog is near 17,168"),
    2020: assumed(3900, "not in stored pages; set so the end-2024 backlog is near 17,168"),
    2021: published(2866, S8),
    2022: published(6000, S8 + " ('just over 6,000')"),
    2023: published(9825, S8),
    2024: published(17304, S8),
}
CG_POSITIVE_RATE: dict[int, Figure] = {
    2017: assumed(0.88, "not in stored pages; near the 2021 level"),
    2018: assumed(0.88, "not in stored pages; near the 2021 level"),
    2019: assumed(0.88, "not in stored pages; near the 2021 level"),
    2020: assumed(0.89, "Q1 2021 published at 84%, 2021 at 91%"),
    2021: published(0.91, S8),
    2022: published(0.89, S8),
    2023: published(0.66, S8),
    2024: published(0.56, S8),
}
CG_BACKLOG_END_2024 = published(17168, S8 + " (positive RG awaiting CG at end 2024)")
CG_MEDIAN_DAYS_2023 = Figure(526, "published: DOMAIN.md NRM step 5 (median 526 days in 2023)")
# Cases are not worked strictly oldest first: a random priority delay spreads waiting times.
CG_PRIORITY_JITTER_DAYS = assumed(1100, "casework order is only roughly oldest first")
CG_WITHDRAWAL_MEAN_DAYS = assumed(
    6000, "about one in fifteen positive-RG cases is withdrawn or closed while waiting"
)

# --- Duty to Notify ------------------------------------------------------------------------

DUTY_TO_NOTIFY_PER_REFERRAL: dict[int, Figure] = {
    2017: assumed(0.15, "DtN began in November 2015; lower before 2021"),
    2018: assumed(0.17, "rising towards the 2021 ratio"),
    2019: assumed(0.18, "rising towards the 2021 ratio"),
    2020: assumed(0.21, "rising towards the 2021 ratio"),
    2021: published(3190 / 12727, S9),
    2022: published(4580 / 16938, S9),
    2023: published(4929 / 17004, S9),
    2024: published(5598 / 19125, S9),
}

# --- Pursue ----------------------------------------------------------------------------------

CONVICTIONS_PER_REFERRAL = published(
    197 / 10613, S11 + " (2020: 197 convicted against 10,613 referrals)"
)


def rg_positive_rate_after_new_test_2023() -> float:
    """The 2023 rate after 30 January that makes the year average the published 55% (s.8)."""
    january = 29 / 365
    before = RG_POSITIVE_RATE_BEFORE_NEW_TEST_2023.value
    return (RG_POSITIVE_RATE[2023].value - january * before) / (1 - january)
