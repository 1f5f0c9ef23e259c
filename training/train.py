"""Training a BART preset on a dataset of token sequences: ``lagrangian train``.

Why a custom loop on ``accelerate`` rather than ``Seq2SeqTrainer``: ``accelerate`` already
gives what the Trainer would (DDP under ``torchrun``/``accelerate launch`` with no code
change, bf16/fp16 autocast and loss scaling, saving and restoring optimizer, scheduler and
RNG states), and a loop of our own gives what the Trainer does not: throughput counted in
real (non-padding) source + target tokens, a ``metrics.jsonl`` of our format, every
intermediate checkpoint a loadable ``lagrangian`` checkpoint, length-grouped batches that
are deterministic for a seed (so a resumed run sees exactly the batches an uninterrupted
one would), and no exposure to the Trainer's fast-moving argument set.

The run folder's layout is in ``training/run_folder.py``, its checkpoints in
``training/checkpoints.py`` and the settings in ``training/config.py``.

Dataset: ``DIR/train`` and ``DIR/validation``, each an Arrow token file (``.arrow``, written
by ``lagrangian dataset build`` or ``convert``) or JSON lines (``.jsonl``, one object per line
with ``src_<format>`` and ``tgt_<format>`` as space-joined tokens), which is converted into
``RUN/tokens/`` first.  Batches stream from the memory-mapped file (``training/loader.py``).
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from lagrangian.model.checkpoint import CheckpointMetadata, save_checkpoint
from lagrangian.model.codec import TokenError, codec_by_name
from lagrangian.model.presets import get_preset, preset_summary
from lagrangian.model.tokenizer import tokenizer_for_codec
from lagrangian.training.checkpoints import init_weights, load_step, save_step
from lagrangian.training.config import TrainConfig, TrainingError
from lagrangian.training.convert import ConvertError
from lagrangian.training.loader import (
    IGNORE_INDEX,
    EpochPlan,
    TokenSplit,
    batch_tokens,
    collate,
    open_split,
)
from lagrangian.training.metrics import METRICS_FILE, PLOT_FILE, MetricsLog, plot_metrics
from lagrangian.training.run_folder import RUN_CONFIG_FILE, TOKENS_DIR, prepare_run_folder
from lagrangian.training.token_store import StoreError


@dataclass
class TrainResult:
    """Summary of a finished run (also the ``end`` record of ``metrics.jsonl``)."""

    out: Path
    steps: int
    epochs: float
    train_loss: float | None
    val_loss: float | None
    best_val_loss: float | None
    elapsed_s: float
    tokens_per_s: float


def _evaluate(
    model: Any, split: TokenSplit, batch_size: int, accelerator: Any, pad_id: int
) -> dict[str, float]:
    """Token-weighted validation loss and teacher-forced token accuracy over all processes."""
    import torch

    plan = EpochPlan(split.sizes, batch_size, seed=0, epoch=0, shuffle=False)
    mine = plan.for_rank(split.rows, accelerator.process_index, accelerator.num_processes)
    totals = torch.zeros(3, device=accelerator.device, dtype=torch.float64)
    model.eval()
    with torch.no_grad():
        for items in mine:
            batch = {
                k: v.to(accelerator.device) for k, v in collate(split.pairs(items), pad_id).items()
            }
            logits = model(**batch).logits.float()
            mask = batch["labels"] != IGNORE_INDEX
            loss = torch.nn.functional.cross_entropy(
                logits[mask], batch["labels"][mask], reduction="sum"
            )
            correct = (logits.argmax(-1)[mask] == batch["labels"][mask]).sum()
            totals += torch.stack([loss.double(), correct.double(), mask.sum().double()])
    model.train()
    totals = accelerator.reduce(totals, reduction="sum")
    loss_sum, correct, count = totals.tolist()
    return {"val_loss": loss_sum / count, "val_token_accuracy": correct / count}


class _Run:
    """One training run in one process: the model, the data, the loop state and its outputs."""

    def __init__(self, config: TrainConfig) -> None:
        import torch
        from accelerate import Accelerator
        from accelerate.utils import set_seed
        from transformers import get_linear_schedule_with_warmup

        from lagrangian.model.device import describe_device, training_precision
        from lagrangian.model.presets import build_model, count_parameters

        try:
            self.preset = get_preset(config.preset)
        except ValueError as error:
            raise TrainingError(str(error)) from None
        config = config.resolved(self.preset)
        if config.mixed_precision == "auto":
            on_cpu = config.device == "cpu" or not torch.cuda.is_available()
            self.precision = "no" if on_cpu else training_precision(torch.device("cuda"))
        else:
            self.precision = config.mixed_precision
        try:
            accelerator = Accelerator(cpu=config.device == "cpu", mixed_precision=self.precision)
        except ValueError as error:  # e.g. fp16 requested where no device supports it
            raise TrainingError(f"mixed precision {self.precision}: {error}") from None
        self.accelerator = accelerator
        self.main = accelerator.is_main_process
        self.world = accelerator.num_processes
        self.config = config
        self.resume_from = prepare_run_folder(config)
        accelerator.wait_for_everyone()  # every process has checked the folder before writes
        set_seed(config.seed)

        try:
            self.tokenizer = tokenizer_for_codec(
                codec_by_name(config.codec), self.preset.max_positions
            )
        except TokenError as error:
            raise TrainingError(str(error)) from None
        limit = self.preset.max_positions
        words, cache = self.tokenizer.words, config.out / TOKENS_DIR
        try:
            self.train_split, self.val_split = (
                open_split(config.data, split, config.format, words, limit, cache)
                for split in ("train", "validation")
            )
        except (StoreError, ConvertError) as error:
            raise TrainingError(str(error)) from None
        self.batches_per_epoch = self._plan(0).batches // self.world
        if self.batches_per_epoch == 0:
            raise TrainingError(
                f"{self.train_split.examples} training examples make no full round of batches "
                f"for {self.world} processes at batch size {config.batch_size}"
            )
        self.total_steps = config.max_steps or self.batches_per_epoch * config.epochs
        # A warmup longer than a tenth of the run would spend it mostly below the asked rate;
        # it is capped, and the start line and the metrics' start record say so.
        self.warmup = min(config.warmup_steps or 0, self.total_steps // 10)

        model = build_model(self.preset, self.tokenizer, seed=config.seed)
        if config.init_from is not None:
            init_weights(model, config.init_from, config.preset, config.codec)  # type: ignore[arg-type]
        self.parameters = count_parameters(model)
        no_decay = ("bias", "layer_norm", "layernorm")
        decayed = [p for n, p in model.named_parameters() if not any(k in n for k in no_decay)]
        other = [p for n, p in model.named_parameters() if any(k in n for k in no_decay)]
        optimizer = torch.optim.AdamW(
            [
                {"params": decayed, "weight_decay": config.weight_decay},
                {"params": other, "weight_decay": 0.0},
            ],
            lr=config.lr,
            betas=(0.9, 0.98),
            fused=True,  # one kernel per parameter group: a small model's step is launch-bound
        )
        # The scheduler stays out of prepare(): accelerate would step it once per process.
        self.scheduler = get_linear_schedule_with_warmup(optimizer, self.warmup, self.total_steps)
        self.model, self.optimizer = accelerator.prepare(model, optimizer)
        accelerator.register_for_checkpointing(self.scheduler)
        self.hardware = f"{self.world} x {describe_device(accelerator.device)}"
        self.log = MetricsLog(config.out / METRICS_FILE, enabled=self.main)
        self.state: dict[str, Any] = {
            "step": 0,
            "epoch": 0,
            "batch_in_epoch": 0,
            "processes": self.world,
            "tokens": 0,
            "train_s": 0.0,
            "wall_s": 0.0,
            "train_loss": None,
            "val_loss": None,
            "best_val_loss": None,
        }

    # -- bookkeeping -------------------------------------------------------------------

    def _plan(self, epoch: int) -> EpochPlan:
        config = self.config
        return EpochPlan(
            self.train_split.sizes, config.batch_size, config.seed, epoch,
            window=config.length_window,
        )  # fmt: skip

    def _epoch(self) -> float:
        return round(self.state["step"] / self.batches_per_epoch, 3)

    def metadata(self) -> CheckpointMetadata:
        """``lagrangian.json`` contents for a checkpoint taken now."""
        state = self.state
        training = {
            "data": str(self.config.data),
            "format": self.config.format,
            "steps": state["step"],
            "epochs": self._epoch(),
            "examples": self.train_split.examples,
            "train_loss": state["train_loss"],
            "val_loss": state["val_loss"],
            "best_val_loss": state["best_val_loss"],
            "hardware": self.hardware,
            "mixed_precision": self.precision,
            "wall_s": round(state["wall_s"], 1),
            "tokens_per_s": round(state["tokens"] / max(state["train_s"], 1e-9), 1),
            "config": self.config.to_json(),
        }
        return CheckpointMetadata(
            codec=self.config.codec,
            preset=self.config.preset,
            parameters=self.parameters,
            training=training,
        )

    def restore(self) -> None:
        """Load the latest checkpoint's state (or start fresh) and log the start."""
        if self.resume_from is not None:
            self.state.update(load_step(self.accelerator, self.resume_from, self.world))
            self.log.truncate_after(self.state["step"])
        elif self.main:
            self.config.out.mkdir(parents=True, exist_ok=True)
            self.log.path.unlink(missing_ok=True)
        if self.main:
            (self.config.out / RUN_CONFIG_FILE).write_text(
                json.dumps(self.config.to_json(), indent=2), encoding="utf-8"
            )
        skipped = self.train_split.skipped + self.val_split.skipped
        self.log.write(
            "start",
            step=self.state["step"],
            preset=preset_summary(self.preset),
            parameters=self.parameters,
            format=self.config.format,
            codec=self.config.codec,
            train_examples=self.train_split.examples,
            validation_examples=self.val_split.examples,
            skipped_too_long=skipped,
            processes=self.world,
            hardware=self.hardware,
            mixed_precision=self.precision,
            batch_size=self.config.batch_size,
            lr=self.config.lr,
            total_steps=self.total_steps,
            warmup_steps=self.warmup,
            resumed_from=str(self.resume_from) if self.resume_from else None,
        )
        self.say(
            f"{self.config.preset}: {self.parameters / 1e6:.1f}M parameters on "
            f"{self.hardware} (mixed precision: {self.precision}); "
            f"{self.train_split.examples} train / {self.val_split.examples} validation "
            f"examples ({skipped} skipped as longer than the context); {self.total_steps} steps"
            + (f", resuming at step {self.state['step']}" if self.resume_from else "")
        )
        if self.warmup < (self.config.warmup_steps or 0):
            self.say(
                f"warmup {self.config.warmup_steps} steps is more than a tenth of the "
                f"{self.total_steps} steps; using {self.warmup}"
            )

    def say(self, message: str) -> None:
        if self.main:
            print(f"[train] {message}", file=sys.stderr, flush=True)

    # -- the loop ----------------------------------------------------------------------

    def evaluate(self) -> None:
        values = _evaluate(
            self.accelerator.unwrap_model(self.model),
            self.val_split,
            self.config.batch_size,
            self.accelerator,
            self.tokenizer.pad_id,
        )
        self.state["val_loss"] = values["val_loss"]
        best = self.state["best_val_loss"]
        if best is None or values["val_loss"] < best:
            self.state["best_val_loss"] = values["val_loss"]
        self.log.write("eval", step=self.state["step"], epoch=self._epoch(), **values)
        self.say(
            f"step {self.state['step']}: validation loss {values['val_loss']:.4f}, "
            f"token accuracy {values['val_token_accuracy']:.4f}"
        )

    def log_window(self, loss_sum: Any, targets: int, tokens: int, seconds: float) -> None:
        """Log the loss and throughput of the steps since the last log, all processes.

        ``loss_sum`` is each batch's mean loss times its ``targets`` (label tokens), so the
        logged loss is token-weighted like the validation loss: a mean of batch means would
        weigh a batch of short sequences as much as one of long ones, and the two curves of
        the loss plot would not measure the same thing.
        """
        import torch

        device = self.accelerator.device
        local = torch.tensor([float(loss_sum), float(targets), float(tokens)], device=device)
        loss_total, target_total, token_total = self.accelerator.reduce(
            local.double(), reduction="sum"
        ).tolist()
        self.state["tokens"] += int(token_total)
        self.state["train_s"] += seconds
        self.state["train_loss"] = loss_total / target_total
        record = {
            "step": self.state["step"],
            "epoch": self._epoch(),
            "loss": self.state["train_loss"],
            "lr": self.scheduler.get_last_lr()[0],
            "tokens_per_s": round(token_total / max(seconds, 1e-9), 1),
        }
        self.log.write("train", **record)
        self.say(
            f"step {record['step']}/{self.total_steps} (epoch {record['epoch']:.2f}): "
            f"loss {record['loss']:.4f}, lr {record['lr']:.2e}, "
            f"{record['tokens_per_s']:.0f} tokens/s"
        )

    def save(self) -> None:
        """Write ``RUN/checkpoints/step-N`` (loadable model + resumable state); prune."""
        config = self.config
        folder = save_step(
            self.accelerator, self.model, self.tokenizer, self.metadata(), self.state,
            config.out, config.keep_checkpoints,
        )  # fmt: skip
        if folder is not None:
            self.log.write("checkpoint", step=self.state["step"], path=str(folder))

    def run(self) -> TrainResult:
        """Train until ``total_steps``, evaluating, logging and checkpointing on schedule."""
        config, state, accelerator = self.config, self.state, self.accelerator
        wall_start = time.perf_counter()
        self.model.train()
        loss_sum, targets, tokens = 0.0, 0, 0
        window_start = time.perf_counter()
        while state["step"] < self.total_steps:
            mine = self._plan(state["epoch"]).for_rank(
                self.train_split.rows,
                accelerator.process_index,
                self.world,
                start=state["batch_in_epoch"],
                limit=self.batches_per_epoch,
            )
            for items in mine:
                batch = collate(self.train_split.pairs(items), self.tokenizer.pad_id)
                tokens += batch_tokens(batch)
                counted = int((batch["labels"] != IGNORE_INDEX).sum())
                loss = self.model(**{k: v.to(accelerator.device) for k, v in batch.items()}).loss
                accelerator.backward(loss)
                if config.max_grad_norm > 0:
                    accelerator.clip_grad_norm_(self.model.parameters(), config.max_grad_norm)
                self.optimizer.step()
                self.scheduler.step()
                self.optimizer.zero_grad(set_to_none=True)
                loss_sum += float(loss.detach()) * counted
                targets += counted
                state["step"] += 1
                state["batch_in_epoch"] += 1

                finished = state["step"] >= self.total_steps
                end_of_epoch = state["batch_in_epoch"] >= self.batches_per_epoch
                if state["step"] % config.log_every == 0 or finished:
                    self.log_window(loss_sum, targets, tokens, time.perf_counter() - window_start)
                    loss_sum, targets, tokens = 0.0, 0, 0
                if end_of_epoch:
                    state["epoch"] += 1
                    state["batch_in_epoch"] = 0
                due_eval = (
                    state["step"] % config.eval_every == 0 if config.eval_every else end_of_epoch
                )
                if due_eval or finished:
                    self.evaluate()
                due_save = (
                    state["step"] % config.save_every == 0 if config.save_every else end_of_epoch
                )
                if due_save or finished:
                    state["wall_s"] += time.perf_counter() - wall_start
                    wall_start = time.perf_counter()
                    self.save()
                if targets == 0:  # a window was just logged: evaluation and saving not counted
                    window_start = time.perf_counter()
                if finished:
                    break
        if state["val_loss"] is None:
            self.evaluate()
        return self.finish()

    def finish(self) -> TrainResult:
        """Write the final checkpoint into ``RUN``, the ``end`` record and the loss plot."""
        state = self.state
        result = TrainResult(
            out=self.config.out,
            steps=state["step"],
            epochs=self._epoch(),
            train_loss=state["train_loss"],
            val_loss=state["val_loss"],
            best_val_loss=state["best_val_loss"],
            elapsed_s=round(state["wall_s"], 2),
            tokens_per_s=round(state["tokens"] / max(state["train_s"], 1e-9), 1),
        )
        self.accelerator.wait_for_everyone()
        if self.main:
            model = self.accelerator.unwrap_model(self.model)
            save_checkpoint(self.config.out, model, self.tokenizer, self.metadata())
            self.log.write("end", **{**asdict(result), "out": str(result.out)})
            plot_metrics(self.log.path, self.config.out / PLOT_FILE)
            self.say(
                f"done: {result.steps} steps, validation loss {result.val_loss:.4f}, "
                f"{result.tokens_per_s:.0f} tokens/s; model in {self.config.out}"
            )
        self.accelerator.wait_for_everyone()
        if self.main:
            shutil.rmtree(self.config.out / TOKENS_DIR, ignore_errors=True)
        self.accelerator.end_training()
        return result


def train(config: TrainConfig) -> TrainResult:
    """Train (or resume) the run that ``config`` describes; see the module docstring.

    Works unchanged in one process or several (``torchrun``/``accelerate launch``): each
    process takes every N-th batch, gradients are averaged by DDP, only the main process
    writes files.
    """
    run = _Run(config)
    run.restore()
    return run.run()
