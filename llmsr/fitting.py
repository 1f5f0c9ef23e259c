"""Fitting a program's constants by BFGS, and the error measures reported for it.

LLM-SR scores a skeleton by the loss of its best-fitting constants (BFGS from all-ones on the
MSE).  Physical constants are often far from 1 (a Z mass squared is 8315 GeV²), so besides the
paper's start this runs a few restarts from random magnitudes and polishes the best.  Each
BFGS run works in units of its starting point (p = s·q with q starting at ±1), which makes the
optimiser's gradient tolerance meaningful whatever the size of a constant.  The objective is
the loss divided by var(y), so tolerances do not depend on the units of the target either.

Speed: gradients are central differences, and when a program broadcasts cleanly (almost all
numpy formulas do) the whole difference stencil is evaluated in one call by passing
``params`` as a (P, B, 1) array, one column per stencil point.  Whether the batched call
agrees with one-at-a-time calls is checked on random constants first; if not, the program is
evaluated point by point.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .config import FitConfig

_PENALTY = 1e100
_EXACT = 1e-24
_STEP = 6e-6  # ~ cube root of machine epsilon: the optimal central-difference step


@dataclass(frozen=True)
class FitOutcome:
    """Fitted constants (all ``max_nparams`` of them) and the loss (``inf``: never finite)."""

    params: np.ndarray
    loss: float
    evaluations: int


def loss_value(prediction: np.ndarray, y: np.ndarray, sigma: np.ndarray | None) -> float:
    """Mean squared error, or chi²/N when uncertainties are given."""
    residual = prediction - y if sigma is None else (prediction - y) / sigma
    return float(np.mean(residual * residual))


def nmse(prediction: np.ndarray, y: np.ndarray) -> float:
    """Normalised mean squared error: MSE / variance of the target (0 is perfect, 1 is the mean)."""
    variance = float(np.var(y))
    mse = float(np.mean((prediction - y) ** 2))
    return mse / variance if variance > 0 else mse


class _Objective:
    """Normalised loss of full parameter vectors, one at a time or many at once."""

    def __init__(
        self,
        predict: Callable[[np.ndarray], np.ndarray],
        y: np.ndarray,
        sigma: np.ndarray | None,
        scale: float,
    ) -> None:
        self.predict = predict
        self.y = y
        self.weight = None if sigma is None else 1.0 / sigma
        self.scale = scale
        self.calls = 0
        self.batched = False

    def one(self, full: np.ndarray) -> float:
        self.calls += 1
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                prediction = np.asarray(self.predict(full), dtype=float)
                residual = prediction - self.y
                if self.weight is not None:
                    residual = residual * self.weight
                value = float(np.mean(residual * residual)) / self.scale
        except (ArithmeticError, ValueError, TypeError, IndexError):
            return _PENALTY
        return value if np.isfinite(value) else _PENALTY

    def _together(self, fulls: np.ndarray) -> np.ndarray:
        """Losses of the rows of ``fulls`` from one batched call (may raise)."""
        self.calls += 1
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            prediction = np.asarray(self.predict(fulls.T[:, :, None]), dtype=float)
            prediction = np.broadcast_to(prediction, (fulls.shape[0], self.y.size))
            residual = prediction - self.y
            if self.weight is not None:
                residual = residual * self.weight
            values = np.mean(residual * residual, axis=1) / self.scale
        return np.where(np.isfinite(values), values, _PENALTY)

    def predictions(self, fulls: np.ndarray) -> np.ndarray | None:
        """Predictions (B × N) of the rows of ``fulls``; ``None`` when one cannot be made."""
        self.calls += 1
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if self.batched:
                    block = np.asarray(self.predict(fulls.T[:, :, None]), dtype=float)
                    return np.array(np.broadcast_to(block, (fulls.shape[0], self.y.size)))
                rows = [np.asarray(self.predict(row), dtype=float) for row in fulls]
                return np.array([np.broadcast_to(r, self.y.shape) for r in rows])
        except (ArithmeticError, ValueError, TypeError, IndexError):
            return None

    def many(self, fulls: np.ndarray) -> np.ndarray:
        """Losses of the rows of ``fulls`` (B × P)."""
        if self.batched:
            try:
                return self._together(fulls)
            except (ArithmeticError, ValueError, TypeError, IndexError):
                pass
        return np.array([self.one(row) for row in fulls])

    def enable_batching(self, probes: np.ndarray) -> None:
        """Batch only if the batched call reproduces single calls on ``probes`` (B × P)."""
        singles = np.array([self.one(row) for row in probes])
        try:
            together = self._together(probes)
        except (ArithmeticError, ValueError, TypeError, IndexError):
            return
        ok = np.allclose(together, singles, rtol=1e-9, atol=0.0, equal_nan=False)
        self.batched = bool(ok and np.all(singles < _PENALTY))


def _linear_parameters(
    objective: _Objective, base: np.ndarray, free: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """The free parameters the prediction is jointly linear (affine) in, found numerically.

    Most laws are linear combinations of basis functions, and their coefficients need no
    search: least squares gives them exactly.  Which constants are such coefficients is read
    off the program's values, not its text, so it holds for any program a proposer writes:
    each candidate must be affine along its own axis at two random points, and the set
    jointly (no products of two coefficients).  A wrong answer could only slow the fit:
    the loss reported is always recomputed from the program itself.
    """
    candidates = list(free)
    for _ in range(2):
        point = base.copy()
        point[free] = rng.uniform(0.5, 2.0, free.size) * rng.choice([-1.0, 1.0], free.size)
        rows = []
        for k in candidates:
            for value in (0.0, 1.0, 2.0):
                row = point.copy()
                row[k] = value
                rows.append(row)
        if not rows:
            break
        values = objective.predictions(np.array(rows))
        if values is None:
            return np.array([], dtype=int)
        kept = []
        for i, k in enumerate(candidates):
            f0, f1, f2 = values[3 * i : 3 * i + 3]
            size = np.abs(f0) + np.abs(f1) + np.abs(f2) + 1e-300
            if np.all(np.abs(f2 - 2 * f1 + f0) <= 1e-8 * size):
                kept.append(k)
        candidates = kept
    if not candidates:
        return np.array([], dtype=int)
    linear = np.array(candidates, dtype=int)
    point = base.copy()
    point[free] = rng.uniform(0.5, 2.0, free.size)
    rows = np.tile(point, (linear.size + 2, 1))
    rows[:, linear] = 0.0
    rows[np.arange(1, linear.size + 1), linear] = 1.0
    mix = rng.uniform(-2.0, 2.0, linear.size)
    rows[-1, linear] = mix
    values = objective.predictions(rows)
    if values is None:
        return np.array([], dtype=int)
    expected = values[0] + (values[1:-1] - values[0]).T @ mix
    size = np.abs(expected) + np.abs(values[-1]) + 1e-300
    return linear if np.all(np.abs(values[-1] - expected) <= 1e-8 * size) else linear[:0]


class _Plain:
    """Losses of the free parameters themselves (no coefficient is solved for)."""

    def __init__(self, objective: _Objective, base: np.ndarray, free: np.ndarray) -> None:
        self.objective, self.base, self.free = objective, base, free
        self.dim = free.size

    def full(self, theta: np.ndarray) -> np.ndarray:
        full = self.base.copy()
        full[self.free] = theta
        return full

    def values(self, thetas: np.ndarray) -> np.ndarray:
        fulls = np.tile(self.base, (thetas.shape[0], 1))
        fulls[:, self.free] = thetas
        return self.objective.many(fulls)


class _Projected:
    """Variable projection: the nonlinear constants are searched, the linear ones solved.

    For given nonlinear constants θ the prediction is g0(θ) + G(θ)·a; the coefficients a
    minimising the (weighted) squared error come from one least-squares solve, so the
    search runs over θ alone (Golub & Pereyra 1973).
    """

    def __init__(
        self, objective: _Objective, base: np.ndarray, free: np.ndarray, linear: np.ndarray
    ) -> None:
        self.objective, self.base, self.linear = objective, base, linear
        self.nonlinear = np.array([k for k in free if k not in set(linear)], dtype=int)
        self.dim = self.nonlinear.size

    def _rows(self, theta: np.ndarray) -> np.ndarray:
        rows = np.tile(self.base, (self.linear.size + 1, 1))
        rows[:, self.nonlinear] = theta
        rows[:, self.linear] = 0.0
        rows[np.arange(1, self.linear.size + 1), self.linear] = 1.0
        return rows

    def _solve(self, block: np.ndarray) -> tuple[np.ndarray, float]:
        """Coefficients and normalised loss from the predictions of one ``_rows`` block."""
        objective = self.objective
        g0 = block[0]
        basis = (block[1:] - g0).T
        target = objective.y - g0
        if objective.weight is not None:
            basis = basis * objective.weight[:, None]
            target = target * objective.weight
        if not (np.all(np.isfinite(basis)) and np.all(np.isfinite(target))):
            return np.zeros(self.linear.size), _PENALTY
        norms = np.linalg.norm(basis, axis=0)
        norms[norms == 0] = 1.0
        try:
            coefficients = np.linalg.lstsq(basis / norms, target, rcond=None)[0] / norms
        except np.linalg.LinAlgError:
            return np.zeros(self.linear.size), _PENALTY
        residual = basis @ coefficients - target
        value = float(np.mean(residual * residual)) / objective.scale
        return coefficients, value if np.isfinite(value) else _PENALTY

    def full(self, theta: np.ndarray) -> np.ndarray:
        block = self.objective.predictions(self._rows(theta))
        full = self.base.copy()
        full[self.nonlinear] = theta
        if block is not None:
            full[self.linear] = self._solve(block)[0]
        return full

    def values(self, thetas: np.ndarray) -> np.ndarray:
        size = self.linear.size + 1
        rows = np.concatenate([self._rows(theta) for theta in thetas])
        blocks = self.objective.predictions(rows)
        if blocks is None:
            return np.full(thetas.shape[0], _PENALTY)
        return np.array(
            [self._solve(blocks[i * size : (i + 1) * size])[1] for i in range(len(thetas))]
        )


def _screened_start(
    problem: _Plain | _Projected, config: FitConfig, rng: np.random.Generator, count: int
) -> np.ndarray:
    """The best of ``count`` random starts (random signs, log-uniform magnitudes)."""
    low, high = config.restart_log10_range
    starts = rng.choice([-1.0, 1.0], size=(count, problem.dim)) * 10.0 ** rng.uniform(
        low, high, (count, problem.dim)
    )
    return starts[int(np.argmin(problem.values(starts)))]


def fit_parameters(
    predict: Callable[[np.ndarray], np.ndarray],
    y: np.ndarray,
    sigma: np.ndarray | None,
    max_nparams: int,
    used: list[int] | None,
    config: FitConfig,
    rng: np.random.Generator,
) -> FitOutcome:
    """Minimise the loss of ``predict(params)`` over the ``used`` parameters (all when ``None``).

    ``predict`` receives a (P,) vector, or a (P, B, 1) array when batching is enabled, and
    returns predictions of shape (N,) or (B, N) respectively.  Coefficients the prediction
    is linear in are solved by least squares (variable projection); BFGS searches the rest.
    """
    from scipy.optimize import minimize

    free = np.arange(max_nparams) if used is None else np.asarray(used, dtype=int)
    scale = float(np.var(y)) if sigma is None else 1.0
    objective = _Objective(predict, y, sigma, scale if scale > 0 else 1.0)
    base = np.ones(max_nparams)
    if free.size == 0:
        value = objective.one(base)
        loss = value * objective.scale if value < _PENALTY else float("inf")
        return FitOutcome(base, loss, objective.calls)
    probes = np.tile(base, (2, 1))
    probes[:, free] = rng.uniform(0.5, 2.0, (2, free.size))
    objective.enable_batching(probes)
    linear = _linear_parameters(objective, base, free, rng)
    problem: _Plain | _Projected = (
        _Projected(objective, base, free, linear) if linear.size else _Plain(objective, base, free)
    )

    def run_from(start: np.ndarray) -> tuple[np.ndarray, float]:
        if problem.dim == 0:
            return start, float(problem.values(start[None, :])[0])
        units = np.where(np.abs(start) > 1e-12, np.abs(start), 1.0)
        stencil = np.concatenate([np.eye(problem.dim), -np.eye(problem.dim)]) * _STEP

        def value(q: np.ndarray) -> float:
            return float(problem.values((q * units)[None, :])[0])

        def gradient(q: np.ndarray) -> np.ndarray:
            steps = stencil * np.maximum(1.0, np.abs(q))
            losses = problem.values((q + steps) * units)
            n = problem.dim
            return (losses[:n] - losses[n:]) / (2 * np.diag(steps[:n]))

        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = minimize(
                value,
                start / units,
                jac=gradient,
                method="BFGS",
                options={"maxiter": config.maxiter, "gtol": config.gtol},
            )
        theta = result.x * units
        return theta, value(result.x)

    best_theta, best_value = run_from(np.ones(problem.dim))
    low, high = config.restart_log10_range
    for _ in range(config.restarts if problem.dim else 0):
        if best_value < _EXACT:
            break
        if isinstance(problem, _Projected):
            start = _screened_start(problem, config, rng, 16)
        else:
            start = rng.choice([-1.0, 1.0], size=problem.dim) * 10.0 ** rng.uniform(
                low, high, problem.dim
            )
        theta, value = run_from(start)
        if value < best_value:
            best_theta, best_value = theta, value
    if _EXACT <= best_value < _PENALTY and problem.dim:
        theta, value = run_from(best_theta)
        if value < best_value:
            best_theta, best_value = theta, value
    best_params = problem.full(best_theta)
    checked = objective.one(best_params)
    loss = checked * objective.scale if checked < _PENALTY else float("inf")
    return FitOutcome(best_params, loss, objective.calls)
