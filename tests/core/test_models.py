"""Reference data is loaded by migrations, not by hand."""

from __future__ import annotations

import pytest

from msht.core.models import ExploitationType, IloIndicator, Nationality, PoliceForceArea, Strand
from msht.core.reference import UkNation

pytestmark = pytest.mark.django_db


def test_exploitation_types_match_domain() -> None:
    assert list(ExploitationType.objects.values_list("code", flat=True)) == [
        "labour",
        "sexual",
        "criminal",
        "domestic_servitude",
        "organ_harvesting",
        "not_specified",
    ]


def test_the_eleven_ilo_indicators_and_four_strands_are_loaded() -> None:
    assert IloIndicator.objects.count() == 11
    assert set(Strand.objects.values_list("code", flat=True)) == {
        "pursue",
        "prevent",
        "protect",
        "prepare",
    }


def test_police_force_areas_cover_the_uk_by_nation() -> None:
    by_nation = {
        nation: PoliceForceArea.objects.filter(nation=nation).count() for nation in UkNation
    }
    assert by_nation == {
        UkNation.ENGLAND: 39,
        UkNation.WALES: 4,
        UkNation.SCOTLAND: 1,
        UkNation.NORTHERN_IRELAND: 1,
    }


def test_nationalities_are_iso_3166_alpha_3_with_kosovo() -> None:
    assert Nationality.objects.count() >= 249
    codes = set(Nationality.objects.values_list("code", flat=True))
    assert {"GBR", "ALB", "VNM", "ERI", "SDN", "XKX"} <= codes
    assert all(len(code) == 3 and code.isupper() for code in codes)
