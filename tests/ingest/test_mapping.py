"""The shipped source mappings load, and their codes are MSHT's codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from msht.core.errors import ValidationError
from msht.core.migration_utils import load_yaml_beside
from msht.core.reference import AgeGroup, Gender, ImmigrationStatus
from msht.ingest.engine import mapping as mapping_module
from msht.ingest.engine.mapping import (
    available_sources,
    mapping_for,
    mapping_from_dict,
)


def test_every_required_source_has_a_mapping() -> None:
    assert {"ctdc", "htcds", "police", "border_force", "ngo"} <= set(available_sources())


@pytest.mark.parametrize("source", available_sources())
def test_each_mapping_loads_with_a_version_and_a_description(source: str) -> None:
    mapping = mapping_for(source)
    assert mapping.source == source
    assert len(mapping.version) == 16
    assert mapping.description, "a mapping says what it does with categories that do not map"


def test_engine_codes_are_the_django_choices() -> None:
    assert set(Gender.values) == mapping_module.GENDERS
    assert set(AgeGroup.values) == mapping_module.AGE_GROUPS
    assert set(ImmigrationStatus.values) == mapping_module.IMMIGRATION_STATUSES
    reference = load_yaml_beside(
        str(Path(mapping_module.__file__).parents[2] / "core/migrations/0002_reference_data.py"),
        "reference_data.yaml",
    )
    codes = {entry["code"] for entry in reference["exploitation_types"]}
    assert codes == mapping_module.EXPLOITATION_TYPES


def test_the_three_agency_layouts_differ_in_columns_and_date_formats() -> None:
    layouts = [mapping_for(source) for source in ("police", "border_force", "ngo")]
    columns = [mapping.known_columns for mapping in layouts]
    assert not (columns[0] & columns[1])
    assert not (columns[1] & columns[2])
    formats = [mapping.fields["recorded_on"].formats for mapping in layouts]
    assert len(set(formats)) == 3


def test_a_mapping_to_an_unknown_code_is_refused() -> None:
    raw = {
        "source": "bad",
        "organisation": "nca",
        "fields": {"gender": {"column": "sex", "values": {"W": "woman"}}},
    }
    with pytest.raises(ValidationError, match="woman"):
        mapping_from_dict(raw)


def test_a_mapping_to_an_unknown_field_is_refused() -> None:
    raw = {"source": "bad", "organisation": "nca", "fields": {"shoe_size": {"column": "x"}}}
    with pytest.raises(ValidationError, match="shoe_size"):
        mapping_from_dict(raw)


def test_an_unknown_source_names_the_sources_there_are() -> None:
    with pytest.raises(ValidationError, match="police"):
        mapping_for("no-such-source")
