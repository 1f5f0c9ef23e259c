"""An independent, slow way to count operators: sum over generators, one count each.

The Hilbert series' plethystic exponential is a sum over multisets of *generators*
``(letter, derivative order n)``: ``PE`` of a sum is the product of the ``Sym`` (bosons) or
``Λ`` (fermions) powers of its terms.  So the operators of a content with ``N`` derivatives
are ``sum_k (-1)^k #singlets[Λ^k V ⊗ ⊗_generators Sym/Λ^{m}(rep at order n)]`` over every way
to hand the ``N - k`` derivatives to the copies of each letter, the ``Λ^k V`` piece entering
as one more (spurion) object.  Flavours are spelled out as distinct letters.  Every term
is one ``count_invariants`` call: none of the cycle-index algebra, Lorentz expansion or
flavour trace of ``physics/eft/hilbert.py`` is shared.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from fractions import Fraction

from lagrangian.physics.counting import Rep, count_invariants
from lagrangian.physics.eft.hilbert import Content
from lagrangian.physics.groups import GaugeGroup, SUIrrep

WEDGES = [(0, [(0, 0)]), (1, [(1, 1)]), (2, [(2, 0), (0, 2)]), (3, [(1, 1)]), (4, [(0, 0)])]


def direct_count(group: GaugeGroup, content: Content, derivatives: int) -> int:
    total = 0
    for k, pieces in WEDGES:
        if k > derivatives:
            break
        for parts in _distributions(content, derivatives - k):
            for p, q in pieces:
                spurion = [(_singlet_rep(group, (p, q)), 1)] if (p, q) != (0, 0) else []
                total += (-1) ** k * count_invariants(group, parts + spurion)
    return total


def _singlet_rep(group: GaugeGroup, lorentz: tuple[int, int]) -> Rep:
    gauge = tuple(SUIrrep.trivial(n) if n > 1 else Fraction(0) for n in group.ns)
    return Rep(gauge, lorentz)


def _distributions(content: Content, derivatives: int) -> Iterator[list[tuple[Rep, int]]]:
    """Every way to split each letter's power among its flavours and derivative orders."""
    slots = []  # one per (letter, flavour)
    for letter, power in content:
        slots.append((letter, power, letter.flavours))
    for split in _flavour_splits(slots):
        copies = [(letter.rep, m) for (letter, _, _), ms in zip(slots, split) for m in ms if m]
        yield from _orders(copies, derivatives)


def _flavour_splits(slots: list) -> Iterator[list[tuple[int, ...]]]:
    choices = [list(_compositions(power, flavours)) for _, power, flavours in slots]
    for combination in itertools.product(*choices):
        yield list(combination)


def _compositions(total: int, parts: int) -> Iterator[tuple[int, ...]]:
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in _compositions(total - first, parts - 1):
            yield (first, *rest)


def _orders(copies: list[tuple[Rep, int]], derivatives: int) -> Iterator[list[tuple[Rep, int]]]:
    """For each group of m identical copies, a multiset of derivative orders."""
    if not copies:
        if derivatives == 0:
            yield []
        return
    (rep, m), rest = copies[0], copies[1:]
    for orders in _multisets(m, derivatives):
        parts = [
            (Rep(rep.gauge, (rep.lorentz[0] + n, rep.lorentz[1] + n), rep.fermion), orders.count(n))
            for n in sorted(set(orders))
        ]
        for tail in _orders(rest, derivatives - sum(orders)):
            yield parts + tail


def _multisets(size: int, most: int, smallest: int = 0) -> Iterator[tuple[int, ...]]:
    """Non-decreasing tuples of ``size`` orders >= smallest with sum at most ``most``."""
    if size == 0:
        yield ()
        return
    for first in range(smallest, most // size + 1):
        for rest in _multisets(size - 1, most - first, first):
            yield (first, *rest)
