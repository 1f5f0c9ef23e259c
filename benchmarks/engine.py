"""Speed of the exact engine and of the ``generate``/``check`` commands (issue 3 goals).

    python benchmarks/engine.py [--models 40] [--seed 1] [--json out.json] [--compare prev.json]

Goals: the complete Standard Model under 50 ms warm and the whole ``lagrangian generate``
process under 1.5 s; random 6-field sets (SU(3) up to the octet, SU(2) up to the triplet)
p95 under 250 ms; 12 fields under 3 s; ``check`` of a 300-term document under 200 ms warm;
``import lagrangian`` and ``lagrangian --help`` without torch or transformers.
Random models are timed with every engine cache cleared first (cold), the Standard Model
both cold and warm.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from lagrangian.grammar import parse_document
from lagrangian.physics import basis, monomials
from lagrangian.physics.api import engine_terms
from lagrangian.physics.checks import analyze
from lagrangian.physics.counting import clear_caches
from lagrangian.server.cli.sources import parse_path
from lagrangian.server.output import render_generated
from lagrangian.training.sampling import SamplingConfig, sample_fields, to_model

ROOT = Path(__file__).resolve().parents[1]
SM = ROOT / "examples" / "standard_model.lag"
# 281 terms: four doublets, three real singlets and a real triplet
BIG = (
    "scalar H1 (1,2,1/2); scalar H2 (1,2,1/2); scalar H3 (1,2,1/2); scalar H4 (1,2,1/2); "
    "scalar S1 (1,1,0) real; scalar S2 (1,1,0) real; scalar S3 (1,1,0) real; "
    "scalar T (1,3,0) real"
)


def clear() -> None:
    clear_caches()
    monomials._count_cached.cache_clear()
    monomials._basis_cached.cache_clear()
    basis._points_cached.cache_clear()


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def standard_model() -> dict[str, float]:
    document = parse_path(SM)
    from lagrangian.physics.fields import build_model

    model, _ = build_model(document.gauge, document.fields)

    def full() -> None:
        terms = engine_terms(model)
        render_generated(model, terms, "json")

    clear()
    cold = timed(full, 1)[0]
    warm = timed(full, 20)
    return {"sm_cold_ms": ms(cold), "sm_warm_median_ms": ms(statistics.median(warm))}


def process_times() -> dict[str, float]:
    def cmd(*args: str) -> float:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "lagrangian.server.cli", *args],
            check=False,
            capture_output=True,
        )
        return time.perf_counter() - start

    generate = [cmd("generate", str(SM)) for _ in range(5)]
    help_ = [cmd("--help") for _ in range(5)]
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, lagrangian.server.cli as c\n"
            "try:\n c.main(['--help'])\nexcept SystemExit:\n pass\n"
            "print(sorted(m for m in ('torch','transformers') if m in sys.modules))",
        ],
        capture_output=True,
        text=True,
    )
    return {
        "generate_process_median_ms": ms(statistics.median(generate)),
        "help_process_median_ms": ms(statistics.median(help_)),
        "heavy_modules_after_help": probe.stdout.strip().splitlines()[-1],
    }


def random_models(n_models: int, n_fields: int, seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    config = SamplingConfig(min_fields=n_fields, max_fields=n_fields)
    times, terms = [], []
    for _ in range(n_models):
        model = to_model(sample_fields(rng, config, "enriched"))
        clear()
        start = time.perf_counter()
        terms.append(len(engine_terms(model)))
        times.append(time.perf_counter() - start)
    key = f"fields{n_fields}"
    return {
        f"{key}_p50_ms": ms(statistics.median(times)),
        f"{key}_p95_ms": ms(percentile(times, 0.95)),
        f"{key}_max_ms": ms(max(times)),
        f"{key}_mean_terms": round(statistics.mean(terms), 1),
    }


def check_document() -> dict[str, float]:
    from lagrangian.grammar import parse_declarations
    from lagrangian.physics.fields import build_model

    decls = parse_declarations(BIG)
    model, _ = build_model(decls.gauge, decls.fields)
    text = render_generated(model, engine_terms(model), "text")
    n_terms = len(parse_document(text).terms)
    analyze(parse_document(text))  # warm
    warm = timed(lambda: analyze(parse_document(text)), 10)
    return {"check_terms": n_terms, "check_warm_median_ms": ms(statistics.median(warm))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--compare", type=Path)
    args = parser.parse_args()
    results: dict[str, object] = {}
    results.update(standard_model())
    results.update(random_models(args.models, 6, args.seed))
    results.update(random_models(max(5, args.models // 4), 12, args.seed))
    results.update(check_document())
    results.update(process_times())
    previous = json.loads(args.compare.read_text()) if args.compare else {}
    for key, value in results.items():
        before = previous.get(key)
        change = ""
        if isinstance(value, float) and isinstance(before, (int, float)) and before:
            change = f"   (was {before}, {100 * (value - before) / before:+.0f}%)"
        print(f"{key:32} {value}{change}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
