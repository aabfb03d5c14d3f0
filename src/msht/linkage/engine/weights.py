"""Read a saved Splink model: the levels of each comparison with their match weights.

Used to label a pair's evidence for reviewers, to draw the match weights chart, and to
score a new record at submission without Splink (Fellegi-Sunter: a pair's match weight
is the prior's weight plus the weight of the level found on each comparison).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Level:
    """One level of a comparison: its label, gamma value, m, u and match weight."""

    label: str
    gamma: int
    m_probability: float | None
    u_probability: float | None

    @property
    def match_weight(self) -> float | None:
        """log2(m / u), or None when the level was never trained."""
        if not self.m_probability or not self.u_probability:
            return None
        return math.log2(self.m_probability / self.u_probability)


@dataclass(frozen=True)
class ComparisonLevels:
    """One comparison's name, description and levels, most similar first."""

    name: str
    description: str
    levels: tuple[Level, ...]

    def level(self, gamma: int) -> Level | None:
        """The level with this gamma value (-1 is the 'not known on both' level)."""
        return next((level for level in self.levels if level.gamma == gamma), None)


def comparison_levels(model: dict[str, Any]) -> list[ComparisonLevels]:
    """Every comparison of a saved model with gamma values as Splink assigns them: -1 for
    the null level, then counting down to 0 for the last ('else') level."""
    result = []
    for comparison in model.get("comparisons", []):
        raw_levels = comparison["comparison_levels"]
        non_null = [level for level in raw_levels if not level.get("is_null_level")]
        levels = []
        gamma = len(non_null) - 1
        for level in raw_levels:
            if level.get("is_null_level"):
                value = -1
            else:
                value = gamma
                gamma -= 1
            levels.append(
                Level(
                    label=str(level.get("label_for_charts") or level.get("sql_condition", "")),
                    gamma=value,
                    m_probability=level.get("m_probability"),
                    u_probability=level.get("u_probability"),
                )
            )
        result.append(
            ComparisonLevels(
                name=str(comparison["output_column_name"]),
                description=str(comparison.get("comparison_description") or ""),
                levels=tuple(levels),
            )
        )
    return result


def prior_weight(model: dict[str, Any]) -> float:
    """The match weight of the prior: log2(lambda / (1 - lambda))."""
    prior = float(model["probability_two_random_records_match"])
    return math.log2(prior / (1 - prior))


def probability(match_weight: float) -> float:
    """Match probability of a match weight."""
    odds: float = 2.0**match_weight
    return odds / (1 + odds)
