"""The run folder of ``lagrangian train``: its layout, and whether it may be (re)used.

Layout of a run folder ``RUN``::

    RUN/run_config.json         the configuration (resume checks it)
    RUN/metrics.jsonl           one JSON object per event (start, train, eval, checkpoint, end)
    RUN/loss.png                loss curves
    RUN/checkpoints/step-N/     loadable checkpoint + state/ (optimizer, scheduler, RNG)
    RUN/tokens/                 JSON-lines splits converted to Arrow (during the run only)
    RUN/  (itself)              the final checkpoint: config, weights, tokenizer, lagrangian.json
"""

from __future__ import annotations

import json
from pathlib import Path

from lagrangian.training.config import FIXED_ON_RESUME, TrainConfig, TrainingError

RUN_CONFIG_FILE = "run_config.json"
CHECKPOINTS_DIR = "checkpoints"
TOKENS_DIR = "tokens"  # JSON-lines splits converted for this run; removed at the end
TRAINER_STATE_FILE = "trainer_state.json"


def checkpoint_dirs(out: Path) -> list[Path]:
    folder = out / CHECKPOINTS_DIR
    if not folder.is_dir():
        return []
    found = [p for p in folder.glob("step-*") if (p / TRAINER_STATE_FILE).is_file()]
    return sorted(found, key=lambda p: int(p.name.removeprefix("step-")))


def prepare_run_folder(config: TrainConfig) -> Path | None:
    """Check the run folder against ``--resume``; return the checkpoint to resume from."""
    out = config.out
    saved_path = out / RUN_CONFIG_FILE
    if not config.resume:
        if saved_path.exists() or checkpoint_dirs(out):
            raise TrainingError(
                f"{out} already holds a training run; pass --resume to continue it "
                "or choose another --out"
            )
        return None
    if not saved_path.is_file():
        raise TrainingError(f"{out}: nothing to resume ({RUN_CONFIG_FILE} is missing)")
    try:
        saved = TrainConfig.from_json(json.loads(saved_path.read_text(encoding="utf-8")))
    except (ValueError, TypeError) as error:
        raise TrainingError(f"{saved_path}: unreadable run configuration ({error})") from None
    changed = [
        f"{name} ({getattr(saved, name)!r} -> {getattr(config, name)!r})"
        for name in FIXED_ON_RESUME
        if getattr(saved, name) != getattr(config, name)
    ]
    if changed:
        raise TrainingError(f"cannot resume {out} with changed settings: {', '.join(changed)}")
    checkpoints = checkpoint_dirs(out)
    return checkpoints[-1] if checkpoints else None
