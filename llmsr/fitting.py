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
    returns predictions of shape (N,) or (B, N) respectively.
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
    stencil = np.concatenate([np.eye(free.size), -np.eye(free.size)]) * _STEP

    def run_from(start: np.ndarray) -> tuple[np.ndarray, float]:
        units = np.where(np.abs(start) > 1e-12, np.abs(start), 1.0)

        def full_of(q: np.ndarray) -> np.ndarray:
            full = base.copy()
            full[free] = q * units
            return full

        def value(q: np.ndarray) -> float:
            return objective.one(full_of(q))

        def gradient(q: np.ndarray) -> np.ndarray:
            steps = stencil * np.maximum(1.0, np.abs(q))
            points = q + steps
            fulls = np.tile(base, (points.shape[0], 1))
            fulls[:, free] = points * units
            losses = objective.many(fulls)
            n = free.size
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
        best = full_of(result.x)
        return best, objective.one(best)

    best_params, best_value = run_from(np.ones(free.size))
    low, high = config.restart_log10_range
    for _ in range(config.restarts):
        if best_value < _EXACT:
            break
        start = rng.choice([-1.0, 1.0], size=free.size) * 10.0 ** rng.uniform(low, high, free.size)
        params, value = run_from(start)
        if value < best_value:
            best_params, best_value = params, value
    if _EXACT <= best_value < _PENALTY:
        params, value = run_from(best_params[free])
        if value < best_value:
            best_params, best_value = params, value
    loss = best_value * objective.scale if best_value < _PENALTY else float("inf")
    return FitOutcome(best_params, loss, objective.calls)
