"""SU(2) patterns as bracket graphs: the same patterns as the generic enumeration, and the
non-crossing ones first are a basis (Kempe), so a search stops after as many evaluations as
the characters count invariants."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from lagrangian.physics.arithmetic import PRIME
from lagrangian.physics.basis import Span, _points, independent_patterns
from lagrangian.physics.brackets import evaluate
from lagrangian.physics.counting import Rep, count_invariants
from lagrangian.physics.groups import GaugeGroup, SUIrrep
from lagrangian.physics.patterns import Delta, GroupPattern, group_patterns
from lagrangian.physics.su2 import is_binary, su2_patterns
from lagrangian.physics.tensors import Shape, shape_of

SU2 = GaugeGroup(names=("SU2",), ns=(2,))


def graph(pattern: GroupPattern) -> frozenset:
    """How many brackets join each pair of occurrences (what a pattern is up to slots)."""
    edges: Counter[tuple] = Counter()
    for block in pattern:
        if isinstance(block, Delta):
            edges[("delta", block.upper[0], block.lower[0])] += 1
        else:
            edges[("eps", *sorted(slot[0] for slot in block.slots))] += 1
    return frozenset(edges.items())


def occurrences(max_slots: int):
    """2 to 4 SU(2) irreps of up to ``max_slots`` indices, each upper or lower (conjugated)."""
    one = st.tuples(st.integers(0, max_slots), st.booleans())
    return st.lists(one, min_size=2, max_size=4)


def shapes_of(occs: list[tuple[int, bool]]) -> list[Shape]:
    return [shape_of(SUIrrep(2, (d,)), conjugate) for d, conjugate in occs]


def character_count(occs: list[tuple[int, bool]]) -> int:
    """Distinct occurrences (conjugation is an equivalence for SU(2))."""
    return count_invariants(SU2, [(Rep(gauge=(SUIrrep(2, (d,)),)), 1) for d, _ in occs])


@settings(max_examples=150, deadline=None)
@given(occurrences(6))
def test_graphs_are_the_generic_patterns_each_once(occs):
    shapes = shapes_of(occs)
    assert is_binary(shapes)
    graphs = [graph(p) for p in su2_patterns(shapes)]
    generic = [graph(p) for p in group_patterns(shapes)]
    assert len(set(graphs)) == len(graphs)
    assert set(graphs) == set(generic)


@settings(max_examples=150, deadline=None)
@given(occurrences(30))
def test_non_crossing_graphs_come_first_and_are_a_basis(occs):
    """Up to four occurrences of up to spin 15: the first ``count`` graphs are independent,
    so the search never evaluates a dependent one."""
    shapes = shapes_of(occs)
    target = character_count(occs)
    tried = 0

    def candidates():
        nonlocal tried
        for pattern in su2_patterns(shapes):
            tried += 1
            yield (pattern,)

    found = independent_patterns([[s] for s in shapes], range(len(shapes)), candidates(), target)
    assert len(found) == target
    assert tried == target


def test_hand_counts_of_four_thirty_plets():
    """30 x 30 = spins 0..29, each once, so four distinct 30-plets have 30 invariants; with two
    identical copies of X and two of X^dagger only the 15 odd spins of Sym^2 survive."""
    x = shape_of(SUIrrep(2, (29,)))
    shapes = [[x], [x.flipped()], [x], [x.flipped()]]
    assert len(independent_patterns(shapes, [0, 1, 2, 3], _su2(shapes), 30)) == 30
    assert len(independent_patterns(shapes, [0, 1, 0, 1], _su2(shapes), None)) == 15


def _su2(shapes):
    return ((p,) for p in su2_patterns([occ[0] for occ in shapes]))


@settings(max_examples=40, deadline=None)
@given(occurrences(30), st.integers(1, 10**6))
def test_chosen_graphs_are_independent_at_fresh_points(occs, seed):
    """The basis the search keeps stays independent at points it never saw."""
    shapes = [[s] for s in shapes_of(occs)]
    keys = list(range(len(shapes)))
    target = character_count(occs)
    found = independent_patterns(shapes, keys, _su2(shapes), target)
    points = _points(shapes, keys, target + 6, seed)
    span = Span()
    assert all(span.add(evaluate(shapes, points, p) % PRIME) for p in found)
    assert len(span) == target
