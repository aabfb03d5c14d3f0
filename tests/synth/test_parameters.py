"""Parameters: frozen, validated, and overridable by name from the command line."""

from __future__ import annotations

import dataclasses

import pytest

from msht.synth.engine import Missingness, SynthParameters


def test_parameters_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        SynthParameters().repeat_share = 0.5  # type: ignore[misc]


def test_overrides_set_top_level_and_nested_parameters() -> None:
    parameters = SynthParameters().with_overrides(
        {"repeat_share": "0.2", "chunk_size": "1000", "missingness.phone": "0.5"}
    )
    assert parameters.repeat_share == 0.2
    assert parameters.chunk_size == 1000
    assert parameters.missingness == dataclasses.replace(Missingness(), phone=0.5)


@pytest.mark.parametrize(
    "overrides",
    [{"nonsense": "1"}, {"missingness.nonsense": "1"}, {"other.phone": "1"}, {"missingness": "1"}],
)
def test_unknown_overrides_are_refused(overrides: dict[str, str]) -> None:
    with pytest.raises(ValueError, match=r"unknown|cannot be set"):
        SynthParameters().with_overrides(overrides)


@pytest.mark.parametrize(
    "change",
    [
        {"repeat_share": 1.0},
        {"hidden_per_referred": -1.0},
        {"victims_per_network": 0.5},
        {"chunk_size": 10},
        {"missingness": Missingness(phone=1.5)},
    ],
)
def test_impossible_values_are_refused(change: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="must"):
        SynthParameters(**change)  # type: ignore[arg-type]


def test_parameters_serialise_for_the_manifest() -> None:
    data = SynthParameters().as_dict()
    assert data["missingness"]["phone"] == Missingness().phone
