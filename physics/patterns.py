"""Delta and epsilon contraction patterns of SU(N) indices, enumerated without repeats.

Every SU(N) invariant of tensors with fundamental indices is a sum of products of ``delta``
(an upper index with a lower one) and ``epsilon`` contractions.  A pattern says which slot
meets which; it is what the printers write as explicit indices, what the token language
lists as ``CONTRACTIONS`` and what a user's written indices are read back into.  This
module enumerates the patterns of one factor, skipping those that vanish by the Young
symmetry of the fields or repeat another up to relabelling interchangeable slots.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from lagrangian.physics.tensors import Shape, tableau_rows

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
    count = abs(excess) // n
    for eps_blocks, left in _epsilons(lay, n, list(eps_side), count, frozenset(), len(others)):
        for matching in _matchings(lay, left, list(others), None):
            if eps_lower:
                deltas = tuple(Delta(u, d) for u, d in matching)
            else:
                deltas = tuple(Delta(d, u) for u, d in matching)
            yield (*(Epsilon(eps_lower, b) for b in eps_blocks), *deltas)


def _epsilons(
    lay: _Layout,
    n: int,
    available: list[Slot],
    count: int,
    banned: frozenset[Pool],
    spare: int,
    floor: tuple[Pool, tuple[Pool, ...]] | None = None,
) -> Iterator[tuple[tuple[tuple[Slot, ...], ...], list[Slot]]]:
    """Choose ``count`` epsilon blocks; ``banned`` pools keep their slots for deltas, of
    which there are ``spare``.

    Blocks that start in one pool are interchangeable, so equal blocks are chosen together
    and distinct ones in increasing order of their partner pools (``floor``: the previous
    choice's first pool and partner pools): each pattern is produced once.
    """
    kept = sum(1 for s in available if lay.pool_of[s] in banned)
    if kept > spare:
        return
    if count == 0:
        yield (), available
        return
    eligible = [s for s in available if lay.pool_of[s] not in banned]
    if len(eligible) < n * count:
        return
    # An epsilon takes at most one slot of each tableau row of an occurrence; the rest of a
    # row must find room among the deltas.
    rows = Counter((s[0], lay.row_of[s]) for s in eligible)
    if kept + sum(max(0, k - count) for k in rows.values()) > spare:
        return
    first = eligible[0]
    own = lay.pool_of[first]
    options = sorted(
        {_signature(lay, partners) for partners in _pool_picks(lay, [first], eligible[1:], n - 1)}
    )
    if floor is not None and floor[0] == own:
        options = [signature for signature in options if signature > floor[1]]
    for index, signature in enumerate(options):
        last = index == len(options) - 1
        # Several equal blocks at once (pools are consumed in order, so copy j takes the
        # j-th run of free slots of each pool): the recursion is as deep as there are
        # distinct blocks, not blocks, which matters for large irreps.
        pools = (own, *signature)
        need = Counter(pools)
        free = {pool: [s for s in available if lay.pool_of[s] == pool] for pool in need}
        copies = min(count, *(len(free[pool]) // k for pool, k in need.items()))
        blocks: list[tuple[Slot, ...]] = []
        used: set[Slot] = set()
        for j in range(copies):
            taken: Counter[Pool] = Counter()
            block = []
            for pool in pools:
                block.append(free[pool][j * need[pool] + taken[pool]])
                taken[pool] += 1
            blocks.append(tuple(block))
            used.update(block)
            # After the last kind of block, what is left of this pool must fit among deltas.
            left_over = len(free[own]) - (j + 1) * need[own]
            if last and kept + left_over > spare:
                continue
            remaining = [s for s in available if s not in used]
            for more, left in _epsilons(
                lay, n, remaining, count - len(blocks), banned, spare, (own, signature)
            ):
                yield (*blocks, *more), left
    # Or the first eligible slot is left for a delta, and with it the rest of its pool.
    yield from _epsilons(lay, n, available, count, banned | {own}, spare)


def _signature(lay: _Layout, partners: list[Slot]) -> tuple[Pool, ...]:
    """The pools an epsilon's partner slots come from; compared to order the blocks."""
    return tuple(lay.pool_of[s] for s in partners)


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
