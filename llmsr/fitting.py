"""Fitting a program's constants, and the error measures reported for it.

LLM-SR scores a skeleton by the loss of its best-fitting constants (BFGS from all-ones on the
MSE).  Here the constants the prediction is linear in are solved by least squares for each
value of the others (variable projection), and the others are searched by Levenberg–Marquardt
on the residuals: the same loss, minimised by the method made for sums of squares, which
needs a few Jacobians where BFGS on the scalar loss needs a hundred gradient steps (pyoperon
uses it too).  Physical constants are often far from 1 (a Z mass squared is 8315 GeV²), so
besides the paper's start this runs a few restarts from random magnitudes, and polishes the
best when its run was cut short.  Each run works in units of its starting point (p = s·q with
q starting at ±1), which makes tolerances meaningful whatever the size of a constant.  The
objective is the loss divided by var(y), so they do not depend on the units of the target
either.

Speed: Jacobians are central differences, and when a program broadcasts cleanly (almost all
numpy formulas do) the whole difference stencil is evaluated in one call by passing
``params`` as a (P, B, 1) array, one column per stencil point; the least-squares solves of a
stencil are one stacked SVD.  Whether the batched call agrees with one-at-a-time calls is
checked value by value on random constants first; if not, the program is evaluated point by
point.
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
_HUGE = 1e30  # the residual of a point where the program is undefined


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

    def rows(self, fulls: np.ndarray) -> np.ndarray:
        """Predictions (B × N) of the rows of ``fulls`` (B × P); NaN rows where one fails."""
        self.calls += 1
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if self.batched:
                try:
                    return np.array(self._together(fulls))
                except (ArithmeticError, ValueError, TypeError, IndexError):
                    pass
            out = np.full((fulls.shape[0], self.y.size), np.nan)
            for i, row in enumerate(fulls):
                try:
                    value = np.asarray(self.predict(row), dtype=float)
                    out[i] = np.broadcast_to(value, self.y.shape)
                except (ArithmeticError, ValueError, TypeError, IndexError):
                    continue
        return out

    def _together(self, fulls: np.ndarray) -> np.ndarray:
        """Predictions (B × N) of the rows of ``fulls`` from one batched call (may raise)."""
        block = np.asarray(self.predict(fulls.T[:, :, None]), dtype=float)
        return np.broadcast_to(block, (fulls.shape[0], self.y.size))

    def residuals(self, predictions: np.ndarray) -> np.ndarray:
        """Weighted residuals (prediction − y)/σ, or prediction − y, of a stack of predictions."""
        with np.errstate(all="ignore"):
            residual = predictions - self.y
            return residual if self.weight is None else residual * self.weight

    def normalised(self, residuals: np.ndarray) -> np.ndarray:
        """The objective (mean squared residual / scale) of each row; ``_PENALTY`` if not finite."""
        with np.errstate(all="ignore"):
            values = np.mean(residuals * residuals, axis=1) / self.scale
        return np.where(np.isfinite(values), values, _PENALTY)

    def enable_batching(self, probes: np.ndarray) -> None:
        """Batch only if one batched call reproduces the single calls on ``probes`` (B × P).

        Compared value by value, undefined values included (a fractional power of a
        negative number is NaN at some points and not others), and trusted only when some
        values are defined.
        """
        singles = self.rows(probes)
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                together = self._together(probes)
        except (ArithmeticError, ValueError, TypeError, IndexError):
            return
        finite = np.isfinite(singles)
        same = np.array_equal(finite, np.isfinite(together)) and np.allclose(
            together[finite], singles[finite], rtol=1e-9, atol=0.0
        )
        self.batched = bool(same and finite.any())


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
        values = objective.rows(np.array(rows))
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
    values = objective.rows(rows)
    expected = values[0] + (values[1:-1] - values[0]).T @ mix
    size = np.abs(expected) + np.abs(values[-1]) + 1e-300
    return linear if np.all(np.abs(values[-1] - expected) <= 1e-8 * size) else linear[:0]


class _Plain:
    """Residuals of the free parameters themselves (no coefficient is solved for)."""

    def __init__(self, objective: _Objective, base: np.ndarray, free: np.ndarray) -> None:
        self.objective, self.base, self.free = objective, base, free
        self.dim = free.size

    def full(self, theta: np.ndarray) -> np.ndarray:
        full = self.base.copy()
        full[self.free] = theta
        return full

    def residuals(self, thetas: np.ndarray) -> np.ndarray:
        """Weighted residuals (B × N) of the rows of ``thetas``; NaN rows where undefined."""
        fulls = np.tile(self.base, (thetas.shape[0], 1))
        fulls[:, self.free] = thetas
        return self.objective.residuals(self.objective.rows(fulls))

    def values(self, thetas: np.ndarray) -> np.ndarray:
        return self.objective.normalised(self.residuals(thetas))


class _Projected:
    """Variable projection: the nonlinear constants are searched, the linear ones solved.

    For given nonlinear constants θ the prediction is g0(θ) + G(θ)·a; the coefficients a
    minimising the (weighted) squared error come from one least-squares solve, so the
    search runs over θ alone (Golub & Pereyra 1973).  The solves of many θ at once (a
    finite-difference stencil, a batch of random starts) are one stacked SVD.
    """

    def __init__(
        self, objective: _Objective, base: np.ndarray, free: np.ndarray, linear: np.ndarray
    ) -> None:
        self.objective, self.base, self.linear = objective, base, linear
        self.nonlinear = np.array([k for k in free if k not in set(linear)], dtype=int)
        self.dim = self.nonlinear.size

    def _rows(self, thetas: np.ndarray) -> np.ndarray:
        """For each θ: the base point with every coefficient 0, then each coefficient 1 alone."""
        size = self.linear.size + 1
        rows = np.tile(self.base, (thetas.shape[0] * size, 1))
        rows[:, self.nonlinear] = np.repeat(thetas, size, axis=0)
        rows[:, self.linear] = 0.0
        unit = np.tile(np.arange(size), thetas.shape[0])
        chosen = unit > 0
        rows[np.flatnonzero(chosen), self.linear[unit[chosen] - 1]] = 1.0
        return rows

    def _solve(self, thetas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Best coefficients (B × L) and weighted residuals (B × N; NaN rows: undefined)."""
        objective = self.objective
        size = self.linear.size + 1
        blocks = objective.rows(self._rows(thetas)).reshape(thetas.shape[0], size, -1)
        g0 = blocks[:, 0, :]
        basis = np.swapaxes(blocks[:, 1:, :] - g0[:, None, :], 1, 2)  # B × N × L
        target = objective.y - g0
        if objective.weight is not None:
            basis = basis * objective.weight[None, :, None]
            target = target * objective.weight
        with np.errstate(all="ignore"):
            good = np.all(np.isfinite(basis), axis=(1, 2)) & np.all(np.isfinite(target), axis=1)
            good &= np.all(np.abs(basis) < 1e150, axis=(1, 2))
        coefficients = np.zeros((thetas.shape[0], self.linear.size))
        residuals = np.full(target.shape, np.nan)
        if good.any():
            coefficients[good], residuals[good] = _least_squares(basis[good], target[good])
        return coefficients, residuals

    def full(self, theta: np.ndarray) -> np.ndarray:
        coefficients, _ = self._solve(theta[None, :])
        full = self.base.copy()
        full[self.nonlinear] = theta
        full[self.linear] = coefficients[0]
        return full

    def residuals(self, thetas: np.ndarray) -> np.ndarray:
        return self._solve(thetas)[1]

    def values(self, thetas: np.ndarray) -> np.ndarray:
        return self.objective.normalised(self.residuals(thetas))


