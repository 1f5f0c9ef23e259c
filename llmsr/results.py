"""Records of evaluated programs and the saved-run JSON format.

A run file holds everything needed to report and to resume a search: the specification,
the configuration, fingerprints of the data, every candidate with its outcome, the
experience buffer, the random generator state and the counters.  Floats that are not finite
are stored as ``null`` so the file is strict JSON that any tool can read.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .errors import RunFileError

FORMAT = "lagrangian-llmsr-run"
VERSION = 1


@dataclass
class ProgramRecord:
    """One candidate: where it came from and what evaluating it gave."""

    id: int
    body: str
    island: int | None
    parents: list[int] = field(default_factory=list)
    ok: bool = False
    error: str = ""
    loss: float | None = None
    params: list[float] = field(default_factory=list)
    used: list[int] | None = None
    nmse_train: float | None = None
    nmse_test: float | None = None
    seconds: float = 0.0
    duplicate_of: int | None = None
    stage: str = "search"

    @property
    def score(self) -> float | None:
        """LLM-SR's score: minus the loss."""
        return None if self.loss is None else -self.loss

    @property
    def fitted_params(self) -> list[float]:
        """The constants a program uses: up to its highest ``params[i]`` (all when dynamic)."""
        if self.used is None:
            return list(self.params)
        return list(self.params[: max(self.used) + 1]) if self.used else []

    def to_dict(self) -> dict[str, Any]:
        return _finite(asdict(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProgramRecord:
        return cls(**data)


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def save_run(path: str | Path, run: dict[str, Any]) -> None:
    """Write a run atomically (a crash mid-write never leaves a truncated file)."""
    path = Path(path)
    payload = json.dumps(_finite(run), indent=1, allow_nan=False)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=directory, delete=False, suffix=".tmp") as handle:
            handle.write(payload)
            temporary = handle.name
        os.replace(temporary, path)
    except OSError as error:
        raise RunFileError(f"cannot write run file {path}: {error.strerror or error}") from None


def load_run(path: str | Path) -> dict[str, Any]:
    """Read and sanity-check a saved run."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunFileError(f"run file {path} does not exist") from None
    except (OSError, ValueError) as error:
        raise RunFileError(f"cannot read run file {path}: {error}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RunFileError(f"{path} is not a saved LLM-SR run")
    if data.get("version") != VERSION:
        raise RunFileError(
            f"{path} has run format version {data.get('version')}; this is {VERSION}"
        )
    return data
