"""Normalisers: the same value typed differently agrees."""

from __future__ import annotations

import pytest

from msht.linkage.engine.normalise import (
    address_key,
    name_key,
    name_keys,
    normalise_identifier,
    normalise_phone,
    normalise_text,
)


def test_text_loses_case_accents_and_punctuation() -> None:
    assert normalise_text("  ÁNA-María  O'Brien ") == "ana maria o brien"


@pytest.mark.parametrize(
    "spellings",
    [
        ("Mohammed", "Muhammad", "Mohamed", "Mahamed"),
        ("Mustafa", "Mostafa", "Mustapha"),
        ("Tariq", "Tarek", "Tareq", "Tarik"),
        ("Aisha", "Aysha", "Aicha"),
        ("Hussein", "Hussain", "Husayn"),
        ("Hoxha", "Hodja", "Hoja"),
    ],
)
def test_transliterations_share_a_sound_key(spellings: tuple[str, ...]) -> None:
    keys = {name_key(normalise_text(spelling)) for spelling in spellings}
    assert len(keys) == 1


def test_different_names_have_different_keys() -> None:
    assert name_key("ana") != name_key("elena")


def test_name_keys_ignore_order() -> None:
    assert name_keys("nguyen van an") == name_keys("an nguyen van")


def test_identifiers_phones_and_addresses_agree_however_typed() -> None:
    assert normalise_identifier("v 316-8054") == normalise_identifier("V3168054")
    assert normalise_phone("+44 7317 304317") == normalise_phone("07317304317") == "07317304317"
    assert address_key("Flat E, 160 Rose Way") == address_key("160 ROSE WY") == "160 rose"
