"""The parameters of a synthetic world: frozen dataclasses with documented defaults.

Calibration targets (volumes and mixes) live in ``calibration``; these are the knobs
that no statistic publishes: how often a person is referred again, how often each field
is missing, how records vary between agencies. docs/synth.md explains each default.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


def _knob(default: Any, why: str) -> Any:
    """A parameter with its default and the reason for that default (docs/synth.md shows both)."""
    return field(default=default, metadata={"why": why})


@dataclass(frozen=True)
class Missingness:
    """Probability that a field the person really has is left blank on a referral.

    Each is an independent Bernoulli draw per referral, so the share of blanks among
    referrals whose true person has the value estimates the parameter. Dates of birth
    are not recorded when the age group is not known, so ``birth_date`` is measured over
    referrals with a known age group.
    """

    given_names: float = _knob(0.02, "the form asks for a name; a few people give none")
    family_name: float = _knob(
        0.04, "single names and partial names leave the family name blank more often"
    )
    birth_date: float = _knob(
        0.10,
        "undocumented people often give only an age; NRM tables still hold an age group "
        "for 93-96% of referrals (s.5), CTDC records worldwide lack age for 48%",
    )
    gender: float = _knob(
        0.003, "NRM tables 2020-2021: neither male nor female for 0.1-0.3% of referrals (s.5)"
    )
    nationality: float = _knob(
        0.03, "NRM tables carry a small 'not known' nationality group; CTDC lacks 45%"
    )
    phone: float = _knob(0.35, "many victims have no phone of their own, or the exploiter holds it")
    address: float = _knob(0.30, "homeless, in asylum accommodation, or moved on by the exploiters")
    home_office_reference: float = _knob(
        0.25, "first responders outside the Home Office often do not have it"
    )
    pnc_id: float = _knob(0.40, "only police first responders look it up")
    passport_number: float = _knob(
        0.55, "documents are retained by exploiters (an ILO indicator) or lost"
    )


@dataclass(frozen=True)
class Variation:
    """How agencies record the same person differently (typos, spellings, partial dates)."""

    transliteration: float = _knob(
        0.45,
        "no standard romanisation of Arabic, Tigrinya, Pashto or Vietnamese diacritics: "
        "each agency spells a name as heard",
    )
    typo: float = _knob(0.06, "keying slips in a few per cent of name fields")
    name_order_swapped: float = _knob(
        0.05, "family-first names (Vietnamese, Chinese) and patronymics get reversed"
    )
    family_name_upper_case: float = _knob(
        0.15, "some systems (Border Force, police) keep family names in capitals"
    )
    alias: float = _knob(0.08, "an alias or street name recorded beside the name")
    birth_date_year_month: float = _knob(0.06, "the day of birth not known")
    birth_date_year_only: float = _knob(0.08, "only the year of birth known")
    birth_date_estimated: float = _knob(
        0.08, "age assessed without documents: 1 January of a year within two of the true one"
    )
    birth_day_month_swapped: float = _knob(
        0.02, "day and month transposed (possible only when the day is 12 or less)"
    )


BIAS_KNOBS = ("bias_unit", "bias_immigration_status", "bias_odds_ratio")


@dataclass(frozen=True)
class SynthParameters:
    """Everything that shapes a world besides its size and seed.

    Attributes:
        repeat_share: share of referrals that refer a person already referred before.
        household_share: share of newly referred people who live with other victims
            (same family name, address and phone).
        hidden_per_referred: victims never referred, per referred person.
        network_linked_share: share of referrals whose exploiters are a known network.
        victims_per_network: mean referrals linked to one network.
        suspect_recording_share: share of linked referrals after which an agency records
            suspects of the network.
        intelligence_per_referral: intelligence reports per referral.
        chunk_size: referrals generated and written at a time (memory bound).
        missingness: field-level missingness on referrals.
        variation: recording variation between agencies.
        bias_unit: a deciding unit's organisation code whose Conclusive Grounds decisions
            are biased (empty: no bias; the default).
        bias_immigration_status: the immigration status at referral of the people the
            biased unit decides against (``immigration_detention``, ...).
        bias_odds_ratio: the odds of a positive CG for those people from that unit, as a
            multiple of everyone else's (1: no bias).
    """

    repeat_share: float = _knob(
        0.07,
        "no published figure (the statistics count referrals, not people); duplicate "
        "referrals by a second first responder and re-referrals after re-trafficking",
    )
    household_share: float = _knob(
        0.12, "families and co-workers housed together are referred together"
    )
    hidden_per_referred: float = _knob(
        2.0,
        "MSE for 2013 estimated 10,000-13,000 victims against 1,746 referrals (5-7 per "
        "referral, s.12); referrals have grown tenfold since, so fewer go unreferred",
    )
    network_linked_share: float = _knob(
        0.30, "a minority of referrals lead to identified exploiters"
    )
    victims_per_network: float = _knob(6.0, "small groups exploiting a handful of people each")
    suspect_recording_share: float = _knob(
        0.60, "after a linked referral an agency usually records at least one suspect"
    )
    intelligence_per_referral: float = _knob(
        0.40, "intelligence reports on the networks behind the referrals"
    )
    chunk_size: int = _knob(
        50_000, "bounds memory (about 0.6 GB at 1,000,000 referrals) while keeping numpy busy"
    )
    missingness: Missingness = field(
        default_factory=Missingness, metadata={"why": "field-level missingness (above)"}
    )
    variation: Variation = field(
        default_factory=Variation, metadata={"why": "recording variation (above)"}
    )
    bias_unit: str = _knob(
        "", "off by default: decision monitoring (issue 8) is tested by planting a known bias"
    )
    bias_immigration_status: str = _knob(
        "", "the group the planted bias falls on, e.g. immigration_detention"
    )
    bias_odds_ratio: float = _knob(
        1.0, "the size of the planted bias as an odds ratio; 0.5 halves the odds of a positive CG"
    )

    def __post_init__(self) -> None:
        for name in (
            "repeat_share",
            "household_share",
            "network_linked_share",
            "suspect_recording_share",
        ):
            value = getattr(self, name)
            if not 0.0 <= value < 1.0:
                raise ValueError(f"{name} must be in [0, 1), got {value}")
        for name in ("hidden_per_referred", "intelligence_per_referral"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        if self.victims_per_network < 1:
            raise ValueError("victims_per_network must be at least 1")
        if self.chunk_size < 100:
            raise ValueError("chunk_size must be at least 100")
        self._check_bias()
        for group in (self.missingness, self.variation):
            for item in dataclasses.fields(group):
                value = getattr(group, item.name)
                if not 0.0 <= value <= 1.0:
                    raise ValueError(f"{item.name} must be in [0, 1], got {value}")

    def _check_bias(self) -> None:
        if self.bias_odds_ratio <= 0:
            raise ValueError("bias_odds_ratio must be positive")
        if bool(self.bias_unit) != bool(self.bias_immigration_status):
            raise ValueError("bias_unit and bias_immigration_status must be set together")

    @property
    def has_bias(self) -> bool:
        """True when a decision bias is planted (bias_unit set and the ratio not 1)."""
        return bool(self.bias_unit) and self.bias_odds_ratio != 1.0

    def as_dict(self) -> dict[str, Any]:
        """The parameters as plain JSON-ready values (written to the world manifest).

        The bias knobs appear only when a bias is planted, so a world without one keeps
        the identity (and so the bytes) it had before the knobs existed.
        """
        values = dataclasses.asdict(self)
        if not self.has_bias:
            for name in BIAS_KNOBS:
                values.pop(name)
        return values

    def with_overrides(self, overrides: dict[str, str]) -> SynthParameters:
        """A copy with ``name=value`` overrides; nested names use a dot (``missingness.phone``)."""
        top: dict[str, Any] = {}
        nested: dict[str, dict[str, Any]] = {"missingness": {}, "variation": {}}
        for name, raw in overrides.items():
            group, _, leaf = name.partition(".")
            if leaf:
                if group not in nested:
                    raise ValueError(f"unknown parameter group {group!r}")
                target = getattr(self, group)
                nested[group][leaf] = _coerce(target, leaf, raw)
            else:
                top[name] = _coerce(self, name, raw)
        for group, values in nested.items():
            if values:
                top[group] = dataclasses.replace(getattr(self, group), **values)
        return dataclasses.replace(self, **top)


def _coerce(owner: object, name: str, raw: str) -> int | float | str:
    """A command-line value as the type of the parameter it sets."""
    names = {item.name for item in dataclasses.fields(owner)}  # type: ignore[arg-type]
    if name not in names:
        raise ValueError(f"unknown parameter {name!r}")
    current = getattr(owner, name)
    if isinstance(current, int) and not isinstance(current, bool):
        return int(raw)
    if isinstance(current, float):
        return float(raw)
    if isinstance(current, str):
        return raw
    raise ValueError(f"parameter {name!r} cannot be set from the command line")
