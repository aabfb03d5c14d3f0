"""Decision tables drawn directly with numpy: fast worlds for the statistics tests.

Unless a bias is planted, outcomes and waits depend only on the UK nation (a control
factor, not one compared): units and immigration statuses see different mixes of
nations, so raw rates differ between units even when no unit is biased, and only the
adjusted comparison can tell the two apart.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

UNITS = ("Single Competent Authority", "Immigration Enforcement Competent Authority", "Pilot site")
STATUSES = ("UK national", "Asylum seeker", "In immigration detention", "Irregular", "Not known")
EXPLOITATION = ("Labour", "Sexual", "Criminal", "Domestic servitude")
AGE_GROUPS = ("Adult (18 or over)", "Child (under 18)")
GENDERS = ("Female", "Male")
NATIONS = ("England", "Scotland", "Wales")
NATIONALITIES = ("Albania", "United Kingdom", "Vietnam", "Eritrea")
ORGANISATION_TYPES = ("Police force", "Local authority", "NGO", "Home Office")
START = dt.date(2024, 1, 1)
END = dt.date(2024, 12, 31)


def decision_table(
    rng: np.random.Generator,
    decisions: int,
    *,
    bias_unit: str = "",
    bias_status: str = "",
    odds_ratio: float = 1.0,
) -> pd.DataFrame:
    """CG decisions made in 2024 (plus some pending), with an optional planted bias."""
    n = decisions
    exploitation = rng.integers(0, len(EXPLOITATION), n)
    age = (rng.random(n) < 0.3).astype(int)
    gender = (rng.random(n) < 0.6).astype(int)
    status = rng.choice(len(STATUSES), n, p=[0.25, 0.3, 0.15, 0.2, 0.1])
    # Case mix differs by unit: the IECA decides for detained and irregular people, and
    # more of its cases are in Scotland, where positive decisions are rarer here.
    foreign = status >= 2
    unit = np.where(foreign & (rng.random(n) < 0.7), 1, np.where(rng.random(n) < 0.1, 2, 0))
    scotland_share = np.where(unit == 1, 0.3, 0.08)
    nation = np.where(rng.random(n) < scotland_share, 1, np.where(rng.random(n) < 0.06, 2, 0))
    logit = 0.6 - 1.0 * (nation == 1)
    unit_names = np.array(UNITS)[unit]
    status_names = np.array(STATUSES)[status]
    if bias_unit:
        biased = (unit_names == bias_unit) & (status_names == bias_status)
        logit = logit + np.log(odds_ratio) * biased
    positive = rng.random(n) < 1 / (1 + np.exp(-logit))
    started = np.datetime64(START) + rng.integers(-200, 300, n).astype("timedelta64[D]")
    waited = np.ceil(rng.exponential(120 * np.exp(0.4 * (nation == 1)), n)).astype("timedelta64[D]")
    decided = started + waited
    pending = decided > np.datetime64(END)
    return pd.DataFrame(
        {
            "stage": "cg",
            "outcome": np.where(pending, "", np.where(positive, "positive", "negative")),
            "started_on": pd.to_datetime(started),
            "decided_on": pd.to_datetime(np.where(pending, np.datetime64("NaT"), decided)),
            "unit": unit_names,
            "nationality": np.array(NATIONALITIES)[rng.integers(0, len(NATIONALITIES), n)],
            "immigration_status": status_names,
            "referring_organisation_type": np.array(ORGANISATION_TYPES)[
                rng.integers(0, len(ORGANISATION_TYPES), n)
            ],
            "exploitation_type": np.array(EXPLOITATION)[exploitation],
            "age_group": np.array(AGE_GROUPS)[age],
            "gender": np.array(GENDERS)[gender],
            "nation": np.array(NATIONS)[nation],
        }
    )
