"""Normalisers for the fields linkage compares: names, phone numbers, identifiers.

Pure functions over strings, used by the DuckDB preparation step (as Python functions
registered on the connection) and by incremental linkage at submission, so that a new
record is normalised exactly as the records it is compared with were.
"""

from __future__ import annotations

import re
import unicodedata

_NOT_LETTERS = re.compile(r"[^a-z]+")
_NOT_ALPHANUMERIC = re.compile(r"[^A-Z0-9]+")
_NOT_DIGITS = re.compile(r"[^0-9]+")

# Spellings that transliteration from Albanian, Arabic, Persian, Somali, Tigrinya and Vietnamese
# swaps freely (Mustapha/Mustafa, Tariq/Tarek, Aicha/Aisha, Khalid/Kalid): each
# digraph is reduced to one letter before vowels are dropped. Albanian xh is written dj
# or j in other alphabets (Hoxha, Hodja, Hoja).
_DIGRAPHS = (
    ("xh", "j"),
    ("dj", "j"),
    ("ph", "f"),
    ("kh", "k"),
    ("gh", "g"),
    ("th", "t"),
    ("dh", "d"),
    ("sh", "s"),
    ("ch", "s"),
    ("ck", "k"),
    ("ou", "u"),
)
_LETTERS = str.maketrans({"q": "k", "c": "k", "z": "s", "x": "s", "d": "t", "v": "f"})
_SILENT_AFTER_FIRST = re.compile(r"[aeiouyhw]+")
_VOWEL = frozenset("aeiou")


def normalise_text(text: str | None) -> str:
    """Lower case, accents removed, anything but letters turned to one space."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(_NOT_LETTERS.sub(" ", ascii_only.lower()).split())


def name_key(token: str) -> str:
    """A sound key for one normalised name token: transliterations and most one-letter
    slips of the same name share it (Mohammed, Muhammad and Mahamed give ``mt``)."""
    if not token:
        return ""
    word = token
    for digraph, letter in _DIGRAPHS:
        word = word.replace(digraph, letter)
    word = word.translate(_LETTERS)
    first = "a" if word[0] in _VOWEL else word[0]
    rest = _SILENT_AFTER_FIRST.sub("", word[1:])
    key = first
    for char in rest:
        if char != key[-1]:
            key += char
    return key


def name_keys(name: str | None) -> str:
    """The sorted, distinct sound keys of every token of a normalised name, space-joined:
    equal for the same name in any order and most transliterations."""
    if not name:
        return ""
    return " ".join(sorted({name_key(token) for token in name.split()}))


def normalise_identifier(value: str | None) -> str:
    """Upper case letters and digits only: ``v3168054`` and ``V 316-8054`` agree."""
    if not value:
        return ""
    return _NOT_ALPHANUMERIC.sub("", value.upper())


def normalise_phone(value: str | None) -> str:
    """UK national digits: ``+44 7700 900123`` and ``07700900123`` agree."""
    if not value:
        return ""
    digits = _NOT_DIGITS.sub("", value)
    if digits.startswith("44") and len(digits) > 10:
        digits = "0" + digits[2:]
    elif digits.startswith("0044"):
        digits = "0" + digits[4:]
    return digits


def normalise_postcode(value: str | None) -> str:
    """Upper case with no spaces: ``ba37 2nf`` and ``BA372NF`` agree."""
    return normalise_identifier(value)


def address_key(lines: str | None) -> str:
    """House number and the first word of the street: ``141 victoria`` for
    ``141 Victoria Way`` and ``141 VICTORIA WY``, so abbreviations do not matter."""
    if not lines:
        return ""
    words = re.sub(r"[^a-z0-9]+", " ", lines.lower()).split()
    number = next((word for word in words if any(char.isdigit() for char in word)), "")
    street = next((word for word in words if word.isalpha() and word not in _FLAT_WORDS), "")
    if not number and not street:
        return ""
    return f"{number} {street}".strip()


_FLAT_WORDS = frozenset({"flat", "apartment", "room", "unit", "a", "b", "c", "d", "e", "f"})
