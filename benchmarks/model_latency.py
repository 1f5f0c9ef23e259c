"""Generation latency of a checkpoint (default: the shipped one) for 1, 3 and 6 fields.

    python benchmarks/model_latency.py [--model PATH] [--device cpu] [--repeats 3]
        [--threads 1] [--profile standard] [--window K] [--[no-]constrained] [--json out.json]
        [--compare previous.json]

Each measurement is the full pipeline for one field set: encoding, greedy generation,
decoding and verification by the engine (with engine fill-in).  Field sets are sampled with
a fixed seed (enriched sampling, the ``standard`` profile by default) so two runs time the
same inputs.  Prints the median
seconds per field set and the number of generated tokens; ``--compare`` adds the ratio to
a previous ``--json`` output.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="checkpoint folder (default: shipped model)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--repeats", type=int, default=3, help="field sets per size")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    parser.add_argument("--sizes", default="1,3,6", help="numbers of fields")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", default="standard", help="sampling profile of the fields")
    parser.add_argument("--window", type=int, help="field window (default: the checkpoint's)")
    parser.add_argument(
        "--constrained", action=argparse.BooleanOptionalAction, help="default: the format's"
    )
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--compare", type=Path, help="a previous --json output")
    args = parser.parse_args()

    from lagrangian.model.checkpoint import DEFAULT_CHECKPOINT_DIR, load_checkpoint
    from lagrangian.model.device import set_cpu_threads
    from lagrangian.model.generate import GenerationSettings
    from lagrangian.model.pipeline import generate
    from lagrangian.training.sampling import profile_config, sample_fields, to_model

    set_cpu_threads(args.threads)
    loaded = load_checkpoint(args.model or DEFAULT_CHECKPOINT_DIR, device=args.device)
    settings = GenerationSettings(window=args.window, constrained=args.constrained)
    previous = json.loads(args.compare.read_text()) if args.compare else {}
    warm = profile_config(args.profile, 1, 1)
    generate([to_model(sample_fields(random.Random(1), warm))], loaded, settings)
    results: dict[str, dict[str, float]] = {}
    for size in (int(s) for s in args.sizes.split(",")):
        rng = random.Random(f"{args.seed}:{size}")
        config = profile_config(args.profile, size, size)
        times, lengths = [], []
        for _ in range(args.repeats):
            model = to_model(sample_fields(rng, config, "enriched"))
            started = time.perf_counter()
            (result,) = generate([model], loaded, settings)
            times.append(time.perf_counter() - started)
            lengths.append(len(result.output))
        row = {
            "median_s": round(statistics.median(times), 4),
            "mean_tokens": round(statistics.fmean(lengths), 1),
        }
        results[str(size)] = row
        line = f"{size} field(s): {row['median_s']:.3f} s median, {row['mean_tokens']:.0f} tokens"
        if str(size) in previous.get("results", {}):
            line += f" ({row['median_s'] / previous['results'][str(size)]['median_s']:.2f}x prev)"
        print(line)
    payload = {"device": loaded.describe(), "threads": args.threads, "results": results}
    if args.json:
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
