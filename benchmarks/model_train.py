"""Training throughput (real source + target tokens per second) of a BART preset.

Runs the real training loop (lagrangian.training.train) for ``--steps`` steps on random
token data of realistic lengths and reports the tokens per second it logged, excluding the
first ``--log-every`` steps (warm-up, allocations).

    python benchmarks/model_train.py [--preset tiny] [--steps 60] [--batch-size 32]
        [--src-length 40] [--tgt-length 120] [--device auto] [--cpu-threads N]
        [--json out.json] [--compare previous.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

from model_synthetic import write_dataset

from lagrangian.model.device import set_cpu_threads
from lagrangian.training.config import TrainConfig
from lagrangian.training.metrics import METRICS_FILE
from lagrangian.training.train import train


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="tiny", choices=["small", "tiny", "base", "large"])
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--log-every", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--src-length", type=int, default=40, help="mean source tokens")
    parser.add_argument("--tgt-length", type=int, default=120, help="mean target tokens")
    parser.add_argument("--device", default="auto", choices=["auto", "cpu"])
    parser.add_argument("--cpu-threads", type=int)
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--compare", type=Path, help="a previous --json output")
    args = parser.parse_args()
    set_cpu_threads(args.cpu_threads)

    with tempfile.TemporaryDirectory() as scratch:
        examples = args.batch_size * args.steps
        data = write_dataset(Path(scratch) / "data", examples, args.src_length, args.tgt_length, 0)
        config = TrainConfig(
            data=data,
            out=Path(scratch) / "run",
            preset=args.preset,
            format="synthetic",
            batch_size=args.batch_size,
            max_steps=args.steps,
            log_every=args.log_every,
            save_every=args.steps,
            device=args.device,
        )
        result = train(config)
        records = [
            json.loads(line) for line in (config.out / METRICS_FILE).read_text().splitlines()
        ]
    start = next(r for r in records if r["event"] == "start")
    rates = [r["tokens_per_s"] for r in records if r["event"] == "train"][1:]
    output = {
        "preset": args.preset,
        "hardware": start["hardware"],
        "mixed_precision": start["mixed_precision"],
        "parameters": start["parameters"],
        "batch_size": args.batch_size,
        "steps": result.steps,
        "tokens_per_s_median": round(statistics.median(rates), 1),
        "tokens_per_s_all": rates,
    }
    print(
        f"{args.preset} ({start['parameters'] / 1e6:.1f}M) on {start['hardware']}, "
        f"mixed precision {start['mixed_precision']}, batch {args.batch_size}: "
        f"{output['tokens_per_s_median']:.0f} tokens/s (median over {len(rates)} windows)"
    )
    if args.json:
        args.json.write_text(json.dumps(output, indent=2))
    if args.compare:
        previous = json.loads(args.compare.read_text())
        old, new = previous["tokens_per_s_median"], output["tokens_per_s_median"]
        print(f"compared with {args.compare}: {old:.0f} -> {new:.0f} tokens/s (x{new / old:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
