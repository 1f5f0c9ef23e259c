"""Poles and undefined values of a fitted program over the domain of its data.

A formula fitted to samples can hide a pole between two of them: 1/(pT − 40.9) with a tiny
coefficient fits a smooth curve at every sample and is still nonsense at 40.9 GeV.  Checking
only the samples misses it, so the fitted program is run once more on a dense set of points
spanning the domain (the box of the training and test inputs: the test data state where the
law is meant to hold), with every denominator watched: a denominator that takes both signs,
or zero, over that box has a zero inside it, whatever the size of its numerator.  Values
that are not finite (log or sqrt of a negative argument, overflow) are caught the same way.

Known blind spots: a removable singularity (sin x / x across 0) is reported as a pole, and a
function with poles of its own (``np.tan``) is only caught where a point lands near one.
"""

from __future__ import annotations

import ast
from typing import Any

import numpy as np

PROBE = "_denominator"
_GRID_1D = 4001
_RANDOM_POINTS = 4096


class DenominatorProbe:
    """Called on every denominator; remembers whether one crossed or touched zero."""

    def __init__(self) -> None:
        self.crossing = False

    def __call__(self, value: Any) -> Any:
        with np.errstate(all="ignore"):
            values = np.asarray(value, dtype=float)
            finite = values[np.isfinite(values)]
        if finite.size and (np.any(finite == 0) or (finite.min() < 0 < finite.max())):
            self.crossing = True
        return value


def _negative_constant(node: ast.expr) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return isinstance(node.operand, ast.Constant)
    return (
        isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and node.value < 0
    )


class _Instrument(ast.NodeTransformer):
    """Wraps denominators (of ``/``, ``//``, ``%``, ``np.reciprocal`` and negative powers)."""

    @staticmethod
    def _probe(node: ast.expr) -> ast.expr:
        return ast.Call(ast.Name(PROBE, ast.Load()), [node], [])

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, (ast.Div, ast.FloorDiv, ast.Mod)):
            node.right = self._probe(node.right)
        elif isinstance(node.op, ast.Pow) and _negative_constant(node.right):
            node.left = self._probe(node.left)
        return node

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "reciprocal" and node.args:
            node.args[0] = self._probe(node.args[0])
        return node


def instrument(source: str) -> str:
    """The program with every denominator passed through ``_denominator(...)``."""
    tree = _Instrument().visit(ast.parse(source))
    return ast.unparse(ast.fix_missing_locations(tree))


def domain_points(boxes: list[np.ndarray], rng: np.random.Generator) -> np.ndarray:
    """Points spanning the union box of the given input arrays (rows × inputs).

    One input: an even grid of 4001 points.  Several: the data rows plus 4096 uniform points
    in the box (a sign change of a continuous denominator in a box means a zero inside it).
    """
    rows = np.concatenate([b for b in boxes if b.size], axis=0)
    low, high = rows.min(axis=0), rows.max(axis=0)
    if rows.shape[1] == 1:
        return np.linspace(low[0], high[0], _GRID_1D)[:, None]
    uniform = rng.uniform(low, high, size=(_RANDOM_POINTS, rows.shape[1]))
    return np.concatenate([rows, uniform], axis=0)


def domain_problem(
    run: Any, probe: DenominatorProbe, points: np.ndarray, params: np.ndarray
) -> str | None:
    """Why the instrumented program ``run`` is not a law over ``points``, or ``None``."""
    with np.errstate(all="ignore"):
        try:
            value = np.asarray(run(*points.T, params), dtype=float)
        except (ArithmeticError, ValueError, TypeError, IndexError):
            return "it cannot be evaluated over the domain of the data"
    if probe.crossing:
        return "pole: a denominator crosses zero inside the domain of the data"
    if not np.all(np.isfinite(value)):
        return "singular: the formula is not finite everywhere inside the domain of the data"
    return None
