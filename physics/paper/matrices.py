"""Fields read as matrices, the way papers write adjoints and SU(2) triplets.

``H^\\dagger \\Delta \\Delta^\\dagger H``, ``{\\rm Tr}\\,\\Sigma^4`` and ``{\\rm
Tr}[(\\Delta^\\dagger\\Delta)^2]`` name one invariant each although their fields have
several: the fields are matrices multiplied in the written order.  An adjoint of SU(N) is
the matrix ``Sigma^i_j`` (one upper, one lower index); an SU(2) triplet, whose engine
tensor is symmetric with two indices of one height (``Delta^{ij}``), is the matrix
``Delta^{ik} eps_{kj}`` (Delta = sigma^a Delta^a / sqrt 2 up to normalisation), so two
neighbouring indices of one height meet through an epsilon and of opposite heights through
a delta.  A chain runs from a row vector (``H^\\dagger``) to a column vector (``H``), or
closes on itself under a trace; the other gauge factors must then have one contraction.
Signs and normalisations do not matter: an invariant is identified up to a factor.
"""

from __future__ import annotations

import itertools

from lagrangian.physics import monomials as mono
from lagrangian.physics.basis import factor_bases
from lagrangian.physics.fields import Model
from lagrangian.physics.monomials import Occurrence
from lagrangian.physics.patterns import Block, Delta, Epsilon, GroupPattern, Pattern, Slot
from lagrangian.physics.resolve import ResolvedTerm
from lagrangian.physics.tensors import Shape


def chain(
    model: Model, r: ResolvedTerm, unit: int
) -> tuple[tuple[Occurrence, ...], Pattern] | None:
    """The unit's fields (in written order) and their matrix-product contraction, or None
    when they do not read as one chain under some SU(N) factor."""
    occs = tuple(u.occurrence for u in r.fields if u.unit == unit)
    shapes = mono.shapes(model, occs)
    closed = unit in r.traces
    for position in range(len(model.group.su_factors)):
        links = _links([s[position] for s in shapes], closed)
        if links is None:
            continue
        pattern: list[GroupPattern] = []
        for other in range(len(model.group.su_factors)):
            if other == position:
                pattern.append(links)
                continue
            found = factor_bases([[s[other]] for s in shapes], [None])[0]
            if len(found) != 1:
                break
            pattern.append(found[0])
        else:
            return occs, tuple(pattern)
    return None


def _links(shapes: list[Shape], closed: bool) -> GroupPattern | None:
    """The delta/epsilon links of one factor's chain, or None if it is not one."""
    members = [k for k, s in enumerate(shapes) if s.slots]
    if len(members) < 2 or any(shapes[k].slots > 2 for k in members):
        return None
    vectors = [k for k in members if shapes[k].slots == 1]
    if closed and vectors:
        return None
    if not closed and (vectors != [members[0], members[-1]] or len(members) < 3):
        return None
    ends = [_ends(k, shapes[k]) for k in members]
    pairs = list(itertools.pairwise(ends))
    if closed:
        pairs.append((ends[-1], ends[0]))
    blocks: list[Block] = []
    for (_, out), (into, _) in pairs:
        link = _link(out, into, shapes[0].n)
        if link is None:
            return None
        blocks.append(link)
    return tuple(blocks)


def _ends(k: int, shape: Shape) -> tuple[Slot, Slot]:
    """A matrix's left (row) and right (column) index; a vector's one index is both."""
    upper = [(k, True, p) for p in range(shape.n_upper)]
    lower = [(k, False, p) for p in range(shape.slots - shape.n_upper)]
    slots = upper + lower
    return (slots[0], slots[-1])


def _link(out: Slot, into: Slot, n: int) -> Block | None:
    if out[1] != into[1]:
        upper, lower = (out, into) if out[1] else (into, out)
        return Delta(upper, lower)
    if n != 2:  # only SU(2) raises an index with eps_{ij}
        return None
    return Epsilon(out[1], (out, into))
