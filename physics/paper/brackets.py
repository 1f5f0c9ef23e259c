"""The contraction a paper's brackets choose, one SU(N) factor at a time.

A bracket fixes how the indices inside it contract, but only for the factors under which
it can close: in the leptoquark portal ``(H^\\dagger R_2)(R_2^\\dagger H)`` each bracket is
an SU(2) singlet and a colour triplet, so SU(2) contracts inside the brackets and colour
across them (the only way R_2 and R_2^dagger can meet).  Per factor, the brackets that are
singlets of it close on their own and everything else (the top level and the brackets that
are not) closes together; when each of those pieces has a single contraction the written
term is one definite invariant, the product of the pieces' contractions.
"""

from __future__ import annotations

from lagrangian.physics import monomials as mono
from lagrangian.physics.basis import factor_bases
from lagrangian.physics.counting import Rep, count_invariants
from lagrangian.physics.fields import Model
from lagrangian.physics.groups import GaugeGroup, SUIrrep
from lagrangian.physics.patterns import Block, Delta, Epsilon, GroupPattern, Pattern
from lagrangian.physics.resolve import ResolvedTerm


def singlets(group: GaugeGroup, factor: int, reps: list[SUIrrep]) -> int:
    """Invariants of one SU(N) factor in the product of ``reps`` (1 for no reps)."""
    single = GaugeGroup(names=(group.names[factor],), ns=(group.ns[factor],))
    return count_invariants(single, [(Rep(gauge=(x,)), 1) for x in reps])


def pieces(model: Model, r: ResolvedTerm, factor: int) -> list[list[int]] | None:
    """The positions (in ``r.fields``) that close together under ``factor``: each bracket
    that is a singlet of it, then the rest; None if a bracket has several singlets (the
    brackets then do not say which)."""
    units = sorted({u.unit for u in r.fields} - {0})
    rest = [k for k, u in enumerate(r.fields) if u.unit == 0]
    closed = []
    for unit in units:
        members = [k for k, u in enumerate(r.fields) if u.unit == unit]
        count = _count(model, r, factor, members)
        if count == 0:
            rest += members
        elif count == 1:
            closed.append(members)
        else:
            return None
    return [*closed, sorted(rest)] if rest else closed


def closes(model: Model, r: ResolvedTerm, factor: int) -> bool:
    """Whether the part of the term outside the brackets that are singlets of ``factor``
    has a singlet of it: a bracket that is not one is then closed by the rest."""
    found = pieces(model, r, factor)
    return found is None or all(_count(model, r, factor, p) > 0 for p in found)


def pattern(model: Model, r: ResolvedTerm) -> Pattern | None:
    """The written contraction of a bracketed term, or None where it is not one."""
    occs = tuple(u.occurrence for u in r.fields)
    shapes = mono.shapes(model, occs)
    out: list[GroupPattern] = []
    for position, factor in enumerate(model.group.su_factors):
        found = pieces(model, r, factor)
        if found is None:
            return None
        blocks: list[Block] = []
        for members in found:
            if _count(model, r, factor, members) != 1:
                return None
            ((chosen, *_),) = factor_bases([[shapes[k][position]] for k in members], [1])
            blocks += [_renumbered(block, members) for block in chosen]
        out.append(tuple(blocks))
    return tuple(out)


def _count(model: Model, r: ResolvedTerm, factor: int, members: list[int]) -> int:
    reps = []
    for k in members:
        irrep = mono.rep_of(model, r.fields[k].occurrence).gauge[factor]
        assert isinstance(irrep, SUIrrep)
        if not irrep.is_trivial:
            reps.append(irrep)
    return singlets(model.group, factor, reps) if reps else 1


def _renumbered(block: Block, members: list[int]) -> Block:
    """A block over a piece's own occurrences, its slots moved to the term's."""
    if isinstance(block, Delta):
        return Delta(_slot(block.upper, members), _slot(block.lower, members))
    return Epsilon(block.lower_indices, tuple(_slot(s, members) for s in block.slots))


def _slot(slot: tuple[int, bool, int], members: list[int]) -> tuple[int, bool, int]:
    occ, upper, position = slot
    return (members[occ], upper, position)
