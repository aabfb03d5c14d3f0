"""Organisations loaded by migration, and the invariants of organisations and users."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from msht.accounts.models import Organisation, OrganisationType, Role, User

pytestmark = pytest.mark.django_db


def test_every_police_force_area_has_a_police_force() -> None:
    forces = Organisation.objects.filter(organisation_type=OrganisationType.POLICE_FORCE)
    assert forces.count() == 45
    assert all(force.police_force_area is not None for force in forces)
    assert forces.get(code="police-police-scotland").nation == "scotland"


def test_first_responder_organisations_of_every_kind_are_loaded() -> None:
    present = set(Organisation.objects.values_list("organisation_type", flat=True))
    assert present == set(OrganisationType.values)
    for code in (
        "nca",
        "border-force",
        "immigration-enforcement",
        "ukvi",
        "glaa",
        "salvation-army",
    ):
        assert Organisation.objects.get(code=code).is_first_responder, code
    assert not Organisation.objects.get(code="single-competent-authority").is_first_responder


def test_bics_units_name_their_directorate() -> None:
    for code, directorate in (
        ("border-force", "border_force"),
        ("immigration-enforcement", "immigration_enforcement"),
        ("ukvi", "ukvi"),
    ):
        assert Organisation.objects.get(code=code).directorate == directorate
    unnamed = Organisation(code="x", name="X", organisation_type=OrganisationType.BORDER_FORCE)
    with pytest.raises(ValidationError, match="directorate"):
        unnamed.clean()


def test_immigration_enforcement_competent_authority_is_flagged_for_the_independence_rule() -> None:
    ieca = Organisation.objects.get(code="immigration-enforcement-competent-authority")
    sca = Organisation.objects.get(code="single-competent-authority")
    assert ieca.performs_immigration_enforcement
    assert not sca.performs_immigration_enforcement


def test_a_user_with_a_role_needs_an_organisation() -> None:
    user = User(username="someone", role=Role.ANALYST)
    with pytest.raises(ValidationError, match="organisation"):
        user.clean()


def test_police_forces_are_named_once_as_police() -> None:
    names = set(
        Organisation.objects.filter(organisation_type=OrganisationType.POLICE_FORCE).values_list(
            "name", flat=True
        )
    )
    assert {"Metropolitan Police", "Kent Police", "Police Scotland"} <= names
    assert not [name for name in names if "Police Police" in name]