def _least_squares(basis: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Minimum-norm least-squares solutions of a stack of problems, and their residuals.

    Columns are scaled to unit norm first (coefficients of 1/x² and x² differ by orders of
    magnitude) and singular values below numpy's ``lstsq`` cut-off are dropped, as
    ``lstsq`` does, so nearly dependent columns cannot produce huge cancelling coefficients.
    """
    norms = np.linalg.norm(basis, axis=1, keepdims=True)  # B × 1 × L
    norms[norms == 0] = 1.0
    scaled = basis / norms
    try:
        u, s, vt = np.linalg.svd(scaled, full_matrices=False)
    except np.linalg.LinAlgError:
        return np.zeros(basis.shape[::2]), np.full(target.shape, np.nan)
    cutoff = np.finfo(float).eps * max(basis.shape[1:]) * s[:, :1]
    inverse = np.where(s > cutoff, 1.0 / np.where(s > 0, s, 1.0), 0.0)
    projected = np.einsum("bnl,bn->bl", u, target) * inverse
    solution = np.einsum("blk,bl->bk", vt, projected)
    residuals = np.einsum("bnl,bl->bn", scaled, solution) - target
    return solution / norms[:, 0, :], residuals


def _screened_start(
    problem: _Plain | _Projected, config: FitConfig, rng: np.random.Generator, count: int
) -> np.ndarray:
    """The best of ``count`` random starts (random signs, log-uniform magnitudes)."""
    low, high = config.restart_log10_range
    starts = rng.choice([-1.0, 1.0], size=(count, problem.dim)) * 10.0 ** rng.uniform(
        low, high, (count, problem.dim)
    )
    return starts[int(np.argmin(problem.values(starts)))]


def _descend(
    problem: _Plain | _Projected, start: np.ndarray, config: FitConfig
) -> tuple[np.ndarray, float, bool]:
    """Levenberg–Marquardt from ``start``, in units of the start.

    Returns the constants, the objective and whether the method converged (``False``: it
    ran out of evaluations, and another run from there may still improve).

    The loss is a sum of squares, so a least-squares method converges in a few Jacobian
    evaluations where BFGS on the scalar loss needs a hundred gradient steps (and pyoperon,
    the baseline, uses the same method).  The Jacobian is a central-difference stencil
    evaluated in one batched call.  Points where the program is undefined get a huge
    residual, which the trust region steps away from.
    """
    from scipy.optimize import least_squares

    if problem.dim == 0:
        return start, float(problem.values(start[None, :])[0]), True
    units = np.where(np.abs(start) > 1e-12, np.abs(start), 1.0)
    size = problem.objective.y.size
    norm = np.sqrt(size * problem.objective.scale)
    dim = problem.dim

    def residual(q: np.ndarray) -> np.ndarray:
        r = problem.residuals((q * units)[None, :])[0] / norm
        return r if np.all(np.isfinite(r)) else np.full(size, _HUGE)

    def jacobian(q: np.ndarray) -> np.ndarray:
        steps = _STEP * np.maximum(1.0, np.abs(q))
        stencil = np.concatenate([np.diag(steps), -np.diag(steps)]) + q
        r = problem.residuals(stencil * units) / norm
        columns = (r[:dim] - r[dim:]) / (2 * steps[:, None])
        return np.where(np.isfinite(columns), columns, 0.0).T

    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = least_squares(
                residual,
                start / units,
                jac=jacobian,
                method="lm" if size >= dim else "trf",
                xtol=config.gtol,
                ftol=config.gtol,
                gtol=config.gtol,
                max_nfev=config.maxiter,
            )
            q, converged = result.x, result.status > 0
        except (ValueError, np.linalg.LinAlgError):
            q, converged = start / units, True
    theta = q * units
    return theta, float(problem.values(theta[None, :])[0]), converged


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
    is linear in are solved by least squares (variable projection); Levenberg–Marquardt
    searches the rest, from all-ones (the paper's start), then from screened random starts.
    """
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
    best_theta, best_value, converged = _descend(problem, np.ones(problem.dim), config)
    for _ in range(config.restarts if problem.dim else 0):
        if best_value < _EXACT:
            break
        start = _screened_start(problem, config, rng, 16)
        theta, value, done = _descend(problem, start, config)
        if value < best_value:
            best_theta, best_value, converged = theta, value, done
    if not converged and _EXACT <= best_value < _PENALTY:
        theta, value, _ = _descend(problem, best_theta, config)
        if value < best_value:
            best_theta, best_value = theta, value
    best_params = problem.full(best_theta)
    checked = objective.one(best_params)
    loss = checked * objective.scale if checked < _PENALTY else float("inf")
    return FitOutcome(best_params, loss, objective.calls)
