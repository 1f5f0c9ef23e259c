"""``lagrangian lsp``: the language server over stdio (default), TCP or WebSocket.

Over stdio the protocol owns stdout: before the server starts, ``sys.stdout`` is pointed
at stderr, so a stray ``print`` anywhere (ours or a library's) lands in the log instead of
corrupting the JSON-RPC stream.  Logs go to stderr, and to ``window/logMessage``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "lsp",
        help="run the language server (stdio by default)",
        description="Run the Lagrangian language server. Editors start it as `lagrangian lsp` "
        "and talk to it over stdin/stdout.",
    )
    transport = parser.add_mutually_exclusive_group()
    transport.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (default)")
    transport.add_argument("--tcp", metavar="HOST:PORT", help="listen for one client over TCP")
    transport.add_argument(
        "--ws", metavar="HOST:PORT", help="listen for clients over WebSocket (one server each)"
    )
    parser.add_argument(
        "--log-level",
        choices=["debug", "info", "warning", "error"],
        default="info",
        help="how much to log on stderr (default: info)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from lagrangian.server.cli import CliError

    configure_logging(args.log_level)
    if args.tcp or args.ws:
        host, port = parse_address(args.tcp or args.ws, "--tcp" if args.tcp else "--ws")
        try:
            if args.tcp:
                from lagrangian.server.lsp_features import create_server

                create_server().start_tcp(host, port)
            else:
                from lagrangian.server.playground import run as run_ws

                run_ws(host, port, None, _announce)
        except OSError as error:
            raise CliError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
        return 0
    from lagrangian.server.lsp_features import create_server

    stdout = sys.stdout.buffer
    sys.stdout = sys.stderr
    create_server().start_io(sys.stdin.buffer, stdout)
    return 0


def parse_address(value: str, flag: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:PORT`` for IPv6); a bad value is a usage error."""
    from lagrangian.server.cli import CliError

    host, sep, port = value.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) < 65536:
        raise CliError(f"{flag} wants HOST:PORT, e.g. 127.0.0.1:2087, not {value!r}")
    return host, int(port)


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(getattr(logging, level.upper()))
    if level != "debug":
        logging.getLogger("pygls").setLevel(logging.WARNING)
        logging.getLogger("websockets").setLevel(logging.WARNING)


def _announce(host: str, port: int) -> None:
    logging.getLogger("lagrangian.lsp").info(
        "listening for LSP over WebSocket on %s:%s", host, port
    )
