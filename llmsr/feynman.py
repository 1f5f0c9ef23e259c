"""A representative subset of the AI Feynman equations, generated here from the formulas.

Udrescu & Tegmark (2020, Sci. Adv. 6, eaay2631) list 100 equations from the Feynman Lectures
with a sampling range per variable; SRBench uses them as its "Feynman" problems.  The 14 below
cover the kinds of structure in the set (products, powers, ratios, square roots, exponentials,
trigonometry, a relativistic factor, a rational pole outside the domain) with one to four
inputs; running all 100 against three methods does not fit on two shared cores.  Training
inputs are drawn uniformly from the published ranges; test inputs from the range shifted up
by half its width, so the test NMSE measures extrapolation.  ``noise`` adds Gaussian noise of
that fraction of the target's standard deviation to the training target (SRBench's
convention); the test target stays exact.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .data import Dataset
from .errors import LlmsrError
from .spec import InputVariable, Specification

Formula = Callable[..., np.ndarray]


@dataclass(frozen=True)
class FeynmanEquation:
    name: str
    target: str
    variables: tuple[tuple[str, float, float], ...]
    formula: Formula
    truth: str


_EQUATIONS = (
    FeynmanEquation("I.6.20a", "f", (("theta", 1, 3),),
                    lambda t: np.exp(-(t**2) / 2) / np.sqrt(2 * np.pi),
                    "exp(-theta**2/2)/sqrt(2*pi)"),
    FeynmanEquation("I.6.20", "f", (("sigma", 1, 3), ("theta", 1, 3)),
                    lambda s, t: np.exp(-((t / s) ** 2) / 2) / (np.sqrt(2 * np.pi) * s),
                    "exp(-(theta/sigma)**2/2)/(sqrt(2*pi)*sigma)"),
    FeynmanEquation("I.10.7", "m", (("m_0", 1, 5), ("v", 1, 2), ("c", 3, 10)),
                    lambda m0, v, c: m0 / np.sqrt(1 - v**2 / c**2),
                    "m_0/sqrt(1 - v**2/c**2)"),
    FeynmanEquation("I.12.1", "F", (("mu", 1, 5), ("Nn", 1, 5)),
                    lambda mu, n: mu * n, "mu*Nn"),
    FeynmanEquation("I.12.2", "F", (("q1", 1, 5), ("q2", 1, 5), ("epsilon", 1, 5), ("r", 1, 5)),
                    lambda q1, q2, e, r: q1 * q2 / (4 * np.pi * e * r**2),
                    "q1*q2/(4*pi*epsilon*r**2)"),
    FeynmanEquation("I.14.4", "U", (("k_spring", 1, 5), ("x", 1, 5)),
                    lambda k, x: k * x**2 / 2, "k_spring*x**2/2"),
    FeynmanEquation("I.25.13", "Volt", (("q", 1, 5), ("C", 1, 5)),
                    lambda q, c: q / c, "q/C"),
    FeynmanEquation("I.29.4", "k", (("omega", 1, 10), ("c", 1, 10)),
                    lambda w, c: w / c, "omega/c"),
    FeynmanEquation("I.39.1", "E_n", (("pr", 1, 5), ("V", 1, 5)),
                    lambda p, v: 1.5 * p * v, "3/2*pr*V"),
    FeynmanEquation("I.47.23", "c", (("gamma", 1, 5), ("pr", 1, 5), ("rho", 1, 5)),
                    lambda g, p, r: np.sqrt(g * p / r), "sqrt(gamma*pr/rho)"),
    FeynmanEquation("II.3.24", "flux", (("Pwr", 1, 5), ("r", 1, 5)),
                    lambda p, r: p / (4 * np.pi * r**2), "Pwr/(4*pi*r**2)"),
    FeynmanEquation("II.11.28", "theta", (("n", 0, 1), ("alpha", 0, 1)),
                    lambda n, a: 1 + n * a / (1 - n * a / 3), "1 + n*alpha/(1 - n*alpha/3)"),
    FeynmanEquation("II.27.18", "E_den", (("epsilon", 1, 5), ("Ef", 1, 5)),
                    lambda e, f: e * f**2, "epsilon*Ef**2"),
    FeynmanEquation("III.17.37", "f", (("beta", 1, 5), ("alpha", 1, 5), ("theta", 1, 5)),
                    lambda b, a, t: b * (1 + a * np.cos(t)), "beta*(1 + alpha*cos(theta))"),
)  # fmt: skip
EQUATIONS = {e.name: e for e in _EQUATIONS}
TRAIN_ROWS = 200
TEST_ROWS = 200


def feynman_names() -> list[str]:
    return list(EQUATIONS)


def feynman_problem(
    name: str, noise: float = 0.0, seed: int = 0
) -> tuple[Specification, Dataset, Dataset, str]:
    """Specification, training data (with ``noise``), exact test data and the true formula."""
    if name not in EQUATIONS:
        raise LlmsrError(f"unknown Feynman equation {name!r}; choose one of {', '.join(EQUATIONS)}")
    equation = EQUATIONS[name]
    rng = np.random.default_rng(seed)
    names = tuple(v for v, _, _ in equation.variables)
    low = np.array([lo for _, lo, _ in equation.variables], dtype=float)
    high = np.array([hi for _, _, hi in equation.variables], dtype=float)
    x_train = rng.uniform(low, high, size=(TRAIN_ROWS, len(names)))
    width = high - low
    x_test = rng.uniform(high, high + width / 2, size=(TEST_ROWS, len(names)))
    if name == "I.10.7":  # keep v < c beyond the training range as well
        x_test[:, 1] = rng.uniform(2, 2.5, TEST_ROWS)
    y_train = equation.formula(*x_train.T)
    y_test = equation.formula(*x_test.T)
    if noise > 0:
        y_train = y_train + rng.normal(0, noise * float(np.std(y_train)), TRAIN_ROWS)
    spec = Specification(
        target=equation.target,
        inputs=tuple(InputVariable(n) for n in names),
        description=f"Feynman equation {name}",
        target_meaning=equation.target,
    ).with_inferred_kinds(x_train)
    return (
        spec,
        Dataset(names, x_train, y_train),
        Dataset(names, x_test, y_test),
        equation.truth,
    )
