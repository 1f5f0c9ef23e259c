"""Monomials of field occurrences: the unit every count, basis and check works on.

A monomial is a multiset of occurrences (a field, or its conjugate).  Real fields never
appear conjugated.  Counting, explicit bases and conjugation all need the same bookkeeping
(identical copies grouped, irreps per SU factor, charges per U(1) factor), kept here once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import numpy as np

from lagrangian.physics.basis import monomial_basis
from lagrangian.physics.brackets import evaluate
from lagrangian.physics.counting import Rep, count_invariants
from lagrangian.physics.fields import Field, Model
from lagrangian.physics.groups import GaugeGroup, SUIrrep
from lagrangian.physics.patterns import Pattern
from lagrangian.physics.tensors import Point, Shape, random_point, shape_of


@dataclass(frozen=True, order=True)
class Occurrence:
    """One factor of a monomial: ``field`` (by declaration index) or its conjugate."""

    index: int
    conjugate: bool


def occurrence(model: Model, field: Field, conjugate: bool) -> Occurrence:
    return Occurrence(model.position(field), conjugate and not field.real)


def rep_of(model: Model, occ: Occurrence) -> Rep:
    return model.fields[occ.index].rep_for(occ.conjugate)


def conjugate(model: Model, occs: tuple[Occurrence, ...]) -> tuple[Occurrence, ...]:
    return tuple(
        sorted(
            Occurrence(o.index, not o.conjugate and not model.fields[o.index].real) for o in occs
        )
    )


def is_self_conjugate(model: Model, occs: tuple[Occurrence, ...]) -> bool:
    return tuple(sorted(occs)) == conjugate(model, occs)


def parts(model: Model, occs: tuple[Occurrence, ...]) -> list[tuple[Rep, int]]:
    """Identical occurrences grouped, as ``count_invariants`` wants them."""
    return [(rep_of(model, o), k) for o, k in sorted(Counter(occs).items())]


def charge_sums(model: Model, occs: tuple[Occurrence, ...]) -> dict[int, Fraction]:
    """Sum of charges per U(1) factor (index into the gauge group)."""
    sums: dict[int, Fraction] = {}
    for factor, n in enumerate(model.group.ns):
        if n == 1:
            sums[factor] = sum((rep_of(model, o).gauge[factor] for o in occs), Fraction(0))
    return sums


def count(model: Model, occs: tuple[Occurrence, ...]) -> int:
    """Independent gauge x Lorentz invariants of the monomial, with statistics."""
    return _count_cached(model.group, tuple(parts(model, occs)))


def count_contractions(model: Model, occs: tuple[Occurrence, ...]) -> int:
    """Independent SU(N) x Lorentz contractions, U(1) charges ignored: what a parenthesised
    product such as ``(H1^T eps H2)`` (hypercharge 1) pins down inside a larger term."""
    key = ("contractions", occs)
    if key not in model.memo:
        neutral = tuple((_neutral(rep), k) for rep, k in parts(model, occs))
        model.memo[key] = _count_cached(model.group, neutral)
    return model.memo[key]  # type: ignore[return-value]


@lru_cache(maxsize=4096)
def _neutral(rep: Rep) -> Rep:
    """``rep`` with its U(1) charges set to zero (cached: every checked bracket asks)."""
    gauge = tuple(g if isinstance(g, SUIrrep) else Fraction(0) for g in rep.gauge)
    return Rep(gauge, rep.lorentz, rep.fermion)


@lru_cache(maxsize=65536)
def _count_cached(group: GaugeGroup, grouped: tuple[tuple[Rep, int], ...]) -> int:
    return count_invariants(group, grouped)


def basis(model: Model, occs: tuple[Occurrence, ...], target: int) -> list[Pattern]:
    """Explicit independent contractions of the monomial (``target`` of them)."""
    return _basis_cached(model.group, tuple(_signature(model, occs)), target)


def distinct_basis(model: Model, occs: tuple[Occurrence, ...]) -> list[Pattern]:
    """Independent contractions of the occurrences taken as distinct fields (flavoured
    copies): every contraction, whatever its symmetry under identical occurrences."""
    signature = tuple(
        (sh, irr, position) for position, (sh, irr, _) in enumerate(_signature(model, occs))
    )
    target = count_invariants(model.group, [(rep_of(model, o), 1) for o in occs])
    return _basis_cached(model.group, signature, target)


def shapes(model: Model, occs: tuple[Occurrence, ...]) -> list[list[Shape]]:
    """Per occurrence, how it carries each SU(N) factor (conjugates swap index heights)."""
    su = model.group.su_factors
    out = []
    for o in occs:
        gauge = model.fields[o.index].rep.gauge
        out.append([shape_of(_su(gauge[f]), o.conjugate) for f in su])
    return out


def _su(irrep: SUIrrep | Fraction) -> SUIrrep:
    assert isinstance(irrep, SUIrrep)
    return irrep


def _signature(
    model: Model, occs: tuple[Occurrence, ...]
) -> list[tuple[tuple[Shape, ...], tuple[SUIrrep, ...], int]]:
    """Shapes and irreps per occurrence plus a label equal exactly for identical
    occurrences, numbered by first appearance so equal field contents share the cache."""
    su = model.group.su_factors
    labels: dict[Occurrence, int] = {}
    return [
        (
            tuple(occ_shapes),
            tuple(_su(rep_of(model, o).gauge[f]) for f in su),
            labels.setdefault(o, len(labels)),
        )
        for o, occ_shapes in zip(occs, shapes(model, occs))
    ]


@lru_cache(maxsize=8192)
def _basis_cached(
    group: GaugeGroup,
    signature: tuple[tuple[tuple[Shape, ...], tuple[SUIrrep, ...], int], ...],
    target: int,
) -> list[Pattern]:
    factor_targets = []
    for position, f in enumerate(group.su_factors):
        single = GaugeGroup(names=(group.names[f],), ns=(group.ns[f],))
        factor_targets.append(
            count_invariants(single, [(Rep(gauge=(irr[position],)), 1) for _, irr, _ in signature])
        )
    return monomial_basis(
        [list(sh) for sh, _, _ in signature],
        [label for _, _, label in signature],
        factor_targets,
        target,
    )


class Sampler:
    """Fixed random points per occurrence, so any two contractions of the same fields can
    be compared by their values: the same invariant gives proportional vectors.

    Values are in floats, or in F_p with ``modulus`` (``exact``).  A field that
    occurs k times in a term is evaluated at a sum of k orbit points (``tensors``), so the
    number of copies of each occurrence in the *whole* term must be passed when a term is
    evaluated piece by piece."""

    def __init__(
        self, model: Model, batch: int = 24, seed: int = 20261124, modulus: int | None = None
    ) -> None:
        self.model = model
        self.batch = batch
        self.seed = seed
        self.modulus = modulus
        self._cache: dict[tuple[Occurrence, int], Point] = {}
        self._exact: dict[tuple[int, int], Sampler] = {}
        self._bases: dict[tuple[tuple[Occurrence, ...], int], np.ndarray] = {}

    def exact(self, samples: int, modulus: int) -> Sampler:
        """A sampler in F_p with at least ``samples`` points: a term's coordinates in an
        engine basis are solved for there exactly, however large the irreps (in floats, a
        product of dozens of brackets leaves the basis values too close to tell apart)."""
        key = (16 * -(-samples // 16), modulus)  # sizes rounded up: terms share the points
        if key not in self._exact:
            self._exact[key] = Sampler(self.model, key[0], self.seed, modulus)
        return self._exact[key]

    def point(self, occ: Occurrence, copies: int) -> Point:
        if (occ, copies) not in self._cache:
            rng = np.random.default_rng([self.seed, occ.index, int(occ.conjugate), copies])
            shapes_ = shapes(self.model, (occ,))[0]
            self._cache[(occ, copies)] = random_point(
                shapes_, copies, self.batch, rng, self.modulus
            )
        return self._cache[(occ, copies)]

    def value(
        self,
        occs: tuple[Occurrence, ...],
        pattern: Pattern,
        copies: Counter[Occurrence] | None = None,
    ) -> np.ndarray:
        """The contraction ``pattern`` of the occurrences, one number per sample;
        ``copies``: how often each occurrence is in the whole term (default: in ``occs``)."""
        copies = copies or Counter(occs)
        points = [self.point(o, copies[o]) for o in occs]
        return evaluate(shapes(self.model, occs), points, pattern)

    def basis_values(self, occs: tuple[Occurrence, ...], patterns: list[Pattern]) -> np.ndarray:
        """The values of an engine basis of ``occs`` (sorted), one column per pattern.

        Kept: the terms of one monomial written in several bracketings (a 2HDM's λ3 and λ4)
        are each compared with the same basis at the same points."""
        key = (occs, len(patterns))
        if key not in self._bases:
            self._bases[key] = np.stack([self.value(occs, p) for p in patterns], axis=1)
        return self._bases[key]
