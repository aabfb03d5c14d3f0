"""How often two records that share a full name and nothing else are one person.

The model alone misses the pairs of one person's records that share a name and little
else (docs/linkage.md). This asks whether any linker could do better on those fields: it
takes every pair of records in a synthetic world whose full names are the same (any
order), splits them by how many records bear that name and by whether the pair also
shares anything else (the full date of birth, an identifier, a phone, a postcode or an
address), and counts from the world's truth how many are one person.

It then bounds F1 for the pairs that share only a name. Suppose a linker got every other
pair right. It could leave the name-only pairs (losing their true pairs), link them all
(adding their namesakes), or, best, split them by what is left in the records (how many
bear the name, the year of birth, sex and nationality) and link each group in which
most pairs are one person, knowing the truth of every group: an oracle no model can beat
on these fields.

    .venv/bin/python bench/linkage_namesakes.py                  # 2,000/7 and 20,000/5
    .venv/bin/python bench/linkage_namesakes.py --worlds 100000:1

Results are printed and written to bench/results/linkage_namesakes.json (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from msht.linkage.engine import prepare_records, worldfiles
from msht.synth.engine import generate_world

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "linkage_namesakes.json"

_SHARED_ELSE = """(coalesce(a.dob_full = b.dob_full, false)
    or coalesce(a.identifier_1 = b.identifier_1, false)
    or coalesce(a.identifier_2 = b.identifier_2, false)
    or coalesce(a.identifier_3 = b.identifier_3, false)
    or coalesce(a.phone = b.phone, false) or coalesce(a.postcode = b.postcode, false)
    or coalesce(a.address_key = b.address_key, false))"""

_NAME_PAIRS = f"""
with named as (
    select r.unique_id, r.name_sorted, r.dob_full, r.dob_year, r.sex, r.nationalities,
        r.identifier_1, r.identifier_2,
        r.identifier_3, r.phone, r.postcode, r.address_key, t.person_id,
        count(*) over (partition by r.name_sorted) as bearers
    from linkage_records r join truth t on t.record_id = r.unique_id
    where r.name_sorted is not null
)
select least(a.bearers, 5) as bearers, {_SHARED_ELSE} as shares_more,
    case when a.dob_year is null or b.dob_year is null then 'not known'
        when a.dob_year = b.dob_year then 'same'
        when abs(a.dob_year - b.dob_year) <= 2 then 'within two'
        else 'different' end as birth_year,
    coalesce(a.sex = b.sex and list_has_any(a.nationalities, b.nationalities), false)
        as same_origin,
    count(*) as pairs, count(*) filter (where a.person_id = b.person_id) as one_person
from named a join named b on a.name_sorted = b.name_sorted and a.unique_id < b.unique_id
group by all order by all
"""  # noqa: S608

_TRUE_PAIRS = """
with people as (select person_id, count(*) as n from truth group by person_id)
select coalesce(sum(n * (n - 1) // 2), 0) from people
"""


def _f1(true_positive: int, false_positive: int, false_negative: int) -> float:
    found = 2 * true_positive
    return found / (found + false_positive + false_negative) if true_positive else 0.0


def measure(world: Path) -> dict[str, Any]:
    """The table of name-sharing pairs for one world, and the F1 bounds it implies."""
    connection = duckdb.connect()
    prepare_records(connection, worldfiles.referral_records(world))
    truth = worldfiles.truth(world, "persons")
    connection.register(
        "truth", pa.table({"record_id": list(truth), "person_id": list(truth.values())})
    )
    cells = [
        {
            "bearers": bearers,
            "shares_more": more,
            "birth_year": year,
            "same_origin": origin,
            "pairs": pairs,
            "one_person": one,
        }
        for bearers, more, year, origin, pairs, one in connection.sql(_NAME_PAIRS).fetchall()
    ]
    true_pairs = int(connection.sql(_TRUE_PAIRS).fetchall()[0][0])
    connection.close()
    rows: dict[tuple[int, bool], dict[str, Any]] = {}
    for cell in cells:
        row = rows.setdefault(
            (cell["bearers"], cell["shares_more"]),
            {"bearers": cell["bearers"], "shares_more": cell["shares_more"], "pairs": 0},
        )
        row["pairs"] += cell["pairs"]
        row["one_person"] = row.get("one_person", 0) + cell["one_person"]
    name_only = [cell for cell in cells if not cell["shares_more"]]
    one_person = sum(cell["one_person"] for cell in name_only)
    namesakes = sum(cell["pairs"] - cell["one_person"] for cell in name_only)
    # The oracle links the groups in which most pairs are one person.
    majority = [cell for cell in name_only if 2 * cell["one_person"] > cell["pairs"]]
    found = sum(cell["one_person"] for cell in majority)
    wrong = sum(cell["pairs"] - cell["one_person"] for cell in majority)
    return {
        "true_pairs": true_pairs,
        "name_pairs": list(rows.values()),
        "name_only_cells": name_only,
        "name_only_one_person": one_person,
        "name_only_namesakes": namesakes,
        # Every other true pair found and nothing else wrong: the best F1 with the
        # name-only pairs all left, all linked, and linked by the oracle's groups.
        "f1_bound_name_only_left": round(_f1(true_pairs - one_person, 0, one_person), 4),
        "f1_bound_name_only_linked": round(_f1(true_pairs, namesakes, 0), 4),
        "f1_bound_oracle": round(
            _f1(true_pairs - one_person + found, wrong, one_person - found), 4
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", nargs="+", default=["2000:7", "20000:5"], help="N:SEED")
    args = parser.parse_args()
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as scratch:
        for spec in args.worlds:
            referrals, seed = (int(part) for part in spec.split(":"))
            world = Path(scratch) / f"world-{referrals}-{seed}"
            generate_world(world, referrals=referrals, seed=seed)
            found = {"referrals": referrals, "seed": seed, **measure(world)}
            results.append(found)
            print(f"{referrals:,} referrals, seed {seed}: {found['true_pairs']:,} true pairs")
            print("  bearers of the name  shares more  pairs  one person  share")
            for row in found["name_pairs"]:
                bearers = f"{row['bearers']}+" if row["bearers"] == 5 else str(row["bearers"])
                share = row["one_person"] / row["pairs"]
                print(
                    f"  {bearers:>19}  {'yes' if row['shares_more'] else 'no':>11}  "
                    f"{row['pairs']:>5,}  {row['one_person']:>10,}  {share:>5.3f}"
                )
            print(
                f"  name only: {found['name_only_one_person']:,} pairs of one person among "
                f"{found['name_only_namesakes']:,} namesakes; F1 bound "
                f"{found['f1_bound_name_only_left']:.4f} leaving them, "
                f"{found['f1_bound_name_only_linked']:.4f} linking them, "
                f"{found['f1_bound_oracle']:.4f} by the oracle's groups",
                flush=True,
            )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
