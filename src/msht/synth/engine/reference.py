"""The codes the store knows: organisations and reference data, read from their YAML files.

The engine may not import Django, so it reads the same YAML files the migrations load
(accounts' organisations.yaml, core's reference_data.yaml) to name organisations,
police force areas, exploitation types and ILO indicators by the store's codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

_PACKAGE = Path(__file__).resolve().parents[2]
ORGANISATIONS_FILE = _PACKAGE / "accounts" / "migrations" / "organisations.yaml"
REFERENCE_DATA_FILE = _PACKAGE / "core" / "migrations" / "reference_data.yaml"


@dataclass(frozen=True)
class Organisations:
    """Organisation codes by kind, as the accounts migration creates them."""

    national: tuple[str, ...]
    ngos: tuple[str, ...]
    ngo_nations: dict[str, str]
    hsc_trusts: tuple[str, ...]
    local_authorities: tuple[str, ...]
    local_authority_areas: dict[str, str]
    local_authority_nations: dict[str, str]


@dataclass(frozen=True)
class ReferenceCodes:
    """Codes of core's reference data."""

    police_force_areas: tuple[str, ...]
    police_force_area_nations: dict[str, str]
    exploitation_types: tuple[str, ...]
    ilo_indicators: tuple[str, ...]


def _read(path: Path) -> dict[str, Any]:
    """A YAML file as a dictionary."""
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


@cache
def organisations() -> Organisations:
    """First responders and decision makers (accounts/migrations/organisations.yaml)."""
    data = _read(ORGANISATIONS_FILE)
    authorities = data["local_authorities"]
    return Organisations(
        national=tuple(entry["code"] for entry in data["national"]),
        ngos=tuple(entry["code"] for entry in data["ngos"]),
        ngo_nations={entry["code"]: entry.get("nation", "england") for entry in data["ngos"]},
        hsc_trusts=tuple(entry["code"] for entry in data["health_and_social_care_trusts"]),
        local_authorities=tuple(entry["code"] for entry in authorities),
        local_authority_areas={entry["code"]: entry["police_force_area"] for entry in authorities},
        local_authority_nations={
            entry["code"]: entry.get("nation", "england") for entry in authorities
        },
    )


@cache
def reference_codes() -> ReferenceCodes:
    """Police force areas, exploitation types, ILO indicators (core reference_data.yaml)."""
    data = _read(REFERENCE_DATA_FILE)
    return ReferenceCodes(
        police_force_areas=tuple(entry["code"] for entry in data["police_force_areas"]),
        police_force_area_nations={
            entry["code"]: entry["nation"] for entry in data["police_force_areas"]
        },
        exploitation_types=tuple(entry["code"] for entry in data["exploitation_types"]),
        ilo_indicators=tuple(entry["code"] for entry in data["ilo_indicators"]),
    )


def police_force_code(area: str) -> str:
    """The organisation code of the police force of ``area`` (accounts migration 0002)."""
    return f"police-{area}"
