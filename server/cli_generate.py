"""``lagrangian generate``: the complete renormalizable Lagrangian of a field content.

Formats: ``text`` (a ``.lag`` document: declarations and ``L = …``, which ``lagrangian
check`` accepts back), ``latex`` (an ``align`` environment with a ``% lagrangian:`` directive),
``tokens`` (BART-L tokens: the fields line, then one term per line) and ``json`` (the stable
contract: ``{"fields": [...], "terms": [...]}``).
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
    parser.add_argument("--engine", choices=["exact"], default="exact")
    parser.add_argument("--format", choices=["text", "latex", "tokens", "json"], default="text")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from lagrangian.physics.api import engine_terms
    from lagrangian.physics.fields import build_model
    from lagrangian.server.cli import CliError
    from lagrangian.server.output import render_generated
    from lagrangian.server.sources import first_error, parse_fields_option, parse_path

    if (args.file is None) == (args.fields is None):
        raise CliError("give either FILE or --fields DECLS (exactly one)")
    if args.fields is not None:
        document = parse_fields_option(args.fields)
        label = "--fields"
    else:
        document = parse_path(args.file)
        label = str(args.file)
        first_error(document, label)
    model, problems = build_model(document.gauge, document.fields)
    for problem in problems:
        start = problem.span.start
        where = (
            f"column {start.character + 1}"
            if args.fields
            else f"{start.line + 1}:{start.character + 1}"
        )
        raise CliError(f"{label}: {where}: {problem.message}")
    if not model.fields:
        raise CliError(f"{label}: no fields declared")
    sys.stdout.write(render_generated(model, engine_terms(model), args.format))
    return 0
