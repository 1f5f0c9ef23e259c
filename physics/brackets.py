"""Values of delta/epsilon contraction patterns at generic points: products of brackets.

At a highest-weight orbit point (``tensors.Point``) every slot of an occurrence carries one
vector, so a contraction is a product of *brackets*: ``w . u`` for a delta, a determinant
for an epsilon.  That costs a few multiplications per index instead of a tensor network over
n^(number of slots) components, which is what makes large irreps cheap.  Two sums remain:

* an occurrence whose point is a sum of several orbit points (a field occurring k times)
  picks one summand per occurrence, and
* a tableau column of height h > 1 is the wedge ``u_1 ^ … ^ u_h``: a signed sum over which
  row's vector each of its slots carries.

Both are summation variables; each bracket depends on a few of them, so brackets are
computed as small arrays over their own variables, multiplied with broadcasting and summed.
Multiple edges (the same occurrences joined by several equal brackets) are computed once.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from lagrangian.physics.arithmetic import det, dot, mul, permutation_sign, power, reduce
from lagrangian.physics.patterns import Delta, Pattern, Slot
from lagrangian.physics.tensors import Partition, Point, Shape


@dataclass(frozen=True)
class _Variable:
    """A summation variable: which summand of a point, or how a tall column is permuted."""

    size: int
    signs: np.ndarray | None = None  # for a column permutation: the sign of each
    perms: np.ndarray | None = None  # (h!, h): the row carried by the column's r-th slot


@dataclass(frozen=True)
class _Place:
    """Where a slot sits in its occurrence's tableau."""

    column: int
    row: int
    tall: bool  # its column has height > 1


def evaluate(
    shapes: Sequence[Sequence[Shape]], points: Sequence[Point], pattern: Pattern
) -> np.ndarray:
    """The contraction ``pattern`` at ``points`` (one per occurrence; the same object for
    identical occurrences), one value per sample.  ``shapes[o][f]`` is how occurrence o
    carries the f-th SU factor."""
    modulus = points[0].modulus
    samples = points[0].weights.shape[1]
    places = [[_places(shape) for shape in occ_shapes] for occ_shapes in shapes]
    variables: list[_Variable] = []
    summand_axis: list[int | None] = []
    column_axis: dict[tuple[int, int, bool, int], int] = {}  # (occ, factor, upper, column)
    for occ, (point, occ_shapes) in enumerate(zip(points, shapes)):
        summand_axis.append(len(variables) if point.summands > 1 else None)
        if point.summands > 1:
            variables.append(_Variable(point.summands))
        for f, shape in enumerate(occ_shapes):
            for upper, partition in ((True, shape.upper), (False, shape.lower)):
                for column, height in enumerate(_column_heights(partition)):
                    if height > 1:
                        column_axis[(occ, f, upper, column)] = len(variables)
                        variables.append(_column_variable(height))
    grid = [v.size for v in variables]

    def placed(array: np.ndarray, axes: list[int]) -> np.ndarray:
        """``array`` whose leading axes are the grid axes ``axes`` (increasing), spread out."""
        shape = [1] * len(grid)
        for axis in axes:
            shape[axis] = grid[axis]
        return array.reshape(*shape, *array.shape[len(axes) :])

    def vector(f: int, slot: Slot) -> np.ndarray:
        """The slot's vector over its variables: (grid with ones, samples, n)."""
        occ, upper, position = slot
        place = places[occ][f][upper][position]
        stack = (points[occ].upper if upper else points[occ].lower)[f]  # (K, rows, S, n)
        axes = [] if summand_axis[occ] is None else [summand_axis[occ]]
        if place.tall:
            col_axis = column_axis[(occ, f, upper, place.column)]
            perms = variables[col_axis].perms
            assert perms is not None
            array = stack[:, perms[:, place.row]]  # (K, h!, S, n)
            axes.append(col_axis)
        else:
            array = stack[:, place.row]  # (K, S, n)
        return placed(array if summand_axis[occ] is not None else array[0], axes)

    brackets: Counter[tuple[int, bool, tuple[Slot, ...]]] = Counter()
    for f, blocks in enumerate(pattern):
        for block in blocks:
            if isinstance(block, Delta):
                brackets[(f, True, (block.upper, block.lower))] += 1
            else:
                brackets[(f, False, block.slots)] += 1
    # Slots of height-one columns in the same row of one occurrence carry the same vector,
    # so brackets of equal ``carried`` keys are equal and are computed once.
    powers: Counter[tuple[int, bool, tuple[object, ...]]] = Counter()
    representative: dict[tuple[int, bool, tuple[object, ...]], tuple[Slot, ...]] = {}
    for (f, is_delta, slots), multiplicity in brackets.items():
        key = (f, is_delta, tuple(_carried(places, f, s) for s in slots))
        powers[key] += multiplicity
        representative.setdefault(key, slots)
    factors: list[np.ndarray] = []
    for key, multiplicity in powers.items():
        f, is_delta, _ = key
        vectors = [vector(f, s) for s in representative[key]]
        if is_delta:
            value = dot(vectors[0], vectors[1], modulus)
        else:
            value = det(np.stack(np.broadcast_arrays(*vectors), axis=-2), modulus)
        factors.append(power(value, multiplicity, modulus))
    for occ, axis in enumerate(summand_axis):
        weights = points[occ].weights
        factors.append(weights[0] if axis is None else placed(weights, [axis]))
    for axis, variable in enumerate(variables):
        if variable.signs is not None:
            factors.append(placed(reduce(variable.signs[:, None], modulus), [axis]))
    total = factors[0]
    for factor in factors[1:]:
        total = mul(total, factor, modulus)
    summed = np.broadcast_to(total, (*grid, samples)).reshape(-1, samples).sum(axis=0)
    return reduce(summed, modulus)


@cache
def _column_heights(partition: Partition) -> tuple[int, ...]:
    return tuple(
        sum(1 for length in partition if length > c) for c in range(max(partition, default=0))
    )


@cache
def _column_variable(height: int) -> _Variable:
    perms = np.array(list(itertools.permutations(range(height))), dtype=np.int64)
    signs = np.array([permutation_sign(p) for p in perms], dtype=np.int64)
    return _Variable(len(perms), signs, perms)


@cache
def _places(shape: Shape) -> dict[bool, list[_Place]]:
    """The place of each upper and lower slot, in the row-reading order of the slots."""
    out = {}
    for upper, partition in ((True, shape.upper), (False, shape.lower)):
        heights = _column_heights(partition)
        out[upper] = [
            _Place(c, r, heights[c] > 1)
            for r, length in enumerate(partition)
            for c in range(length)
        ]
    return out


def _carried(places: list[list[dict[bool, list[_Place]]]], f: int, slot: Slot) -> object:
    """What decides the vector a slot carries: occurrence, side and row for a column of
    height one; the slot itself in a taller column."""
    occ, upper, position = slot
    place = places[occ][f][upper][position]
    return slot if place.tall else (occ, upper, place.row)
