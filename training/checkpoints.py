"""Checkpoints of a training run: written every so often, read back to resume or to start.

``RUN/checkpoints/step-N/`` is a loadable ``lagrangian`` checkpoint (weights, tokenizer,
``lagrangian.json``) plus ``state/`` (optimizer, scheduler and RNG states, through
``accelerate``) and the loop state, so a resumed run continues exactly where the
interrupted one stopped.  ``--init-from`` is the lighter way back: the weights of any
checkpoint of the same preset and format, with a fresh optimizer and schedule (the shipped
default keeps no optimizer state).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from lagrangian.model.checkpoint import CheckpointMetadata, read_metadata, save_checkpoint
from lagrangian.training.config import TrainingError
from lagrangian.training.run_folder import CHECKPOINTS_DIR, TRAINER_STATE_FILE, checkpoint_dirs


def save_step(
    accelerator: Any,
    model: Any,
    tokenizer: Any,
    metadata: CheckpointMetadata,
    state: dict[str, Any],
    out: Path,
    keep: int,
) -> Path | None:
    """Write ``out/checkpoints/step-N`` and prune to the last ``keep``; the main process
    writes the files, every process its part of the state.  Returns the folder (main)."""
    folder = out / CHECKPOINTS_DIR / f"step-{state['step']:08d}"
    accelerator.wait_for_everyone()
    # torch.save format: safetensors would warn about the tied embeddings on every save.
    accelerator.save_state(str(folder / "state"), safe_serialization=False)
    written = None
    if accelerator.is_main_process:
        save_checkpoint(folder, accelerator.unwrap_model(model), tokenizer, metadata)
        (folder / TRAINER_STATE_FILE).write_text(json.dumps(state), encoding="utf-8")
        for old in checkpoint_dirs(out)[:-keep]:
            shutil.rmtree(old, ignore_errors=True)
        written = folder
    accelerator.wait_for_everyone()
    return written


def load_step(accelerator: Any, folder: Path, processes: int) -> dict[str, Any]:
    """Restore the optimizer, scheduler and RNG states of ``folder``; return its loop state."""
    saved: dict[str, Any] = json.loads((folder / TRAINER_STATE_FILE).read_text("utf-8"))
    if saved.get("processes", 1) != processes:
        raise TrainingError(
            f"{folder} was written by {saved.get('processes')} processes; "
            f"resume it with the same number (not {processes})"
        )
    accelerator.load_state(str(folder / "state"))
    return saved


def init_weights(model: Any, folder: Path, preset: str, codec: str) -> None:
    """Copy the weights of the checkpoint in ``folder`` into ``model``; it must be of the
    same preset and format (otherwise the shapes or the token ids would not match)."""
    from safetensors.torch import load_file

    metadata = read_metadata(folder)
    if metadata is None or not (folder / "model.safetensors").is_file():
        raise TrainingError(f"--init-from {folder}: not a lagrangian checkpoint folder")
    if (metadata.preset, metadata.codec) != (preset, codec):
        raise TrainingError(
            f"--init-from {folder}: it is preset {metadata.preset!r}, format "
            f"{metadata.codec!r}; this run is preset {preset!r}, format {codec!r}"
        )
    missing, unexpected = model.load_state_dict(load_file(folder / "model.safetensors"), False)
    tied = {
        "lm_head.weight",
        *(f"model.{side}.embed_tokens.weight" for side in ("encoder", "decoder")),
    }
    if unexpected or set(missing) - tied:
        raise TrainingError(f"--init-from {folder}: weights do not fit ({missing or unexpected})")
    model.tie_weights()
