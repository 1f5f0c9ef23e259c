"""The ``lagrangian`` command line: a thin dispatcher over one module per subcommand.

Each subcommand lives in its own module of this package exposing ``register(subparsers)``;
the module imports its heavy dependencies only inside the command function, so that
``lagrangian --help`` never loads torch, transformers or sympy.

Bad input anywhere (unreadable file, bad declaration string, unknown flag) ends in one
line on stderr and exit status 2, never a traceback: commands raise ``CliError``.  So does
input the engine refuses as it computes (it raises ``ValueError``, e.g. an irrep too large
for explicit contraction bases).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module
from typing import NoReturn

from lagrangian import __version__
from lagrangian.server.cli.errors import CliError

__all__ = ["CliError", "build_parser", "main"]

# Subcommand modules, in the order ``--help`` lists them.
_COMMAND_MODULES = (
    "generate",
    "check",
    "anomalies",
    "lsp",
    "playground",
    "train",
    "model_server",
    "fit",
    "dataset",
    "evaluate",
)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="lagrangian",
        description="Check, generate and complete particle-physics Lagrangians.",
    )
    parser.add_argument("--version", action="version", version=f"lagrangian {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    for name in _COMMAND_MODULES:
        import_module(f"lagrangian.server.cli.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CliError as error:
        print(f"lagrangian {args.command}: error: {error}", file=sys.stderr)
        return 2
    except ValueError as error:  # the engine refusing input beyond what it can compute
        message = f"input beyond the engine: {error}"
        print(f"lagrangian {args.command}: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"lagrangian {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
