"""HEP benchmark data made by the project: Drell–Yan angular coefficients and the QED law.

The lepton angular distribution of Drell–Yan pairs in the Collins–Soper frame is
(1 + cos²θ) + ½A0(1 − 3cos²θ) + A1 sin2θ cosφ + ½A2 sin²θ cos2φ + A3 sinθ cosφ + A4 cosθ,
with coefficients A_i(pT, y, m).  Events are sampled from it (accept–reject) with known
A_i, binned in pT (and |y|), and the A_i are estimated by the moments method,
A0 = 4 − 10⟨cos²θ⟩, A1 = 5⟨sin2θ cosφ⟩, A2 = 10⟨sin²θ cos2φ⟩, A3 = 4⟨sinθ cosφ⟩,
A4 = 4⟨cosθ⟩, each with its statistical error — the data a physicist would fit.

Truth (a toy at O(αs), at the Z pole): A0 = A2 (Lam–Tung) mixes the qq̄ → Zg form
pT²/(m² + pT²) and the qg → Zq form 5pT²/(m² + 5pT²); A4 = 0.12·tanh|y|·m²/(m² + pT²)
grows with |y| (the valence-quark direction becomes better known) and falls with pT.
QED: dσ/dcosθ(e⁺e⁻ → μ⁺μ⁻) = πα²/(2s)·(1 + cos²θ).

Every benchmark has an in-domain training set and an out-of-domain test set (higher pT,
larger |y|, higher √s, the outer cosθ range), exact ("noiseless") or Monte Carlo.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from .data import Dataset
from .errors import LlmsrError
from .spec import InputVariable, Specification

M_Z = 91.1876
ALPHA = 1 / 137.035999
GEV2_TO_PB = 0.3893794e9
F_QQBAR = 0.6


def a0_truth(pt: np.ndarray, m: float = M_Z) -> np.ndarray:
    """A0 (= A2) as a mixture of the qq̄ and qg O(αs) forms."""
    pt2, m2 = np.square(pt), m * m
    return F_QQBAR * pt2 / (m2 + pt2) + (1 - F_QQBAR) * 5 * pt2 / (m2 + 5 * pt2)


def a4_truth(pt: np.ndarray, abs_y: np.ndarray, m: float = M_Z) -> np.ndarray:
    return 0.12 * np.tanh(abs_y) * m * m / (m * m + np.square(pt))


def a1_truth(pt: np.ndarray, abs_y: np.ndarray, m: float = M_Z) -> np.ndarray:
    """A small A1 so that the sampled distribution has every harmonic; not a benchmark target."""
    return 0.05 * np.tanh(abs_y) * pt * m / (m * m + np.square(pt))


CS_COEFFICIENTS = {
    "A0": 0.3, "A1": 0.05, "A2": 0.3, "A3": 0.02, "A4": 0.08, "A5": 0.01, "A6": 0.015, "A7": 0.01,
}  # fmt: skip


def full_angular_density(cos_t: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """The Collins–Soper distribution with all eight coefficients (A5…A7: T-odd, small)."""
    a = CS_COEFFICIENTS
    sin_t = np.sqrt(np.clip(1 - cos_t**2, 0, None))
    return (
        angular_density(cos_t, phi, a)
        + a["A5"] * sin_t**2 * np.sin(2 * phi)
        + a["A6"] * 2 * sin_t * cos_t * np.sin(phi)
        + a["A7"] * sin_t * np.sin(phi)
    )


def qed_dsigma(sqrt_s: np.ndarray, cos_theta: np.ndarray) -> np.ndarray:
    """dσ/dcosθ for e⁺e⁻ → μ⁺μ⁻ in pb."""
    s = np.square(sqrt_s)
    return np.pi * ALPHA**2 / (2 * s) * (1 + np.square(cos_theta)) * GEV2_TO_PB


def angular_density(cos_t: np.ndarray, phi: np.ndarray, a: dict[str, np.ndarray]) -> np.ndarray:
    """The Collins–Soper angular distribution (A5…A7 are zero at this order)."""
    sin_t = np.sqrt(np.clip(1 - cos_t**2, 0, None))
    return (
        1 + cos_t**2
        + 0.5 * a["A0"] * (1 - 3 * cos_t**2)
        + a["A1"] * 2 * sin_t * cos_t * np.cos(phi)
        + 0.5 * a["A2"] * sin_t**2 * np.cos(2 * phi)
        + a["A3"] * sin_t * np.cos(phi)
        + a["A4"] * cos_t
    )  # fmt: skip


def sample_angles(
    a: dict[str, np.ndarray], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """One (cosθ, φ) per event from the angular distribution with per-event coefficients."""
    n = len(a["A0"])
    bound = (
        2
        + np.abs(a["A0"])
        + np.abs(a["A1"])
        + 0.5 * np.abs(a["A2"])
        + np.abs(a["A3"])
        + np.abs(a["A4"])
    )
    cos_t, phi = np.empty(n), np.empty(n)
    todo = np.arange(n)
    while todo.size:
        c = rng.uniform(-1, 1, todo.size)
        p = rng.uniform(0, 2 * np.pi, todo.size)
        sub = {k: v[todo] for k, v in a.items()}
        accept = rng.uniform(0, bound[todo]) < angular_density(c, p, sub)
        cos_t[todo[accept]], phi[todo[accept]] = c[accept], p[accept]
        todo = todo[~accept]
    return cos_t, phi


def moments(cos_t: np.ndarray, phi: np.ndarray) -> dict[str, tuple[float, float]]:
    """Moment estimates of A0…A4 with their statistical errors."""
    sin_t = np.sqrt(np.clip(1 - cos_t**2, 0, None))
    weights = {
        "A0": (4 - 10 * cos_t**2),
        "A1": 5 * 2 * sin_t * cos_t * np.cos(phi),
        "A2": 10 * sin_t**2 * np.cos(2 * phi),
        "A3": 4 * sin_t * np.cos(phi),
        "A4": 4 * cos_t,
    }
    n = len(cos_t)
    return {k: (float(w.mean()), float(w.std(ddof=1) / np.sqrt(n))) for k, w in weights.items()}


def _events(pt: np.ndarray, abs_y: np.ndarray) -> dict[str, np.ndarray]:
    a0 = a0_truth(pt)
    return {
        "A0": a0,
        "A1": a1_truth(pt, abs_y),
        "A2": a0,
        "A3": np.zeros_like(pt),
        "A4": a4_truth(pt, abs_y),
    }


def binned_coefficients(
    pt_edges: np.ndarray, y_edges: np.ndarray, events_per_bin: int, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """MC events uniform in each (pT, |y|) bin → mean pT, mean |y|, A_i and errors per bin."""
    rows: dict[str, list[float]] = {"pT": [], "abs_y": []}
    for pt_lo, pt_hi in pairwise(pt_edges):
        for y_lo, y_hi in pairwise(y_edges):
            pt = rng.uniform(pt_lo, pt_hi, events_per_bin)
            abs_y = rng.uniform(y_lo, y_hi, events_per_bin)
            cos_t, phi = sample_angles(_events(pt, abs_y), rng)
            rows["pT"].append(float(pt.mean()))
            rows["abs_y"].append(float(abs_y.mean()))
            for name, (value, error) in moments(cos_t, phi).items():
                rows.setdefault(name, []).append(value)
                rows.setdefault(f"sigma_{name}", []).append(error)
    return {k: np.asarray(v) for k, v in rows.items()}


@dataclass(frozen=True)
class Benchmark:
    """A named fit problem: specification, in-domain training data, out-of-domain test data."""

    name: str
    summary: str
    spec: Specification
    train: Dataset
    test: Dataset
    truth: str


def _a0(noisy: bool, rng: np.random.Generator) -> tuple[Dataset, Dataset]:
    def make(lo: float, hi: float, bins: int) -> Dataset:
        if not noisy:
            pt = np.linspace(lo, hi, bins)
            return Dataset(("pT",), pt[:, None], a0_truth(pt))
        table = binned_coefficients(
            np.linspace(lo, hi, bins + 1), np.array([0.0, 2.5]), 100_000, rng
        )
        return Dataset(("pT",), table["pT"][:, None], table["A0"], table["sigma_A0"])

    return make(0.5, 60.0, 40), make(60.0, 200.0, 28)


def _a4(noisy: bool, rng: np.random.Generator) -> tuple[Dataset, Dataset]:
    def grid(pt: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p, q = np.meshgrid(pt, y, indexing="ij")
        return p.ravel(), q.ravel()

    if not noisy:
        pt, y = grid(np.linspace(0.5, 60, 12), np.linspace(0.05, 2.0, 8))
        train = Dataset(("pT", "abs_y"), np.column_stack([pt, y]), a4_truth(pt, y))
        pt, y = grid(np.linspace(5, 150, 12), np.linspace(0.1, 3.0, 8))
        outside = (pt > 60) | (y > 2.0)
        test = Dataset(
            ("pT", "abs_y"), np.column_stack([pt[outside], y[outside]]), a4_truth(pt, y)[outside]
        )
        return train, test

    def binned(pt_edges: np.ndarray, y_edges: np.ndarray) -> dict[str, np.ndarray]:
        return binned_coefficients(pt_edges, y_edges, 40_000, rng)

    inside = binned(np.linspace(0, 60, 11), np.linspace(0, 2.0, 7))
    train = Dataset(
        ("pT", "abs_y"),
        np.column_stack([inside["pT"], inside["abs_y"]]),
        inside["A4"],
        inside["sigma_A4"],
    )
    high_pt = binned(np.linspace(60, 150, 7), np.linspace(0, 3.0, 7))
    high_y = binned(np.linspace(0, 60, 7), np.linspace(2.0, 3.0, 3))
    joined = {k: np.concatenate([high_pt[k], high_y[k]]) for k in high_pt}
    test = Dataset(
        ("pT", "abs_y"),
        np.column_stack([joined["pT"], joined["abs_y"]]),
        joined["A4"],
        joined["sigma_A4"],
    )
    return train, test


def _qed(noisy: bool, rng: np.random.Generator) -> tuple[Dataset, Dataset]:
    def make(energies: np.ndarray, cos_lo: float, cos_hi: float, bins: int, outer: bool) -> Dataset:
        rows: list[tuple[float, float, float, float]] = []
        edges = np.linspace(-1.0, 1.0, bins + 1) if outer else np.linspace(cos_lo, cos_hi, bins + 1)
        for sqrt_s in energies:
            if noisy:
                events = 200_000
                c = sample_angles(
                    {k: np.zeros(events) for k in ("A0", "A1", "A2", "A3", "A4")}, rng
                )[0]
                counts = np.histogram(c, edges)[0]
                total = 4 * np.pi * ALPHA**2 / (3 * sqrt_s**2) * GEV2_TO_PB
                width = np.diff(edges)
                values = total * counts / events / width
                errors = total * np.sqrt(np.maximum(counts, 1)) / events / width
            centers = 0.5 * (edges[:-1] + edges[1:])
            for i, c_mid in enumerate(centers):
                if outer and cos_lo <= c_mid <= cos_hi:
                    continue
                exact = float(qed_dsigma(np.array(sqrt_s), np.array(c_mid)))
                value, error = (values[i], errors[i]) if noisy else (exact, 0.0)
                rows.append((float(sqrt_s), float(c_mid), float(value), float(error)))
        array = np.array(rows)
        return Dataset(
            ("sqrt_s", "cos_theta"), array[:, :2], array[:, 2], array[:, 3] if noisy else None
        )

    train = make(np.linspace(10, 30, 6), -0.6, 0.6, 12, outer=False)
    test = make(np.linspace(35, 60, 4), -0.6, 0.6, 20, outer=True)
    return train, test


def _pt_law(law: Callable[[np.ndarray], np.ndarray]) -> tuple[Dataset, Dataset]:
    train, test = np.linspace(0.5, 60.0, 40), np.linspace(60.0, 200.0, 28)
    return Dataset(("pT",), train[:, None], law(train)), Dataset(("pT",), test[:, None], law(test))


def _a0_qqbar(noisy: bool, rng: np.random.Generator) -> tuple[Dataset, Dataset]:
    return _pt_law(lambda pt: pt**2 / (M_Z**2 + pt**2))


def _a0_qg(noisy: bool, rng: np.random.Generator) -> tuple[Dataset, Dataset]:
    return _pt_law(lambda pt: 5 * pt**2 / (M_Z**2 + 5 * pt**2))


def _lam_tung(noisy: bool, rng: np.random.Generator) -> tuple[Dataset, Dataset]:
    """A2 against (pT, A0): at leading order A2 = A0 whatever the pT."""

    def make(pt: np.ndarray) -> Dataset:
        a0 = a0_truth(pt)
        return Dataset(("pT", "A0"), np.column_stack([pt, a0]), a0.copy())

    return make(np.linspace(0.5, 60.0, 40)), make(np.linspace(60.0, 200.0, 28))


def _a4_mass(noisy: bool, rng: np.random.Generator) -> tuple[Dataset, Dataset]:
    def make(pt: np.ndarray, y: np.ndarray, m: np.ndarray) -> Dataset:
        grid = [g.ravel() for g in np.meshgrid(pt, y, m, indexing="ij")]
        return Dataset(("pT", "abs_y", "m"), np.column_stack(grid), a4_truth(*grid))

    train = make(np.linspace(0.5, 60, 8), np.linspace(0.05, 2.0, 6), np.linspace(60, 120, 5))
    test = make(np.linspace(70, 150, 6), np.linspace(2.1, 3.0, 4), np.linspace(60, 120, 3))
    return train, test


def _cs_angular(noisy: bool, rng: np.random.Generator) -> tuple[Dataset, Dataset]:
    def make(cos_t: np.ndarray, phi: np.ndarray) -> Dataset:
        c, f = (g.ravel() for g in np.meshgrid(cos_t, phi, indexing="ij"))
        return Dataset(("cos_theta", "phi"), np.column_stack([c, f]), full_angular_density(c, f))

    phi = np.linspace(0, 2 * np.pi, 16, endpoint=False) + 0.1
    outer = np.concatenate([np.linspace(-0.98, -0.65, 5), np.linspace(0.65, 0.98, 5)])
    return make(np.linspace(-0.6, 0.6, 13), phi), make(outer, phi)


_PT = InputVariable("pT", "transverse momentum of the lepton pair in GeV", "scale")
_SPECS = {
    "a0": Specification(
        target="A0",
        inputs=(InputVariable("pT", "transverse momentum of the lepton pair in GeV", "scale"),),
        description=(
            "Find the angular coefficient A0 of Drell-Yan lepton pairs at the Z pole "
            "(invariant mass 91.19 GeV) as a function of the pair's transverse momentum."
        ),
        target_meaning="the Drell-Yan angular coefficient A0",
    ),
    "a4": Specification(
        target="A4",
        inputs=(
            InputVariable("pT", "transverse momentum of the lepton pair in GeV", "scale"),
            InputVariable("abs_y", "absolute rapidity of the lepton pair", "rapidity"),
        ),
        description=(
            "Find the angular coefficient A4 (forward-backward asymmetry) of Drell-Yan lepton "
            "pairs at the Z pole as a function of transverse momentum and absolute rapidity."
        ),
        target_meaning="the Drell-Yan angular coefficient A4",
    ),
    "qed": Specification(
        target="dsigma_dcos",
        inputs=(
            InputVariable("sqrt_s", "centre-of-mass energy in GeV", "scale"),
            InputVariable("cos_theta", "cosine of the muon scattering angle", "cosine"),
        ),
        description=(
            "Find the differential cross section dsigma/dcos(theta) in pb of e+e- -> mu+mu- in QED."
        ),
        target_meaning="the differential cross section in pb",
    ),
}
_SPECS.update(
    {
        "a0-qqbar": Specification(
            "A0", (_PT,), "A0 of Drell-Yan pairs from quark-antiquark annihilation", "A0"
        ),
        "a0-qg": Specification(
            "A0", (_PT,), "A0 of Drell-Yan pairs from quark-gluon scattering", "A0"
        ),
        "a2-lamtung": Specification(
            "A2",
            (_PT, InputVariable("A0", "the angular coefficient A0", "generic")),
            "A2 of Drell-Yan pairs given pT and A0",
            "A2",
        ),
        "a4-mass": Specification(
            "A4",
            (
                _PT,
                InputVariable("abs_y", "absolute rapidity of the lepton pair", "rapidity"),
                InputVariable("m", "invariant mass of the lepton pair in GeV", "scale"),
            ),
            "A4 of Drell-Yan pairs as a function of pT, |y| and the pair mass",
            "A4",
        ),
        "cs-angular": Specification(
            "density",
            (
                InputVariable("cos_theta", "cosine of the Collins-Soper polar angle", "cosine"),
                InputVariable("phi", "Collins-Soper azimuthal angle", "angle"),
            ),
            "The lepton angular distribution of Drell-Yan pairs in the Collins-Soper frame",
            "angular density (unnormalised)",
        ),
    }
)
_MAKERS: dict[str, Callable[[bool, np.random.Generator], tuple[Dataset, Dataset]]] = {
    "a0": _a0,
    "a4": _a4,
    "qed": _qed,
    "a0-qqbar": _a0_qqbar,
    "a0-qg": _a0_qg,
    "a2-lamtung": _lam_tung,
    "a4-mass": _a4_mass,
    "cs-angular": _cs_angular,
}
_EXACT_ONLY = frozenset({"a0-qqbar", "a0-qg", "a2-lamtung", "a4-mass", "cs-angular"})
_TRUTH = {
    "a0": f"{F_QQBAR}*pT**2/({M_Z}**2 + pT**2) + {1 - F_QQBAR:.1f}*5*pT**2/({M_Z}**2 + 5*pT**2)",
    "a4": f"0.12*tanh(abs_y)*{M_Z}**2/({M_Z}**2 + pT**2)",
    "qed": "pi*alpha**2/(2*sqrt_s**2)*(1 + cos_theta**2) [pb]",
    "a0-qqbar": f"pT**2/({M_Z}**2 + pT**2)",
    "a0-qg": f"5*pT**2/({M_Z}**2 + 5*pT**2)",
    "a2-lamtung": "A0",
    "a4-mass": "0.12*tanh(abs_y)*m**2/(m**2 + pT**2)",
    "cs-angular": (
        "1 + c**2 + A0/2*(1 - 3c**2) + A1 sin2θ cosφ + A2/2 sin²θ cos2φ + A3 sinθ cosφ "
        "+ A4 c + A5 sin²θ sin2φ + A6 sin2θ sinφ + A7 sinθ sinφ, "
        + ", ".join(f"{k}={v}" for k, v in CS_COEFFICIENTS.items())
    ),
}
_SUMMARIES = {
    "a0": "A0(pT) at the Z pole; train pT < 60 GeV, test 60-200 GeV",
    "a4": "A4(pT, |y|); train pT < 60 GeV and |y| < 2, test beyond either",
    "qed": "QED dsigma/dcos(theta); train sqrt(s) 10-30 GeV and |cos| < 0.6, test beyond",
    "a0-qqbar": "A0(pT) of qq̄ -> Zg; train pT < 60 GeV, test 60-200 GeV",
    "a0-qg": "A0(pT) of qg -> Zq; train pT < 60 GeV, test 60-200 GeV",
    "a2-lamtung": "A2(pT, A0), Lam-Tung A2 = A0; train pT < 60 GeV, test 60-200 GeV",
    "a4-mass": "A4(pT, |y|, m), m 60-120 GeV; train pT < 60 and |y| < 2, test beyond both",
    "cs-angular": "full Collins-Soper distribution (cos θ, φ), A0-A7; train |cos| < 0.6",
}


def benchmark_names() -> list[str]:
    """Names accepted by ``load_benchmark``: qed, a0, a4 (each also ``-mc``) and the exact
    a0-qqbar, a0-qg, a2-lamtung, a4-mass and cs-angular."""
    names = [f"{base}{suffix}" for base in _MAKERS for suffix in ("", "-mc")]
    return [n for n in names if not (n.endswith("-mc") and n[:-3] in _EXACT_ONLY)]


def load_benchmark(name: str, seed: int = 0) -> Benchmark:
    """Build a benchmark; ``-mc`` variants carry Monte Carlo statistical errors (fit by chi²)."""
    base, noisy = (name[:-3], True) if name.endswith("-mc") else (name, False)
    if base not in _MAKERS or (noisy and base in _EXACT_ONLY):
        raise LlmsrError(
            f"unknown benchmark {name!r}; choose one of {', '.join(benchmark_names())}"
        )
    train, test = _MAKERS[base](noisy, np.random.default_rng(seed))
    summary = _SUMMARIES[base] + (" (Monte Carlo, moments method)" if noisy else " (exact)")
    return Benchmark(name, summary, _SPECS[base], train, test, _TRUTH[base])
