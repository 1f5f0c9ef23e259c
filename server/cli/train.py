"""``lagrangian train``: train a BART preset on a token dataset (see lagrangian.training.train).

Runs unchanged in one process or several: ``torchrun --nproc_per_node N -m
lagrangian.server.cli train ...`` or ``accelerate launch -m lagrangian.server.cli train ...``.
With ``--resume`` every setting not given on the command line is taken from the run folder,
so ``lagrangian train --out RUN --resume`` continues an interrupted run as it was started.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

# Options whose value is taken from the saved run when --resume is given and they are not.
_RESUMABLE = (
    "data",
    "preset",
    "format",
    "codec",
    "epochs",
    "batch_size",
    "lr",
    "max_steps",
    "seed",
    "warmup_steps",
    "weight_decay",
    "length_window",
    "log_every",
    "eval_every",
    "save_every",
    "keep_checkpoints",
    "device",
    "mixed_precision",
    "init_from",
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "train",
        help="train a BART model on a dataset of token sequences",
        description=(
            "Train a BART preset on DIR/train and DIR/validation (.arrow token files, or "
            ".jsonl with keys src_FORMAT and tgt_FORMAT). Writes checkpoints, metrics.jsonl "
            "and loss.png into RUN; the final model is RUN itself."
        ),
    )
    add = parser.add_argument
    add("--preset", choices=["small", "tiny", "base", "large"], help="model size (default tiny)")
    add("--data", type=Path, metavar="DIR", help="dataset folder")
    add("--out", type=Path, metavar="RUN", required=True, help="run folder")
    add("--format", help="token format, e.g. compact or bartl (default compact)")
    add("--codec", help="codec name or module:attribute (default: the format's codec)")
    add("--epochs", type=int, help="passes over the training data (default 10)")
    add("--batch-size", type=int, help="examples per step and process (default 32)")
    add("--lr", type=float, help="peak learning rate (default: the preset's)")
    add("--max-steps", type=int, help="optimizer steps; overrides --epochs")
    add("--resume", action="store_true", help="continue the run in RUN from its last checkpoint")
    add("--seed", type=int, help="seed for initialisation and data order (default 0)")
    add("--warmup-steps", type=int, help="linear warm-up steps (default: the preset's)")
    add("--weight-decay", type=float, help="AdamW weight decay (default 0.01)")
    add("--length-window", type=int, help="batches sorted by length together (default 50)")
    add("--log-every", type=int, help="steps between loss/throughput records (default 50)")
    add("--eval-every", type=int, help="steps between validations (default: every epoch)")
    add("--save-every", type=int, help="steps between checkpoints (default: every epoch)")
    add("--keep-checkpoints", type=int, help="checkpoints kept in RUN/checkpoints (default 2)")
    add("--device", choices=["auto", "cpu"], help="auto: GPU when present (default auto)")
    add(
        "--mixed-precision",
        choices=["auto", "no", "bf16", "fp16"],
        help="auto: bf16 (or fp16) on GPU, none on CPU (default auto)",
    )
    add("--init-from", type=Path, metavar="CHECKPOINT",
        help="start from this checkpoint's weights (same preset and format; 'default': the "
        "shipped one), with a fresh optimizer and schedule")  # fmt: skip
    add("--cpu-threads", type=int, help="torch threads on CPU (default: torch's choice)")
    parser.set_defaults(func=run)


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    """The run settings: command line first, then (with --resume) the saved run."""
    from lagrangian.server.cli import CliError
    from lagrangian.training.run_folder import RUN_CONFIG_FILE

    given = {name: getattr(args, name) for name in _RESUMABLE if getattr(args, name) is not None}
    if args.resume:
        saved_path = args.out / RUN_CONFIG_FILE
        if not saved_path.is_file():
            raise CliError(f"{args.out}: nothing to resume ({RUN_CONFIG_FILE} is missing)")
        try:
            saved = json.loads(saved_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CliError(f"{saved_path}: unreadable ({error})") from None
        given = {**{k: saved[k] for k in _RESUMABLE if k in saved}, **given}
    if given.get("data") is None:
        raise CliError("--data DIR is required")
    return given


def run(args: argparse.Namespace) -> int:
    from lagrangian.model.device import DeviceError, set_cpu_threads
    from lagrangian.server.cli import CliError
    from lagrangian.training.config import TrainConfig, TrainingError
    from lagrangian.training.train import train

    settings = _settings(args)
    if str(settings.get("init_from")) == "default":
        from lagrangian.model.checkpoint import DEFAULT_CHECKPOINT_DIR

        settings["init_from"] = DEFAULT_CHECKPOINT_DIR
    try:
        set_cpu_threads(args.cpu_threads)
        result = train(TrainConfig(out=args.out, resume=args.resume, **settings))
    except (TrainingError, DeviceError) as error:
        raise CliError(str(error)) from None
    except OSError as error:
        raise CliError(f"{error.filename or args.out}: {error.strerror or error}") from None
    if int(os.environ.get("RANK", "0")) == 0:  # one summary, not one per process
        summary = {key: value for key, value in vars(result).items() if key != "out"}
        sys.stdout.write(json.dumps({"out": str(result.out), **summary}) + "\n")
    return 0
