"""The settings of a training run (``lagrangian train``), checked once, saved with the run.

A run folder keeps its configuration so that ``--resume`` can refuse a changed one: the
settings in :data:`FIXED_ON_RESUME` define the run (its batches, its schedule, its
starting weights); ``epochs`` and ``max_steps`` may grow.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lagrangian.model.presets import Preset

# Settings that define a run; a resumed run must keep them (epochs/max_steps may grow).
FIXED_ON_RESUME = (
    "preset",
    "format",
    "codec",
    "batch_size",
    "lr",
    "seed",
    "warmup_steps",
    "weight_decay",
    "length_window",
    "init_from",
)


class TrainingError(Exception):
    """A problem with the data, the run folder or the settings (the message says which)."""


@dataclass
class TrainConfig:
    """Everything a training run needs; ``None`` values take the preset's defaults."""

    data: Path
    out: Path
    preset: str = "tiny"
    format: str = "compact"
    codec: str | None = None  # codec name or module:attr; defaults to ``format``
    epochs: int = 10
    batch_size: int = 32
    lr: float | None = None
    max_steps: int | None = None
    resume: bool = False
    seed: int = 0
    warmup_steps: int | None = None
    weight_decay: float = 0.01
    length_window: int = 50  # batches sorted by length together (see training/loader.py)
    max_grad_norm: float = 1.0
    log_every: int = 50
    eval_every: int | None = None  # steps; None = at the end of every epoch
    save_every: int | None = None  # steps; None = at the end of every epoch
    keep_checkpoints: int = 2
    device: str = "auto"  # auto | cpu
    mixed_precision: str = "auto"  # auto | no | bf16 | fp16
    init_from: Path | None = None  # start from this checkpoint's weights (same preset, format)

    def resolved(self, preset: Preset) -> TrainConfig:
        """A copy with the preset defaults filled in and the settings checked."""
        values = asdict(self)
        values["data"], values["out"] = Path(self.data), Path(self.out)
        if self.init_from is not None:
            values["init_from"] = Path(self.init_from)
        values["codec"] = self.codec or self.format
        values["lr"] = self.lr if self.lr is not None else preset.learning_rate
        if self.warmup_steps is None:
            values["warmup_steps"] = preset.warmup_steps
        config = TrainConfig(**values)
        checks = [
            (config.epochs >= 1, "epochs must be at least 1"),
            (config.batch_size >= 1, "batch size must be at least 1"),
            (config.length_window >= 1, "the length window must be at least 1 batch"),
            (config.lr > 0, "learning rate must be positive"),
            (config.max_steps is None or config.max_steps >= 1, "max steps must be at least 1"),
            (config.log_every >= 1, "log interval must be at least 1"),
            (config.keep_checkpoints >= 1, "keep at least one checkpoint"),
            (config.device in ("auto", "cpu"), "device must be auto or cpu"),
            (
                config.mixed_precision in ("auto", "no", "bf16", "fp16"),
                "mixed precision must be auto, no, bf16 or fp16",
            ),
        ]
        for ok, message in checks:
            if not ok:
                raise TrainingError(message)
        return config

    def to_json(self) -> dict[str, Any]:
        values = asdict(self)
        values["data"], values["out"] = str(self.data), str(self.out)
        values["init_from"] = None if self.init_from is None else str(self.init_from)
        return values

    @classmethod
    def from_json(cls, values: dict[str, Any]) -> TrainConfig:
        known = {f.name for f in fields(cls)}
        config = cls(**{key: value for key, value in values.items() if key in known})
        config.data, config.out = Path(config.data), Path(config.out)
        if config.init_from is not None:
            config.init_from = Path(config.init_from)
        return config
