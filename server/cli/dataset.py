"""``lagrangian dataset build|convert``: (fields -> Lagrangian) training data from the exact
engine, and JSON-lines datasets turned into Arrow token files.

``build`` writes ``train/validation/test.arrow`` (columns ``fields``, ``n_fields``, ``key``,
``kinds``, ``singlet`` and the token ids ``src_F``/``tgt_F`` of each format F) and
``summary.json`` into ``--out``, with local processes (``--workers``) or on a Ray cluster
(``--ray``); an interrupted build resumes where it stopped when run again with the same
arguments.  ``convert DIR`` writes ``DIR/<split>.arrow`` beside each ``DIR/<split>.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "dataset",
        help="build training data with the exact engine",
        description="Build (fields -> Lagrangian) datasets with the exact engine as teacher.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    build = actions.add_parser(
        "build", help="sample field sets and write train/validation/test splits"
    )
    add = build.add_argument
    add("--n", type=int, required=True, help="number of field sets to sample")
    add("--max-fields", type=int, default=6, help="most fields per set (default 6)")
    add("--min-fields", type=int, default=1, help="fewest fields per set (default 1)")
    add("--sampling", choices=["uniform", "enriched"], default="enriched")
    add("--profile", choices=["wide", "standard"], default="wide",
        help="distribution of quantum numbers (default wide; see docs/model.md)")  # fmt: skip
    add("--seed", type=int, default=0, help="seed (the data depends on it only)")
    add("--out", type=Path, required=True, metavar="DIR", help="dataset folder")
    add("--workers", type=int, default=1, help="worker processes (default 1)")
    add("--ray", metavar="ADDRESS",
        help="build on a Ray cluster: auto (this machine's cluster) or its address")  # fmt: skip
    add("--shard-size", type=int, default=250, help="examples per resumable shard")
    add("--compare-sampling", type=int, default=0, metavar="N",
        help="also measure feature shares of N uniform and N enriched sets")  # fmt: skip
    add("--no-progress", action="store_true", help="no progress bar")
    build.set_defaults(func=run)
    convert = actions.add_parser(
        "convert", help="convert DIR/{train,validation,test}.jsonl to Arrow token files"
    )
    convert.add_argument("folder", type=Path, metavar="DIR", help="dataset folder")
    convert.add_argument(
        "--codec", action="append", default=[], metavar="FORMAT=CODEC",
        help="codec (name or module:attribute) of a format that is not a codec name",
    )  # fmt: skip
    convert.set_defaults(func=run_convert)


def run(args: argparse.Namespace) -> int:
    from lagrangian.server.cli import CliError
    from lagrangian.training.dataset import BuildSettings, build_dataset, compare_sampling

    if args.workers < 1:
        raise CliError("--workers must be at least 1")
    if args.ray is not None and args.workers != 1:
        raise CliError("--workers is for local builds; a Ray build uses the cluster's CPUs")
    settings = BuildSettings(
        n=args.n,
        max_fields=args.max_fields,
        min_fields=args.min_fields,
        sampling=args.sampling,
        profile=args.profile,
        seed=args.seed,
        shard_size=args.shard_size,
    )
    try:
        summary = build_dataset(
            args.out, settings, args.workers, not args.no_progress, ray=args.ray
        )
    except (ValueError, OSError) as error:
        raise CliError(str(error)) from None
    if args.compare_sampling > 0:
        summary["sampling_comparison"] = compare_sampling(
            args.compare_sampling, args.max_fields, args.seed, args.profile
        )
        (args.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    json.dump(summary, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


def run_convert(args: argparse.Namespace) -> int:
    from lagrangian.server.cli import CliError
    from lagrangian.training.convert import convert_dataset

    codecs = {}
    for item in args.codec:
        name, equals, codec = item.partition("=")
        if not (name and equals and codec):
            raise CliError(f"--codec {item!r}: expected FORMAT=CODEC")
        codecs[name] = codec
    try:
        counts = convert_dataset(args.folder, codecs)
    except (ValueError, OSError) as error:
        raise CliError(str(error)) from None
    json.dump({"converted": counts}, sys.stdout)
    sys.stdout.write("\n")
    return 0
