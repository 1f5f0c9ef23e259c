"""``lagrangian playground``: the "try it yourself" page and its language server.

Serves ``server/playground/static/`` and LSP over WebSocket at ``/lsp`` on one port,
loopback only unless ``--host`` says otherwise.  Every client is untrusted: it cannot
make the server read or write a file, call out, or load a model, and only pages of the
server's own origin (and those named with ``--allow-origin``) may connect
(docs/security.md).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from lagrangian.model.addresses import is_loopback
from lagrangian.server.cli.lsp import add_operator_flags


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "playground",
        help="serve the browser playground (editor, rendered Lagrangian, diagnostics)",
        description="Serve the browser playground and its language server on one port.",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=8765,
        help="port to listen on; 0 picks a free one (default: 8765)",
    )
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    parser.add_argument(
        "--log-level", choices=["debug", "info", "warning", "error"], default="warning"
    )
    add_operator_flags(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from lagrangian.server.cli import CliError
    from lagrangian.server.cli.lsp import configure_logging, endpoint_from
    from lagrangian.server.playground.serve import STATIC_DIR
    from lagrangian.server.playground.serve import run as serve

    if not (STATIC_DIR / "index.html").is_file():
        raise CliError(
            f"the playground page is not built ({STATIC_DIR / 'index.html'} is missing): "
            "run `npm ci && npm run build` in playground/"
        )
    if not 0 <= args.port < 65536:
        raise CliError(f"--port must be between 0 and 65535, not {args.port}")
    configure_logging(args.log_level)
    endpoint = endpoint_from(args, STATIC_DIR)
    if not is_loopback(args.host):
        print(
            f"warning: listening on {args.host}: anyone who can reach it can use this server",
            file=sys.stderr,
        )

    def ready(host: str, port: int) -> None:
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{port}/"
        print(f"Lagrangian playground at {url} (Ctrl-C stops it)", flush=True)
        if not args.no_browser:
            import webbrowser

            webbrowser.open(url)

    try:
        serve(args.host, args.port, endpoint, ready)
    except OSError as error:
        raise CliError(
            f"cannot listen on {args.host}:{args.port}: {error.strerror or error}"
        ) from None
    return 0
