"""Invariant counts: textbook monomials, and an independent numeric cross-check.

The numeric check builds explicit Lie-algebra generators of every field's full
gauge x Lorentz representation, restricts them to the symmetric (bosons) or antisymmetric
(fermions) power, and counts the common null space.  It shares no code with the character
method, so agreement on random monomials tests the cycle-index factorisation, the Weyl
denominator and the statistics together.
"""

from __future__ import annotations

import itertools
import re
from fractions import Fraction
from functools import cache
from math import comb

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import sparse

from lagrangian.physics.counting import Rep, count_invariants
from lagrangian.physics.groups import GaugeGroup, RepError, SUIrrep, parse_su_irrep

SM = GaugeGroup.standard_model()
LEFT, RIGHT, SCALAR, VECTOR, F_LEFT = (1, 0), (0, 1), (0, 0), (1, 1), (2, 0)


def rep(su3: str, su2: str, y: str | int, lorentz=SCALAR) -> Rep:
    return Rep(
        (parse_su_irrep(su3, 3), parse_su_irrep(su2, 2), Fraction(y)),
        lorentz,
        fermion=(lorentz[0] + lorentz[1]) % 2 == 1,
    )


H = rep("1", "2", "1/2")
Q = rep("3", "2", "1/6", LEFT)
U = rep("-3", "1", "-2/3", LEFT)
D = rep("-3", "1", "1/3", LEFT)
L = rep("1", "2", "-1/2", LEFT)
E = rep("1", "1", "1", LEFT)


TRIVIAL_GAUGE = (SUIrrep.trivial(3), SUIrrep.trivial(2), Fraction(0))
DERIVATIVE = Rep(TRIVIAL_GAUGE, VECTOR)


def count(*parts: tuple[Rep, int], group: GaugeGroup = SM) -> int:
    return count_invariants(group, list(parts))


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        # Higgs sector
        ([(H.conjugate(), 1), (H, 1)], 1),
        ([(H.conjugate(), 2), (H, 2)], 1),
        ([(H, 4)], 0),
        ([(H, 2)], 0),
        # Yukawas and the Weinberg operator, one generation
        ([(Q, 1), (U, 1), (H, 1)], 1),
        ([(Q, 1), (D, 1), (H.conjugate(), 1)], 1),
        ([(L, 1), (E, 1), (H.conjugate(), 1)], 1),
        ([(L, 2), (H, 2)], 1),
        ([(Q, 3), (L, 1)], 1),
        ([(Q, 1), (L, 1), (U, 1), (E, 1)], 2),  # O_lequ^(1) and O_lequ^(3)
        # the four baryon-number-violating operators survive one generation once each
        ([(U, 2), (D, 1), (E, 1)], 1),  # duue
        ([(Q, 2), (U.conjugate(), 1), (E.conjugate(), 1)], 1),  # qque
        ([(D.conjugate(), 1), (U.conjugate(), 1), (Q, 1), (L, 1)], 1),  # duql
        # kinetic terms: psi^dagger sigmabar^mu D_mu psi, (D H)^dagger (D H)
        ([(Q.conjugate(), 1), (Q, 1), (DERIVATIVE, 1)], 1),
        ([(H.conjugate(), 1), (H, 1), (DERIVATIVE, 2)], 1),
    ],
)
def test_standard_model_monomials(parts, expected):
    assert count(*parts) == expected


def test_two_higgs_doublets():
    h1, h2 = H, rep("1", "2", "1/2")
    assert count((h1.conjugate(), 1), (h1, 1), (h2.conjugate(), 1), (h2, 1)) == 2
    assert count((h1.conjugate(), 1), (h2, 1)) == 1
    assert count((h1.conjugate(), 2), (h2, 2)) == 1
    assert count((h1.conjugate(), 1), (h2.conjugate(), 1), (h2, 2)) == 1


def test_type_two_seesaw():
    delta = rep("1", "3", 1)
    assert count((delta.conjugate(), 2), (delta, 2)) == 2
    assert count((H.conjugate(), 1), (H, 1), (delta.conjugate(), 1), (delta, 1)) == 2
    assert count((H, 2), (delta.conjugate(), 1)) == 1
    assert count((L, 2), (delta, 1)) == 1


