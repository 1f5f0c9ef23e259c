"""Explicit invariant bases: delta and epsilon contractions, made independent numerically.

The character method (``counting``) says *how many* invariants a monomial has; this module
says *which*: every SU(N) invariant of tensors with fundamental indices is a sum of products
of ``delta`` and ``epsilon`` contractions, so we enumerate contraction patterns, evaluate each
pattern on random elements of the fields' irreps, and keep a maximal independent set.

Three facts keep this exact and fast:

* Invariants of *distinct* occurrences under a product group are tensor products of the
  invariants under each factor, so patterns are enumerated one factor at a time.
* Identical bosons (and a pair of identical fermions contracted by a Lorentz epsilon, whose
  antisymmetry cancels Fermi statistics) need the invariant symmetrised over their copies.
  Evaluating every copy on the *same* random tensor computes exactly that symmetrisation, so
  the rank of those evaluations is the number of independent invariants.
* The number to reach is known in advance from the characters, so the greedy search stops
  as soon as it has found that many.
"""

from __future__ import annotations

import itertools
import string
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from lagrangian.physics.tensors import Shape, levi_civita, random_tensor, tableau_rows

Slot = tuple[int, bool, int]  # (occurrence, is_upper, position among its upper/lower slots)


@dataclass(frozen=True)
class Delta:
    """``delta``: an upper slot contracted with a lower slot."""

    upper: Slot
    lower: Slot


@dataclass(frozen=True)
class Epsilon:
    """An epsilon tensor; ``lower_indices`` means ``eps_{ij…}`` eating upper slots."""

    lower_indices: bool
    slots: tuple[Slot, ...]


Block = Delta | Epsilon
GroupPattern = tuple[Block, ...]


class BasisError(RuntimeError):
    """The search could not reach the independent count the characters promise."""


# Patterns over all SU factors of one monomial, one ``GroupPattern`` per factor.
Pattern = tuple[GroupPattern, ...]


def _slots(shapes: Sequence[Shape]) -> tuple[list[Slot], list[Slot], dict[Slot, int]]:
    upper: list[Slot] = []
    lower: list[Slot] = []
    row_of: dict[Slot, int] = {}
    for occ, shape in enumerate(shapes):
        up, down = shape.upper, shape.lower
        for pos, row in enumerate(tableau_rows(up)):
            upper.append((occ, True, pos))
            row_of[(occ, True, pos)] = row
        for pos, row in enumerate(tableau_rows(down)):
            lower.append((occ, False, pos))
            row_of[(occ, False, pos)] = row
    return upper, lower, row_of


def group_patterns(shapes: Sequence[Shape]) -> Iterator[GroupPattern]:
    """All contraction patterns of one SU(N) factor that are not trivially zero.

    Epsilons of one kind only (a product of an upper and a lower epsilon is a sum of
    deltas); two slots of one occurrence in the same tableau row never share an epsilon
    (symmetric against antisymmetric) and an occurrence is never traced with itself.
    """
    if not shapes:
        yield ()
        return
    n = shapes[0].n
    upper, lower, row_of = _slots(shapes)
    excess = len(upper) - len(lower)
    if excess % n:
        return
    eps_lower = excess >= 0
    pool, others = (upper, lower) if eps_lower else (lower, upper)
    n_eps = abs(excess) // n

    def compatible(chosen: Sequence[Slot], slot: Slot) -> bool:
        return all(not (c[0] == slot[0] and row_of[c] == row_of[slot]) for c in chosen)

    def epsilons(
        available: list[Slot], count: int
    ) -> Iterator[tuple[tuple[Epsilon, ...], list[Slot]]]:
        if count == 0:
            yield (), available
            return
        first, rest = available[0], available[1:]
        # Either the first available slot opens an epsilon, or it is left for a delta.
        for partners in itertools.combinations(range(len(rest)), n - 1):
            block = [first]
            ok = True
            for p in partners:
                if not compatible(block, rest[p]):
                    ok = False
                    break
                block.append(rest[p])
            if not ok:
                continue
            remaining = [s for i, s in enumerate(rest) if i not in partners]
            for more, left in epsilons(remaining, count - 1):
                yield (Epsilon(eps_lower, tuple(block)), *more), left
        if len(rest) >= n * count:
            for more, left in epsilons(rest, count):
                yield more, [first, *left]

    for eps_blocks, left in epsilons(list(pool), n_eps):
        for matching in _matchings(left, list(others)):
            if eps_lower:
                deltas = tuple(Delta(u, d) for u, d in matching)
            else:
                deltas = tuple(Delta(d, u) for u, d in matching)
            yield eps_blocks + deltas


def _matchings(left: list[Slot], right: list[Slot]) -> Iterator[list[tuple[Slot, Slot]]]:
    """Perfect matchings of ``left`` with ``right`` that never pair an occurrence with itself."""
    if not left:
        yield []
        return
    first = left[0]
    for i, partner in enumerate(right):
        if partner[0] == first[0]:
            continue
        for rest in _matchings(left[1:], right[:i] + right[i + 1 :]):
            yield [(first, partner), *rest]


# ---------------------------------------------------------------------------------------
# Evaluation


def _axis_layout(shapes: Sequence[Sequence[Shape]]) -> list[list[tuple[int, int]]]:
    """Per occurrence and factor: (first axis of the upper slots, first axis of lower slots)."""
    layout = []
    for occ_shapes in shapes:
        axis = 0
        per_factor = []
        for shape in occ_shapes:
            per_factor.append((axis, axis + shape.n_upper))
            axis += shape.slots
        layout.append(per_factor)
    return layout


