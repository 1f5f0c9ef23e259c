"""Benchmark of exact invariant counting on random field sets.

Mimics a complete-Lagrangian enumeration: for each random model (``--fields`` fields with
SU(3) reps up to the octet, SU(2) up to the triplet, small hypercharges, scalars and left
Weyl fermions) every renormalizable monomial without derivatives is counted (scalars up
to quartic, fermion bilinears, Yukawas).  Prints per-model enumeration times with all
caches cleared (cold) and again with them filled (warm), and per-call times.

    python benchmarks/counting.py [--models 40] [--fields 6] [--seed 1] [--fermions 0.5]
                                  [--json out.json] [--compare previous.json]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Iterator
from fractions import Fraction
from itertools import combinations_with_replacement

from lagrangian.physics.counting import Rep, clear_caches, count_invariants
from lagrangian.physics.groups import GaugeGroup, SUIrrep, parse_su_irrep

GROUP = GaugeGroup.standard_model()
SU3 = ["1", "3", "3bar", "6", "6bar", "8"]
SU2 = ["1", "2", "3"]
CHARGES = [Fraction(n, 6) for n in range(-6, 7)]


def random_model(rng: random.Random, n_fields: int, fermion_share: float) -> list[tuple[Rep, bool]]:
    """(rep, real) per field; real only for self-conjugate neutral scalars, at random."""
    fields = []
    for _ in range(n_fields):
        fermion = rng.random() < fermion_share
        gauge = (
            parse_su_irrep(rng.choice(SU3), 3),
            parse_su_irrep(rng.choice(SU2), 2),
            rng.choice(CHARGES),
        )
        rep = Rep(gauge, (1, 0) if fermion else (0, 0), fermion)
        self_conjugate = rep.conjugate() == rep
        fields.append((rep, self_conjugate and not fermion and rng.random() < 0.5))
    return fields


def monomials(fields: list[tuple[Rep, bool]]) -> Iterator[list[tuple[Rep, int]]]:
    """Renormalizable monomials without derivatives, as count_invariants parts."""
    objects = []  # (field index, conjugated)
    for i, (_, real) in enumerate(fields):
        objects.append((i, False))
        if not real:
            objects.append((i, True))
    scalars = [o for o in objects if not fields[o[0]][0].fermion]
    fermions = [o for o in objects if fields[o[0]][0].fermion]
    shapes = [combinations_with_replacement(scalars, k) for k in range(1, 5)]
    shapes += [
        (pair + extra,)
        for pair in combinations_with_replacement(fermions, 2)
        for extra in [(), *((s,) for s in scalars)]
    ]
    for shape in shapes:
        for combo in shape:
            counts: dict[tuple[int, bool], int] = {}
            for o in combo:
                counts[o] = counts.get(o, 0) + 1
            yield [
                (fields[i][0].conjugate() if conj else fields[i][0], k)
                for (i, conj), k in counts.items()
            ]


def enumerate_model(fields: list[tuple[Rep, bool]]) -> tuple[int, int, float]:
    """(monomials, invariants, seconds) for one full enumeration."""
    terms = list(monomials(fields))
    start = time.perf_counter()
    invariants = sum(count_invariants(GROUP, parts) for parts in terms)
    return len(terms), invariants, time.perf_counter() - start


def per_call_times(fields: list[tuple[Rep, bool]]) -> list[float]:
    """Cold per-call seconds of the monomials that pass the cheap centre checks."""
    clear_caches()
    times = []
    for parts in monomials(fields):
        start = time.perf_counter()
        count_invariants(GROUP, parts)
        times.append(time.perf_counter() - start)
    return times


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(models: int, n_fields: int, seed: int, fermion_share: float) -> dict[str, float]:
    rng = random.Random(seed)
    cold, warm, calls, sizes, found = [], [], [], [], 0
    for _ in range(models):
        fields = random_model(rng, n_fields, fermion_share)
        clear_caches()
        size, invariants, seconds = enumerate_model(fields)
        cold.append(seconds)
        warm.append(enumerate_model(fields)[2])
        calls.extend(per_call_times(fields))
        sizes.append(size)
        found += invariants
    start = time.perf_counter()
    repeats = 20000
    parts = [(Rep((SUIrrep(3, (1, 1)), SUIrrep(2, (2,)), Fraction(0))), 4)]
    for _ in range(repeats):
        count_invariants(GROUP, parts)
    cached_call = (time.perf_counter() - start) / repeats
    return {
        "models": models,
        "fields": n_fields,
        "fermion_share": fermion_share,
        "monomials_mean": statistics.mean(sizes),
        "invariants_total": found,
        "cold_model_ms_p50": 1e3 * percentile(cold, 0.5),
        "cold_model_ms_p95": 1e3 * percentile(cold, 0.95),
        "cold_model_ms_max": 1e3 * max(cold),
        "warm_model_ms_p50": 1e3 * percentile(warm, 0.5),
        "warm_model_ms_p95": 1e3 * percentile(warm, 0.95),
        "cold_call_us_mean": 1e6 * statistics.mean(calls),
        "cold_call_us_p95": 1e6 * percentile(calls, 0.95),
        "cold_call_us_max": 1e6 * max(calls),
        "cached_call_us": 1e6 * cached_call,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=40)
    parser.add_argument("--fields", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--fermions", type=float, default=0.5, help="chance that a field is a Weyl fermion"
    )
    parser.add_argument("--json", help="write the results to this file")
    parser.add_argument("--compare", help="a previous --json output to compare against")
    args = parser.parse_args(argv)
    previous = None
    if args.compare:
        try:
            with open(args.compare, encoding="utf-8") as handle:
                previous = json.load(handle)
        except (OSError, ValueError) as error:
            print(f"error: cannot read {args.compare}: {error}", file=sys.stderr)
            return 2
    results = run(args.models, args.fields, args.seed, args.fermions)
    for key, value in results.items():
        line = f"{key:22s} {value:12.2f}" if isinstance(value, float) else f"{key:22s} {value:12d}"
        if previous and isinstance(previous.get(key), (int, float)) and previous[key]:
            line += f"   (was {previous[key]:.2f}, x{value / previous[key]:.2f})"
        print(line)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
