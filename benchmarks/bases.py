"""Speed of explicit invariant bases on large irreps (issue 11 goal: every case < 2 s).

    python benchmarks/bases.py [--models 30] [--seed 1] [--limit 60] [--json out.json]
                               [--compare prev.json] [--only irreps|issue|distribution]

Three sets, each timed as the complete Lagrangian (``complete_lagrangian``: counts and an
explicit basis for every monomial) with every engine cache cleared first:

* ``issue``: the field contents reported in issue 11 (a real SU(2) 9-plet with H, a complex
  (27,7,0), five fields with a complex (10,4,0)).
* ``irreps``: every SU(3) x SU(2) irrep of dimension up to 30, as a complex scalar of
  hypercharge 0 next to the Higgs doublet, and as a real scalar where the irrep is real.
* ``distribution``: random contents of 1 to 6 fields from the training profiles
  (``wide`` and ``standard``, uniform and enriched sampling).

A case that runs past ``--limit`` seconds (or out of memory) is stopped and reported as
``> limit``.  The goal
holds when the ``*_max_s`` lines are below 2.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import statistics
import time
from pathlib import Path
from types import FrameType

from lagrangian.grammar import parse_declarations
from lagrangian.physics import basis, monomials
from lagrangian.physics.counting import clear_caches
from lagrangian.physics.fields import Model, build_model
from lagrangian.physics.groups import SUIrrep
from lagrangian.physics.lagrangian import complete_lagrangian
from lagrangian.training.sampling import PROFILES, sample_fields, to_model

HIGGS = "scalar H (1,2,1/2)"
ISSUE = {
    "issue_real_9plet_with_H": f"{HIGGS}; scalar S (1,9,0) real",
    "issue_complex_27_7": "scalar X (27,7,0)",
    "issue_five_fields_10_4": (
        f"{HIGGS}; scalar X (10,4,0); fermion Q (3,2,1/6) left; "
        "fermion u (-3,1,-2/3) left; scalar S (1,1,0) real"
    ),
}


class Overrun(Exception):
    """A case ran past the time limit."""


def _alarm(_signum: int, _frame: FrameType | None) -> None:
    raise Overrun


def model_of(fields: str) -> Model:
    declarations = parse_declarations(fields)
    model, problems = build_model(declarations.gauge, declarations.fields)
    if problems:
        raise ValueError(f"{fields}: {problems[0].message}")
    return model


def seconds(model: Model, limit: float) -> float:
    """Cold time of the complete Lagrangian; ``inf`` past ``limit`` or out of memory."""
    clear_caches()
    monomials._count_cached.cache_clear()
    monomials._basis_cached.cache_clear()
    basis._points_cached.cache_clear()
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    start = time.perf_counter()
    try:
        complete_lagrangian(model)
    except (Overrun, MemoryError):
        return float("inf")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return time.perf_counter() - start


def irreps_up_to(n: int, dim: int) -> list[SUIrrep]:
    """Irreps of SU(n) up to dimension ``dim`` (n = 2 or 3), conjugates left out."""
    if n == 2:
        return [SUIrrep(2, (a,)) for a in range(dim)]
    out = []
    for a in range(dim):
        for b in range(a + 1):
            irrep = SUIrrep(3, (a, b))
            if irrep.dim <= dim:
                out.append(irrep)
    return out


def irrep_cases(dim: int) -> dict[str, str]:
    cases = {}
    for r3 in irreps_up_to(3, dim):
        for r2 in irreps_up_to(2, dim):
            if r3.dim * r2.dim > dim or r3.dim * r2.dim == 1:
                continue
            reps = f"([{r3.dynkin[0]},{r3.dynkin[1]}],{r2.dim},0)"
            label = f"({r3.name()},{r2.dim})"
            cases[f"complex {label}"] = f"{HIGGS}; scalar X {reps}"
            if r3.dynkin[0] == r3.dynkin[1] and r2.dim % 2:
                cases[f"real {label}"] = f"{HIGGS}; scalar X {reps} real"
    return cases


def distribution(n_models: int, seed: int) -> dict[str, Model]:
    rng = random.Random(seed)
    out = {}
    for profile, config in PROFILES.items():
        for strategy in ("uniform", "enriched"):
            for k in range(n_models):
                fields = sample_fields(rng, config, strategy)
                out[f"{profile}/{strategy}/{k}"] = to_model(fields)
    return out


def summarise(prefix: str, times: dict[str, float], limit: float) -> dict[str, object]:
    values = list(times.values())
    slowest = max(times, key=lambda k: times[k])
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    def shown(t: float) -> float | str:
        return round(t, 4) if t < limit else f"> {limit}"

    return {
        f"{prefix}_cases": len(values),
        f"{prefix}_p50_s": shown(statistics.median(values)),
        f"{prefix}_p95_s": shown(p95),
        f"{prefix}_max_s": shown(times[slowest]),
        f"{prefix}_slowest": slowest,
        f"{prefix}_over_2s": sum(v >= 2 for v in values),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=30, help="models per profile and strategy")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--limit", type=float, default=60.0, help="seconds before a case stops")
    parser.add_argument("--dim", type=int, default=30, help="largest irrep dimension")
    parser.add_argument("--only", choices=("issue", "irreps", "distribution"))
    parser.add_argument("--verbose", action="store_true", help="print every case's time")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--compare", type=Path)
    args = parser.parse_args()
    results: dict[str, object] = {}
    if args.only in (None, "issue"):
        for name, fields in ISSUE.items():
            t = seconds(model_of(fields), args.limit)
            results[f"{name}_s"] = round(t, 4) if t < args.limit else f"> {args.limit}"
    if args.only in (None, "irreps"):
        times = {k: seconds(model_of(v), args.limit) for k, v in irrep_cases(args.dim).items()}
        if args.verbose:
            for k, t in sorted(times.items(), key=lambda kv: -kv[1]):
                print(f"  {k:30} {t:.3f}", flush=True)
        results.update(summarise("irreps", times, args.limit))
    if args.only in (None, "distribution"):
        models = distribution(args.models, args.seed)
        times = {k: seconds(m, args.limit) for k, m in models.items()}
        results.update(summarise("distribution", times, args.limit))
    previous = json.loads(args.compare.read_text()) if args.compare else {}
    for key, value in results.items():
        before = previous.get(key)
        change = f"   (was {before})" if before is not None and before != value else ""
        print(f"{key:36} {value}{change}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
