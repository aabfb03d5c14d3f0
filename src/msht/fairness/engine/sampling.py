"""Consistency checks: a stratified random sample of decisions for a second review."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


def stratified_sample(
    frame: pd.DataFrame, *, strata: list[str], share: float, minimum: int, seed: int
) -> pd.DataFrame:
    """Draw ``share`` of each stratum at random (at least ``minimum``, or the whole stratum
    when smaller), so that small units and rare outcomes are reviewed too; the same seed
    draws the same sample. Returns the drawn rows with a ``stratum`` column."""
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1], got {share}")
    rng = np.random.default_rng(seed)
    drawn: list[pd.DataFrame] = []
    for key, group in frame.groupby(strata, sort=True, dropna=False):
        values = key if isinstance(key, tuple) else (key,)
        size = min(len(group), max(minimum, math.ceil(share * len(group))))
        chosen = group.iloc[np.sort(rng.choice(len(group), size=size, replace=False))]
        drawn.append(chosen.assign(stratum=" / ".join(str(value) for value in values)))
    if not drawn:
        return frame.head(0).assign(stratum=pd.Series(dtype=str))
    return pd.concat(drawn)
