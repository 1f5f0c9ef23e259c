"""BFGS fitting: restarts reach physical scales, chi² uses the errors, batching changes nothing."""

from __future__ import annotations

import numpy as np

from lagrangian.llmsr.config import FitConfig
from lagrangian.llmsr.fitting import fit_parameters, nmse

PT = np.linspace(0.5, 60, 40)
Y = PT**2 / (8315.18 + PT**2)


def saturation(params: np.ndarray) -> np.ndarray:
    return params[0] * PT**2 / (params[1] + PT**2)


def test_recovers_a_mass_squared_far_from_one() -> None:
    outcome = fit_parameters(saturation, Y, None, 10, [0, 1], FitConfig(), np.random.default_rng(0))
    assert abs(outcome.params[1] - 8315.18) < 1e-3
    assert nmse(saturation(outcome.params), Y) < 1e-12
    assert list(outcome.params[2:]) == [1.0] * 8  # unused parameters stay at the paper's 1.0


def test_chi2_weights_points_by_their_errors() -> None:
    x = np.linspace(0, 1, 20)
    y = 2 * x + 1
    y[-1] += 5.0  # an outlier...
    sigma = np.full_like(x, 0.01)
    sigma[-1] = 1e3  # ...with a huge error bar

    def line(params: np.ndarray) -> np.ndarray:
        return params[0] * x + params[1]

    outcome = fit_parameters(line, y, sigma, 2, None, FitConfig(), np.random.default_rng(0))
    assert np.allclose(outcome.params, [2.0, 1.0], atol=1e-4)


def test_batched_and_point_by_point_fits_agree() -> None:
    calls = {"batched": 0}

    def scalar_only(params: np.ndarray) -> np.ndarray:
        if np.ndim(params) > 1:
            calls["batched"] += 1
            raise ValueError("this program cannot broadcast")
        return saturation(params)

    a = fit_parameters(saturation, Y, None, 2, None, FitConfig(), np.random.default_rng(4))
    b = fit_parameters(scalar_only, Y, None, 2, None, FitConfig(), np.random.default_rng(4))
    assert calls["batched"] == 1  # tried once while probing, then never again
    assert np.allclose(a.params, b.params, rtol=1e-5)


def test_a_program_without_finite_values_gets_an_infinite_loss() -> None:
    def broken(params: np.ndarray) -> np.ndarray:
        return np.log(-np.abs(params[0]) - PT)

    outcome = fit_parameters(
        broken, Y, None, 1, [0], FitConfig(restarts=1), np.random.default_rng(0)
    )
    assert outcome.loss >= 1e99


def test_coefficients_of_a_basis_expansion_come_out_exact_without_a_search() -> None:
    """1 + c² + 0.15(1 − 3c²) + 0.08c: three coefficients, one least-squares solve."""
    c = np.linspace(-0.6, 0.6, 25)
    y = 1 + c**2 + 0.15 * (1 - 3 * c**2) + 0.08 * c

    def expansion(params: np.ndarray) -> np.ndarray:
        return params[0] + params[1] * c**2 + params[2] * c

    outcome = fit_parameters(expansion, y, None, 3, None, FitConfig(), np.random.default_rng(0))
    assert np.allclose(outcome.params, [1.15, 0.55, 0.08], rtol=1e-12)
    assert outcome.evaluations < 20  # probes and one solve, no BFGS iterations


def test_linear_and_nonlinear_constants_are_told_apart_from_the_values() -> None:
    from lagrangian.llmsr.fitting import _linear_parameters, _Objective

    x = np.linspace(1, 3, 30)
    programs = {
        (0, 2): lambda p: p[0] * np.exp(p[1] * x) + p[2],  # p1 inside the exponential
        (): lambda p: p[0] * p[1] * x,  # each alone is linear, together they are not
        (0, 1, 2): lambda p: p[0] * x**2 + p[1] / x + p[2],
    }
    for expected, program in programs.items():
        objective = _Objective(program, x, None, 1.0)
        found = _linear_parameters(objective, np.ones(3), np.arange(3), np.random.default_rng(1))
        assert tuple(found) == expected


def test_a_product_of_coefficients_is_still_fitted() -> None:
    x = np.linspace(1, 3, 30)

    def product(params: np.ndarray) -> np.ndarray:
        return params[0] * params[1] * x

    outcome = fit_parameters(product, 6 * x, None, 2, None, FitConfig(), np.random.default_rng(0))
    assert outcome.loss < 1e-20


def test_projection_reaches_the_optimum_of_the_full_search() -> None:
    """y = 3·exp(−x/2) + 2: (3, −1/2, 2) by hand; solving 3 and 2 inside changes nothing."""
    from lagrangian.llmsr.fitting import _descend, _Objective, _Plain, _Projected

    x = np.linspace(0, 4, 30)
    y = 3 * np.exp(-0.5 * x) + 2

    def decay(params: np.ndarray) -> np.ndarray:
        return params[0] * np.exp(params[1] * x) + params[2]

    objective = _Objective(decay, y, None, float(np.var(y)))
    objective.batched = True
    base, free = np.ones(3), np.arange(3)
    plain = _Plain(objective, base, free)
    projected = _Projected(objective, base, free, np.array([0, 2]))
    theta, value, _ = _descend(projected, np.array([-1.0]), FitConfig())
    full, full_value, _ = _descend(plain, np.array([1.0, -1.0, 1.0]), FitConfig())
    assert np.allclose(projected.full(theta), [3.0, -0.5, 2.0], rtol=1e-9)
    assert np.allclose(plain.full(full), [3.0, -0.5, 2.0], rtol=1e-9)
    assert value < 1e-24 and full_value < 1e-24


def test_projection_keeps_the_least_squares_coefficients_of_an_inexact_fit() -> None:
    """A line through (0, 0), (1, 1), (2, 3): slope 3/2 and intercept −1/6, by hand."""
    from lagrangian.llmsr.fitting import _Objective, _Projected

    x = np.array([0.0, 1.0, 2.0])
    y = np.array([0.0, 1.0, 3.0])
    objective = _Objective(lambda p: p[0] * x + p[1], y, None, 1.0)
    problem = _Projected(objective, np.ones(2), np.arange(2), np.array([0, 1]))
    assert np.allclose(problem.full(np.zeros(0)), [1.5, -1 / 6], rtol=1e-12)
    # residuals 1/6, −1/3, 1/6: mean square (1/36 + 1/9 + 1/36) / 3 = 1/18
    assert abs(problem.values(np.zeros((1, 0)))[0] - 1 / 18) < 1e-15


def test_a_program_undefined_at_some_points_is_still_evaluated_in_batches() -> None:
    """(1 + c·x)^q is NaN where 1 + c·x < 0 for fractional q; batching must still be checked."""
    x = np.linspace(-2, 2, 40)
    y = 2 * (1 + 0.3 * x) ** 1.5
    calls = {"batched": 0}

    def power(params: np.ndarray) -> np.ndarray:
        if np.ndim(params) > 1:
            calls["batched"] += 1
        return params[0] * (1 + params[1] * x) ** params[2]

    outcome = fit_parameters(power, y, None, 3, None, FitConfig(), np.random.default_rng(0))
    assert calls["batched"] > 5
    assert nmse(power(outcome.params), y) < 1e-20
