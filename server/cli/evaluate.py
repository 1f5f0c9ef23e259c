"""``lagrangian evaluate``: score a checkpoint (ours or a BART-L folder) on held-out data.

Reports the paper's score S, exact match and the semantic score, by number of fields and
term kind; with ``--out DIR`` also writes ``evaluation.json``, ``evaluation.md`` and the plot
``accuracy_vs_fields.png``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "evaluate",
        help="score a checkpoint: paper score, exact match, semantic accuracy",
        description="Score a checkpoint on a dataset split or on given field sets.",
    )
    add = parser.add_argument
    add("--model", required=True, metavar="RUN", help="checkpoint folder, or 'default'")
    add("--codec", help="token format of a plain Hugging Face folder (e.g. bartl)")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", type=Path, metavar="DIR", help="dataset folder")
    source.add_argument(
        "--fields", action="append", metavar="DECLS", help="a field set (repeatable)"
    )
    add("--split", default="test", choices=["train", "validation", "test"])
    add("--limit", type=int, help="evaluate only the first N examples")
    add("--min-fields", type=int, default=1, help="only field sets of at least this many")
    add("--max-fields", type=int, help="only field sets of at most this many")
    add("--format", choices=["json", "text"], default="text")
    add("--out", type=Path, metavar="DIR", help="write the report and the plot here")
    add("--device", default="auto", help="auto, cpu, cuda or mps (default auto)")
    add("--num-beams", type=int, default=1, help="beam width (default 1: greedy)")
    add("--window", type=int, metavar="K",
        help="answer from every K fields and vote (operators format; 0: off; "
        "default: the checkpoint's choice)")  # fmt: skip
    add("--constrained", action=argparse.BooleanOptionalAction, default=None,
        help="write only monomials that pass the necessary conditions (default: on for the "
        "operators and units formats)")  # fmt: skip
    add("--batch-size", type=int, default=16, help="field sets per model call (default 16)")
    add("--cpu-threads", type=int, help="torch threads on CPU (default: torch's choice)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from lagrangian.model.checkpoint import DEFAULT_CHECKPOINT_DIR, CheckpointError, load_checkpoint
    from lagrangian.model.codec import TokenError, codec_by_name
    from lagrangian.model.device import DeviceError, set_cpu_threads
    from lagrangian.model.generate import GenerationSettings
    from lagrangian.server.cli import CliError
    from lagrangian.training.dataset import read_split
    from lagrangian.training.evaluate import (
        evaluate,
        examples_from_fields,
        examples_from_records,
        plot_accuracy,
        text_report,
    )

    path = DEFAULT_CHECKPOINT_DIR if args.model == "default" else Path(args.model)
    settings = GenerationSettings(
        num_beams=args.num_beams,
        batch_size=args.batch_size,
        window=args.window,
        constrained=args.constrained,
    )
    try:
        settings.check()
        set_cpu_threads(args.cpu_threads)
        loaded = load_checkpoint(path, device=args.device, codec=args.codec)
        codec = codec_by_name(loaded.metadata.codec)
        if args.data is not None:
            most = args.max_fields or 10**9
            records = [
                r
                for r in read_split(args.data, args.split)
                if args.min_fields <= r["n_fields"] <= most
            ][: args.limit]
            examples = examples_from_records(loaded.metadata.codec, records)
        else:
            examples = examples_from_fields(codec, args.fields)
        if not examples:
            raise CliError("no examples to evaluate")
        report = evaluate(loaded, examples, settings)
    except (CheckpointError, DeviceError, TokenError, ValueError, OSError) as error:
        raise CliError(str(error)) from None
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "evaluation.json").write_text(json.dumps(report, indent=2) + "\n")
        (args.out / "evaluation.md").write_text(text_report(report))
        plot_accuracy(report, args.out / "accuracy_vs_fields.png")
    if args.format == "json":
        json.dump(report, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(text_report(report))
    return 0
