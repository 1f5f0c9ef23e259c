"""What ``fit`` reports is what it evaluated: printed formulas, poles, failures, stop reasons."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lagrangian.llmsr.api import FitRequest, fit_equation
from lagrangian.llmsr.backends import BackendStats
from lagrangian.llmsr.config import BufferConfig, FitConfig, SandboxConfig, SearchConfig
from lagrangian.llmsr.data import Dataset
from lagrangian.llmsr.fitting import nmse
from lagrangian.llmsr.hep import load_benchmark
from lagrangian.llmsr.prompts import Prompt
from lagrangian.llmsr.sandbox import FitJob, SandboxPool
from lagrangian.llmsr.symbolic import evaluate_text
from lagrangian.server.cli import main

SMALL = SearchConfig(buffer=BufferConfig(num_islands=2), sandbox=SandboxConfig(workers=1))


def test_a_tiny_constant_is_shown_not_dropped() -> None:
    x = np.linspace(1, 1000, 40)
    y = 1e-7 * x**3 + 0.3 * x + 2
    data = Dataset(("x",), x[:, None], y)
    source = "def equation(x, params):\n    return params[0] * x**3 + params[1] * x + params[2]\n"
    with SandboxPool(data, None, 10, FitConfig(), SandboxConfig(workers=1)) as pool:
        [fitted] = pool.evaluate([FitJob(source, [0, 1, 2], 0)])
        assert fitted.ok and fitted.nmse_train is not None
        shown = pool.symbolic(source, ["x"], fitted.params, fitted.nmse_train)
    assert shown is not None and shown["verified"]
    printed = nmse(evaluate_text(shown["expression"], ["x"], data.x), y)
    assert abs(printed - fitted.nmse_train) < 1e-9
    assert "e-7" in shown["expression"] or "e-8" in shown["expression"]


@pytest.mark.slow
def test_the_printed_best_of_a_benchmark_has_the_reported_nmse() -> None:
    result = fit_equation(FitRequest(benchmark="a4", budget=12, config=SMALL))
    bench = load_benchmark("a4", SMALL.seed)
    best = result.best
    printed = nmse(
        evaluate_text(best.expression, bench.spec.input_names, bench.train.x), bench.train.y
    )
    assert best.verified and best.nmse_train is not None
    assert abs(printed - best.nmse_train) < 1e-9


@pytest.fixture(scope="module")
def wide_pool():  # type: ignore[no-untyped-def]
    """pT below 60 GeV in training, up to 200 GeV in the test data (the stated domain)."""
    train = np.linspace(0.5, 60, 30)
    test = np.linspace(60, 200, 15)
    data = Dataset(("pT",), train[:, None], train / 100)
    held = Dataset(("pT",), test[:, None], test / 100)
    with SandboxPool(data, held, 10, FitConfig(), SandboxConfig(workers=1)) as pool:
        yield pool


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("params[0] * pT + 1e-9 / (pT - 40.9)", "pole"),
        ("params[0] * pT + 1e-9 * (pT - 40.9) ** -2", "pole"),
        ("params[0] * pT + 1e-9 * np.log(150 - pT)", "singular"),
        ("params[0] * pT + 1e-9 / (pT + 100)", None),
    ],
)
def test_poles_inside_the_domain_reject_the_candidate(wide_pool, body, problem) -> None:  # type: ignore[no-untyped-def]
    source = f"def equation(pT, params):\n    return {body}\n"
    [result] = wide_pool.evaluate([FitJob(source, [0], 0)])
    if problem is None:
        assert result.ok, result.error
    else:
        assert not result.ok and result.error.startswith(problem)


class Silent:
    """A backend that never answers."""

    name = "silent"

    def __init__(self) -> None:
        self.stats = BackendStats()

    def sample(self, prompt: Prompt, n: int) -> list[str]:
        self.stats.requests += 1
        return []

    def close(self) -> None:
        pass


def test_a_backend_that_produces_nothing_is_a_failure_with_a_reason() -> None:
    result = fit_equation(FitRequest(benchmark="qed", budget=8, config=SMALL), backend=Silent())
    assert result.candidates == 0
    assert "produced no programs" in result.failure
    assert "returned nothing" in result.summary()["stopped"]


def test_fit_exits_non_zero_when_nothing_beats_the_baseline(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    x = np.linspace(0, 1, 40)
    y = np.random.default_rng(3).normal(size=40)
    path = tmp_path / "noise.csv"
    path.write_text("x,y\n" + "\n".join(f"{a},{b}" for a, b in zip(x, y)) + "\n")
    code = main(
        ["fit", str(path), "--target", "y", "--inputs", "x", "--budget", "8", "--workers", "1"]
    )
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "no candidate beat the starting skeleton" in err
