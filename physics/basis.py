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


Pool = tuple[object, ...]


@dataclass(frozen=True)
class _Layout:
    """The slots of one SU(N) factor, and which of them are interchangeable.

    Slots of a one-row diagram are symmetrised and those of a one-column diagram
    antisymmetrised, so which of them a contraction uses does not matter: they form one
    *pool*, consumed in order.  Slots of other diagrams are pools of their own.
    """

    upper: list[Slot]
    lower: list[Slot]
    row_of: dict[Slot, int]
    pool_of: dict[Slot, Pool]


def _layout(shapes: Sequence[Shape]) -> _Layout:
    upper: list[Slot] = []
    lower: list[Slot] = []
    row_of: dict[Slot, int] = {}
    pool_of: dict[Slot, Pool] = {}
    for occ, shape in enumerate(shapes):
        for is_upper, partition, target in (
            (True, shape.upper, upper),
            (False, shape.lower, lower),
        ):
            shared = len(partition) == 1 or all(r == 1 for r in partition)
            for pos, row in enumerate(tableau_rows(partition)):
                slot = (occ, is_upper, pos)
                target.append(slot)
                row_of[slot] = row
                pool_of[slot] = (occ, is_upper) if shared else slot
    return _Layout(upper, lower, row_of, pool_of)


def group_patterns(shapes: Sequence[Shape]) -> Iterator[GroupPattern]:
    """The contraction patterns of one SU(N) factor, each up to slot relabelling once.

    Epsilons of one kind only (a product of an upper and a lower epsilon is a sum of
    deltas); two slots of one occurrence in the same tableau row never share an epsilon
    (symmetric against antisymmetric); an occurrence is never traced with itself; and
    interchangeable slots are used in order, so equal patterns are not repeated.
    """
    if not shapes:
        yield ()
        return
    n = shapes[0].n
    lay = _layout(shapes)
    excess = len(lay.upper) - len(lay.lower)
    if excess % n:
        return
    eps_lower = excess >= 0
    eps_side, others = (lay.upper, lay.lower) if eps_lower else (lay.lower, lay.upper)
    for eps_blocks, left in _epsilons(lay, n, list(eps_side), abs(excess) // n, frozenset()):
        for matching in _matchings(lay, left, list(others), None):
            if eps_lower:
                deltas = tuple(Delta(u, d) for u, d in matching)
            else:
                deltas = tuple(Delta(d, u) for u, d in matching)
            yield (*(Epsilon(eps_lower, b) for b in eps_blocks), *deltas)


def _epsilons(
    lay: _Layout, n: int, available: list[Slot], count: int, banned: frozenset[Pool]
) -> Iterator[tuple[tuple[tuple[Slot, ...], ...], list[Slot]]]:
    """Choose ``count`` epsilon blocks; ``banned`` pools keep their slots for deltas."""
    if count == 0:
        yield (), available
        return
    eligible = [s for s in available if lay.pool_of[s] not in banned]
    if len(eligible) < n * count:
        return
    first = eligible[0]
    for partners in _pool_picks(lay, [first], eligible[1:], n - 1):
        block = (first, *partners)
        remaining = [s for s in available if s not in block]
        for more, left in _epsilons(lay, n, remaining, count - 1, banned):
            yield (block, *more), left
    # Or the first eligible slot is left for a delta, and with it the rest of its pool.
    yield from _epsilons(lay, n, available, count, banned | {lay.pool_of[first]})


def _pool_picks(
    lay: _Layout, chosen: list[Slot], candidates: list[Slot], k: int
) -> Iterator[list[Slot]]:
    """``k`` more slots for an epsilon: a prefix of each pool, never two slots of one
    occurrence from the same tableau row (a symmetrised pair dies in an epsilon)."""
    if k == 0:
        yield []
        return
    if not candidates:
        return
    pool = lay.pool_of[candidates[0]]
    members = [s for s in candidates if lay.pool_of[s] == pool]
    rest = [s for s in candidates if lay.pool_of[s] != pool]
    for take in range(min(len(members), k), -1, -1):
        picked = members[:take]
        group = chosen + picked
        if any(
            a[0] == b[0] and lay.row_of[a] == lay.row_of[b]
            for i, a in enumerate(group)
            for b in group[i + 1 :]
        ):
            continue
        for more in _pool_picks(lay, group, rest, k - take):
            yield picked + more


def _matchings(
    lay: _Layout, left: list[Slot], right: list[Slot], floor: tuple[Pool, Pool] | None
) -> Iterator[list[tuple[Slot, Slot]]]:
    """Perfect matchings of ``left`` with ``right``, never tracing an occurrence with itself.

    Partners are whole pools (their next free slot), and consecutive slots of one left pool
    take partner pools in non-decreasing order, so each matching comes out once.
    """
    if not left:
        yield []
        return
    first = left[0]
    own = lay.pool_of[first]
    seen: set[Pool] = set()
    for partner in right:
        pool = lay.pool_of[partner]
        if pool in seen:
            continue
        seen.add(pool)
        if floor is not None and floor[0] == own and pool < floor[1]:  # type: ignore[operator]
            continue
        if partner[0] == first[0]:
            continue
        remaining = [s for s in right if s != partner]
        for rest in _matchings(lay, left[1:], remaining, (own, pool)):
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

    def axis(factor: int, slot: Slot) -> int:
        occ, is_upper, pos = slot
        up_start, low_start = layout[occ][factor]
        return (up_start if is_upper else low_start) + pos

    for factor, blocks in enumerate(pattern):
        for block in blocks:
            if isinstance(block, Delta):
                letter = next(letters)
                subscripts[block.upper[0]][axis(factor, block.upper)] = letter
                subscripts[block.lower[0]][axis(factor, block.lower)] = letter
            elif len(block.slots) == 2:
                # An SU(2) epsilon is a delta once it has turned one index around: apply it
                # to the second slot's axis, which keeps the einsum free of epsilon operands.
                first, second = block.slots
                letter = next(letters)
                subscripts[first[0]][axis(factor, first)] = letter
                subscripts[second[0]][axis(factor, second)] = letter
                turned = 1 + axis(factor, second)
                operands[second[0]] = np.moveaxis(
                    np.tensordot(operands[second[0]], levi_civita(2), axes=([turned], [0])),
                    -1,
                    turned,
                )
            else:
                eps_letters = "".join(next(letters) for _ in block.slots)
                for slot, letter in zip(block.slots, eps_letters):
                    subscripts[slot[0]][axis(factor, slot)] = letter
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
