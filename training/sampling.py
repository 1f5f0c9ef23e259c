"""Random field contents: what the model trains on and what the benchmarks measure.

Uniform sampling draws every field independently, which (as Koay et al. found) almost never
produces trilinears or singlets: random hypercharges rarely add up to zero three at a time.
The ``enriched`` strategy builds some fields *from* the others — a scalar whose charges
close a trilinear or a Yukawa with two fields already drawn, a vector-like partner that
allows a fermion mass, a gauge singlet — so the features the model must learn occur often
enough to be learned.  ``feature_shares`` measures how often they occur.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Literal

from lagrangian.grammar.ast import FieldDecl, RepSpec
from lagrangian.physics.fields import Model, build_model
from lagrangian.physics.groups import SUIrrep, parse_su_irrep

Strategy = Literal["uniform", "enriched"]


@dataclass(frozen=True)
class SamplingConfig:
    """Distributions of the field content (weights need not be normalised)."""

    min_fields: int = 1
    max_fields: int = 6
    scalar_weight: float = 1.0
    fermion_weight: float = 1.0
    right_handed_share: float = 0.2
    real_share: float = 0.3  # of scalars in real representations
    su3: dict[str, float] = field(
        default_factory=lambda: {"1": 6, "3": 2, "-3": 2, "6": 0.5, "-6": 0.5, "8": 1}
    )
    su2: dict[str, float] = field(default_factory=lambda: {"1": 5, "2": 4, "3": 1.5})
    denominators: dict[int, float] = field(
        default_factory=lambda: {1: 3, 2: 3, 3: 2, 6: 2, 4: 0.3, 5: 0.2, 12: 0.2, 13: 0.1}
    )
    max_numerator: int = 6
    large_charge_share: float = 0.03  # charges with multi-digit numerators, e.g. 40 or -37/6
    enriched_feature_share: float = 0.5  # chance that a field is built to close a term

    def __post_init__(self) -> None:
        if not 1 <= self.min_fields <= self.max_fields:
            raise ValueError("need 1 <= min_fields <= max_fields")


# Named distributions.  ``wide`` exercises the whole input language (sextets, hypercharge
# denominators up to 13, multi-digit numerators); ``standard`` keeps to the quantum numbers
# of most BSM model building (SU(3) 1, 3, 3bar, 8; SU(2) 1, 2, 3; hypercharges in sixths up
# to 6), which is what the shipped default checkpoint is trained and tested on.
PROFILES: dict[str, SamplingConfig] = {
    "wide": SamplingConfig(),
    "standard": SamplingConfig(
        su3={"1": 6, "3": 2, "-3": 2, "8": 1},
        denominators={1: 3, 2: 3, 3: 2, 6: 2},
        large_charge_share=0.0,
    ),
}


def profile_config(profile: str, min_fields: int, max_fields: int) -> SamplingConfig:
    """The named distribution with the given field-count range."""
    if profile not in PROFILES:
        raise ValueError(f"unknown sampling profile {profile!r}; choose {', '.join(PROFILES)}")
    return replace(PROFILES[profile], min_fields=min_fields, max_fields=max_fields)


@dataclass(frozen=True)
class FieldSpec:
    """One sampled field, as a declaration: ``fermion F2 (3, 2, 1/6) left``."""

    kind: Literal["scalar", "fermion"]
    name: str
    su3: str
    su2: str
    charge: Fraction
    helicity: Literal["left", "right"] | None = None
    real: bool = False

    def declaration(self) -> str:
        tail = f" {self.helicity}" if self.helicity else (" real" if self.real else "")
        return f"{self.kind} {self.name} ({self.su3}, {self.su2}, {self.charge}){tail}"


def declarations(fields: Sequence[FieldSpec]) -> str:
    """The ``--fields`` string of a sampled content."""
    return "; ".join(f.declaration() for f in fields)


def to_model(fields: Sequence[FieldSpec]) -> Model:
    decls = [
        FieldDecl(
            kind=f.kind,
            name=f.name,
            reps=(RepSpec(f.su3), RepSpec(f.su2), RepSpec(str(f.charge), charge=f.charge)),
            helicity=f.helicity,
            real=f.real,
        )
        for f in fields
    ]
    model, problems = build_model(None, decls)
    if problems:
        raise ValueError("; ".join(p.message for p in problems))
    return model


def _weighted(rng: random.Random, weights: dict) -> object:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _charge(rng: random.Random, config: SamplingConfig) -> Fraction:
    denominator = int(_weighted(rng, config.denominators))  # type: ignore[call-overload]
    if rng.random() < config.large_charge_share:
        return Fraction(rng.choice([-1, 1]) * rng.randint(10, 99), denominator)
    return Fraction(rng.randint(-config.max_numerator, config.max_numerator), denominator)


def _realisable(su3: str, su2: str, charge: Fraction) -> bool:
    """Whether a scalar with these quantum numbers may be declared real."""
    if charge != 0:
        return False
    a, b = parse_su_irrep(su3, 3), parse_su_irrep(su2, 2)
    return a.reality() != "complex" and b.reality() == "real" and a.reality() == "real"


def sample_fields(
    rng: random.Random, config: SamplingConfig = SamplingConfig(), strategy: Strategy = "uniform"
) -> list[FieldSpec]:
    """A random field content; names are ``S1…`` for scalars and ``F1…`` for fermions."""
    n = rng.randint(config.min_fields, config.max_fields)
    fields: list[FieldSpec] = []
    while len(fields) < n:
        if strategy == "enriched" and fields and rng.random() < config.enriched_feature_share:
            fields.append(_closing_field(rng, config, fields))
        else:
            fields.append(_free_field(rng, config, fields))
    return fields


def _name(kind: str, fields: Sequence[FieldSpec]) -> str:
    prefix = "S" if kind == "scalar" else "F"
    return f"{prefix}{sum(f.kind == kind for f in fields) + 1}"


def _free_field(
    rng: random.Random, config: SamplingConfig, fields: Sequence[FieldSpec]
) -> FieldSpec:
    kind = (
        "scalar"
        if rng.random() < config.scalar_weight / (config.scalar_weight + config.fermion_weight)
        else "fermion"
    )
    su3 = str(_weighted(rng, config.su3))
    su2 = str(_weighted(rng, config.su2))
    charge = _charge(rng, config)
    return _finish(rng, config, kind, su3, su2, charge, fields)


def _finish(
    rng: random.Random,
    config: SamplingConfig,
    kind: str,
    su3: str,
    su2: str,
    charge: Fraction,
    fields: Sequence[FieldSpec],
) -> FieldSpec:
    name = _name(kind, fields)
    if kind == "fermion":
        helicity = "right" if rng.random() < config.right_handed_share else "left"
        return FieldSpec("fermion", name, su3, su2, charge, helicity)  # type: ignore[arg-type]
    real = _realisable(su3, su2, charge) and rng.random() < config.real_share
    return FieldSpec("scalar", name, su3, su2, charge, None, real)


def _closing_field(
    rng: random.Random, config: SamplingConfig, fields: Sequence[FieldSpec]
) -> FieldSpec:
    """A field that completes a term with fields already drawn.

    Choices: a gauge singlet (tadpoles, portals); a vector-like partner (conjugate quantum
    numbers, so a fermion mass or a scalar mixing exists); or a scalar carrying the
    conjugate of an irrep in the product of two drawn fields (a trilinear or a Yukawa).
    """
    choice = rng.choice(["singlet", "partner", "closer"])
    if choice == "singlet":
        kind = rng.choice(["scalar", "fermion"])
        return _finish(rng, config, kind, "1", "1", Fraction(0), fields)
    base = rng.choice(list(fields))
    if choice == "partner":
        su3 = parse_su_irrep(base.su3, 3).conjugate().name()
        su2 = parse_su_irrep(base.su2, 2).name()
        if base.kind == "fermion" and base.helicity == "right":
            return _finish(rng, config, "fermion", base.su3, su2, base.charge, fields)
        return _finish(rng, config, base.kind, su3, su2, -base.charge, fields)
    other = rng.choice(list(fields))
    su3 = _pick_in_product(rng, base.su3, other.su3, 3, config.su3)
    su2 = _pick_in_product(rng, base.su2, other.su2, 2, config.su2)
    charge = -(_signed_charge(base) + _signed_charge(other))
    return _finish(rng, config, "scalar", su3, su2, charge, fields)


def _signed_charge(f: FieldSpec) -> Fraction:
    """A right-handed fermion enters fermion terms through its conjugate."""
    return -f.charge if f.kind == "fermion" and f.helicity == "right" else f.charge


def _pick_in_product(rng: random.Random, a: str, b: str, n: int, menu: dict[str, float]) -> str:
    """The conjugate of an irrep in a x b, kept within the configured menu of irreps, so
    that enriched sampling changes which terms occur, not which irreps do."""
    from lagrangian.physics.characters import Character

    allowed = {parse_su_irrep(name, n) for name in menu}
    ra, rb = parse_su_irrep(a, n), parse_su_irrep(b, n)
    product = Character.irrep(n, ra.dynkin) * Character.irrep(n, rb.dynkin)
    choices = [
        SUIrrep(n, d).conjugate()
        for d in sorted(product.decompose())
        if SUIrrep(n, d).conjugate() in allowed
    ]
    return rng.choice(choices).name() if choices else "1"
