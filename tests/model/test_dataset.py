"""Dataset building: deterministic for a seed (whatever the workers), resumable, splits
disjoint in field content, a summary with feature shares and lengths."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

import pytest

from lagrangian.server.cli import main
from lagrangian.training.dataset import (
    SPLITS,
    BuildSettings,
    build_dataset,
    field_set_key,
    read_split,
)
from lagrangian.training.sampling import FieldSpec

SETTINGS = BuildSettings(n=24, max_fields=3, sampling="enriched", seed=3, shard_size=5)


def _contents(folder: Path) -> dict[str, str]:
    return {split: (folder / f"{split}.jsonl").read_text() for split in SPLITS}


def test_build_is_deterministic_and_resumable(tmp_path: Path) -> None:
    first = build_dataset(tmp_path / "a", SETTINGS, workers=1, progress=False)
    again = build_dataset(tmp_path / "b", SETTINGS, workers=1, progress=False)
    assert _contents(tmp_path / "a") == _contents(tmp_path / "b") and first == again
    # An interrupted build: two shards missing, one half-written temporary file.
    shards = sorted((tmp_path / "a" / "shards").glob("shard-*.jsonl"))
    assert len(shards) == 5
    shards[1].unlink()
    shards[3].rename(shards[3].with_suffix(".tmp123"))
    resumed = build_dataset(tmp_path / "a", SETTINGS, workers=1, progress=False)
    assert resumed == first and _contents(tmp_path / "a") == _contents(tmp_path / "b")


def test_splits_are_disjoint_and_records_complete(tmp_path: Path) -> None:
    summary = build_dataset(tmp_path, SETTINGS, workers=1, progress=False)
    keys = {split: [r["key"] for r in read_split(tmp_path, split)] for split in SPLITS}
    every = [k for split in SPLITS for k in keys[split]]
    assert len(every) == len(set(every)) == summary["examples"]
    assert summary["examples"] + summary["duplicates_dropped"] == SETTINGS.n
    record = read_split(tmp_path, "train")[0]
    assert {"fields", "src_bartl", "tgt_bartl", "src_compact", "tgt_compact"} <= set(record)
    assert record["src_operators"] == record["src_compact"] and record["tgt_operators"]
    assert set(summary["shares_with"]) == {
        "trilinear", "yukawa", "fermion_mass", "linear", "singlet"
    }  # fmt: skip
    assert (
        summary["token_lengths"]["tgt_bartl"]["mean"]
        > summary["token_lengths"]["tgt_compact"]["mean"]
    )
    assert 0 < summary["operators_over_compact_target"] < 1


def test_the_standard_profile_keeps_to_its_quantum_numbers(tmp_path: Path) -> None:
    settings = BuildSettings(n=60, max_fields=4, profile="standard", seed=5, shard_size=20)
    build_dataset(tmp_path, settings, workers=1, progress=False)
    records = [r for split in SPLITS for r in read_split(tmp_path, split)]
    declared = " ".join(r["fields"] for r in records)
    assert "6bar" not in declared and "(6," not in declared and "(-6," not in declared
    for charge in re.findall(r", (-?\d+(?:/\d+)?)\)", declared):
        assert 6 % Fraction(charge).denominator == 0, charge
    with pytest.raises(ValueError, match="unknown profile"):
        BuildSettings(n=1, profile="exotic").check()


def test_field_set_keys_ignore_order_and_names() -> None:
    a = FieldSpec("scalar", "S1", "1", "2", 1)
    b = FieldSpec("fermion", "F1", "3", "1", -1, "left")
    renamed = FieldSpec("scalar", "S7", "1", "2", 1)
    assert field_set_key([a, b]) == field_set_key([b, renamed])
    assert field_set_key([a]) != field_set_key([b])


def test_other_settings_in_the_same_folder_are_refused(tmp_path: Path) -> None:
    build_dataset(tmp_path, SETTINGS, progress=False)
    with pytest.raises(ValueError, match="other settings"):
        build_dataset(tmp_path, BuildSettings(n=10, seed=4), progress=False)


@pytest.mark.slow
def test_cli_with_workers_matches_a_serial_build(tmp_path: Path, capsys) -> None:
    argv = ["dataset", "build", "--n", "24", "--max-fields", "3", "--seed", "3"]
    argv += ["--shard-size", "5", "--no-progress", "--out"]
    assert main([*argv, str(tmp_path / "p"), "--workers", "2", "--compare-sampling", "20"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert set(summary["sampling_comparison"]) == {"uniform", "enriched"}
    build_dataset(tmp_path / "s", SETTINGS, workers=1, progress=False)
    assert _contents(tmp_path / "p") == _contents(tmp_path / "s")
    assert main(["dataset", "build", "--n", "0", "--out", str(tmp_path / "z")]) == 2
    assert "at least 1" in capsys.readouterr().err
