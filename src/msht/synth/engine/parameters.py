"""The parameters of a synthetic world: frozen dataclasses with documented defaults.

Calibration targets (volumes and mixes) live in ``calibration``; these are the knobs
that no statistic publishes: how often a person is referred again, how often each field
is missing, how records vary between agencies. docs/synth.md explains each default.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Missingness:
    """Probability that a field the person really has is left blank on a referral.

    Each is an independent Bernoulli draw per referral, so the share of blanks among
    referrals whose true person has the value estimates the parameter. Dates of birth
    are not recorded when the age group is not known, so ``birth_date`` is measured over
    referrals with a known age group.
    """

    given_names: float = 0.02
    family_name: float = 0.04
    birth_date: float = 0.10
    gender: float = 0.01
    nationality: float = 0.03
    phone: float = 0.35
    address: float = 0.30
    home_office_reference: float = 0.25
    pnc_id: float = 0.40
    passport_number: float = 0.55


@dataclass(frozen=True)
class Variation:
    """How agencies record the same person differently (typos, spellings, partial dates)."""

    # A name with known alternative spellings is recorded with one of them.
    transliteration: float = 0.45
    # A keyboard slip (swap, drop, double, neighbouring key) in a recorded name.
    typo: float = 0.06
    # Given and family names entered the wrong way round.
    name_order_swapped: float = 0.05
    # Family name recorded in capitals (Border Force and police systems often do).
    family_name_upper_case: float = 0.15
    # An alias recorded beside the name.
    alias: float = 0.08
    # Date of birth recorded as year and month only / year only.
    birth_date_year_month: float = 0.06
    birth_date_year_only: float = 0.08
    # An estimated date of birth: 1 January of a year within two of the true one.
    birth_date_estimated: float = 0.08
    # Day and month transposed (only possible when the day is 12 or less).
    birth_day_month_swapped: float = 0.02


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
    """

    repeat_share: float = 0.07
    household_share: float = 0.12
    hidden_per_referred: float = 2.0
    network_linked_share: float = 0.30
    victims_per_network: float = 6.0
    suspect_recording_share: float = 0.60
    intelligence_per_referral: float = 0.40
    chunk_size: int = 50_000
    missingness: Missingness = field(default_factory=Missingness)
    variation: Variation = field(default_factory=Variation)

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
        for group in (self.missingness, self.variation):
            for item in dataclasses.fields(group):
                value = getattr(group, item.name)
                if not 0.0 <= value <= 1.0:
                    raise ValueError(f"{item.name} must be in [0, 1], got {value}")

    def as_dict(self) -> dict[str, Any]:
        """The parameters as plain JSON-ready values (written to the world manifest)."""
        return dataclasses.asdict(self)

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


def _coerce(owner: object, name: str, raw: str) -> int | float:
    names = {item.name for item in dataclasses.fields(owner)}  # type: ignore[arg-type]
    if name not in names:
        raise ValueError(f"unknown parameter {name!r}")
    current = getattr(owner, name)
    if isinstance(current, int) and not isinstance(current, bool):
        return int(raw)
    if isinstance(current, float):
        return float(raw)
    raise ValueError(f"parameter {name!r} cannot be set from the command line")
