"""The two number systems contraction values are computed in: a prime field, or floats.

Bases are searched in the prime field F_p: a contraction is a polynomial with integer
coefficients, so contractions whose values at some points are independent mod p are
independent over the rationals.  Independence is then certified exactly, with no rounding
tolerance to tune; only the rare unlucky draw (probability about degree/p) can make
independent contractions look dependent, which costs a retry, never a wrong basis.
Checks of a user's term need real coefficients (which basis element it is): they are
solved for in F_p too and read back as small fractions (``rational``), with the same code
run in floats where they are not small.  ``modulus=None`` means floats throughout.
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from functools import cache
from math import gcd, isqrt

import numpy as np

# The largest prime below 2^28: a product of two residues stays below 2^56, so sums of up
# to 128 such products fit in int64 before they are reduced.
PRIME = 268_435_399
# Two such primes: a coefficient read back as a fraction in one field is confirmed in the other.
PRIMES = (PRIME, 268_435_367)


def reduce(x: np.ndarray, modulus: int | None) -> np.ndarray:
    return x % modulus if modulus else x


def mul(a: np.ndarray, b: np.ndarray, modulus: int | None) -> np.ndarray:
    return a * b % modulus if modulus else a * b


def matmul(a: np.ndarray, b: np.ndarray, modulus: int | None) -> np.ndarray:
    return a @ b % modulus if modulus else a @ b


def power(a: np.ndarray, k: int, modulus: int | None) -> np.ndarray:
    """``a**k`` elementwise, by squaring (k >= 1)."""
    result = None
    while True:
        if k & 1:
            result = a if result is None else mul(result, a, modulus)
        k >>= 1
        if not k:
            assert result is not None
            return result
        a = mul(a, a, modulus)


def dot(a: np.ndarray, b: np.ndarray, modulus: int | None) -> np.ndarray:
    """Contraction of the last axes (vector with covector)."""
    if modulus:
        return (a * b % modulus).sum(axis=-1) % modulus
    return (a * b).sum(axis=-1)


def det(m: np.ndarray, modulus: int | None) -> np.ndarray:
    """Determinants of the trailing n x n matrices (Leibniz's formula in the field)."""
    if not modulus:
        return np.linalg.det(m)
    n = m.shape[-1]
    perms, signs = _permutations(n)
    entries = m[..., np.arange(n), perms]  # (..., n!, n): row i, column perm[i]
    products = entries[..., 0]
    for i in range(1, n):
        products = products * entries[..., i] % modulus
    return (products * signs).sum(axis=-1) % modulus


@cache
def _permutations(n: int) -> tuple[np.ndarray, np.ndarray]:
    perms = np.array(list(itertools.permutations(range(n))), dtype=np.int64)
    return perms, np.array([permutation_sign(p) for p in perms], dtype=np.int64)


def permutation_sign(perm: tuple[int, ...] | np.ndarray) -> int:
    inversions = sum(
        1 for i in range(len(perm)) for j in range(i + 1, len(perm)) if perm[i] > perm[j]
    )
    return -1 if inversions % 2 else 1


def solve(matrix: np.ndarray, vector: np.ndarray, modulus: int) -> np.ndarray | None:
    """The x with ``matrix @ x = vector`` over F_p, or None when ``vector`` is not in the
    column span.  The columns must be independent (``ValueError`` otherwise): the solution
    is then unique, the coordinates of ``vector`` in the basis the columns are."""
    cols = matrix.shape[1]
    m = np.concatenate([matrix, vector[:, None]], axis=1) % modulus
    for c in range(cols):
        nonzero = np.flatnonzero(m[c:, c])
        if not nonzero.size:
            raise ValueError("the columns are dependent at these points")
        pivot = c + int(nonzero[0])
        m[[c, pivot]] = m[[pivot, c]]
        m[c] = m[c] * pow(int(m[c, c]), modulus - 2, modulus) % modulus
        others = m[:, c].copy()
        others[c] = 0
        m = (m - others[:, None] * m[c] % modulus) % modulus
    if m[cols:, cols].any():
        return None
    return m[:cols, cols]


def rational(residue: int, modulus: int) -> Fraction | None:
    """The fraction a/b with |a|, b below sqrt(p/2) that is ``residue`` mod p, if any
    (Wang's rational reconstruction): small exact coefficients read back from F_p."""
    bound = isqrt(modulus // 2)
    r0, r1, s0, s1 = modulus, residue % modulus, 0, 1
    while r1 > bound:
        q = r0 // r1
        r0, r1, s0, s1 = r1, r0 - q * r1, s1, s0 - q * s1
    if s1 == 0 or abs(s1) > bound or gcd(r1, abs(s1)) != 1:
        return None
    return Fraction(r1, s1)
