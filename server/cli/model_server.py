"""``lagrangian model-server``: serve a checkpoint over HTTP with dynamic batching.

Loopback by default; ``--host 0.0.0.0`` exposes it (then give ``--token-env``, which names
an environment variable holding the bearer token: a token on the command line would show
in ``ps``).  Endpoints and error codes: see lagrangian.model.model_server.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from lagrangian.model.addresses import is_loopback


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "model-server",
        help="serve the model over HTTP (dynamic batching, bounded queue)",
        description=(
            "Serve a checkpoint over HTTP: GET /v1/health, POST /v1/generate_tokens, and for "
            "physics codecs POST /v1/generate and /v1/complete (verified Lagrangians). "
            "Concurrent requests are batched into one model call."
        ),
    )
    add = parser.add_argument
    add("--model", type=Path, metavar="PATH", help="checkpoint folder (default: shipped model)")
    add("--codec", help="token format of a plain Hugging Face folder (e.g. bartl)")
    add("--device", default="auto", help="auto, cpu, cuda, cuda:N or mps (default auto)")
    add("--dtype", default="auto", choices=["auto", "float32", "bfloat16", "float16"])
    add("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    add("--port", type=int, default=8766, help="port (default 8766; 0 picks a free one)")
    add("--token-env", metavar="VAR", help="environment variable holding the bearer token")
    add("--max-batch", type=int, default=16, help="requests per model call (default 16)")
    add("--max-wait-ms", type=float, default=5.0, help="wait to fill a batch (default 5)")
    add("--queue-size", type=int, default=256, help="waiting requests before 503 (default 256)")
    add("--max-body-bytes", type=int, default=1 << 20, help="request size limit (default 1 MiB)")
    add(
        "--max-connections",
        type=int,
        default=300,
        help="connections served at once, one thread each; more get 503 (default 300)",
    )
    add(
        "--read-deadline",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="time a request has to arrive, headers and body together (default 10)",
    )
    add("--num-beams", type=int, default=1, help="default beam width (default 1: greedy)")
    add("--constrained", action=argparse.BooleanOptionalAction, default=None,
        help="write only monomials that pass the necessary conditions on /v1/generate and "
        "/v1/complete (default: on for the operators and units formats)")  # fmt: skip
    add("--max-new-tokens", type=int, help="default output length limit (default: context)")
    add("--cpu-threads", type=int, help="torch threads on CPU (default: torch's choice)")
    parser.set_defaults(func=run)


def _token(variable: str | None) -> str | None:
    from lagrangian.server.cli import CliError

    if variable is None:
        return None
    token = os.environ.get(variable, "").strip()
    if not token:
        raise CliError(f"--token-env {variable}: the environment variable is unset or empty")
    return token


def run(args: argparse.Namespace) -> int:
    from lagrangian.model.checkpoint import (
        DEFAULT_CHECKPOINT_DIR,
        CheckpointError,
        load_checkpoint,
    )
    from lagrangian.model.codec import codec_by_name
    from lagrangian.model.device import DeviceError, set_cpu_threads
    from lagrangian.model.generate import GenerationSettings
    from lagrangian.model.model_server import ModelServer, ServerSettings, tokens_route
    from lagrangian.model.pipeline import physics_routes
    from lagrangian.server.cli import CliError

    token = _token(args.token_env)
    settings = ServerSettings(
        host=args.host,
        port=args.port,
        token=token,
        max_batch=args.max_batch,
        max_wait_ms=args.max_wait_ms,
        queue_size=args.queue_size,
        max_body_bytes=args.max_body_bytes,
        max_connections=args.max_connections,
        read_deadline_s=args.read_deadline,
    )
    defaults = GenerationSettings(
        num_beams=args.num_beams, max_new_tokens=args.max_new_tokens, constrained=args.constrained
    )
    try:
        settings.check()
        defaults.check()
    except ValueError as error:
        raise CliError(str(error)) from None
    path = args.model or DEFAULT_CHECKPOINT_DIR
    if args.model is None and not path.exists():
        raise CliError(f"no default checkpoint is installed at {path}; pass --model PATH")
    try:
        set_cpu_threads(args.cpu_threads)
        loaded = load_checkpoint(path, device=args.device, codec=args.codec, dtype=args.dtype)
    except (CheckpointError, DeviceError) as error:
        raise CliError(str(error)) from None
    try:
        routes = [tokens_route(loaded, defaults)]
        if hasattr(codec_by_name(loaded.metadata.codec), "encode_fields"):
            routes += physics_routes(loaded, defaults)
        server = ModelServer(routes, settings, info=loaded.describe)
    except OSError as error:
        raise CliError(f"cannot listen on {args.host}:{args.port}: {error.strerror}") from None
    if not is_loopback(args.host) and token is None:
        print(
            f"lagrangian model-server: warning: listening on {args.host} without a token; "
            "anyone who can reach this port can use the model (see --token-env)",
            file=sys.stderr,
        )
    description = loaded.describe()
    print(
        f"lagrangian model-server: serving {description['checkpoint']} "
        f"({description['device']}, {description['dtype']}) on {server.url}",
        file=sys.stderr,
        flush=True,
    )
    serve_until_signalled(server)
    print("lagrangian model-server: stopped", file=sys.stderr)
    return 0


def serve_until_signalled(server: Any) -> None:
    """Serve until SIGINT or SIGTERM, then stop in order (queued requests get a 503).

    The signal only asks another thread to stop the accept loop: a KeyboardInterrupt
    raised at an arbitrary point of the serving thread could land inside the stdlib's
    shutdown handshake or a lock, and the process then never exited (seen under load).
    """
    import signal
    import threading

    def stop(signum: int, frame: Any) -> None:
        threading.Thread(target=server.stop_serving, name="model-stop", daemon=True).start()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    server.serve_forever()
