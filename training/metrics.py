"""The record of a training run: ``metrics.jsonl`` and the loss plot drawn from it.

Kept apart from the loop because both are read back without a model: the resume logic
truncates the log, reports and benchmarks read it, and the plot needs only the file.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

METRICS_FILE = "metrics.jsonl"
PLOT_FILE = "loss.png"


class MetricsLog:
    """``metrics.jsonl``: appended by the main process, one flushed line per event."""

    def __init__(self, path: Path, enabled: bool) -> None:
        self.path = path
        self.enabled = enabled

    def truncate_after(self, step: int) -> None:
        """Drop records past ``step`` (a resumed run rewrites what came after its checkpoint)."""
        if not self.enabled or not self.path.exists():
            return
        kept = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:  # a line cut short when the run was killed
                continue
            if record.get("step", 0) <= step:
                kept.append(line)
        self.path.write_text("".join(f"{line}\n" for line in kept), encoding="utf-8")

    def write(self, event: str, **values: Any) -> None:
        if not self.enabled:
            return
        record = {"event": event, "time": round(time.time(), 3), **values}
        with self.path.open("a", encoding="utf-8") as stream:
            stream.write(json.dumps(record) + "\n")


def plot_metrics(metrics_path: Path, png_path: Path) -> None:
    """Plot train and validation loss against step from ``metrics.jsonl`` into a PNG.

    Uses matplotlib's object API (no pyplot): no global backend or figure state changes
    in the calling process.
    """
    from matplotlib.figure import Figure

    records = [json.loads(line) for line in metrics_path.read_text().splitlines() if line.strip()]
    train = [(r["step"], r["loss"]) for r in records if r["event"] == "train"]
    evals = [(r["step"], r["val_loss"]) for r in records if r["event"] == "eval"]
    figure = Figure(figsize=(7, 4.5), dpi=110)
    axis = figure.subplots()
    if train:
        axis.plot(*zip(*train, strict=True), label="train loss", linewidth=1.2)
    if evals:
        axis.plot(*zip(*evals, strict=True), "o-", label="validation loss", linewidth=1.2)
    axis.set_xlabel("optimizer step")
    axis.set_ylabel("cross-entropy per token")
    if all(value > 0 for _, value in train + evals) and (train or evals):
        axis.set_yscale("log")
    axis.grid(alpha=0.3)
    axis.legend()
    figure.tight_layout()
    figure.savefig(png_path)
