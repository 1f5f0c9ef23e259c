"""Flavoured fields: how the invariants of a monomial split by the symmetry of its couplings.

With N flavours, k copies of a field ``V`` live in ``Sym^k(V ⊗ C^N)`` (bosons) or
``Λ^k(V ⊗ C^N)`` (fermions).  Schur–Weyl duality splits them as ``⊕_λ S_λ(V) ⊗ S_λ(C^N)``
(fermions: ``S_λ(V) ⊗ S_λ'(C^N)``): each gauge × Lorentz invariant of ``S_λ(V)`` comes with
a coupling tensor of Young symmetry λ (λ' for fermions) in the flavour indices, which has
``dim S_λ(C^N)`` independent components.  So ``f_{ab} h L^a L^b`` of Zee–Babu, zero with one
generation, is an antisymmetric f with three couplings for three generations.

A *component* of a monomial fixes one coupling symmetry per group of identical
occurrences; its invariants are counted with characters (``counting.count_schur``), and its
explicit contractions are engine patterns of distinct copies projected with the Young
symmetrizer of that symmetry.  For renormalizable terms (any number of identical scalars,
at most two identical fermions, whose Lorentz ε undoes the Grassmann sign) the SU(N) pattern
has exactly the coupling's symmetry, which is what the projection imposes.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from math import prod

import numpy as np

from lagrangian.physics import monomials as mono
from lagrangian.physics.arithmetic import PRIME
from lagrangian.physics.basis import Span
from lagrangian.physics.brackets import evaluate
from lagrangian.physics.counting import Rep, count_schur
from lagrangian.physics.fields import Model
from lagrangian.physics.groups import GaugeGroup
from lagrangian.physics.monomials import Occurrence
from lagrangian.physics.patterns import Pattern
from lagrangian.physics.tensors import random_point
from lagrangian.physics.young import (
    Partition,
    conjugate,
    gl_dimension,
    partitions,
    rows_and_columns,
)


@dataclass(frozen=True)
class Component:
    """Coupling symmetries, one per group of identical occurrences (in ``Counter`` order of
    the sorted monomial), the number of independent invariants with them, and the number of
    independent coupling components each invariant carries."""

    shapes: tuple[Partition, ...]
    invariants: int
    couplings: int


def components(group: GaugeGroup, parts: Sequence[tuple[Rep, int, int]]) -> list[Component]:
    """Components of ``prod rep_i^{k_i}`` with ``N_i`` flavours: ``parts = (rep, k, N)``.

    Only symmetries with at most N rows have coupling components; the sum of
    ``invariants * couplings`` is the number of invariants of ``⊗ Sym^k/Λ^k(V ⊗ C^N)``.
    """
    return list(_components(group, tuple(parts)))


@lru_cache(maxsize=16384)
def _components(
    group: GaugeGroup, parts: tuple[tuple[Rep, int, int], ...]
) -> tuple[Component, ...]:
    choices = [[s for s in partitions(k) if len(s) <= n] for _, k, n in parts]
    found = []
    for shapes in itertools.product(*choices):
        schur = [(rep, conjugate(s) if rep.fermion else s) for (rep, _, _), s in zip(parts, shapes)]
        invariants = count_schur(group, schur)
        if invariants:
            couplings = prod(gl_dimension(s, n) for s, (_, _, n) in zip(shapes, parts))
            found.append(Component(tuple(shapes), invariants, couplings))
    return tuple(found)


def grouped(occs: tuple[Occurrence, ...]) -> list[tuple[Occurrence, int]]:
    """Identical occurrences with their multiplicities, in the order components use."""
    return sorted(Counter(occs).items())


def monomial_components(model: Model, occs: tuple[Occurrence, ...]) -> list[Component]:
    parts = [(mono.rep_of(model, o), k, model.fields[o.index].flavours) for o, k in grouped(occs)]
    return components(model.group, parts)


def is_flavoured(model: Model, occs: tuple[Occurrence, ...]) -> bool:
    """Whether a field with several flavours occurs more than once: only then do the
    invariants split by coupling symmetry."""
    return any(k > 1 and model.fields[o.index].flavours > 1 for o, k in grouped(occs))


def entry_count(model: Model, occs: tuple[Occurrence, ...]) -> int:
    """Independent terms of the monomial, one per invariant of each component."""
    if not is_flavoured(model, occs):
        return mono.count(model, occs)
    return sum(c.invariants for c in monomial_components(model, occs))


def entries(model: Model, occs: tuple[Occurrence, ...]) -> list[tuple[Pattern, Component]]:
    """The terms of a monomial: an explicit contraction and its component, per invariant."""
    if not is_flavoured(model, occs):
        comps = monomial_components(model, occs)
        if not comps:
            return []
        (only,) = comps
        return [(p, only) for p in mono.basis(model, occs, only.invariants)]
    ordered = tuple(sorted(occs))
    return [
        (pattern, comp)
        for comp in monomial_components(model, occs)
        for pattern in _projected_basis(model, ordered, comp.shapes, comp.invariants)
    ]


def _projected_basis(
    model: Model, occs: tuple[Occurrence, ...], shapes: tuple[Partition, ...], target: int
) -> list[Pattern]:
    """``target`` contractions of distinct copies whose Young-symmetrised values (one
    symmetrizer per group of identical occurrences) are independent."""
    candidates = mono.distinct_basis(model, occs)
    layout = mono.shapes(model, occs)
    rng = np.random.default_rng(20261205)
    # Distinct points for the copies (one summand each), values in F_p as the engine's own
    # bases are: independence of the symmetrised values is then exact.
    points = [random_point(tuple(s), 1, target + 6, rng, PRIME) for s in layout]
    moves = list(_symmetrizer(grouped(occs), shapes))
    chosen: list[Pattern] = []
    span = Span()
    for pattern in candidates:
        value = sum(
            sign * evaluate(layout, [points[j] for j in perm], pattern) for perm, sign in moves
        )
        if span.add(np.asarray(value) % PRIME):
            chosen.append(pattern)
            if len(chosen) == target:
                return chosen
    message = f"found {len(chosen)} of {target} flavoured invariants"
    raise AssertionError(message)  # pragma: no cover - characters and tensors disagree


def _symmetrizer(
    groups: list[tuple[Occurrence, int]], shapes: tuple[Partition, ...]
) -> Iterator[tuple[list[int], int]]:
    """The Young symmetrizer (rows symmetrised, then columns antisymmetrised; row-reading
    tableau) of every group, as (input permutation of all positions, sign) pairs."""
    per_group: list[list[tuple[dict[int, int], int]]] = []
    start = 0
    for (_, k), shape in zip(groups, shapes):
        positions = list(range(start, start + k))
        start += k
        rows, columns = rows_and_columns(shape)
        row_perms = [
            _perm_of(rows, choice)
            for choice in itertools.product(*(itertools.permutations(r) for r in rows))
        ]
        col_perms = [
            (_perm_of(columns, choice), _sign(columns, choice))
            for choice in itertools.product(*(itertools.permutations(c) for c in columns))
        ]
        moves = []
        for col, sign in col_perms:
            for row in row_perms:
                composed = {p: col[row[p]] for p in range(k)}
                moves.append(({positions[p]: positions[q] for p, q in composed.items()}, sign))
        per_group.append(moves)
    for combination in itertools.product(*per_group):
        perm = list(range(start))
        sign = 1
        for mapping, s in combination:
            for p, q in mapping.items():
                perm[p] = q
            sign *= s
        yield perm, sign


def _perm_of(blocks: list[list[int]], choice: tuple[tuple[int, ...], ...]) -> dict[int, int]:
    return {p: q for block, image in zip(blocks, choice) for p, q in zip(block, image)}


def _sign(blocks: list[list[int]], choice: tuple[tuple[int, ...], ...]) -> int:
    sign = 1
    for block, image in zip(blocks, choice):
        order = [block.index(q) for q in image]
        inversions = sum(
            1 for i in range(len(order)) for j in range(i + 1, len(order)) if order[i] > order[j]
        )
        sign *= -1 if inversions % 2 else 1
    return sign
