"""Hyperparameters of the search, with the defaults of the LLM-SR paper and code.

They are grouped as in LLM-SR (experience buffer, sampling, evaluation) plus the parameter
fit, so a saved run can record exactly how it was produced and be resumed with the same
settings.  Every class is a frozen dataclass that converts to and from plain dicts for JSON.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

ClusterLogits = Literal["score", "log_loss"]
LossKind = Literal["auto", "mse", "chi2"]
Selection = Literal["bic", "aicc", "aic", "loss"]


@dataclass(frozen=True)
class BufferConfig:
    """The island experience buffer (LLM-SR ``ExperienceBufferConfig``).

    ``cluster_logits`` chooses what the Boltzmann cluster sampling exponentiates: ``"score"``
    is the paper's −loss; ``"log_loss"`` (the default, the one deliberate deviation from the
    paper) uses −log10(loss), which makes selection pressure independent of the units of the
    target: with the paper's logits, sampling is almost uniform whenever losses are far below
    the temperature 0.1 (any NMSE-scale fit), so the search barely exploits its best islands.
    ``reset_period_programs`` resets the weaker half after that many registered programs
    instead of (or as well as) the paper's wall-clock period, which keeps seeded runs
    reproducible.
    """

    functions_per_prompt: int = 2
    num_islands: int = 10
    reset_period_seconds: float | None = 4 * 60 * 60
    reset_period_programs: int | None = None
    cluster_sampling_temperature_init: float = 0.1
    cluster_sampling_temperature_period: int = 30_000
    cluster_logits: ClusterLogits = "log_loss"


@dataclass(frozen=True)
class FitConfig:
    """Parameter fitting (the paper fits once from all-ones by BFGS; restarts add robustness).

    ``loss="auto"`` minimises chi²/N when the data carries uncertainties, the MSE otherwise.
    Each fit is a Levenberg–Marquardt run from all-ones, then ``restarts`` runs from random
    signs and log-uniform magnitudes in ``10**restart_log10_range`` (each the best of 16
    such points), because physical scales (a mass squared, 8315 GeV²) are far from the
    paper's starting value 1.  ``maxiter`` bounds the residual evaluations of one run;
    ``gtol`` is its tolerance on relative changes of the constants, the loss and the
    gradient.
    """

    loss: LossKind = "auto"
    restarts: int = 3
    restart_log10_range: tuple[float, float] = (-2.0, 4.0)
    maxiter: int = 60
    gtol: float = 1e-15


@dataclass(frozen=True)
class SandboxConfig:
    """Isolation of untrusted programs: worker processes with time and memory limits.

    ``timeout_seconds`` is the paper's ``evaluate_timeout_seconds``.
    """

    workers: int = 2
    timeout_seconds: float = 30.0
    memory_mb: int = 2048
    simplify_timeout_seconds: float = 20.0


@dataclass(frozen=True)
class SearchConfig:
    """One search: budget, sampling and the three groups above.

    ``budget`` counts candidate programs (every reply sample the backend produced, including
    the ones rejected), like LLM-SR's ``max_sample_nums``.

    ``selection`` is how the reported program is chosen after the search (the search itself
    always scores by −loss): ``"bic"`` (default), ``"aicc"`` or ``"aic"`` minimise that
    information criterion over every fitted candidate, so an extra constant must pay for
    itself, and pruning uses the same criterion; ``"loss"`` is LLM-SR's lowest loss, with
    pruning by AIC.  See ``selection.py`` for the formulas and why BIC.
    """

    budget: int = 400
    samples_per_prompt: int = 4
    seed: int = 0
    test_fraction: float = 0.2
    top_k: int = 5
    selection: Selection = "bic"
    checkpoint_every: int = 40
    max_consecutive_backend_failures: int = 8
    stop_nmse: float | None = None
    buffer: BufferConfig = field(default_factory=BufferConfig)
    fit: FitConfig = field(default_factory=FitConfig)
    sandbox: SandboxConfig = field(default_factory=SandboxConfig)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SearchConfig:
        """Rebuild from ``to_dict`` output; unknown keys are an error, not silently dropped."""
        values = dict(data)
        groups = {"buffer": BufferConfig, "fit": FitConfig, "sandbox": SandboxConfig}
        for key, kind in groups.items():
            if key in values:
                sub = dict(values[key])
                if "restart_log10_range" in sub:
                    sub["restart_log10_range"] = tuple(sub["restart_log10_range"])
                values[key] = kind(**sub)
        return cls(**values)

    def replace(self, **changes: Any) -> SearchConfig:
        return dataclasses.replace(self, **changes)
