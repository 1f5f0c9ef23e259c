"""Speed of exact EFT operator counting (issue 14 goal: SMEFT dimension 8, one generation,
under 2 s and at least 5x faster than basisgen on the same machine).

    python benchmarks/eft.py [--repeat 3] [--no-basisgen] [--json out.json] [--compare prev.json]

Timed cold (every engine cache cleared before each run), median of ``--repeat``:

* ``smeft8_count``: the number of dimension-8 operators of one-generation SMEFT (993),
  the task basisgen times (``smeft(1).invariants(8, ignore_lower_dimension=True)``);
* ``smeft5to8_classes``: what ``generate --max-dimension 8`` computes: every class of
  dimensions 5-8 and the explicit non-derivative operators;
* ``smeft3_8_count``: three generations, dimension 8 (44807).

basisgen (pip install basisgen; Criado, arXiv:1901.03501, which reports about 40 s for
SMEFT at dimension 8) runs once on the same machine when it is installed; otherwise its
published time is quoted.  The load average is printed beside the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from flavour import clear
from flavour import model as declared

from lagrangian.physics.eft.hilbert import clear_caches, hilbert_counts
from lagrangian.physics.eft.operators import effective_operators, effective_terms
from lagrangian.physics.fields import Model

SM = (
    "scalar H (1,2,1/2); fermion Q (3,2,1/6) left{f}; fermion u (3,1,2/3) right{f}; "
    "fermion d (3,1,-1/3) right{f}; fermion L (1,2,-1/2) left{f}; fermion e (1,1,-1) right{f}"
)
BASISGEN_PUBLISHED_S = 40.0
GOAL_S = 2.0


def model(generations: int) -> Model:
    return declared(SM.format(f=f" x{generations}" if generations > 1 else ""))


def cold() -> None:
    clear_caches()
    clear()


def dimension_count(built: Model, dimension: int) -> int:
    return sum(c.count for c in hilbert_counts(built, dimension, min_dimension=dimension))


def median_s(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeat):
        cold()
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times), 3), value


def basisgen_s() -> tuple[float, int] | None:
    try:
        from basisgen.smeft import smeft
    except ImportError:
        return None
    start = time.perf_counter()
    count = smeft(1).invariants(8, ignore_lower_dimension=True).count()
    return round(time.perf_counter() - start, 3), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-basisgen", action="store_true")
    parser.add_argument("--json", metavar="OUT")
    parser.add_argument("--compare", metavar="PREV", help="an earlier --json to compare with")
    args = parser.parse_args()
    one, three = model(1), model(3)
    results: dict[str, float] = {"load_average_1min": round(os.getloadavg()[0], 2)}
    seconds, count = median_s(lambda: dimension_count(one, 8), args.repeat)
    assert count == 993, count
    results["smeft8_count_s"] = seconds

    def classes() -> int:
        operators = effective_operators(one, 8)
        effective_terms(one, list(operators.classes))
        return sum(operators.per_dimension().values())

    results["smeft5to8_classes_s"], total = median_s(classes, args.repeat)
    assert total == 2 + 84 + 30 + 993, total
    results["smeft3_8_count_s"], count = median_s(lambda: dimension_count(three, 8), args.repeat)
    assert count == 44807, count
    measured = None if args.no_basisgen else basisgen_s()
    if measured is not None:
        assert measured[1] == 993, measured
        results["basisgen_smeft8_s"] = measured[0]
    reference = measured[0] if measured else BASISGEN_PUBLISHED_S
    ours = results["smeft8_count_s"]
    notes = {
        "smeft8_count_s": f"goal < {GOAL_S:g} s: {'met' if ours < GOAL_S else 'MISSED'}; "
        f"{reference / ours:.0f}x faster than basisgen "
        f"({'measured here' if measured else 'published'})"
    }
    previous = json.loads(Path(args.compare).read_text(encoding="utf-8")) if args.compare else {}
    for key, value in results.items():
        before = f"  was {previous[key]:.3f}" if previous.get(key) else ""
        note = f"  ({notes[key]})" if key in notes else ""
        print(f"{key:24} {value:9.3f}{before}{note}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
