"""The benchmark problems are generated from the published formulas, as documented."""

from __future__ import annotations

import numpy as np
import pytest

from lagrangian.llmsr.errors import LlmsrError
from lagrangian.llmsr.feynman import EQUATIONS, feynman_names, feynman_problem
from lagrangian.llmsr.hep import CS_COEFFICIENTS, M_Z, benchmark_names, load_benchmark


@pytest.mark.parametrize("name", feynman_names())
def test_feynman_problems_follow_their_formula_and_extrapolate(name: str) -> None:
    _, train, test, _ = feynman_problem(name)
    equation = EQUATIONS[name]
    assert np.allclose(equation.formula(*train.x.T), train.y)
    assert np.all(np.isfinite(test.y))
    highs = np.array([hi for _, _, hi in equation.variables])
    assert np.all(train.x <= highs) and np.any(test.x > highs)


def test_feynman_noise_is_one_percent_of_the_spread_and_only_in_training() -> None:
    _, clean, clean_test, _ = feynman_problem("I.12.1", 0.0, seed=4)
    _, noisy, noisy_test, _ = feynman_problem("I.12.1", 0.01, seed=4)
    ratio = np.std(noisy.y - clean.y) / np.std(clean.y)
    assert 0.007 < ratio < 0.013 and np.array_equal(clean_test.y, noisy_test.y)


def test_lam_tung_a2_equals_a0_and_the_qqbar_and_qg_forms() -> None:
    lam_tung = load_benchmark("a2-lamtung")
    assert np.array_equal(lam_tung.train.y, lam_tung.train.x[:, 1])
    pt = load_benchmark("a0-qqbar").train.x[:, 0]
    assert np.allclose(load_benchmark("a0-qqbar").train.y, pt**2 / (M_Z**2 + pt**2))
    assert np.allclose(load_benchmark("a0-qg").train.y, 5 * pt**2 / (M_Z**2 + 5 * pt**2))


def test_the_full_angular_distribution_has_the_moments_of_its_coefficients() -> None:
    """A4 = 4⟨cos θ⟩ and A7 = 4⟨sin θ sin φ⟩ over the full sphere, weighted by the density."""
    from lagrangian.llmsr.hep import full_angular_density

    c, phi = np.meshgrid(np.linspace(-1, 1, 801), np.linspace(0, 2 * np.pi, 801), indexing="ij")
    weight = full_angular_density(c, phi)
    mean = lambda f: float(np.sum(f * weight) / np.sum(weight))  # noqa: E731
    sin_t = np.sqrt(1 - c**2)
    assert mean(4 * c) == pytest.approx(CS_COEFFICIENTS["A4"], abs=2e-3)
    assert mean(4 * sin_t * np.sin(phi)) == pytest.approx(CS_COEFFICIENTS["A7"], abs=2e-3)


def test_exact_only_benchmarks_have_no_monte_carlo_variant() -> None:
    assert "cs-angular" in benchmark_names() and "cs-angular-mc" not in benchmark_names()
    with pytest.raises(LlmsrError, match="unknown benchmark"):
        load_benchmark("a4-mass-mc")


def _baselines():
    """benchmarks/llmsr_baselines.py, a script, loaded by path."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "llmsr_baselines.py"
    spec = importlib.util.spec_from_file_location("llmsr_baselines", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_the_sympy_criterion_drops_only_numbers_negligible_at_every_point() -> None:
    """mu (2.86 Nn - 1.2e-7) is mu Nn (the number is 1e-8 of the rest everywhere); the
    qq/qg mixture (0.6 pT²/(m²+pT²) + 0.4 · 5pT²/(m²+5pT²)) written as one rational keeps the 1
    of its denominator, small beside 1.4e7/pT⁴ at low pT but not at high pT."""
    bench = _baselines()
    _, train, test, _ = feynman_problem("I.12.1")
    truth = EQUATIONS["I.12.1"].truth
    assert bench.symbolic_match("mu*(2.86*Nn - 1.2e-7)", truth, train, test)
    mixture = load_benchmark("a0")
    form = "(1 + 4323.89/pT**2)/(1 + 9978.21/pT**2 + 1.38284e+7/pT**4)"
    truth = bench.HEP_TRUTH["a0"]
    assert bench.symbolic_match(form, truth, mixture.train, mixture.test)
    # and a form that is not the law stays not the law
    assert not bench.symbolic_match("1/(1 + 9978.21/pT**2)", truth, mixture.train, mixture.test)
