"""Exact coordinates in F_p: solving for them and reading them back as fractions."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from lagrangian.physics.arithmetic import PRIME, rational, solve

SMALL = st.fractions(max_denominator=10_000).filter(lambda f: abs(f.numerator) < 10_000)


def residue(f: Fraction) -> int:
    return f.numerator * pow(f.denominator, PRIME - 2, PRIME) % PRIME


@given(SMALL)
def test_small_fractions_come_back_from_their_residues(f):
    assert rational(residue(f), PRIME) == f


def test_fractions_beyond_the_bound_are_not_read_back():
    """Above sqrt(p/2) a residue no longer names one fraction: checks confirm in a second
    field instead of trusting the first."""
    big = Fraction(20_000, 3)
    assert rational(residue(big), PRIME) != big


@given(st.lists(SMALL, min_size=1, max_size=8), st.integers(0, 2**32 - 1))
def test_solve_returns_the_coordinates_and_refuses_vectors_outside(coords, seed):
    rng = np.random.default_rng(seed)
    matrix = rng.integers(0, PRIME, size=(len(coords) + 6, len(coords)))
    x = [residue(f) for f in coords]
    vector = sum(matrix[:, i] * x[i] % PRIME for i in range(len(x))) % PRIME
    solution = solve(matrix, vector, PRIME)
    assert solution is not None
    assert [rational(int(s), PRIME) for s in solution] == coords
    outside = vector.copy()
    outside[0] = (outside[0] + 1) % PRIME  # six spare rows: off the span but for ~6/p
    assert solve(matrix, outside, PRIME) is None