def evaluate(
    shapes: Sequence[Sequence[Shape]],
    tensors: Sequence[np.ndarray],
    pattern: Pattern,
) -> np.ndarray:
    """Evaluate a contraction pattern on a batch of tensors, one tensor per occurrence.

    ``shapes[o][f]`` is how occurrence o carries the f-th SU factor; ``tensors[o]`` has a
    batch axis followed by those factors' slots (as ``tensors.random_tensor`` lays them out).
    """
    layout = _axis_layout(shapes)
    letters = iter(string.ascii_letters[1:])
    subscripts = [[""] * (t.ndim - 1) for t in tensors]
    operands: list[np.ndarray] = list(tensors)
    extra: list[str] = []

    def place(factor: int, slot: Slot, letter: str) -> None:
        occ, is_upper, pos = slot
        up_start, low_start = layout[occ][factor]
        subscripts[occ][(up_start if is_upper else low_start) + pos] = letter

    for factor, blocks in enumerate(pattern):
        for block in blocks:
            if isinstance(block, Delta):
                letter = next(letters)
                place(factor, block.upper, letter)
                place(factor, block.lower, letter)
            else:
                eps_letters = "".join(next(letters) for _ in block.slots)
                for slot, letter in zip(block.slots, eps_letters):
                    place(factor, slot, letter)
                operands.append(levi_civita(len(block.slots)))
                extra.append(eps_letters)
    if any("" in s for s in subscripts):
        raise ValueError("pattern leaves an index uncontracted")
    spec = ",".join(["a" + "".join(s) for s in subscripts] + extra) + "->a"
    return np.einsum(spec, *operands, optimize="greedy")


# ---------------------------------------------------------------------------------------
# Independent sets


class _Span:
    """Incremental Gram-Schmidt: tells whether a new vector leaves the current span."""

    def __init__(self, tolerance: float = 1e-7) -> None:
        self.vectors: list[np.ndarray] = []
        self.tolerance = tolerance

    def add(self, v: np.ndarray) -> bool:
        # Evaluations are O(1) per sample for a nonzero invariant: anything near round-off
        # is an identically vanishing contraction.
        norm = float(np.linalg.norm(v))
        if norm < self.tolerance * np.sqrt(len(v)):
            return False
        w = v / norm
        for q in self.vectors:
            w = w - np.dot(q, w) * q
        for q in self.vectors:  # second pass for numerical stability
            w = w - np.dot(q, w) * q
        residual = float(np.linalg.norm(w))
        if residual < self.tolerance:
            return False
        self.vectors.append(w / residual)
        return True

    def __len__(self) -> int:
        return len(self.vectors)


def _samples(target: int | None) -> int:
    return max(12, 3 * (target or 8) + 8)


def independent_patterns(
    shapes: Sequence[Sequence[Shape]],
    keys: Sequence[object],
    candidates: Iterator[Pattern],
    target: int | None,
    seed: int = 0,
    limit: int = 200_000,
) -> list[Pattern]:
    """A maximal independent subset of ``candidates`` (stopping early at ``target``).

    Occurrences with equal ``keys`` are evaluated on the same random tensor, which
    symmetrises over them.  With ``target`` given, failing to reach it is a bug somewhere
    and raises ``BasisError``; with ``target=None`` every candidate is tried.
    """
    if target == 0:
        return []
    rng = np.random.default_rng(seed)
    batch = _samples(target)
    shared: dict[object, np.ndarray] = {}
    tensors = []
    for occ_shapes, key in zip(shapes, keys):
        if key not in shared:
            shared[key] = random_tensor(tuple(occ_shapes), batch, rng)
        tensors.append(shared[key])
    span = _Span()
    chosen: list[Pattern] = []
    for tried, pattern in enumerate(candidates):
        if tried >= limit:
            break
        if span.add(evaluate(shapes, tensors, pattern)):
            chosen.append(pattern)
            if target is not None and len(chosen) == target:
                return chosen
    if target is not None:
        raise BasisError(
            f"found {len(chosen)} independent contractions where the characters give {target}"
        )
    return chosen


def factor_bases(
    shapes: Sequence[Sequence[Shape]], targets: Sequence[int | None]
) -> list[list[GroupPattern]]:
    """Per SU factor, independent patterns for the occurrences taken as distinct."""
    bases = []
    for factor, target in enumerate(targets):
        single = [[occ[factor]] for occ in shapes]
        candidates = ((p,) for p in group_patterns([occ[factor] for occ in shapes]))
        found = independent_patterns(
            single, list(range(len(shapes))), candidates, target, seed=factor + 1
        )
        bases.append([p[0] for p in found])
    return bases


def monomial_basis(
    shapes: Sequence[Sequence[Shape]],
    keys: Sequence[object],
    factor_targets: Sequence[int | None],
    target: int | None,
) -> list[Pattern]:
    """Independent invariants of a monomial, identical occurrences symmetrised.

    Products of the per-factor bases span the invariants of distinct occurrences; their
    evaluations with shared tensors for equal keys span the symmetrised ones.
    """
    if target == 0:
        return []
    bases = factor_bases(shapes, factor_targets)
    return independent_patterns(shapes, keys, itertools.product(*bases), target, seed=97)