def test_real_triplet_and_octet():
    triplet = rep("1", "3", 0)
    octet = rep("8", "1", 0)
    assert count((triplet, 2)) == 1
    assert count((triplet, 3)) == 0  # epsilon_abc T^a T^b T^c vanishes by Bose symmetry
    assert count((triplet, 4)) == 1
    assert count((octet, 3)) == 1  # d_abc only
    assert count((octet, 4)) == 1  # SU(3): Tr O^4 = (Tr O^2)^2 / 2
    octets = [rep("8", "1", 0) for _ in range(3)]
    assert count(*[(o, 1) for o in octets]) == 2  # f and d
    assert count((octet, 2), (rep("8", "1", 0), 1)) == 1  # only the symmetric d


def test_zee_babu_needs_two_lepton_doublets():
    h = rep("1", "1", 1)
    assert count((h, 1), (L, 2)) == 0
    assert count((h, 1), (L, 1), (rep("1", "2", "-1/2", LEFT), 1)) == 1


def test_majorana_masses():
    assert count((rep("1", "3", 0, LEFT), 2)) == 1
    assert count((rep("1", "2", 0, LEFT), 2)) == 0
    assert count((rep("1", "1", 0, LEFT), 2)) == 1
    assert count((rep("8", "1", 0, LEFT), 2)) == 1  # gluino mass


def test_diquarks_with_one_quark_flavour():
    colour = GaugeGroup(("SU3",), (3,))

    def q(name: str, lorentz=SCALAR) -> Rep:
        return Rep((parse_su_irrep(name, 3),), lorentz, fermion=lorentz == LEFT)

    assert count((q("3"), 3), group=colour) == 0
    assert count((q("3"), 1), (q("3"), 1), (q("3"), 1), group=colour) == 1
    assert count((q("3", LEFT), 2), (q("-6"), 1), group=colour) == 1
    assert count((q("3", LEFT), 2), (q("3"), 1), group=colour) == 0
    assert count((q("3", LEFT), 1), (q("3", LEFT), 1), (q("3"), 1), group=colour) == 1


def test_su5_yukawas():
    su5 = GaugeGroup(("SU5",), (5,))

    def f(name: str, lorentz=SCALAR) -> Rep:
        return Rep((parse_su_irrep(name, 5),), lorentz, fermion=lorentz == LEFT)

    ten, five_bar, higgs = f("10", LEFT), f("5bar", LEFT), f("5")
    assert count((ten, 2), (higgs, 1), group=su5) == 1  # top Yukawa survives one generation
    assert count((ten, 1), (five_bar, 1), (higgs.conjugate(), 1), group=su5) == 1
    assert count((ten, 3), group=su5) == 0
    assert count((five_bar, 2), (higgs.conjugate(), 1), group=su5) == 0


def test_field_strengths():
    photon = Rep(TRIVIAL_GAUGE, F_LEFT)
    gluon = Rep((parse_su_irrep("8", 3), SUIrrep.trivial(2), Fraction(0)), F_LEFT)
    assert count((photon, 2)) == 1
    assert count((photon, 3)) == 0
    assert count((gluon, 2)) == 1
    assert count((gluon, 3)) == 1  # f_abc G G G
    assert count((gluon, 1), (gluon.conjugate(), 1)) == 0  # F_L F_R is not a scalar


def test_conjugate_rep():
    q = Rep((parse_su_irrep("3", 3), parse_su_irrep("2", 2), Fraction(1, 6)), LEFT, True)
    c = q.conjugate()
    assert c.gauge == (parse_su_irrep("3bar", 3), parse_su_irrep("2", 2), Fraction(-1, 6))
    assert c.lorentz == RIGHT
    assert c.fermion
    assert c.conjugate() == q


def test_empty_and_zero_powers():
    assert count() == 1
    assert count((H, 0)) == 1
    assert count((H, 0), (H.conjugate(), 1), (H, 1)) == 1


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ([(Rep((SUIrrep.trivial(3),)), 1)], "1 gauge entries"),
        (
            [(Rep((parse_su_irrep("3", 3), parse_su_irrep("3", 3), Fraction(0))), 1)],
            "SU2 needs an SU(2) irrep",
        ),
        (
            [(Rep((SUIrrep.trivial(3), SUIrrep.trivial(2), SUIrrep.trivial(2))), 1)],
            "U1 is U(1)",
        ),
        ([(H, -1)], "non-negative integer"),
    ],
)
def test_bad_parts_raise_rep_error(parts, message):
    with pytest.raises(RepError, match=re.escape(message)):
        count_invariants(SM, parts)


def test_bad_lorentz_raises():
    with pytest.raises(RepError, match="2 j_L, 2 j_R"):
        Rep((), (-1, 0))


# --------------------------------------------------------------------------- numeric check


