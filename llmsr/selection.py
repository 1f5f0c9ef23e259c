"""Choosing the program to report: by loss (LLM-SR) or by an information criterion.

Inside the search the score stays LLM-SR's −loss: it steers the islands and the prompts.
The final pick is another matter.  The lowest loss over hundreds of candidates rewards every
extra constant: on data with statistical errors the best χ² belongs to a form with many
constants that follows the fluctuations and extrapolates badly (a0-mc: a 9-constant form
with in-domain NMSE 0.004 and out-of-domain NMSE 458).  An information criterion makes an
extra constant pay for itself:

* with uncertainties, −2 ln L = χ² (Gaussian errors), so BIC = χ² + k ln N and
  AICc = χ² + 2k + 2k(k + 1)/(N − k − 1);
* without them, the error variance is unknown and profiled out: −2 ln L = N ln(MSE) + const.

``bic`` is the default: its ln N per constant (3.7 for 40 points) is stricter than AIC's 2,
and it is consistent — with enough data it picks the true form when that form is among the
candidates, which is what equation discovery wants; AIC aims at the best predictor in
domain, which tolerates a spare constant that can ruin extrapolation.

On exact data the MSE of the true form is rounding noise (NMSE 1e-17 or 1e-30, depending
on the program); ``N ln(MSE)`` would rank that noise, so the MSE is floored at
``EXACT_NMSE`` × var(y): every exact fit ties on the fit term and the fewest constants win.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import get_args

import numpy as np

from .config import Selection
from .results import ProgramRecord

SELECTIONS: tuple[str, ...] = get_args(Selection)
EXACT_NMSE = 1e-12


def constants_of(record: ProgramRecord, max_nparams: int) -> int:
    """The number of constants a program fits: the ``params[i]`` it uses (all when dynamic)."""
    return max_nparams if record.used is None else len(record.used)


@dataclass(frozen=True)
class Criterion:
    """An information criterion on one training set: smaller is better.

    ``kind`` is ``"bic"``, ``"aicc"`` or ``"aic"``; ``chi2`` says the loss is χ²/N (data
    with uncertainties) rather than the MSE; ``floor`` is the smallest MSE told apart from
    an exact fit.
    """

    kind: str
    n: int
    chi2: bool
    floor: float = 0.0

    @classmethod
    def for_data(cls, kind: str, y: np.ndarray, chi2: bool) -> Criterion:
        variance = float(np.var(y))
        return cls(kind, int(y.size), chi2, EXACT_NMSE * (variance if variance > 0 else 1.0))

    def fit_term(self, loss: float) -> float:
        """−2 ln L up to a constant: χ², or N ln(MSE) with the MSE floored."""
        if self.chi2:
            return self.n * loss
        return self.n * math.log(max(loss, self.floor, 1e-300))

    def penalty(self, k: int) -> float:
        """What ``k`` constants cost (infinite for AICc when k ≥ N − 1)."""
        if self.kind == "bic":
            return k * math.log(self.n)
        if self.kind == "aic":
            return 2.0 * k
        if self.kind == "aicc":
            spare = self.n - k - 1
            return 2.0 * k + 2.0 * k * (k + 1) / spare if spare > 0 else math.inf
        raise ValueError(f"unknown information criterion {self.kind!r}")

    def value(self, loss: float, k: int) -> float:
        return self.fit_term(loss) + self.penalty(k)

    def simpler_is_as_good(self, loss: float, k: int, simpler_loss: float, simpler_k: int) -> bool:
        """Whether a simpler variant is at least as good: its criterion is smaller.

        A variant that is simpler only in structure (a sub-expression replaced by one new
        constant, so the count stays) is charged as if it had one constant fewer: its choice
        of form is itself a degree of freedom the data need not support.  A variant that
        ends up with more constants (a shared constant split in two) pays for all of them.
        """
        charged = max(0, k - 1) if simpler_k == k else simpler_k
        return self.value(simpler_loss, charged) < self.value(loss, k)
