"""``lagrangian generate``: the complete renormalizable Lagrangian of a field content.

Formats: ``text`` (a ``.lag`` document: declarations and ``L = …``, which ``lagrangian
check`` accepts back), ``latex`` (an ``align`` environment with a ``% lagrangian:`` directive;
``--notation four-component`` prints it as papers do, ``physics.paper.latex``),
``tokens`` (BART-L tokens: the fields line, then one term per line) and ``json`` (the stable
contract: ``{"fields": [...], "terms": [...]}``).  ``--max-dimension D`` adds the effective
operators of dimension 5 to D (``physics/eft``): explicit terms where the basis machinery
writes them, every class with its exact count.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "generate",
        help="print the complete renormalizable Lagrangian of a field content",
        description="Print every gauge-invariant renormalizable term of a field content.",
    )
    parser.add_argument("file", nargs="?", type=Path, help=".lag or .tex file with declarations")
    parser.add_argument(
        "--fields",
        metavar="DECLS",
        help='declarations separated by ";", e.g. "scalar H (1,2,1/2); fermion L (1,2,-1/2) left"',
    )
    parser.add_argument(
        "--engine",
        choices=["exact", "model"],
        default="exact",
        help="exact: the group-theory engine (default); model: the Lagrangian model, "
        "verified and completed by the engine",
    )
    parser.add_argument(
        "--model", type=Path, metavar="PATH", help="checkpoint folder (default: shipped model)"
    )
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda or mps (default auto)")
    parser.add_argument("--num-beams", type=int, default=1, help="beam width (default 1)")
    parser.add_argument("--format", choices=["text", "latex", "tokens", "json"], default="text")
    parser.add_argument(
        "--max-dimension",
        type=int,
        default=4,
        metavar="D",
        help="also list the operators of dimension 5 to D (at most 12), modulo integration "
        "by parts and the equations of motion (default 4: the renormalizable Lagrangian)",
    )
    parser.add_argument(
        "--notation",
        choices=["two-component", "four-component"],
        default="two-component",
        help="for --format latex: two-component (Weyl terms, one per row; default) or "
        "four-component (Dirac notation grouped by kind, as papers print it)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from lagrangian.physics.api import engine_terms
    from lagrangian.server.cli.sources import load_model
    from lagrangian.server.output import render_generated

    model = load_model(args.file, args.fields)
    if args.max_dimension != 4:
        return _effective_output(model, args)
    if args.engine == "exact":
        terms = engine_terms(model)
        sys.stdout.write(render_generated(model, terms, args.format, notation=args.notation))
        return 0
    sys.stdout.write(_model_output(model, args))
    return 0


def _effective_output(model: Any, args: argparse.Namespace) -> int:
    """The complete Lagrangian up to ``--max-dimension``: explicit terms and every class."""
    from lagrangian.physics.api import engine_terms
    from lagrangian.physics.eft.operators import EFTError, lagrangian_terms
    from lagrangian.server.cli import CliError
    from lagrangian.server.output import render_generated

    if args.max_dimension < 4:
        raise CliError(f"--max-dimension must be at least 4, got {args.max_dimension}")
    if args.engine != "exact":
        raise CliError("--max-dimension above 4 needs --engine exact")
    try:
        terms, operators = lagrangian_terms(model, args.max_dimension)
    except EFTError as error:
        raise CliError(str(error)) from None
    written = engine_terms(model, terms)
    sys.stdout.write(render_generated(model, written, args.format, operators, args.notation))
    return 0


def _model_output(model: Any, args: argparse.Namespace) -> str:
    """The model's Lagrangian, verified; JSON carries sources and the model block, other
    formats print the terms and a one-line summary on stderr."""
    import json

    from lagrangian.model.checkpoint import DEFAULT_CHECKPOINT_DIR, CheckpointError, load_checkpoint
    from lagrangian.model.codec import TokenError
    from lagrangian.model.device import DeviceError
    from lagrangian.model.generate import GenerationSettings
    from lagrangian.model.pipeline import generate
    from lagrangian.server.cli import CliError
    from lagrangian.server.output import render_generated

    path = args.model or DEFAULT_CHECKPOINT_DIR
    if args.model is None and not path.exists():
        raise CliError(f"no default checkpoint is installed at {path}; pass --model PATH")
    try:
        loaded = load_checkpoint(path, device=args.device)
        settings = GenerationSettings(num_beams=args.num_beams)
        (result,) = generate([model], loaded, settings)
    except (CheckpointError, DeviceError, TokenError, ValueError) as error:
        raise CliError(str(error)) from None
    if args.format == "json":
        return json.dumps(result.payload(), indent=2, ensure_ascii=False) + "\n"
    info = result.info
    print(
        f"lagrangian generate: model proposed {info['generated']} terms, "
        f"{info['verified']} verified, {info['dropped']} dropped; the engine filled in "
        f"{sum(s == 'engine' for _, s in result.verification.terms)}",
        file=sys.stderr,
    )
    terms = [t for t, _ in result.engine_terms()]
    return render_generated(model, terms, args.format, notation=args.notation)
