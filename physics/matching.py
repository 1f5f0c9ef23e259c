"""A written product of brackets recognised as one of the engine's basis elements.

Papers write quartics as products of singlet brackets, ``(\\Phi_1^\\dagger\\Phi_1)
(\\Phi_2^\\dagger\\Phi_2)``, and the engine's basis of such a monomial is made of exactly such
products of delta and epsilon contractions.  When the written brackets, put together, are
literally one basis pattern, the term *is* that basis element (up to the sign of reordering
an epsilon's slots): its coordinates need no evaluation at sample points, which costs a
dozen tensor contractions in two prime fields.  Anything else (identical fields, whose
slots could be matched several ways, or another choice of contractions) is left to the
evaluation, so a miss costs nothing but time.
"""

from __future__ import annotations

import numpy as np

from lagrangian.physics import monomials as mono
from lagrangian.physics.fields import Model
from lagrangian.physics.monomials import Occurrence
from lagrangian.physics.patterns import Block, Delta, Epsilon, Pattern, Slot
from lagrangian.physics.resolve import ResolvedTerm

_Canonical = tuple[tuple[tuple[object, ...], ...], ...]


def basis_coordinates(
    model: Model, r: ResolvedTerm, occs: tuple[Occurrence, ...], basis: list[Pattern]
) -> np.ndarray | None:
    """``±e_k`` when the written brackets of ``r`` (each with one contraction) make basis
    pattern k of the sorted occurrences ``occs``; None when they are not one."""
    if len(set(occs)) != len(occs):
        return None
    where = {occ: k for k, occ in enumerate(occs)}
    blocks: list[list[Block]] = [[] for _ in model.group.su_factors]
    for ordered in r.brackets().values():
        (pattern,) = mono.basis(model, ordered, 1)
        for factor, group in enumerate(pattern):
            blocks[factor] += [_moved(b, [where[o] for o in ordered]) for b in group]
    written, sign = _canonical(tuple(tuple(b) for b in blocks))
    for k, candidate in enumerate(basis):
        form, other = _canonical(candidate)
        if form == written:
            coordinates = np.zeros(len(basis))
            coordinates[k] = sign * other
            return coordinates
    return None


def _moved(block: Block, positions: list[int]) -> Block:
    """``block`` over a bracket's own occurrences, moved to the term's."""
    if isinstance(block, Delta):
        return Delta(_slot(block.upper, positions), _slot(block.lower, positions))
    return Epsilon(block.lower_indices, tuple(_slot(s, positions) for s in block.slots))


def _slot(slot: Slot, positions: list[int]) -> Slot:
    occ, upper, position = slot
    return (positions[occ], upper, position)


def _canonical(pattern: Pattern) -> tuple[_Canonical, int]:
    """The pattern with each factor's blocks sorted and each epsilon's slots sorted, and the
    sign that sorting the epsilons' slots gave (an epsilon is antisymmetric)."""
    sign = 1
    factors = []
    for group in pattern:
        keys: list[tuple[object, ...]] = []
        for block in group:
            if isinstance(block, Delta):
                keys.append(("delta", block.upper, block.lower))
            else:
                sign *= _parity(block.slots)
                keys.append(("epsilon", block.lower_indices, tuple(sorted(block.slots))))
        factors.append(tuple(sorted(keys)))  # type: ignore[type-var]
    return tuple(factors), sign


def _parity(items: tuple[Slot, ...]) -> int:
    """+1 for an even permutation of the sorted order, -1 for an odd one."""
    order = sorted(range(len(items)), key=items.__getitem__)
    sign, seen = 1, [False] * len(order)
    for start in range(len(order)):
        length, k = 0, start
        while not seen[k]:
            seen[k], k, length = True, order[k], length + 1
        if length and length % 2 == 0:
            sign = -sign
    return sign
