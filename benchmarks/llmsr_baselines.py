"""LLM-SR (built-in proposer) against pyoperon and gplearn on the project's HEP benchmarks.

For each benchmark (QED law, A0(pT), A4(pT, |y|)) every method fits the in-domain training
data; we report NMSE in domain (train) and out of domain (the benchmark's test split),
the recovered form and the wall time.  PySR is not included: it needs a Julia toolchain,
which cannot be installed on these machines.  pyoperon and gplearn are optional benchmark
dependencies (``pip install pyoperon gplearn``); a missing one is reported and skipped.

    python benchmarks/llmsr_baselines.py [--benchmarks qed,a0,a4] [--budget 300] [--seed 0]
        [--selection bic|aicc|aic|loss] [--out benchmarks/results/llmsr_baselines.json]
        [--compare OLD.json]

``--selection`` is the engine's final model selection (``SearchConfig.selection``); the
baselines are unaffected.  On the ``-mc`` benchmarks (Monte Carlo, with statistical
errors) compare ``bic`` with ``loss`` to see what choosing by lowest χ² costs out of domain.
"""

from __future__ import annotations

import argparse
import json
import time
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from lagrangian.llmsr.api import FitRequest, fit_equation
from lagrangian.llmsr.config import SearchConfig
from lagrangian.llmsr.fitting import nmse
from lagrangian.llmsr.hep import load_benchmark
from lagrangian.llmsr.selection import SELECTIONS


def run_llmsr(name: str, budget: int, seed: int, selection: str) -> dict[str, Any]:
    start = time.perf_counter()
    config = SearchConfig(selection=selection)  # type: ignore[arg-type]
    result = fit_equation(FitRequest(benchmark=name, budget=budget, seed=seed, config=config))
    best = result.best
    return {
        "nmse_in": best.nmse_train,
        "nmse_out": best.nmse_test,
        "form": best.expression,
        "seconds": time.perf_counter() - start,
    }


def run_gplearn(
    x: np.ndarray, y: np.ndarray, xt: np.ndarray, yt: np.ndarray, seed: int
) -> dict[str, Any]:
    from gplearn.genetic import SymbolicRegressor

    start = time.perf_counter()
    model = SymbolicRegressor(
        population_size=1000,
        generations=20,
        function_set=("add", "sub", "mul", "div", "sqrt", "log", "abs", "neg", "inv"),
        parsimony_coefficient=1e-4,
        random_state=seed,
        n_jobs=1,
    )
    model.fit(x, y)
    seconds = time.perf_counter() - start
    return {
        "nmse_in": nmse(model.predict(x), y),
        "nmse_out": nmse(model.predict(xt), yt),
        "form": str(model._program),
        "seconds": seconds,
    }


def run_operon(
    x: np.ndarray, y: np.ndarray, xt: np.ndarray, yt: np.ndarray, seed: int
) -> dict[str, Any]:
    from pyoperon.sklearn import SymbolicRegressor

    start = time.perf_counter()
    model = SymbolicRegressor(
        allowed_symbols="add,sub,mul,div,constant,variable,exp,log,sqrt,square,tanh",
        max_length=30,
        generations=100,
        population_size=1000,
        n_threads=1,
        random_state=seed,
    )
    model.fit(x, y)
    seconds = time.perf_counter() - start
    names = [f"x{i}" for i in range(x.shape[1])]
    return {
        "nmse_in": nmse(model.predict(x), y),
        "nmse_out": nmse(model.predict(xt), yt),
        "form": model.get_model_string(model.model_, 4, names),
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--benchmarks", default="qed,a0,a4")
    parser.add_argument("--budget", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--selection", default="bic", choices=SELECTIONS)
    parser.add_argument("--out", default="benchmarks/results/llmsr_baselines.json")
    parser.add_argument("--compare", help="a previous JSON output to compare NMSE and time with")
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    for name in args.benchmarks.split(","):
        bench = load_benchmark(name, args.seed)
        x, y, xt, yt = bench.train.x, bench.train.y, bench.test.x, bench.test.y
        methods = {
            "llmsr-builtin": partial(run_llmsr, name, args.budget, args.seed, args.selection),
            "pyoperon": partial(run_operon, x, y, xt, yt, args.seed),
            "gplearn": partial(run_gplearn, x, y, xt, yt, args.seed),
        }
        for method, call in methods.items():
            try:
                row = {"benchmark": name, "method": method, **call()}
            except ImportError as error:
                row = {"benchmark": name, "method": method, "skipped": str(error)}
            rows.append(row)
            print(_line(row), flush=True)
    print("PySR: not run (needs Julia, which cannot be installed here)")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(
        json.dumps(
            {"budget": args.budget, "seed": args.seed, "selection": args.selection, "rows": rows},
            indent=1,
        )
    )
    if args.compare:
        old = {
            (r["benchmark"], r["method"]): r
            for r in json.loads(Path(args.compare).read_text())["rows"]
        }
        for row in rows:
            before = old.get((row["benchmark"], row["method"]))
            if before and "nmse_out" in row and "nmse_out" in before:
                change = f"{before['nmse_out']:.3g} -> {row['nmse_out']:.3g}"
                timing = f"{before['seconds']:.1f} -> {row['seconds']:.1f}"
                print(
                    f"{row['benchmark']:5} {row['method']:14} nmse_out {change}; seconds {timing}"
                )


def _line(row: dict[str, Any]) -> str:
    if "skipped" in row:
        return f"{row['benchmark']:5} {row['method']:14} skipped: {row['skipped']}"
    errors = f"nmse_in {row['nmse_in']:.3g}  nmse_out {row['nmse_out']:.3g}"
    return (
        f"{row['benchmark']:5} {row['method']:14} {errors}  {row['seconds']:6.1f} s  {row['form']}"
    )


if __name__ == "__main__":
    main()
