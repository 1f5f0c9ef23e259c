"""Explicit invariant bases: delta and epsilon contractions, made independent exactly.

The character method (``counting``) says *how many* invariants a monomial has; this module
says *which*: it walks the contraction patterns (``patterns``), evaluates each at random
points of the fields' irreps (``brackets``), and keeps a maximal independent set.

Four facts keep this exact and fast:

* Values are products of brackets at highest-weight orbit points, so a pattern costs a few
  multiplications per index, however large the irreps.
* They are computed in a prime field, where independence of values certifies independence
  of the invariants (``arithmetic``): no rounding tolerance, no false basis.
* Invariants of *distinct* occurrences under a product group are tensor products of the
  invariants under each factor, so patterns are searched one factor at a time, and the
  product search only meets as many candidates as the factors have invariants.
* Identical bosons (and a pair of identical fermions contracted by a Lorentz epsilon, whose
  antisymmetry cancels Fermi statistics) need the invariant symmetrised over their copies.
  Evaluating every copy at the *same* point computes exactly that symmetrisation, so the
  rank of those evaluations is the number of independent invariants.  The number to reach
  is known in advance from the characters, so the search stops as soon as it has it.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Sequence
from functools import lru_cache

import numpy as np

from lagrangian.physics.arithmetic import PRIME
from lagrangian.physics.brackets import evaluate
from lagrangian.physics.patterns import GroupPattern, Pattern, group_patterns
from lagrangian.physics.su2 import is_binary, su2_patterns
from lagrangian.physics.tensors import Point, Shape, random_point

# A failed search is retried at fresh points this many times before it is a bug: an
# unlucky draw has probability about degree/PRIME.
_DRAWS = 3


class BasisError(RuntimeError):
    """The search could not reach the independent count the characters promise."""


class Span:
    """Row echelon form over F_p: tells whether a new vector leaves the current span."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, np.ndarray]] = []  # (pivot, row with 1 at the pivot)

    def add(self, v: np.ndarray) -> bool:
        for pivot, row in self.rows:
            if v[pivot]:
                v = (v - v[pivot] * row) % PRIME
        nonzero = np.flatnonzero(v)
        if not nonzero.size:
            return False
        pivot = int(nonzero[0])
        self.rows.append((pivot, v * pow(int(v[pivot]), PRIME - 2, PRIME) % PRIME))
        return True

    def __len__(self) -> int:
        return len(self.rows)


def _samples(target: int | None) -> int:
    """Random points per evaluation: the rank of the values can reach ``target``."""
    return 40 if target is None else target + 6


def _points(
    shapes: Sequence[Sequence[Shape]], keys: Sequence[Hashable], samples: int, seed: int
) -> list[Point]:
    """One point per distinct key, with as many summands as the key has copies."""
    labels: dict[Hashable, int] = {}
    numbered = tuple(labels.setdefault(key, len(labels)) for key in keys)
    return list(_points_cached(tuple(map(tuple, shapes)), numbered, samples, seed))


@lru_cache(maxsize=4096)
def _points_cached(
    shapes: tuple[tuple[Shape, ...], ...], labels: tuple[int, ...], samples: int, seed: int
) -> tuple[Point, ...]:
    """Drawing points is a good part of a small monomial's cost, and monomials of equal
    shapes recur across a field content, so draws are shared (points are never modified)."""
    rng = np.random.default_rng(seed)
    copies = Counter(labels)
    shared: dict[int, Point] = {}
    for occ_shapes, label in zip(shapes, labels):
        if label not in shared:
            shared[label] = random_point(occ_shapes, copies[label], samples, rng, PRIME)
    return tuple(shared[label] for label in labels)


def independent_patterns(
    shapes: Sequence[Sequence[Shape]],
    keys: Sequence[Hashable],
    candidates: Iterable[Pattern],
    target: int | None,
    seed: int = 0,
) -> list[Pattern]:
    """A maximal independent subset of ``candidates`` (stopping early at ``target``).

    Occurrences with equal ``keys`` are evaluated at the same point, which symmetrises over
    them.  With ``target`` given, failing to reach it raises ``BasisError``; with
    ``target=None`` every candidate is tried.
    """
    if target == 0:
        return []
    source = iter(candidates)
    consumed: list[Pattern] = []

    def replay() -> Iterator[Pattern]:
        """The candidates again from the start, drawing on ``source`` only when needed."""
        yield from consumed
        for pattern in source:
            consumed.append(pattern)
            yield pattern

    chosen: list[Pattern] = []
    for draw in range(_DRAWS):
        points = _points(shapes, keys, _samples(target), seed + 7919 * draw)
        span = Span()
        chosen = []
        for pattern in replay():
            if span.add(evaluate(shapes, points, pattern)):
                chosen.append(pattern)
                if len(chosen) == target:
                    return chosen
        if target is None:
            return chosen
    raise BasisError(
        f"found {len(chosen)} independent contractions where the characters give {target}"
    )


def factor_bases(
    shapes: Sequence[Sequence[Shape]], targets: Sequence[int | None]
) -> list[list[GroupPattern]]:
    """Per SU factor, independent patterns for the occurrences taken as distinct (SU(2)
    factors as bracket graphs, whose non-crossing ones come first: ``su2``)."""
    bases = []
    for factor, target in enumerate(targets):
        single = [[occ[factor]] for occ in shapes]
        column = [occ[factor] for occ in shapes]
        enumerate_ = su2_patterns if is_binary(column) else group_patterns
        candidates = ((p,) for p in enumerate_(column))
        found = independent_patterns(
            single, list(range(len(shapes))), candidates, target, seed=factor + 1
        )
        bases.append([p[0] for p in found])
    return bases


def monomial_basis(
    shapes: Sequence[Sequence[Shape]],
    keys: Sequence[Hashable],
    factor_targets: Sequence[int | None],
    target: int | None,
) -> list[Pattern]:
    """Independent invariants of a monomial, identical occurrences symmetrised.

    Products of the per-factor bases span the invariants of distinct occurrences; their
    evaluations with shared points for equal keys span the symmetrised ones.
    """
    if target == 0:
        return []
    bases = factor_bases(shapes, factor_targets)
    return independent_patterns(shapes, keys, itertools.product(*bases), target, seed=97)
