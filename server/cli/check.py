"""``lagrangian check``: diagnostics for a ``.lag`` or ``.tex`` file.

Exit status 1 when any diagnostic is an error, 0 otherwise (warnings and hints do not fail
a build); 2 for unusable input, as for every command.

The file goes through the language server's own pipeline (``documents.build_snapshot``), so
the command line reports exactly what the editor shows and has the same guards: a term too
large to check is reported, not handed to the engine, and repeated terms are checked once.
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
    from lagrangian.server.cli.sources import read_document
    from lagrangian.server.lsp.documents import build_snapshot
    from lagrangian.server.output import render_diagnostics

    uri, text, syntax, sidecar = read_document(args.file)
    diagnostics = build_snapshot(uri, None, text, syntax, sidecar).analysis.diagnostics
    sys.stdout.write(render_diagnostics(args.file, diagnostics, args.format))
    return 1 if any(d.severity == "error" for d in diagnostics) else 0
