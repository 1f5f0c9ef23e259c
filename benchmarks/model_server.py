"""Model-server throughput under concurrent load: dynamic batching on vs off.

Starts the real HTTP server in-process on a loopback port (once with batching, once with
``max_batch=1``), fires ``--requests`` requests from ``--clients`` threads through the
real client, and reports requests per second (one request = one Lagrangian), latency
percentiles and the batch sizes the server formed.  Without ``--model`` it serves an
untrained tiny model whose outputs are exactly ``--max-new-tokens`` long (see
model_synthetic.py), so both modes do identical work.

    python benchmarks/model_server.py [--model PATH] [--clients 16] [--requests 64]
        [--max-new-tokens 32] [--num-beams 1] [--max-batch 16] [--max-wait-ms 5]
        [--device auto] [--cpu-threads N] [--json out.json] [--compare previous.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from model_synthetic import random_sources, save_fixed_length_model

from lagrangian.model.checkpoint import load_checkpoint
from lagrangian.model.client import ModelClient
from lagrangian.model.device import set_cpu_threads
from lagrangian.model.generate import GenerationSettings
from lagrangian.model.model_server import ModelServer, ServerSettings, tokens_route


def run_mode(
    loaded: Any, args: argparse.Namespace, max_batch: int, wait_ms: float
) -> dict[str, Any]:
    """Serve, load, measure; return the numbers of one configuration."""
    defaults = GenerationSettings(num_beams=args.num_beams, max_new_tokens=args.max_new_tokens)
    settings = ServerSettings(
        port=0, max_batch=max_batch, max_wait_ms=wait_ms, queue_size=max(256, args.requests)
    )
    sources = random_sources(args.requests, args.source_length, seed=1)
    with ModelServer([tokens_route(loaded, defaults)], settings, info=loaded.describe) as server:
        client = ModelClient(server.url, retries=0, timeout_s=600)
        client.generate_tokens(sources[:1])  # warm-up: first-call allocations
        before = client.health()

        def one(source: str) -> float:
            started = time.perf_counter()
            client.generate_tokens([source])
            return time.perf_counter() - started

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            latencies = sorted(pool.map(one, sources))
        elapsed = time.perf_counter() - started
        after = client.health()
    batches = after["batches_served"] - before["batches_served"]
    return {
        "max_batch": max_batch,
        "max_wait_ms": wait_ms,
        "requests": args.requests,
        "seconds": round(elapsed, 3),
        "requests_per_s": round(args.requests / elapsed, 3),
        "latency_p50_s": round(statistics.median(latencies), 3),
        "latency_p95_s": round(latencies[int(0.95 * (len(latencies) - 1))], 3),
        "batches": batches,
        "mean_batch": round(args.requests / max(batches, 1), 2),
    }


def compare(current: dict[str, Any], previous_path: Path) -> None:
    previous = json.loads(previous_path.read_text())
    print(f"\ncompared with {previous_path}:")
    for mode in ("batching_on", "batching_off"):
        old, new = (
            previous["results"][mode]["requests_per_s"],
            current["results"][mode]["requests_per_s"],
        )
        print(f"  {mode:13s} {old:8.2f} -> {new:8.2f} requests/s  (x{new / old:.2f})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="checkpoint (default: synthetic tiny model)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=64)
    parser.add_argument("--source-length", type=int, default=24, help="tokens per source")
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument("--num-beams", type=int, default=1)
    parser.add_argument("--max-batch", type=int, default=16)
    parser.add_argument("--max-wait-ms", type=float, default=5.0)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--cpu-threads", type=int)
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--compare", type=Path, help="a previous --json output")
    args = parser.parse_args()
    set_cpu_threads(args.cpu_threads)

    with tempfile.TemporaryDirectory() as scratch:
        path = args.model or save_fixed_length_model(Path(scratch) / "synthetic-tiny")
        loaded = load_checkpoint(path, device=args.device)
        description = loaded.describe()
        print(
            f"model {description['preset']} on {description['device']} ({description['dtype']}); "
            f"{args.requests} requests from {args.clients} clients, "
            f"{args.max_new_tokens} new tokens, beams {args.num_beams}",
            file=sys.stderr,
        )
        results = {
            "batching_on": run_mode(loaded, args, args.max_batch, args.max_wait_ms),
            "batching_off": run_mode(loaded, args, 1, 0.0),
        }
    on, off = results["batching_on"], results["batching_off"]
    header = ("mode", "req/s", "p50 s", "p95 s", "batches", "mean batch")
    print("{:13s} {:>8s} {:>7s} {:>7s} {:>8s} {:>10s}".format(*header))
    for mode, r in results.items():
        print(
            f"{mode:13s} {r['requests_per_s']:8.2f} {r['latency_p50_s']:7.3f} "
            f"{r['latency_p95_s']:7.3f} {r['batches']:8d} {r['mean_batch']:10.2f}"
        )
    print(f"speed-up from batching: x{on['requests_per_s'] / off['requests_per_s']:.2f}")
    settings = {key: str(value) for key, value in vars(args).items()}
    output = {"model": description, "settings": settings, "results": results}
    if args.json:
        args.json.write_text(json.dumps(output, indent=2))
    if args.compare:
        compare(output, args.compare)
    return 0


if __name__ == "__main__":
    sys.exit(main())
