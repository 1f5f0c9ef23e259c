"""SU(N) irreps as tensors with fundamental indices, and random elements of them.

Every SU(N) irrep is realised the way physicists write it by hand: a tensor with upper
indices carrying one Young diagram and lower indices carrying another, traceless between the
two (``3`` is ``q^a``, ``3bar`` is ``u_a``, ``8`` is ``Sigma^a_b``, the SU(2) triplet is a
symmetric ``T^{ij}``).  Invariants are then contractions with ``delta`` (one upper with one
lower index) and ``epsilon`` tensors, which is exactly the explicit index notation the
document language accepts.

The explicit-basis engine needs *generic* elements of each irrep: a random tensor pushed
through the Young symmetrizers of both diagrams and projected onto the traceless subspace.
The orthogonal trace projector commutes with index permutations, so the result stays inside
the Young-symmetrised image; hence it is a generic vector of one copy of the irrep.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache

import numpy as np

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


def shape_of(irrep: SUIrrep, conjugate: bool = False) -> Shape:
    """The realization of ``irrep`` for a field, or for its conjugate occurrence."""
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


@cache
def levi_civita(n: int) -> np.ndarray:
    """The rank-n epsilon tensor with ``eps[0, 1, …, n-1] = 1``."""
    eps = np.zeros((n,) * n)
    for perm in itertools.permutations(range(n)):
        inversions = sum(1 for i in range(n) for j in range(i + 1, n) if perm[i] > perm[j])
        eps[perm] = -1.0 if inversions % 2 else 1.0
    return eps


def _tableau_groups(partition: Partition, offset: int) -> tuple[list[list[int]], list[list[int]]]:
    """Rows and columns of the row-reading standard tableau, as slot positions."""
    rows: list[list[int]] = []
    slot = offset
    for length in partition:
        rows.append(list(range(slot, slot + length)))
        slot += length
    columns = [
        [row[c] for row in rows if c < len(row)] for c in range(partition[0] if partition else 0)
    ]
    return rows, columns


def _symmetrize(x: np.ndarray, groups: list[list[int]], antisymmetric: bool) -> np.ndarray:
    """Sum ``x`` over permutations of the axes inside each group (absolute axis numbers).

    The sum over S_k factorises as (sum over S_{k-1}) times the k coset representatives
    {1, (1 k), …, (k-1 k)}, so it costs O(k^2) transposes instead of k!.
    """
    sign = -1.0 if antisymmetric else 1.0
    for group in groups:
        for size in range(2, len(group) + 1):
            last = group[size - 1]
            total = x.copy()
            for other in group[: size - 1]:
                total += sign * np.swapaxes(x, other, last)
            x = total
    return x


@cache
def _trace_projector(n: int, n_upper: int, n_lower: int) -> np.ndarray | None:
    """Orthogonal projector onto tensors whose every upper-lower trace vanishes."""
    if n_upper == 0 or n_lower == 0:
        return None
    size = n ** (n_upper + n_lower)
    shape = (n,) * (n_upper + n_lower)
    rows = []
    for u in range(n_upper):
        for d in range(n_lower):
            for rest in itertools.product(range(n), repeat=n_upper + n_lower - 2):
                row = np.zeros(shape)
                for k in range(n):
                    index = list(rest)
                    index.insert(u, k)
                    index.insert(n_upper + d, k)
                    row[tuple(index)] = 1.0
                rows.append(row.reshape(size))
    traces = np.array(rows)
    return np.eye(size) - np.linalg.pinv(traces) @ traces


def project(x: np.ndarray, shape: Shape, start: int) -> np.ndarray:
    """Project the axes ``start …`` of ``x`` (upper slots, then lower) onto the irrep."""
    k, m = sum(shape.upper), sum(shape.lower)
    for partition, offset in ((shape.upper, start), (shape.lower, start + k)):
        if partition:
            rows, columns = _tableau_groups(partition, offset)
            x = _symmetrize(x, rows, antisymmetric=False)
            x = _symmetrize(x, columns, antisymmetric=True)
    projector = _trace_projector(shape.n, k, m)
    if projector is not None:
        axes = list(range(start, start + k + m))
        moved = np.moveaxis(x, axes, list(range(x.ndim - k - m, x.ndim)))
        flat = moved.reshape((*moved.shape[: x.ndim - k - m], -1)) @ projector.T
        x = np.moveaxis(flat.reshape(moved.shape), list(range(x.ndim - k - m, x.ndim)), axes)
    return x


def random_tensor(shapes: tuple[Shape, ...], batch: int, rng: np.random.Generator) -> np.ndarray:
    """``batch`` generic elements of a product of irreps: axis 0 is the batch, then each
    factor's upper slots and lower slots in turn."""
    dims: list[int] = [batch]
    for shape in shapes:
        dims.extend([shape.n] * shape.slots)
    x = rng.standard_normal(dims)
    start = 1
    for shape in shapes:
        x = project(x, shape, start)
        start += shape.slots
    scale = float(np.sqrt(np.mean(x * x))) if x.size else 1.0
    return x / scale if scale > 0 else x


def tableau_rows(partition: Partition) -> list[int]:
    """Row number of each slot of a row-reading tableau (for pruning zero contractions)."""
    return [r for r, length in enumerate(partition) for _ in range(length)]
