"""Products of brackets at orbit points equal the full tensor contraction.

The basis engine never builds a tensor; these tests do, for small irreps: the point as a
dense tensor (a weighted sum of column-antisymmetrised products of its vectors) contracted
with explicit deltas and epsilons must give the value ``brackets.evaluate`` computes.
Tall columns (SU(4) 6, SU(5) 10bar), traceless mixed tensors (octets) and repeated fields
(points with several summands) are all covered.
"""

from __future__ import annotations

import itertools
import string

import numpy as np
import pytest

from lagrangian.physics.arithmetic import PRIME, permutation_sign
from lagrangian.physics.brackets import evaluate
from lagrangian.physics.groups import parse_su_irrep
from lagrangian.physics.patterns import Delta, group_patterns
from lagrangian.physics.tensors import Point, Shape, random_point, shape_of


def levi_civita(n: int) -> np.ndarray:
    eps = np.zeros((n,) * n)
    for perm in itertools.permutations(range(n)):
        eps[perm] = permutation_sign(perm)
    return eps


def side_tensor(vectors: np.ndarray, partition: tuple[int, ...]) -> np.ndarray:
    """One side of an orbit point: slot of row r carries vectors[r]; columns antisymmetrised.
    ``vectors``: (rows, n) for one sample and summand."""
    places = [(r, c) for r, length in enumerate(partition) for c in range(length)]
    columns = [[i for i, (_, c) in enumerate(places) if c == col] for col in range(partition[0])]
    n = vectors.shape[-1]
    total = np.zeros((n,) * len(places))
    for perms in itertools.product(*(itertools.permutations(range(len(c))) for c in columns)):
        rows = [0] * len(places)
        sign = 1
        for column, perm in zip(columns, perms):
            sign *= permutation_sign(perm)
            for k, slot in enumerate(column):
                rows[slot] = perm[k]
        term = np.ones(())
        for r in rows:
            term = np.multiply.outer(term, vectors[r])
        total += sign * term
    return total


def dense(point: Point, shape: Shape, sample: int) -> np.ndarray:
    """The point as a tensor with the upper slots first, then the lower ones."""
    total = 0
    for k in range(point.summands):
        up = side_tensor(point.upper[0][k, :, sample], shape.upper) if shape.upper else np.ones(())
        low = side_tensor(point.lower[0][k, :, sample], shape.lower) if shape.lower else np.ones(())
        total = total + point.weights[k, sample] * np.multiply.outer(up, low)
    return total


def contract(shapes: list[Shape], tensors: list[np.ndarray], pattern) -> float:
    letters = iter(string.ascii_letters)
    subscripts = [[""] * s.slots for s in shapes]
    operands: list[np.ndarray] = list(tensors)
    extra = []

    def axis(slot):
        occ, upper, position = slot
        return position if upper else shapes[occ].n_upper + position

    for block in pattern:
        if isinstance(block, Delta):
            letter = next(letters)
            subscripts[block.upper[0]][axis(block.upper)] = letter
            subscripts[block.lower[0]][axis(block.lower)] = letter
        else:
            names = "".join(next(letters) for _ in block.slots)
            for slot, letter in zip(block.slots, names):
                subscripts[slot[0]][axis(slot)] = letter
            operands.append(levi_civita(len(block.slots)))
            extra.append(names)
    spec = ",".join(["".join(s) for s in subscripts] + extra) + "->"
    return float(np.einsum(spec, *operands))


CASES = [
    (3, ["8", "8", "8"], [0, 1, 2]),
    (3, ["8", "8", "8"], [0, 0, 0]),
    (3, ["3", "-3", "6", "-6"], [0, 1, 2, 3]),
    (2, ["3", "3", "2", "2"], [0, 0, 1, 2]),
    (4, ["6", "6"], [0, 0]),
    (4, ["4", "4", "6"], [0, 1, 2]),
    (5, ["-10", "5", "5"], [0, 1, 1]),
    (4, ["15", "15", "15"], [0, 1, 2]),
]


@pytest.mark.parametrize(("n", "names", "keys"), CASES)
def test_brackets_equal_dense_contractions(n, names, keys):
    shapes = [shape_of(parse_su_irrep(name, n)) for name in names]
    rng = np.random.default_rng(5)
    copies = {k: keys.count(k) for k in keys}
    by_key = {k: random_point([shapes[keys.index(k)]], copies[k], 3, rng, None) for k in copies}
    points = [by_key[k] for k in keys]
    patterns = list(itertools.islice(group_patterns(shapes), 30))
    assert patterns
    for pattern in patterns:
        values = evaluate([[s] for s in shapes], points, (pattern,))
        for sample in range(3):
            tensors = [dense(p, s, sample) for p, s in zip(points, shapes)]
            assert values[sample] == pytest.approx(contract(shapes, tensors, pattern), abs=1e-9)


def test_orbit_points_are_traceless_and_exact_in_the_field():
    """Upper vectors and lower covectors pair to zero (the point is traceless), in floats
    and in F_p."""
    shape = shape_of(parse_su_irrep("27", 3))
    for modulus in (None, PRIME):
        point = random_point([shape], 2, 4, np.random.default_rng(1), modulus)
        pairing = np.einsum("krsn,kqsn->krqs", point.upper[0], point.lower[0])
        if modulus:
            pairing = pairing % modulus
        assert np.allclose(pairing, 0)
