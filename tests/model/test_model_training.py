"""Training: a tiny model overfits toy Lagrangians, resume is exact, bad input is clear."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from model_toy_codec import EXAMPLES, TOY_CODEC_PATH, write_dataset

from lagrangian.model.codec import Example
from lagrangian.server.cli import main
from lagrangian.training.config import TrainConfig
from lagrangian.training.metrics import METRICS_FILE
from lagrangian.training.run_folder import RUN_CONFIG_FILE

TOY_ARGS = ["--format", "toy", "--codec", TOY_CODEC_PATH, "--device", "cpu"]


def _records(run: Path) -> list[dict]:
    return [json.loads(line) for line in (run / METRICS_FILE).read_text().splitlines()]


@pytest.mark.slow
def test_tiny_model_overfits_and_generates_the_examples_back(
    toy_dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from lagrangian.model.checkpoint import load_checkpoint
    from lagrangian.model.generate import GenerationSettings, generate

    run = tmp_path / "run"
    argv = ["train", "--data", str(toy_dataset), "--out", str(run), *TOY_ARGS]
    argv += ["--batch-size", "6", "--max-steps", "80", "--lr", "1e-3", "--warmup-steps", "5"]
    argv += ["--log-every", "10", "--eval-every", "40", "--save-every", "40"]
    assert main(argv) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["steps"] == 80 and summary["val_loss"] < 0.05

    records = _records(run)
    assert [r["event"] for r in records][:1] == ["start"] and records[-1]["event"] == "end"
    losses = [r["loss"] for r in records if r["event"] == "train"]
    assert len(losses) == 8 and losses[-1] < losses[0] / 20
    assert all(r["tokens_per_s"] > 0 for r in records if r["event"] == "train")
    assert [r["step"] for r in records if r["event"] == "eval"] == [40, 80]
    assert (run / "loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in (run / "checkpoints").iterdir()) == [
        "step-00000040",
        "step-00000080",
    ]

    loaded = load_checkpoint(run, device="cpu")
    assert loaded.metadata.preset == "tiny" and loaded.metadata.training["steps"] == 80
    results = generate(loaded, [e.src for e in EXAMPLES], GenerationSettings(num_beams=2))
    assert [r[0].tokens for r in results] == [e.tgt for e in EXAMPLES]
    assert all(r[0].finished for r in results)
    # Intermediate checkpoints are complete, loadable checkpoints too.
    assert load_checkpoint(run / "checkpoints" / "step-00000040").metadata.training["steps"] == 40


@pytest.mark.slow
def test_resume_continues_exactly_where_the_run_stopped(toy_dataset: Path, tmp_path: Path) -> None:
    import shutil

    from safetensors.torch import load_file

    settings = ["--batch-size", "3", "--max-steps", "12", "--lr", "1e-3", "--warmup-steps", "1"]
    settings += ["--log-every", "3", "--eval-every", "6", "--save-every", "6"]
    full, resumed = tmp_path / "full", tmp_path / "resumed"
    assert (
        main(["train", "--data", str(toy_dataset), "--out", str(full), *TOY_ARGS, *settings]) == 0
    )

    # An interrupted run: what the full run had on disk after its step-6 checkpoint.
    shutil.copytree(
        full / "checkpoints" / "step-00000006", resumed / "checkpoints" / "step-00000006"
    )
    shutil.copy(full / RUN_CONFIG_FILE, resumed / RUN_CONFIG_FILE)
    kept = [
        line
        for line in (full / METRICS_FILE).read_text().splitlines()
        if json.loads(line).get("step", 0) <= 6
    ]
    (resumed / METRICS_FILE).write_text("\n".join([*kept, '{"event": "train", "step": 9}']) + "\n")
    assert main(["train", "--out", str(resumed), "--resume"]) == 0  # settings from the run

    full_weights = load_file(full / "model.safetensors")
    resumed_weights = load_file(resumed / "model.safetensors")
    for name, tensor in full_weights.items():
        assert (tensor == resumed_weights[name]).all(), name
    steps = [r["step"] for r in _records(resumed) if r["event"] == "train"]
    assert steps == [3, 6, 9, 12]  # the stale step-9 record was dropped, then rewritten
    start = [r for r in _records(resumed) if r["event"] == "start"][-1]
    assert start["resumed_from"].endswith("step-00000006")


@pytest.mark.slow
def test_a_warmup_longer_than_a_tenth_of_the_run_is_capped_and_said(
    toy_dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "run"
    argv = ["train", "--data", str(toy_dataset), "--out", str(run), *TOY_ARGS]
    argv += ["--batch-size", "3", "--max-steps", "20", "--warmup-steps", "50"]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "warmup 50 steps is more than a tenth of the 20 steps; using 2" in err
    start = next(r for r in _records(run) if r["event"] == "start")
    assert start["warmup_steps"] == 2 and start["total_steps"] == 20


def _fake_run(folder: Path, data: Path, **changes) -> None:
    folder.mkdir(parents=True)
    config = TrainConfig(data=data, out=folder, format="toy", codec=TOY_CODEC_PATH, lr=1e-3)
    values = {**config.to_json(), "warmup_steps": 200, **changes}
    (folder / RUN_CONFIG_FILE).write_text(json.dumps(values))


def test_run_folder_guards(toy_dataset: Path, tmp_path: Path, capsys) -> None:
    run = tmp_path / "run"
    _fake_run(run, toy_dataset)
    base = ["train", "--data", str(toy_dataset), "--out", str(run), *TOY_ARGS]
    assert main(base) == 2
    assert "already holds a training run; pass --resume" in capsys.readouterr().err
    assert main([*base, "--resume", "--batch-size", "7"]) == 2
    assert "cannot resume" in (err := capsys.readouterr().err) and "batch_size (32 -> 7)" in err
    assert main([*base, "--resume", "--length-window", "7"]) == 2
    assert "length_window (50 -> 7)" in capsys.readouterr().err
    assert main(["train", "--out", str(tmp_path / "none"), "--resume"]) == 2
    assert "nothing to resume" in capsys.readouterr().err
    assert main(["train", "--out", str(tmp_path / "x")]) == 2
    assert "--data DIR is required" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"src_toy": "FIELD"', r"train\.jsonl:2: not JSON"),
        (
            '{"src_toy": "FIELD"}',
            r"train\.jsonl:2: missing string field 'tgt_toy' \(is --format toy right\?\)",
        ),
        (
            '{"src_toy": "FIELD", "tgt_toy": "+ HIGGS"}',
            r"train\.jsonl:2: tgt_toy: token 2 \('HIGGS'\)",
        ),
        ("[1, 2]", r"train\.jsonl:2: expected a JSON object"),
    ],
)
def test_bad_data_is_reported_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, message: str
) -> None:
    import re

    data = write_dataset(tmp_path / "data", EXAMPLES[:1])
    with (data / "train.jsonl").open("a") as stream:
        stream.write(line + "\n")
    assert main(["train", "--data", str(data), "--out", str(tmp_path / "run"), *TOY_ARGS]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and re.search(message, error), error


def test_missing_split_and_unknown_codec(tmp_path: Path, capsys) -> None:
    data = write_dataset(tmp_path / "data", EXAMPLES[:2])
    (data / "validation.jsonl").unlink()
    assert main(["train", "--data", str(data), "--out", str(tmp_path / "r1"), *TOY_ARGS]) == 2
    assert "validation.jsonl: no such file" in capsys.readouterr().err
    assert (
        main(["train", "--data", str(data), "--out", str(tmp_path / "r2"), "--format", "nope"]) == 2
    )
    assert "unknown codec 'nope'" in capsys.readouterr().err


def test_too_long_examples_are_skipped_not_truncated(tmp_path: Path) -> None:
    from model_toy_codec import ToyCodec

    from lagrangian.model.tokenizer import id_table
    from lagrangian.training.loader import open_split

    long = Example(["FIELD"], ["1"] * 60)
    data = write_dataset(tmp_path / "data", [*EXAMPLES[:2], long])
    split = open_split(data, "train", "toy", id_table(ToyCodec()), 40, tmp_path / "cache")
    assert (split.examples, split.skipped) == (2, 1)


@pytest.mark.slow
def test_two_processes_under_torchrun_split_the_epoch(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    data = write_dataset(tmp_path / "data", EXAMPLES * 2)  # 12 examples: 6 batches of 2
    run = tmp_path / "run"
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone"]
    command += ["--nproc_per_node", "2", "-m", "lagrangian.server.cli", "train"]
    command += ["--data", str(data), "--out", str(run), *TOY_ARGS, "--batch-size", "2"]
    command += ["--max-steps", "4", "--log-every", "1", "--save-every", "4"]
    tests = str(Path(__file__).parent)
    env = {**os.environ, "PYTHONPATH": tests, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    records = _records(run)
    assert records[0]["processes"] == 2 and records[0]["train_examples"] == 12
    # Each process takes every other batch: an epoch is 3 steps, so step 3 ends it.
    assert [r["epoch"] for r in records if r["event"] == "train"] == [0.333, 0.667, 1.0, 1.333]
    assert not (run / "tokens").exists()


def test_init_from_copies_the_weights_of_the_same_preset_and_format(
    random_checkpoint: Path,
) -> None:
    import torch
    from model_toy_codec import TOY_CODEC_PATH, ToyCodec

    from lagrangian.model.checkpoint import load_checkpoint
    from lagrangian.model.presets import build_model, get_preset
    from lagrangian.model.tokenizer import tokenizer_for_codec
    from lagrangian.training.checkpoints import init_weights
    from lagrangian.training.config import TrainingError

    fresh = build_model(get_preset("tiny"), tokenizer_for_codec(ToyCodec()), seed=1)
    saved = load_checkpoint(random_checkpoint, device="cpu").model.state_dict()
    assert not torch.equal(fresh.state_dict()["lm_head.weight"], saved["lm_head.weight"])
    init_weights(fresh, random_checkpoint, "tiny", TOY_CODEC_PATH)
    assert all(torch.equal(v, saved[k]) for k, v in fresh.state_dict().items())
    with pytest.raises(TrainingError, match="preset 'tiny', format"):
        init_weights(fresh, random_checkpoint, "small", TOY_CODEC_PATH)