def spin_matrices(dim: int) -> list[np.ndarray]:
    j = (dim - 1) / 2
    m = np.arange(j, -j - 1, -1)
    jz = np.diag(m).astype(complex)
    jp = np.zeros((dim, dim), complex)
    for k in range(1, dim):
        jp[k - 1, k] = np.sqrt(j * (j + 1) - m[k] * (m[k] + 1))
    return [(jp + jp.conj().T) / 2, (jp - jp.conj().T) / 2j, jz]


def gell_mann() -> list[np.ndarray]:
    t = []
    for a, b in itertools.combinations(range(3), 2):
        for sym in (1, 1j):
            m = np.zeros((3, 3), complex)
            m[a, b], m[b, a] = sym, np.conj(sym)
            t.append(m / 2)
    t.append(np.diag([1, -1, 0]).astype(complex) / 2)
    t.append(np.diag([1, 1, -2]).astype(complex) / (2 * np.sqrt(3)))
    return t


def power_basis(dim: int, k: int, antisymmetric: bool) -> sparse.csr_matrix:
    """Orthonormal basis (columns) of Sym^k or Lambda^k inside (C^dim)^(x)k."""
    index_sets = (
        itertools.combinations(range(dim), k)
        if antisymmetric
        else itertools.combinations_with_replacement(range(dim), k)
    )
    rows, cols, values = [], [], []
    for column, indices in enumerate(index_sets):
        entries: dict[int, float] = {}
        for perm in itertools.permutations(range(k)):
            target = np.ravel_multi_index(tuple(indices[p] for p in perm), (dim,) * k)
            entries[int(target)] = _perm_sign(perm) if antisymmetric else 1.0
        norm = np.sqrt(len(entries))
        for row, value in entries.items():
            rows.append(row)
            cols.append(column)
            values.append(value / norm)
    return sparse.csr_matrix((values, (rows, cols)), shape=(dim**k, column + 1 if values else 0))


def _perm_sign(perm: tuple[int, ...]) -> int:
    inversions = sum(1 for i, j in itertools.combinations(range(len(perm)), 2) if perm[i] > perm[j])
    return -1 if inversions % 2 else 1


@cache
def su3_generators(name: str) -> tuple[np.ndarray, ...]:
    fundamental = gell_mann()
    if name == "1":
        return tuple(np.zeros((1, 1), complex) for _ in range(8))
    if name == "3":
        return tuple(fundamental)
    if name == "3bar":
        return tuple(-t.conj() for t in fundamental)
    if name == "8":
        f = np.array(
            [
                [[-2j * np.trace((a @ b - b @ a) @ c) for c in fundamental] for b in fundamental]
                for a in fundamental
            ]
        )
        return tuple(-1j * f[a] for a in range(8))
    if name == "6":
        basis = power_basis(3, 2, antisymmetric=False).toarray()
        return tuple(basis.T @ lift(t, 3, 2).toarray() @ basis for t in fundamental)
    if name == "6bar":
        return tuple(-t.conj() for t in su3_generators("6"))
    raise ValueError(name)


def kron_sum(sizes: list[int], position: int, op) -> sparse.csr_matrix:
    """op acting on tensor slot ``position`` of a product of spaces of these sizes."""
    out = sparse.identity(1, format="csr")
    for i, size in enumerate(sizes):
        out = sparse.kron(out, op if i == position else sparse.identity(size), format="csr")
    return out


def lift(op, dim: int, k: int) -> sparse.csr_matrix:
    """The Lie-algebra action of op on (C^dim)^(x)k: op in each slot in turn."""
    return sum(kron_sum([dim] * k, slot, op) for slot in range(k))


def generators(su3: str, su2: int, charge: Fraction, lorentz: tuple[int, int]) -> list:
    """All generators (SU3, SU2, U1, SU2_L, SU2_R) of one field's full representation."""
    pieces = [
        list(su3_generators(su3)),
        spin_matrices(su2),
        [float(charge) * np.eye(1)],
        spin_matrices(lorentz[0] + 1),
        spin_matrices(lorentz[1] + 1),
    ]
    sizes = [p[0].shape[0] for p in pieces]
    return [kron_sum(sizes, i, g) for i, piece in enumerate(pieces) for g in piece]


