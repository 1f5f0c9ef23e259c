"""SU(N) irreps as tensors with fundamental indices, and generic points of them.

Every SU(N) irrep is realised the way physicists write it by hand: a tensor with upper
indices carrying one Young diagram and lower indices carrying another, traceless between the
two (``3`` is ``q^a``, ``3bar`` is ``u_a``, ``8`` is ``Sigma^a_b``, the SU(2) triplet is a
symmetric ``T^{ij}``).  Invariants are then contractions with ``delta`` (one upper with one
lower index) and ``epsilon`` tensors, which is exactly the explicit index notation the
document language accepts.

Invariants are told apart by their values at random points of the irreps.  A point is never
stored as a tensor (an SU(2) 9-plet has 2^8 components, four of them 2^32): it is a sum of
points of the *highest-weight orbit*, each given by a few vectors.  The highest-weight
vector of the diagram realization puts ``e_r`` on every slot of tableau row r (upper
indices) and the dual ``e^{n+1-s}`` on every slot of row s (lower indices), antisymmetrised
down each column; its images under a random unitriangular ``g`` put ``u_r = g e_r`` and
``w_s = e^{n+1-s} g^{-1}`` there.  The orbit spans the irrep, so a multilinear function of
distinct occurrences is zero exactly when it vanishes on orbit points; and ``w_s . u_r = 0``
(the diagrams have fewer than n rows together) makes every such point traceless.  A field
that occurs k times gets a weighted sum of k orbit points, which is generic enough for
forms of degree k (polarization).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from lagrangian.physics.arithmetic import matmul, reduce
from lagrangian.physics.groups import SUIrrep

Partition = tuple[int, ...]


@dataclass(frozen=True)
class Shape:
    """How one occurrence carries an SU(N) irrep: Young diagrams of its upper and lower
    indices.  A conjugated occurrence swaps them (``H^i`` but ``H^dagger_i``)."""

    n: int
    upper: Partition
    lower: Partition

    @property
    def n_upper(self) -> int:
        return sum(self.upper)

    @property
    def slots(self) -> int:
        return sum(self.upper) + sum(self.lower)

    def flipped(self) -> Shape:
        return Shape(self.n, self.lower, self.upper)


@cache
def shape_of(irrep: SUIrrep, conjugate: bool = False) -> Shape:
    """The realization of ``irrep`` for a field, or for its conjugate occurrence (cached:
    every evaluation of a term asks it for each field and factor)."""
    upper, lower = realization(irrep)
    shape = Shape(irrep.n, upper, lower)
    return shape.flipped() if conjugate else shape


def _dynkin_to_partition(labels: tuple[int, ...]) -> Partition:
    rows = [sum(labels[i:]) for i in range(len(labels))]
    return tuple(r for r in rows if r)


@cache
def realization(irrep: SUIrrep) -> tuple[Partition, Partition]:
    """(upper diagram, lower diagram) with the fewest indices that realise ``irrep``.

    Dynkin labels ``(a_1 … a_{N-1})`` split at some k: the first k labels form the upper
    diagram, the remaining ones read backwards form the lower diagram.  Ties prefer upper
    indices, so SU(2) irreps and the ``3`` of SU(3) are all-upper and ``3bar`` is lower.
    """
    labels = irrep.dynkin
    best: tuple[int, int, Partition, Partition] | None = None
    for k in range(len(labels), -1, -1):
        upper = _dynkin_to_partition(labels[:k] + (0,) * (len(labels) - k))
        lower = _dynkin_to_partition(tuple(reversed(labels[k:])) + (0,) * k)
        key = (sum(upper) + sum(lower), len(labels) - k)
        if best is None or key < best[:2]:
            best = (*key, upper, lower)
    assert best is not None
    return best[2], best[3]


def tableau_rows(partition: Partition) -> list[int]:
    """Row number of each slot of a row-reading tableau (for pruning zero contractions)."""
    return [r for r, length in enumerate(partition) for _ in range(length)]


@dataclass(frozen=True)
class Point:
    """``samples`` generic elements of one occurrence's irreps, each a weighted sum of
    ``summands`` highest-weight orbit points.

    Per SU factor, ``upper[f]`` has shape (summands, upper rows, samples, n): the vector
    ``u_r`` on the slots of tableau row r; ``lower[f]`` likewise the covectors ``w_s``.
    ``weights`` (summands, samples) are the coefficients of the sum.  ``modulus`` is the
    prime the numbers live in, or None for floats.
    """

    upper: tuple[np.ndarray, ...]
    lower: tuple[np.ndarray, ...]
    weights: np.ndarray
    modulus: int | None

    @property
    def summands(self) -> int:
        return int(self.weights.shape[0])


def random_point(
    shapes: Sequence[Shape],
    summands: int,
    samples: int,
    rng: np.random.Generator,
    modulus: int | None,
) -> Point:
    """A generic point of the irreps ``shapes`` (one per SU factor) of one occurrence."""
    upper, lower = [], []
    for shape in shapes:
        g, g_inv = _frames(shape.n, (summands, samples), rng, modulus)
        # u_r: column r of g; w_s: row n-1-s of g^{-1}; both with axes (summand, row, sample, n)
        u = np.moveaxis(g[..., : len(shape.upper)], -1, 1)
        w = np.moveaxis(g_inv[..., ::-1, :][..., : len(shape.lower), :], -2, 1)
        if not modulus:  # unit vectors keep products of many brackets of order one
            u = u / np.linalg.norm(u, axis=-1, keepdims=True)
            w = w / np.linalg.norm(w, axis=-1, keepdims=True)
        upper.append(u)
        lower.append(w)
    if modulus:
        weights = rng.integers(1, modulus, size=(summands, samples))
    else:
        weights = rng.uniform(0.5, 1.5, size=(summands, samples))
    return Point(tuple(upper), tuple(lower), weights, modulus)


def _frames(
    n: int, batch: tuple[int, ...], rng: np.random.Generator, modulus: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """Random lower unitriangular ``g = 1 + N`` and its inverse ``sum_k (-N)^k``.

    Upper unitriangular matrices fix the highest-weight vector and diagonal ones scale it,
    so the lower unitriangular images alone are dense in its orbit (the big Bruhat cell)."""
    shape = (*batch, n, n)
    entries = rng.integers(0, modulus, size=shape) if modulus else rng.standard_normal(shape)
    nil = np.tril(entries, -1)
    return nil + _identity(n, nil.dtype), _unitriangular_inverse(nil, modulus)


@cache
def _identity(n: int, dtype: np.dtype) -> np.ndarray:
    return np.eye(n, dtype=dtype)


def _unitriangular_inverse(nil: np.ndarray, modulus: int | None) -> np.ndarray:
    n = nil.shape[-1]
    minus = reduce(-nil, modulus)
    total = np.broadcast_to(_identity(n, nil.dtype), nil.shape).copy()
    term = total
    for _ in range(n - 1):
        term = matmul(term, minus, modulus)
        total = reduce(total + term, modulus)
    return total
