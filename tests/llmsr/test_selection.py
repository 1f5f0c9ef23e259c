"""Final model selection: an information criterion prefers the true simpler form on noisy data."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from lagrangian.llmsr.api import FitRequest, fit_equation
from lagrangian.llmsr.backends import BackendStats
from lagrangian.llmsr.config import BufferConfig, SandboxConfig, SearchConfig
from lagrangian.llmsr.errors import LlmsrError
from lagrangian.llmsr.prompts import Prompt
from lagrangian.llmsr.selection import Criterion

FAST = SearchConfig(
    buffer=BufferConfig(num_islands=2),
    sandbox=SandboxConfig(workers=2, timeout_seconds=30.0),
    samples_per_prompt=2,
)
TRUE = "params[0] * x**2 / (params[1] + x**2)"
OVERFIT = TRUE + " + params[2] * x + params[3] * x**2 + params[4] * x**3 + params[5] / x"


class ScriptedBackend:
    """Proposes the true saturating form and the same form with four spurious terms."""

    name = "scripted"

    def __init__(self) -> None:
        self.stats = BackendStats()

    def close(self) -> None:
        pass

    def sample(self, prompt: Prompt, n: int) -> list[str]:
        head = "def equation_v2(x, params):\n    return "
        return [head + TRUE + "\n", head + OVERFIT + "\n"][:n]


def noisy_csv(path: Path, with_sigma: bool) -> Path:
    """y = 3x²/(20 + x²) with 2 % Gaussian noise on 40 points (fixed seed)."""
    x = np.linspace(1.0, 10.0, 40)
    truth = 3 * x**2 / (20 + x**2)
    sigma = 0.02 * np.ones_like(x)
    y = truth + sigma * np.random.default_rng(7).standard_normal(x.size)
    header = "x,y,err" if with_sigma else "x,y"
    columns = (x, y, sigma) if with_sigma else (x, y)
    rows = [",".join(f"{v:.17g}" for v in row) for row in zip(*columns, strict=True)]
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    return path


def fit(path: Path, with_sigma: bool, selection: str):  # type: ignore[no-untyped-def]
    request = FitRequest(
        data=str(path),
        target="y",
        inputs=("x",),
        sigma="err" if with_sigma else None,
        budget=2,
        config=FAST.replace(selection=selection),
    )
    return fit_equation(request, backend=ScriptedBackend())


@pytest.mark.parametrize("with_sigma", [True, False], ids=["chi2", "mse"])
def test_bic_prefers_the_true_form_that_loss_would_reject(tmp_path: Path, with_sigma: bool) -> None:
    path = noisy_csv(tmp_path / "noisy.csv", with_sigma)
    by_bic = fit(path, with_sigma, "bic")
    by_loss = fit(path, with_sigma, "loss")
    proposed = [r for r in by_bic.run["history"] if r["stage"] == "search" and r["parents"]]
    true, overfit = sorted(proposed, key=lambda r: len(r["used"]))
    assert (true["used"], overfit["used"]) == ([0, 1], list(range(6)))
    # Not vacuous: the nested overfit form does fit the noise better...
    assert overfit["loss"] < true["loss"]
    # ...so the lowest loss picks it, while BIC picks the true two-constant form.
    assert by_loss.best.loss < by_bic.best.loss and len(by_loss.best.params) > 2
    assert "params[2]" not in by_bic.best.program
    assert len(by_bic.best.params) == 2
    assert abs(by_bic.best.params[0] - 3) < 0.1


def test_information_criteria_charge_each_constant() -> None:
    bic = Criterion("bic", n=40, chi2=True)
    aic = Criterion("aic", n=40, chi2=True)
    aicc = Criterion("aicc", n=40, chi2=True)
    assert bic.value(1.0, 2) == pytest.approx(40 + 2 * math.log(40))
    assert aic.value(1.0, 2) == pytest.approx(44)
    assert aicc.value(1.0, 2) == pytest.approx(44 + 12 / 37)
    assert aicc.penalty(39) == math.inf
    # A constant bought with Δχ² = 3: worth it for AIC (2), not for BIC (ln 40 = 3.7).
    assert aic.value(1.0 - 3 / 40, 3) < aic.value(1.0, 2)
    assert bic.value(1.0 - 3 / 40, 3) > bic.value(1.0, 2)


def test_exact_fits_tie_on_the_fit_term_and_fewer_constants_win() -> None:
    y = np.linspace(0.0, 1.0, 30)
    criterion = Criterion.for_data("bic", y, chi2=False)
    variance = float(np.var(y))
    # Rounding noise (1e-30 vs 1e-20) must not buy an extra constant on exact data.
    assert criterion.value(1e-30 * variance, 3) > criterion.value(1e-20 * variance, 2)
    # Above the floor a real improvement still counts.
    assert criterion.value(1e-6 * variance, 3) < criterion.value(1e-3 * variance, 2)


def test_pruning_rule_never_accepts_a_variant_with_more_constants() -> None:
    criterion = Criterion("bic", n=60, chi2=True)
    # Splitting a shared constant in two (3 → 4 constants) at a slightly higher χ²: refused.
    assert not criterion.simpler_is_as_good(0.90, 3, 0.92, 4)
    # Dropping a constant that buys Δχ² < ln 60: accepted; one that buys more: refused.
    assert criterion.simpler_is_as_good(0.90, 3, 0.90 + 3.0 / 60, 2)
    assert not criterion.simpler_is_as_good(0.90, 3, 0.90 + 5.0 / 60, 2)
    # A structural simplification (same count) must not make the fit worse by a constant's worth.
    assert criterion.simpler_is_as_good(0.90, 3, 0.90 + 3.0 / 60, 3)
    assert not criterion.simpler_is_as_good(0.90, 3, 0.90 + 5.0 / 60, 3)


def test_unknown_selection_is_a_clear_error(tmp_path: Path) -> None:
    path = noisy_csv(tmp_path / "noisy.csv", with_sigma=False)
    with pytest.raises(LlmsrError, match=r"unknown selection 'best'.*bic"):
        fit(path, False, "best")


PADDED = (
    "(params[0] + params[1] * pT + params[2] * np.sqrt(pT) + params[3] / pT)"
    " / (1 + params[4] / pT**2)"
)
LOOK_ALIKE = "params[0] / (1 + params[1] / pT**2 + 1e-07 * np.sin(pT))"


class ExactBackend(ScriptedBackend):
    """The qq̄ A0 law padded with three dead numerator terms, and a two-constant look-alike."""

    def sample(self, prompt: Prompt, n: int) -> list[str]:
        head = "def equation_v2(pT, params):\n    return "
        return [head + PADDED + "\n", head + LOOK_ALIKE + "\n"][:n]


def test_an_exact_law_padded_with_dead_terms_beats_a_look_alike_exact_only_to_the_floor(
    tmp_path: Path,
) -> None:
    """A0 = pT²/(m² + pT²).  The look-alike's sin term in the denominator costs NMSE ~1e-14,
    below the 1e-12 floor at which every fit counts as exact, so with two constants it ranks
    above the padded law (five); pruned, the padded one is the law with two, and shorter."""
    pt = np.linspace(0.5, 60.0, 40)
    a0 = pt**2 / (91.1876**2 + pt**2)
    rows = [f"{p:.17g},{y:.17g}" for p, y in zip(pt, a0, strict=True)]
    path = tmp_path / "a0.csv"
    path.write_text("pT,A0\n" + "\n".join(rows) + "\n")
    request = FitRequest(data=str(path), target="A0", inputs=("pT",), budget=2, config=FAST)
    result = fit_equation(request, backend=ExactBackend())
    proposed = [r for r in result.run["history"] if r["stage"] == "search" and r["parents"]]
    padded = next(r for r in proposed if "np.sqrt" in r["body"])
    look_alike = next(r for r in proposed if "np.sin" in r["body"])
    assert padded["nmse_train"] < 1e-26 < look_alike["nmse_train"] < 1e-12  # not vacuous
    assert "sin" not in result.best.program and result.best.nmse_train < 1e-26
    assert len(result.best.params) == 2
