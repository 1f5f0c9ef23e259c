"""``lagrangian check``: diagnostics for a ``.lag`` or ``.tex`` file.

Exit status 1 when any diagnostic is an error, 0 otherwise (warnings and hints do not fail
a build); 2 for unusable input, as for every command.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check",
        help="check every term of a .lag or .tex file",
        description="Check declarations and terms: gauge invariance, charges, Lorentz "
        "structure, mass dimension, vanishing terms, duplicates, missing + h.c.",
    )
    parser.add_argument("file", type=Path, help=".lag or .tex file")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from lagrangian.physics.checks import check_document
    from lagrangian.server.cli.sources import parse_path
    from lagrangian.server.output import render_diagnostics

    diagnostics = check_document(parse_path(args.file))
    sys.stdout.write(render_diagnostics(args.file, diagnostics, args.format))
    return 1 if any(d.severity == "error" for d in diagnostics) else 0
