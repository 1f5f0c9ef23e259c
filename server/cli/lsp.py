"""``lagrangian lsp``: the language server over stdio (default), TCP or WebSocket.

Over stdio the protocol owns stdout: before the server starts, ``sys.stdout`` is pointed
at stderr, so a stray ``print`` anywhere (ours or a library's) lands in the log instead of
corrupting the JSON-RPC stream.  Logs go to stderr, and to ``window/logMessage``.

Over stdio the client is the editor that started the server, and trusted.  Over TCP or
WebSocket it is whoever reaches the port, so those transports run untrusted
(``lagrangian.server.lsp.trust``): the operator's flags here fix the settings that load a
model or call out, and ``--allow-origin`` names web pages besides the server's own that
may connect (docs/security.md).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from lagrangian.server.lsp.settings import COMPLETION_SOURCES, read_settings
from lagrangian.server.lsp.trust import Policy
from lagrangian.server.playground.serve import Endpoint


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
    add_operator_flags(parser)
    parser.set_defaults(func=run)


def add_operator_flags(parser: Any) -> None:
    """Flags fixing, for untrusted network clients, what a client may not choose."""
    group = parser.add_argument_group(
        "network clients (--tcp, --ws, the playground)",
        "Clients over the network are untrusted: these settings are the operator's, "
        "whatever the client sends.",
    )
    group.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="also accept WebSocket connections from pages of ORIGIN, e.g. "
        "https://demo.example.org (repeatable; the server's own origin is always accepted)",
    )
    group.add_argument(
        "--completion-source",
        choices=COMPLETION_SOURCES,
        default="exact",
        help="where completions come from (default: exact)",
    )
    group.add_argument(
        "--model-server-url", default="", help="a model server for completions (default: none)"
    )
    group.add_argument(
        "--fit-llm", default="builtin", help="the LLM behind fit blocks (default: builtin)"
    )


def endpoint_from(args: argparse.Namespace, static_dir: Path | None) -> Endpoint:
    """The operator's flags as an ``Endpoint``; a bad value is a usage error."""
    from lagrangian.server.cli import CliError

    raw = {
        "completionSource": args.completion_source,
        "modelServerUrl": args.model_server_url,
        "fit": {"llm": args.fit_llm},
    }
    operator, problems = read_settings(raw)
    if problems:
        raise CliError(problems[0].replace("lagrangian.", "--", 1))
    origins = []
    for origin in args.allow_origin:
        parsed = urlparse(origin)
        if parsed.scheme not in ("http", "https") or not parsed.netloc or parsed.path.strip("/"):
            raise CliError(
                f"--allow-origin wants an origin such as https://example.org, not {origin!r}"
            )
        origins.append(origin)
    return Endpoint(static_dir=static_dir, operator=operator, allow_origins=tuple(origins))


def run(args: argparse.Namespace) -> int:
    from lagrangian.server.cli import CliError

    configure_logging(args.log_level)
    if args.tcp or args.ws:
        host, port = parse_address(args.tcp or args.ws, "--tcp" if args.tcp else "--ws")
        endpoint = endpoint_from(args, None)
        try:
            if args.tcp:
                from lagrangian.server.lsp.tcp import run_tcp

                run_tcp(host, port, Policy.untrusted(endpoint.operator), _announce)
            else:
                from lagrangian.server.playground.serve import run as run_ws

                run_ws(host, port, endpoint, _announce)
        except OSError as error:
            raise CliError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
        return 0
    from lagrangian.server.lsp.features import create_server

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
    logging.getLogger("lagrangian.lsp").info("listening for LSP on %s:%s", host, port)
