"""The explicit contraction bases agree with the character method.

Two independent computations of the same number: the rank of numerically evaluated
delta/epsilon contractions (every pattern tried, no early stop) and the constant term of a
character product.  Hundreds of random monomials, bosons symmetrised over identical copies.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lagrangian.physics.basis import factor_bases, independent_patterns, monomial_basis
from lagrangian.physics.counting import Rep, count_invariants
from lagrangian.physics.groups import GaugeGroup, parse_su_irrep
from lagrangian.physics.tensors import shape_of

SU3 = ["1", "3", "-3", "6", "-6", "8"]
SU2 = ["1", "2", "3", "4"]


def explicit_count(group: GaugeGroup, occurrences: list[tuple[tuple[str, ...], bool, int]]) -> int:
    """occurrences: (irrep names per factor, conjugate, identity label)."""
    shapes = [
        [shape_of(parse_su_irrep(name, n), conj) for name, n in zip(names, group.ns)]
        for names, conj, _ in occurrences
    ]
    keys = [label for _, _, label in occurrences]
    return len(monomial_basis(shapes, keys, [None] * len(group.ns), None))


def character_count(group: GaugeGroup, occurrences) -> int:
    grouped: dict[int, list] = {}
    for names, conj, label in occurrences:
        irreps = tuple(parse_su_irrep(name, n) for name, n in zip(names, group.ns))
        if conj:
            irreps = tuple(r.conjugate() for r in irreps)
        grouped.setdefault(label, [Rep(gauge=irreps), 0])[1] += 1
    return count_invariants(group, [(rep, k) for rep, k in grouped.values()])


@st.composite
def monomials(draw):
    """Random SU(3) x SU(2) monomials of 2 to 4 scalar occurrences with repeats."""
    n_distinct = draw(st.integers(1, 3))
    fields = [(draw(st.sampled_from(SU3)), draw(st.sampled_from(SU2))) for _ in range(n_distinct)]
    size = draw(st.integers(2, 4))
    occurrences = []
    for _ in range(size):
        i = draw(st.integers(0, n_distinct - 1))
        conj = draw(st.booleans())
        occurrences.append((fields[i], conj, (i, conj)))
    return occurrences


SM_LIKE = GaugeGroup(names=("SU3", "SU2"), ns=(3, 2))


@settings(max_examples=300, deadline=None)
@given(monomials())
def test_explicit_rank_equals_character_count(occurrences):
    assert explicit_count(SM_LIKE, occurrences) == character_count(SM_LIKE, occurrences)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(4, 5).flatmap(
        lambda n: st.lists(
            st.sampled_from(
                {4: ["4", "-4", "6", "15", "10"], 5: ["5", "-5", "10", "-10", "24"]}[n]
            ),
            min_size=2,
            max_size=4,
        ).map(lambda names: (n, names))
    )
)
def test_general_su_n_distinct_fields(case):
    n, names = case
    group = GaugeGroup(names=(f"SU{n}",), ns=(n,))
    occurrences = [((name,), False, i) for i, name in enumerate(names)]
    assert explicit_count(group, occurrences) == character_count(group, occurrences)


def test_known_su3_counts():
    su3 = GaugeGroup(names=("SU3",), ns=(3,))
    eight = (("8",), False)
    assert explicit_count(su3, [(*eight, 0), (*eight, 1), (*eight, 2)]) == 2  # f and d
    assert explicit_count(su3, [(*eight, 0)] * 3) == 1  # only d survives symmetrisation
    assert explicit_count(su3, [(("3",), False, 0)] * 3) == 0  # eps q q q of one boson


def test_early_stop_reaches_target_with_few_patterns():
    shapes = [[shape_of(parse_su_irrep("8", 3))] for _ in range(4)]
    bases = factor_bases(shapes, [8])
    assert len(bases[0]) == 8
    assert independent_patterns(shapes, [0, 0, 0, 0], iter([]), 0) == []


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**9), st.sampled_from(["uniform", "enriched"]))
def test_random_field_sets_counted_two_ways(seed, strategy):
    """Every candidate monomial of a random field content (fermion pairs included): the
    exhaustive explicit rank equals the character count with Lorentz and statistics."""
    import random

    from lagrangian.physics import monomials as mono
    from lagrangian.physics.lagrangian import _candidate_monomials
    from lagrangian.training.sampling import SamplingConfig, sample_fields, to_model

    fields = sample_fields(random.Random(seed), SamplingConfig(max_fields=4), strategy)
    model = to_model(fields)
    for occs in _candidate_monomials(model):
        shapes = mono.shapes(model, occs)
        keys = list(occs)
        explicit = len(monomial_basis(shapes, keys, [None] * len(shapes[0]), None))
        assert explicit == mono.count(model, occs), [model.fields[o.index].name for o in occs]


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**9), st.integers(1, 30), st.booleans())
def test_engine_bases_are_independent_at_fresh_points(seed, dim, real):
    """The bases the Lagrangian is written in (searched with the character count as target,
    stopping there): a random field content plus an SU(2) multiplet of up to dimension 30,
    every monomial's basis as long as the count and independent at points it never saw."""
    import random
    from fractions import Fraction

    from lagrangian.physics import monomials as mono
    from lagrangian.physics.arithmetic import PRIME
    from lagrangian.physics.basis import Span, _points
    from lagrangian.physics.brackets import evaluate
    from lagrangian.physics.lagrangian import _candidate_monomials
    from lagrangian.training.sampling import FieldSpec, SamplingConfig, sample_fields, to_model

    fields = sample_fields(random.Random(seed), SamplingConfig(max_fields=2), "enriched")
    real = real and dim % 2 == 1
    fields.append(FieldSpec("scalar", "X", "1", str(dim), Fraction(0), real=real))
    model = to_model(fields)
    for occs in _candidate_monomials(model):
        target = mono.count(model, occs)
        patterns = mono.basis(model, occs, target)
        assert len(patterns) == target
        shapes = mono.shapes(model, occs)
        points = _points(shapes, list(occs), target + 6, seed + 1)
        span = Span()
        assert all(span.add(evaluate(shapes, points, p) % PRIME) for p in patterns)
