"""Partitions, characters of the symmetric group and dimensions of GL(N) irreps.

Identical flavoured fields make a coupling a tensor with a permutation symmetry.  By
Schur–Weyl duality, k copies of a field ``V`` with N flavours decompose as
``Sym^k(V ⊗ C^N) = ⊕_λ S_λ(V) ⊗ S_λ(C^N)`` (bosons; fermions pair ``S_λ(V)`` with
``S_λ'(C^N)``), so all that is needed is: the partitions λ of k, the character χ^λ of S_k
(to project characters onto ``S_λ(V)``), and ``dim S_λ(C^N)`` (the number of independent
coupling components).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

Partition = tuple[int, ...]


def partitions(k: int, largest: int | None = None) -> Iterator[Partition]:
    """Partitions of k in decreasing lexicographic order: (k), (k-1, 1), …, (1, …, 1)."""
    if k == 0:
        yield ()
        return
    for first in range(min(k, largest or k), 0, -1):
        for rest in partitions(k - first, first):
            yield (first, *rest)


def conjugate(shape: Partition) -> Partition:
    """The transposed Young diagram (rows become columns)."""
    return tuple(sum(1 for row in shape if row > i) for i in range(shape[0])) if shape else ()


def gl_dimension(shape: Partition, n: int) -> int:
    """dim S_λ(C^n) by the hook-content formula: Π (n + content) / hook over the boxes."""
    numerator = denominator = 1
    columns = conjugate(shape)
    for i, row in enumerate(shape):
        for j in range(row):
            numerator *= n + j - i
            denominator *= (row - j - 1) + (columns[j] - i - 1) + 1
    return numerator // denominator if numerator > 0 else 0


@cache
def character(shape: Partition, cycles: Partition) -> int:
    """χ^λ(σ) for σ of cycle type ``cycles`` (Murnaghan–Nakayama: strip border strips).

    Remove a border strip of length ``cycles[0]`` in every possible way; each contributes
    ``(-1)^(height - 1)`` times the character of what is left on the remaining cycles.
    """
    if not cycles:
        return 1 if not shape else 0
    length, rest = cycles[0], cycles[1:]
    total = 0
    for smaller, height in _strips(shape, length):
        total += (-1) ** (height - 1) * character(smaller, rest)
    return total


def _strips(shape: Partition, length: int) -> Iterator[tuple[Partition, int]]:
    """(shape without a border strip of ``length`` boxes, the strip's row count), each way.

    A border strip of length r corresponds to a hook of length r: in beta-numbers
    (first-column hook lengths) it is moving one bead r places down.
    """
    rows = len(shape)
    beta = [shape[i] + rows - 1 - i for i in range(rows)]
    for i, b in enumerate(beta):
        target = b - length
        if target < 0 or target in beta:
            continue
        moved = sorted([*beta[:i], target, *beta[i + 1 :]], reverse=True)
        height = sum(1 for x in beta if target < x < b) + 1
        new = [moved[j] - (rows - 1 - j) for j in range(rows)]
        yield tuple(x for x in new if x), height


@cache
def cycle_partition(cycle_type: tuple[tuple[int, int], ...]) -> Partition:
    """``((length, count), ...)`` as counting.cycle_types writes it, as a partition."""
    lengths = (length for length, count in cycle_type for _ in range(count))
    return tuple(sorted(lengths, reverse=True))


def shape_name(shape: Partition) -> str:
    """``symmetric`` for one row, ``antisymmetric`` for one column (k ≥ 2), else ``[2,1]``."""
    if len(shape) == 1:
        return "symmetric"
    if all(row == 1 for row in shape):
        return "antisymmetric"
    return diagram_text(shape)


def diagram_text(shape: Partition) -> str:
    """``[2,1]``: the rows of a Young diagram, as ``coupling`` declarations write them."""
    return "[" + ",".join(map(str, shape)) + "]"


def rows_and_columns(shape: Partition) -> tuple[list[list[int]], list[list[int]]]:
    """Positions 0..k-1 filled row by row: the rows and the columns of that tableau."""
    rows, start = [], 0
    for length in shape:
        rows.append(list(range(start, start + length)))
        start += length
    columns = [[row[j] for row in rows if len(row) > j] for j in range(shape[0] if shape else 0)]
    return rows, columns