def numeric_count(fields: list[tuple[tuple[str, int, Fraction, tuple[int, int]], int]]) -> int:
    per_field = []
    for (su3, su2, charge, lorentz), k in fields:
        gens = generators(su3, su2, charge, lorentz)
        dim = gens[0].shape[0]
        basis = power_basis(dim, k, antisymmetric=(lorentz[0] + lorentz[1]) % 2 == 1)
        per_field.append([basis.T @ lift(g, dim, k) @ basis for g in gens])
    sizes = [f[0].shape[0] for f in per_field]
    if 0 in sizes:
        return 0
    casimir = sparse.csr_matrix((int(np.prod(sizes)),) * 2, dtype=complex)
    for a in range(len(per_field[0])):
        g = sum(kron_sum(sizes, i, f[a]) for i, f in enumerate(per_field))
        casimir = casimir + g.conj().T @ g
    eigenvalues = np.linalg.eigvalsh(casimir.toarray())
    return int(np.sum(eigenvalues < 1e-8))


def rep_from(su3: str, su2: int, charge: Fraction, lorentz: tuple[int, int]) -> Rep:
    return Rep(
        (parse_su_irrep(su3, 3), SUIrrep(2, (su2 - 1,)), charge),
        lorentz,
        fermion=(lorentz[0] + lorentz[1]) % 2 == 1,
    )


def full_dim(spec: tuple[str, int, Fraction, tuple[int, int]], k: int) -> int:
    su3, su2, _, lorentz = spec
    d = parse_su_irrep(su3, 3).dim * su2 * (lorentz[0] + 1) * (lorentz[1] + 1)
    fermion = (lorentz[0] + lorentz[1]) % 2 == 1
    return comb(d, k) if fermion else comb(d + k - 1, k)


def check_against_numeric(fields) -> None:
    parts = [(rep_from(*spec), k) for spec, k in fields]
    assert count_invariants(SM, parts) == numeric_count(fields)


@pytest.mark.parametrize(
    "fields",
    [
        [(("1", 2, Fraction(1, 2), SCALAR), 2), (("1", 2, Fraction(-1, 2), SCALAR), 2)],
        [(("8", 1, Fraction(0), SCALAR), 3)],
        [(("1", 3, Fraction(0), SCALAR), 3)],
        [(("3", 2, Fraction(0), LEFT), 2)],
        [(("1", 2, Fraction(0), LEFT), 2), (("1", 3, Fraction(0), SCALAR), 1)],
        [(("3", 1, Fraction(0), LEFT), 2), (("6", 1, Fraction(0), SCALAR), 1)],
        [(("3", 2, Fraction(0), LEFT), 3), (("1", 2, Fraction(0), LEFT), 1)],
        [(("1", 1, Fraction(0), F_LEFT), 3)],
        [
            (("1", 2, Fraction(0), LEFT), 1),
            (("1", 2, Fraction(0), RIGHT), 1),
            (("1", 1, Fraction(0), VECTOR), 1),
        ],
        [
            (("3", 2, Fraction(1, 6), LEFT), 1),
            (("1", 2, Fraction(-1, 2), LEFT), 1),
            (("3bar", 1, Fraction(-2, 3), LEFT), 1),
            (("1", 1, Fraction(1), LEFT), 1),
        ],
    ],
)
def test_numeric_cross_check_named(fields):
    check_against_numeric(fields)


field_specs = st.tuples(
    st.sampled_from(["1", "3", "3bar", "8", "6"]),
    st.integers(1, 3),
    st.sampled_from([Fraction(0), Fraction(1, 2)]),
    st.sampled_from([SCALAR, SCALAR, LEFT, RIGHT, VECTOR]),
)
CONJUGATE_SU3 = {"1": "1", "3": "3bar", "3bar": "3", "8": "8", "6": "6bar"}


def conjugate_spec(spec):
    su3, su2, charge, lorentz = spec
    return CONJUGATE_SU3[su3], su2, -charge, lorentz[::-1]


# Each field together with some power of its conjugate, so that many monomials are
# invariant (a bare random product almost never is).
monomials = st.lists(
    st.tuples(field_specs, st.integers(1, 3), st.integers(0, 2)), min_size=1, max_size=2
).map(
    lambda entries: [
        part
        for spec, k, k_conj in entries
        for part in [(spec, k), (conjugate_spec(spec), k_conj)]
        if part[1]
    ]
)


@pytest.mark.slow
@given(monomials)
@settings(max_examples=25, deadline=None)
def test_numeric_cross_check_random(fields):
    total = 1
    for spec, k in fields:
        total *= full_dim(spec, k)
    assume(total <= 400)
    check_against_numeric(fields)


def test_oversized_irreps_are_refused_with_a_clear_message():
    colour = GaugeGroup(("SU3",), (3,))
    with pytest.raises(RepError, match="dimension 8,120,601"):
        count_invariants(colour, [(Rep((SUIrrep(3, (200, 200)),)), 1)])
