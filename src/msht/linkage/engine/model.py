"""The Splink model for described persons: comparisons, blocking rules and training.

Choices follow SPLINK.md (measured on these machines):
- names are compared as a whole (any order, sound keys for transliterations, then
  Jaro-Winkler for typing slips), with term frequencies so that a common name counts
  for less than a rare one;
- dates of birth may be partial or estimated, so the levels say how much is known;
- home and phone are one *household* comparison: co-residents share both, and scored
  as two independent comparisons they produced most false matches;
- sex and nationality are not trained: as trained comparisons they broke EM (SPLINK.md),
  and weighed against random pairs they count the name twice (names belong to cultures),
  so pairs that share only a common name looked like matches (pairwise precision fell
  from 0.97 to 0.73 on a world of 3,000 referrals). They are one *origin* comparison
  with fixed weights measured among pairs whose names are alike, where a disagreement
  is what tells two namesakes apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

from msht.linkage.engine.prepare import IDENTIFIER_COLUMNS


@dataclass(frozen=True)
class Thresholds:
    """Match probabilities: at or above ``upper`` pairs link; between ``lower`` and
    ``upper`` they go to clerical review; below ``lower`` they are dropped."""

    # 0.95 rather than 0.9: on worlds of 2,000 and 20,000 referrals the model alone scored
    # the same or slightly less, its automatic links were more precise (0.989 against
    # 0.984 at 20,000), and working the review queue then reached a higher F1.
    upper: float = 0.95
    lower: float = 0.5

    def __post_init__(self) -> None:
        if not 0.0 < self.lower <= self.upper <= 1.0:
            raise ValueError("thresholds need 0 < lower <= upper <= 1")


@dataclass(frozen=True)
class TrainingPlan:
    """How the model is trained: u by random sampling, then EM on two blockings.

    One million random pairs for u: on FEBRL 4 they gave the same pairwise F1 (0.9986) as
    two and ten million, and on 100,000 synthetic referrals 0.9703 against 0.9701 with two
    million, in 45 s of training instead of 70 s; u sampling dominates training.
    """

    max_pairs_for_u: float = 1e6
    # EM on at most this many blocked pairs (Splink samples records by hash beyond it).
    max_pairs_for_em: float = 2e6
    recall: float = 0.7
    seed: int = 1
    em_blocking_columns: tuple[tuple[str, ...], ...] = field(
        default=(("dob_full",), ("name_keys",))
    )


_A_NAME_MISSING = (
    "(forename_l is null or surname_l is null or forename_r is null or surname_r is null)"
)


def _name_comparison() -> Any:
    """Names in any order; sound keys catch transliteration; then typing slips; then aliases."""
    return cl.CustomComparison(
        output_column_name="name",
        comparison_description="Given and family names, any order, with aliases",
        comparison_levels=[
            cll.NullLevel("name_sorted"),
            cll.ExactMatchLevel("name_sorted").configure(
                tf_adjustment_column="name_sorted", label_for_charts="Same names"
            ),
            cll.ExactMatchLevel("name_keys").configure(
                label_for_charts="Names sound the same (transliteration)"
            ),
            cll.Or(
                cll.And(
                    cll.JaroWinklerLevel("forename", 0.9), cll.JaroWinklerLevel("surname", 0.9)
                ),
                cll.And(
                    cll.CustomLevel("forename_l = surname_r"),
                    cll.JaroWinklerLevel("name_sorted", 0.9),
                ),
            ).configure(label_for_charts="Names nearly the same (typing slip)"),
            cll.Or(
                cll.And(cll.ExactMatchLevel("forename"), cll.DamerauLevenshteinLevel("surname", 1)),
                cll.And(cll.ExactMatchLevel("surname"), cll.DamerauLevenshteinLevel("forename", 1)),
            ).configure(label_for_charts="One name the same, the other one keystroke apart"),
            cll.CustomLevel(
                "array_contains(alias_names_l, name_sorted_r) "
                "or array_contains(alias_names_r, name_sorted_l)",
                label_for_charts="One is an alias of the other",
            ),
            cll.ArrayIntersectLevel("name_key_list", 2).configure(
                label_for_charts="Two names in common"
            ),
            # A record with one name missing (a family name not taken down) shares at most
            # one name with its duplicate; two records with both names known and only one
            # in common are mostly relatives. Told apart, they stop looking alike: on a
            # world of 20,000 referrals, one name and the same date of birth were the same
            # person 23 times in 24 with a name missing, 4 in 30 with both known.
            cll.And(
                cll.ArrayIntersectLevel("name_key_list", 1),
                cll.CustomLevel(_A_NAME_MISSING),
            ).configure(label_for_charts="One name in common, the other not recorded"),
            cll.ArrayIntersectLevel("name_key_list", 1).configure(
                label_for_charts="One name in common"
            ),
            cll.ElseLevel(),
        ],
    )


# The share of one person's pairs of exact dates with a one-keystroke slip: an assumption
# (about one date in a hundred mistyped), not measured.
_DATE_SLIP_M = 0.01


def _birth_comparison() -> Any:
    """Dates of birth that may be exact, partial (year and month, year only) or estimated."""
    return cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_description="Date of birth, exact, partial or estimated",
        comparison_levels=[
            cll.CustomLevel("dob_year_l is null or dob_year_r is null").configure(
                is_null_level=True, label_for_charts="Not known"
            ),
            cll.CustomLevel("dob_full_l = dob_full_r", label_for_charts="Same date"),
            cll.CustomLevel(
                "dob_year_l = dob_year_r and dob_month_l = dob_day_r and dob_day_l = dob_month_r",
                label_for_charts="Day and month swapped",
            ),
            # Fixed m: where no typed date has a slip (the synthetic worlds), EM drives this
            # level's m towards zero pass after pass until Splink refuses the value; u is
            # still measured by random sampling.
            cll.DamerauLevenshteinLevel("dob_full", 1).configure(
                label_for_charts="Dates one keystroke apart",
                m_probability=_DATE_SLIP_M,
                fix_m_probability=True,
            ),
            cll.CustomLevel(
                "dob_year_l = dob_year_r and dob_month_l = dob_month_r "
                "and (dob_day_l is null or dob_day_r is null)",
                label_for_charts="Same year and month, day not known",
            ),
            cll.CustomLevel(
                "dob_year_l = dob_year_r and (dob_month_l is null or dob_month_r is null)",
                label_for_charts="Same year, month not known",
            ),
            cll.CustomLevel(
                "(dob_estimated_l or dob_estimated_r) and abs(dob_year_l - dob_year_r) <= 2",
                label_for_charts="Within two years, estimated",
            ),
            cll.ElseLevel().configure(label_for_charts="Different"),
        ],
    )


def _identifier_comparison() -> Any:
    """Home Office reference, PNC id, passport (or a file's identifiers): any one agreeing."""
    both_present = " or ".join(
        f"({column}_l is not null and {column}_r is not null)" for column in IDENTIFIER_COLUMNS
    )
    agree = " or ".join(f"{column}_l = {column}_r" for column in IDENTIFIER_COLUMNS)
    return cl.CustomComparison(
        output_column_name="identifiers",
        comparison_description="Home Office reference, PNC id, passport number",
        comparison_levels=[
            cll.CustomLevel(f"not ({both_present})").configure(
                is_null_level=True, label_for_charts="No identifier on both"
            ),
            cll.CustomLevel(agree, label_for_charts="An identifier agrees"),
            cll.Or(
                *(cll.DamerauLevenshteinLevel(column, 1) for column in IDENTIFIER_COLUMNS)
            ).configure(label_for_charts="An identifier one keystroke apart"),
            cll.ElseLevel().configure(label_for_charts="Identifiers differ"),
        ],
    )


_SAME_HOME = "(postcode_l = postcode_r or address_key_l = address_key_r)"


def _household_comparison() -> Any:
    """Phone and home together, one comparison (co-residents share both: SPLINK.md)."""
    return cl.CustomComparison(
        output_column_name="household",
        comparison_description="Phone numbers and address, as one household comparison",
        comparison_levels=[
            cll.CustomLevel(
                "(phone_l is null or phone_r is null) and "
                "((postcode_l is null or postcode_r is null) "
                "and (address_key_l is null or address_key_r is null))"
            ).configure(is_null_level=True, label_for_charts="Not known"),
            cll.And(cll.ArrayIntersectLevel("phones", 1), cll.CustomLevel(_SAME_HOME)).configure(
                label_for_charts="Same phone and same home"
            ),
            cll.ArrayIntersectLevel("phones", 1).configure(label_for_charts="Same phone"),
            cll.CustomLevel(_SAME_HOME, label_for_charts="Same home"),
            cll.Or(
                cll.JaroWinklerLevel("address_key", 0.9),
                cll.And(
                    cll.DamerauLevenshteinLevel("postcode", 1),
                    cll.JaroWinklerLevel("address_key", 0.8),
                ),
            ).configure(label_for_charts="Home nearly the same (typing slip)"),
            cll.ElseLevel().configure(label_for_charts="Different"),
        ],
    )


# Measured among blocked pairs with alike names (a world of 20,000 referrals): 2% of the
# same person's pairs and 39% of different people's had a different sex or no nationality
# in common; 98% and 61% agreed.
_DIFFERENT_ORIGIN_M = 0.02
_DIFFERENT_ORIGIN_U = 0.39
_SAME_ORIGIN_M = 0.98
_SAME_ORIGIN_U = 0.61


def _origin_comparison() -> Any:
    """Sex and nationality, with fixed weights (no EM: SPLINK.md, where EM on them settled
    on wrong values). Their u is measured among pairs whose names are alike, not random
    pairs: names belong to cultures, so against random pairs an agreement would count the
    name's evidence twice; a disagreement is what tells two namesakes apart."""
    both_known = (
        "sex_l is not null and sex_r is not null "
        "and nationalities_l is not null and nationalities_r is not null"
    )
    return cl.CustomComparison(
        output_column_name="origin",
        comparison_description="Sex and nationality (fixed weights)",
        comparison_levels=[
            cll.CustomLevel(f"not ({both_known})").configure(
                is_null_level=True, label_for_charts="Not known on both"
            ),
            # Built from Splink's levels, so that DuckDB and Spark each get their own SQL.
            cll.And(
                cll.ExactMatchLevel("sex"), cll.ArrayIntersectLevel("nationalities", 1)
            ).configure(
                label_for_charts="Same sex and a nationality in common",
                m_probability=_SAME_ORIGIN_M,
                u_probability=_SAME_ORIGIN_U,
                fix_m_probability=True,
                fix_u_probability=True,
            ),
            cll.ElseLevel().configure(
                label_for_charts="Different sex or no nationality in common",
                m_probability=_DIFFERENT_ORIGIN_M,
                u_probability=_DIFFERENT_ORIGIN_U,
                fix_m_probability=True,
                fix_u_probability=True,
            ),
        ],
    )


def comparisons() -> list[Any]:
    """The comparisons, in the order the model and the review page show them."""
    return [
        _name_comparison(),
        _birth_comparison(),
        _identifier_comparison(),
        _household_comparison(),
        _origin_comparison(),
    ]


@dataclass(frozen=True)
class Blocking:
    """Records that agree on ``columns`` are compared; when that makes more pairs than the
    budget (common names, popular birthdays at national scale), the ``tightened`` rules
    are used instead, each adding a column."""

    columns: tuple[str, ...]
    tightened: tuple[tuple[str, ...], ...] = ()


# Pairs any one rule may make before it is tightened: at a million records the loose
# rules would make 20 to 110 million pairs each (measured on a synthetic world).
PAIR_BUDGET_PER_RULE = 5_000_000

BLOCKING: tuple[Blocking, ...] = (
    Blocking(("name_keys",), (("name_keys", "dob_year"),)),
    Blocking(
        ("dob_full",),
        (("dob_full", "forename_initial"), ("dob_full", "surname_initial")),
    ),
    # One name's sound key with the year and month of birth: with the year alone these two
    # rules made 1.8 of the 3.4 million pairs at 100,000 referrals for 149 of 28,009 true
    # pairs no other rule found (0.5%), nearly all sharing only that one name.
    Blocking(
        ("surname_key", "dob_year", "dob_month"),
        (("surname_key", "dob_year", "dob_month", "forename_initial"),),
    ),
    Blocking(
        ("forename_key", "dob_year", "dob_month"),
        (("forename_key", "dob_year", "dob_month", "surname_initial"),),
    ),
    *(Blocking((column,)) for column in IDENTIFIER_COLUMNS),
    Blocking(("phone",)),
    Blocking(("postcode", "dob_year")),
    Blocking(("address_key",), (("address_key", "postcode"), ("address_key", "surname_key"))),
)


def blocking_columns(pair_counts: Mapping[tuple[str, ...], int]) -> list[tuple[str, ...]]:
    """The blocking rules to predict with: each rule as it is, or tightened when its pair
    count (``pair_counts``; a missing count means small) is over PAIR_BUDGET_PER_RULE."""
    chosen: list[tuple[str, ...]] = []
    for rule in BLOCKING:
        if rule.tightened and pair_counts.get(rule.columns, 0) > PAIR_BUDGET_PER_RULE:
            chosen.extend(rule.tightened)
        else:
            chosen.append(rule.columns)
    return chosen


def prediction_blocking_rules(
    pair_counts: Mapping[tuple[str, ...], int] | None = None,
) -> list[Any]:
    """Pairs worth scoring: any shared identifier, phone, full date of birth, sound keys of
    the whole name, or a sound key of one name with the year of birth, or the address
    (high recall, few pairs), tightened where a rule would make too many pairs."""
    return [block_on(*columns) for columns in blocking_columns(pair_counts or {})]


def deterministic_rules() -> list[str]:
    """Pairs almost surely the same person, to estimate the prior match probability."""
    return [
        *(f"l.{column} = r.{column}" for column in IDENTIFIER_COLUMNS),
        "l.name_sorted = r.name_sorted and l.dob_full = r.dob_full",
    ]


def settings(
    *,
    retain_columns: bool = True,
    pair_counts: Mapping[tuple[str, ...], int] | None = None,
) -> SettingsCreator:
    """Splink settings for one table of described persons (dedupe; two files are one table
    with a ``source_dataset`` column, so a file is also deduplicated against itself)."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=prediction_blocking_rules(pair_counts),
        retain_matching_columns=retain_columns,
        retain_intermediate_calculation_columns=retain_columns,
        additional_columns_to_retain=["source_dataset"],
    )
