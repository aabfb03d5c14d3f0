"""The generator: deterministic, streamed in chunks, complete or nothing, and Django-free."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from msht.core.errors import SynthError
from msht.synth.engine import SynthParameters, generate_world, schema, world_identity
from msht.synth.engine import world as world_module
from msht.synth.engine.world import chunks, referral_days
from tests.synth.conftest import SMALL_REFERRALS, read_csv


def _digests(directory: Path) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.iterdir())
    }


def test_the_same_seed_writes_byte_identical_files(tmp_path: Path) -> None:
    first = generate_world(tmp_path / "a", referrals=2_000, seed=99)
    second = generate_world(tmp_path / "b", referrals=2_000, seed=99)
    assert first.world_id == second.world_id
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")


def test_a_different_seed_writes_a_different_world(tmp_path: Path) -> None:
    first = generate_world(tmp_path / "a", referrals=500, seed=1)
    second = generate_world(tmp_path / "b", referrals=500, seed=2)
    assert first.world_id != second.world_id
    assert _digests(tmp_path / "a")["referrals.csv"] != _digests(tmp_path / "b")["referrals.csv"]


def test_world_id_depends_on_size_seed_and_parameters() -> None:
    base = world_identity(100, 1, SynthParameters())
    assert world_identity(100, 1, SynthParameters()) == base
    assert world_identity(101, 1, SynthParameters()) != base
    assert world_identity(100, 2, SynthParameters()) != base
    assert world_identity(100, 1, SynthParameters(repeat_share=0.2)) != base


def test_every_file_is_written_with_its_columns_and_listed_in_the_manifest(
    small_world: Path,
) -> None:
    manifest = json.loads((small_world / schema.MANIFEST).read_text())
    assert set(manifest["files"]) == {spec.name for spec in schema.STORE_FILES}
    assert set(manifest["truth_files"]) == {spec.name for spec in schema.TRUTH_FILES}
    assert all("truth" in name for name in manifest["truth_files"])
    for spec in schema.ALL_FILES:
        path = small_world / spec.name
        header = path.read_text(encoding="utf-8").splitlines()[0]
        assert header == ",".join(spec.columns)
        listed = manifest["files"].get(spec.name) or manifest["truth_files"][spec.name]
        assert listed["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert listed["rows"] == len(read_csv(small_world, spec.name))
    assert manifest["referrals"] == SMALL_REFERRALS
    assert not list(small_world.glob("*.part"))


def test_chunking_streams_the_world_and_reports_progress(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    parameters = SynthParameters(chunk_size=400)
    summary = generate_world(
        tmp_path / "w",
        referrals=3_000,
        seed=3,
        parameters=parameters,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert summary.rows["referrals.csv"] == 3_000
    assert len(calls) > 3_000 // 400
    assert calls[-1] == (3_000, 3_000)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_chunks_cut_at_day_boundaries_within_the_size() -> None:
    counts = np.array([3, 4, 0, 5, 9, 1], dtype=np.int64)
    runs = list(chunks(counts, 8))
    assert runs == [(0, 3), (3, 4), (4, 5), (5, 6)]
    assert sum(int(counts[a:b].sum()) for a, b in runs) == int(counts.sum())


def test_referral_days_allocate_every_referral_in_date_order() -> None:
    days, counts = referral_days(np.random.default_rng(1), 12_345)
    assert int(counts.sum()) == 12_345
    assert np.all(np.diff(days) == 1)


def test_a_directory_that_holds_another_world_is_refused(small_world: Path) -> None:
    with pytest.raises(SynthError, match="already holds another synthetic world"):
        generate_world(small_world, referrals=10, seed=1)


def test_a_directory_with_stray_world_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "referrals.csv").write_text("reference\n")
    with pytest.raises(SynthError, match=r"already holds another synthetic world \(referrals"):
        generate_world(tmp_path, referrals=10, seed=1)


def test_writing_the_same_world_again_leaves_it_as_it_is(tmp_path: Path) -> None:
    first = generate_world(tmp_path / "w", referrals=300, seed=4)
    before = _digests(tmp_path / "w")
    again = generate_world(tmp_path / "w", referrals=300, seed=4)
    assert again.already_written
    assert not first.already_written
    assert again.rows == first.rows
    assert again.cg_backlog == first.cg_backlog
    assert _digests(tmp_path / "w") == before


def test_a_damaged_copy_of_the_same_world_is_refused(tmp_path: Path) -> None:
    generate_world(tmp_path / "w", referrals=300, seed=4)
    with (tmp_path / "w" / "truth_people.csv").open("a") as handle:
        handle.write("tampered\n")
    with pytest.raises(SynthError, match="already holds another"):
        generate_world(tmp_path / "w", referrals=300, seed=4)


def test_no_referrals_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SynthError, match="at least one referral"):
        generate_world(tmp_path, referrals=0, seed=1)


def test_a_failed_world_leaves_no_files_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: object, days: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(world_module._World, "chunk", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        generate_world(tmp_path / "w", referrals=100, seed=1)
    assert list((tmp_path / "w").iterdir()) == []


def test_the_engine_never_imports_django() -> None:
    """Run in a fresh interpreter so Django loaded by the test session does not count."""
    code = (
        "import sys, msht.synth.engine, msht.synth.engine.world; "
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
