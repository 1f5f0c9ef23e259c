"""Speed of flavours and anomalies (issue 12 goals).

    python benchmarks/flavour.py [--repeat 30] [--json out.json]

Goals: the complete Standard Model with three generations under 50 ms warm; the anomaly
table under 10 ms.  Also timed cold (every engine cache cleared): the SM with three
generations, the 2HDM written as ``H x2`` and Zee–Babu with three generations, whose
quartic and Yukawa monomials split by coupling symmetry.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable

from lagrangian.grammar import parse_declarations
from lagrangian.physics import flavour, monomials
from lagrangian.physics.anomalies import anomalies
from lagrangian.physics.api import engine_terms
from lagrangian.physics.counting import clear_caches
from lagrangian.physics.fields import Model, build_model

SM3 = (
    "scalar H (1,2,1/2); fermion Q (3,2,1/6) left x3; fermion u (3,1,2/3) right x3; "
    "fermion d (3,1,-1/3) right x3; fermion L (1,2,-1/2) left x3; fermion e (1,1,-1) right x3"
)
MODELS = {
    "sm3": SM3,
    "2hdm_x2": "scalar H (1,2,1/2) x2",
    "zee_babu_x3": "scalar H (1,2,1/2); scalar h (1,1,1); scalar k (1,1,2); "
    "fermion L (1,2,-1/2) left x3; fermion e (1,1,-1) right x3",
}


def model(text: str) -> Model:
    document = parse_declarations(text)
    built, problems = build_model(document.gauge, document.fields, document.symmetries)
    assert not document.errors and not problems
    return built


def clear() -> None:
    clear_caches()
    monomials._count_cached.cache_clear()
    monomials._basis_cached.cache_clear()
    flavour._components.cache_clear()


def median_ms(fn: Callable[[], object], repeat: int, cold: bool) -> float:
    times = []
    for _ in range(repeat):
        if cold:
            clear()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--json", metavar="OUT")
    args = parser.parse_args()
    results: dict[str, float] = {}
    sm3 = model(SM3)
    engine_terms(sm3)
    results["sm3_complete_warm_ms"] = median_ms(lambda: engine_terms(sm3), args.repeat, False)
    results["sm3_anomalies_ms"] = median_ms(lambda: anomalies(sm3), args.repeat, False)
    for name, text in MODELS.items():
        built = model(text)
        results[f"{name}_complete_cold_ms"] = median_ms(lambda m=built: engine_terms(m), 5, True)
    goals = {"sm3_complete_warm_ms": 50.0, "sm3_anomalies_ms": 10.0}
    for key, value in results.items():
        goal = goals.get(key)
        verdict = f"  (goal < {goal:g} ms: {'met' if value < goal else 'MISSED'})" if goal else ""
        print(f"{key:32} {value:9.2f}{verdict}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(results, out, indent=2)


if __name__ == "__main__":
    main()
