"""Dataset building: deterministic for a seed (whatever the workers, local or Ray), resumable,
splits disjoint in field content, Arrow token files that read back as records, JSON-lines
datasets converted to the same files, a summary with feature shares and lengths."""

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


def _contents(folder: Path) -> dict[str, bytes]:
    return {split: (folder / f"{split}.arrow").read_bytes() for split in SPLITS}


def test_build_is_deterministic_and_resumable(tmp_path: Path) -> None:
    first = build_dataset(tmp_path / "a", SETTINGS, workers=1, progress=False)
    again = build_dataset(tmp_path / "b", SETTINGS, workers=1, progress=False)
    assert _contents(tmp_path / "a") == _contents(tmp_path / "b") and first == again
    # An interrupted build: two shards missing, one half-written temporary file.
    shards = sorted((tmp_path / "a" / "shards").glob("shard-*.arrow"))
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


def test_splits_are_arrow_token_files_that_read_back_as_records(tmp_path: Path) -> None:
    from lagrangian.training.dataset import example_record
    from lagrangian.training.token_store import open_file

    build_dataset(tmp_path, SETTINGS, progress=False)
    reader = open_file(tmp_path / "train.arrow")
    assert str(reader.schema.field("tgt_bartl").type) == "list<item: uint8>"
    record = read_split(tmp_path, "train")[0]
    assert read_split(tmp_path, "train")[0] == record
    # The record is what the engine gives for its fields, token for token.
    from lagrangian.grammar import parse_declarations
    from lagrangian.training.sampling import FieldSpec

    specs = [
        FieldSpec(d.kind, d.name, d.reps[0].text, d.reps[1].text, d.reps[2].charge,
                  d.helicity, d.real)
        for d in parse_declarations(record["fields"]).fields
    ]  # fmt: skip
    assert example_record(specs) == record


def test_convert_turns_json_lines_into_the_same_token_files(tmp_path: Path, capsys) -> None:
    built = tmp_path / "built"
    build_dataset(built, SETTINGS, progress=False)
    old = tmp_path / "old"  # the same dataset as an earlier version wrote it
    old.mkdir()
    for split in SPLITS:
        lines = "".join(json.dumps(r) + "\n" for r in read_split(built, split))
        (old / f"{split}.jsonl").write_text(lines)
    assert read_split(old, "train") == read_split(built, "train")
    assert main(["dataset", "convert", str(old)]) == 0
    counts = json.loads(capsys.readouterr().out)["converted"]
    assert counts == {split: len(read_split(built, split)) for split in SPLITS}
    assert _contents(old) == _contents(built)

    (old / "train.jsonl").write_text('{"src_nope": "A", "tgt_nope": "B"}\n')
    assert main(["dataset", "convert", str(old)]) == 2
    assert "unknown codec 'nope'" in (err := capsys.readouterr().err) and "--codec" in err
    assert main(["dataset", "convert", str(old), "--codec", "nope"]) == 2
    assert "expected FORMAT=CODEC" in capsys.readouterr().err


def test_a_folder_of_json_lines_shards_is_refused(tmp_path: Path) -> None:
    (tmp_path / "shards").mkdir()
    (tmp_path / "shards" / "shard-00000.jsonl").write_text("{}\n")
    with pytest.raises(ValueError, match="JSON-lines shards of an older build"):
        build_dataset(tmp_path, SETTINGS, progress=False)


@pytest.mark.slow
def test_a_ray_build_matches_a_local_one_and_resumes(tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        summary = build_dataset(tmp_path / "ray", SETTINGS, progress=False, ray="auto")
        shards = sorted((tmp_path / "ray" / "shards").glob("shard-*.arrow"))
        shards[2].unlink()
        assert build_dataset(tmp_path / "ray", SETTINGS, progress=False, ray="auto") == summary
    finally:
        ray.shutdown()
    assert build_dataset(tmp_path / "local", SETTINGS, workers=1, progress=False) == summary
    assert _contents(tmp_path / "ray") == _contents(tmp_path / "local")


def test_ray_errors_are_one_line(tmp_path: Path, capsys, monkeypatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "ray", None)  # as if ray were not installed
    argv = ["dataset", "build", "--n", "4", "--out", str(tmp_path), "--no-progress"]
    assert main([*argv, "--ray", "auto"]) == 2
    assert "--ray needs Ray" in capsys.readouterr().err
    assert main([*argv, "--ray", "auto", "--workers", "2"]) == 2
    assert "--workers is for local builds" in capsys.readouterr().err


@pytest.mark.slow
def test_train_reads_a_built_dataset(tmp_path: Path, capsys) -> None:
    import shutil

    build_dataset(tmp_path / "built", SETTINGS, progress=False)
    data = tmp_path / "data"  # the built train split serves as validation too
    data.mkdir()
    for split in ("train", "validation"):
        shutil.copy(tmp_path / "built" / "train.arrow", data / f"{split}.arrow")
    argv = ["train", "--data", str(data), "--out", str(tmp_path / "run"), "--device", "cpu"]
    argv += ["--format", "compact", "--batch-size", "4", "--max-steps", "2", "--log-every", "1"]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["steps"] == 2
    assert not (tmp_path / "run" / "tokens").exists()
