"""Reading an equation program as one expression and editing it as a sum of terms.

The built-in proposer edits programs term by term and the search prunes dead terms from its
best program; both need the same view: a straight-line body with its local assignments
inlined into the returned expression, that expression split at top-level ``+``/``-``, and
``params[i]`` renumbered densely after an edit so no constant is fitted for nothing.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Sequence
from fractions import Fraction

_SNAP = 0.02  # how far a fitted exponent may be from the fraction it is tried at
_ZEROED = 3  # how many of the smallest fitted constants are tried at zero before the rest


def param_index(node: ast.AST) -> int | None:
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and node.value.id == "params"
        and isinstance(node.slice, ast.Constant)
        and isinstance(node.slice.value, int)
    ):
        return node.slice.value
    return None


def renumber(expression: ast.expr) -> tuple[ast.expr, int]:
    """Renumber ``params[i]`` to 0, 1, … in order of first appearance; return the count."""
    mapping: dict[int, int] = {}

    class Renumber(ast.NodeTransformer):
        def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
            index = param_index(node)
            if index is None:
                return self.generic_visit(node)
            new = mapping.setdefault(index, len(mapping))
            return ast.Subscript(ast.Name("params", ast.Load()), ast.Constant(new), ast.Load())

    result = Renumber().visit(copy.deepcopy(expression))
    return result, len(mapping)


def as_expression(body: str) -> ast.expr | None:
    """The returned expression of a straight-line body, with local assignments inlined."""
    try:
        module = ast.parse("def f():\n" + body)
    except SyntaxError:
        return None
    function = module.body[0]
    assert isinstance(function, ast.FunctionDef)
    bindings: dict[str, ast.expr] = {}

    class Inline(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.AST:
            if isinstance(node.ctx, ast.Load) and node.id in bindings:
                return copy.deepcopy(bindings[node.id])
            return node

    for statement in function.body:
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
        ):
            bindings[statement.targets[0].id] = Inline().visit(statement.value)
            continue
        if isinstance(statement, ast.Return) and statement.value is not None:
            return Inline().visit(statement.value)
        return None
    return None


def terms_of(expression: ast.expr) -> list[ast.expr]:
    """The additive terms of an expression (subtractions become negated terms)."""
    if isinstance(expression, ast.BinOp) and isinstance(expression.op, ast.Add):
        return terms_of(expression.left) + terms_of(expression.right)
    if isinstance(expression, ast.BinOp) and isinstance(expression.op, ast.Sub):
        negated = [ast.UnaryOp(ast.USub(), t) for t in terms_of(expression.right)]
        return terms_of(expression.left) + negated
    return [expression]


def sum_of(terms: list[ast.expr]) -> ast.expr:
    result = terms[0]
    for term in terms[1:]:
        result = ast.BinOp(result, ast.Add(), term)
    return result


def numerator_terms(expression: ast.expr) -> tuple[list[ast.expr], ast.expr | None]:
    """The terms of a sum, or of the numerator of a sum over ``(1 + …)``, and that denominator.

    The built-in proposer grows a program as a sum of terms and may put it over a common
    denominator; its steps then keep growing the numerator.  ``over`` puts it back together.
    """
    if (
        isinstance(expression, ast.BinOp)
        and isinstance(expression.op, ast.Div)
        and isinstance(expression.right, ast.BinOp)
        and isinstance(expression.right.op, ast.Add)
        and isinstance(expression.right.left, ast.Constant)
        and expression.right.left.value == 1
    ):
        return terms_of(expression.left), expression.right
    return terms_of(expression), None


def over(terms: list[ast.expr], denominator: ast.expr | None) -> ast.expr:
    """The sum of ``terms``, divided by ``denominator`` when there is one."""
    total = sum_of(terms)
    return total if denominator is None else ast.BinOp(total, ast.Div(), denominator)


def _node_count(expression: ast.AST) -> int:
    return sum(1 for _ in ast.walk(expression))


def _replace_nth(expression: ast.expr, n: int, replacement: ast.expr) -> ast.expr:
    """A copy of ``expression`` whose ``n``-th node (in ``ast.walk`` order) is ``replacement``."""
    result = copy.deepcopy(expression)
    target = list(ast.walk(result))[n]
    if target is result:
        return copy.deepcopy(replacement)

    class Replace(ast.NodeTransformer):
        def visit(self, node: ast.AST) -> ast.AST:
            if node is target:
                return copy.deepcopy(replacement)
            return super().visit(node)

    return Replace().visit(result)


def simplifications(
    expression: ast.expr, limit: int = 16, values: Sequence[float] = ()
) -> list[ast.expr]:
    """Simpler variants of an expression, each with renumbered constants.

    Four kinds of move: drop a top-level term (or the common denominator of a sum, or a
    term of its numerator); set one constant to zero (removes shifts such as the c in
    1/(x² + c) when it is not needed); replace a sub-expression that involves both inputs
    and constants by one new constant (log(x + 55634) over the data range is just a
    number); and, given the fitted ``values``, fix a fitted exponent at the simple
    fraction next to it (x**1.00018 → x: noise moves an exponent off the integer it is).
    Given the values, the snapped exponents and the three smallest constants set to zero
    come first, then the others, smallest first, ``limit`` of them.
    Which variants are kept is the caller's business: it refits each and keeps one only if
    the data agree.
    """
    first = [*_snapped_exponents(expression, values), *_smallest_zeroed(expression, values)]
    priority = {ast.dump(v): v for v in (renumber(v)[0] for v in first)}
    fresh = ast.Subscript(ast.Name("params", ast.Load()), ast.Constant(10_000), ast.Load())
    variants: list[ast.expr] = []
    terms = terms_of(expression)
    if len(terms) > 1:
        variants += [sum_of(terms[:i] + terms[i + 1 :]) for i in range(len(terms))]
    numerator, denominator = numerator_terms(expression)
    if denominator is not None:
        variants.append(sum_of(numerator))
    if denominator is not None and len(numerator) > 1:
        variants += [
            over(numerator[:i] + numerator[i + 1 :], denominator) for i in range(len(numerator))
        ]
    for n, node in enumerate(ast.walk(expression)):
        if param_index(node) is not None:
            variants.append(_replace_nth(expression, n, ast.Constant(0)))
        elif isinstance(node, (ast.Call, ast.BinOp)) and node is not expression:
            inside = list(ast.walk(node))
            has_param = any(param_index(m) is not None for m in inside)
            has_input = any(
                isinstance(m, ast.Name) and m.id not in ("np", "numpy", "params") for m in inside
            )
            if has_param and has_input:
                variants.append(_replace_nth(expression, n, fresh))
    size = _node_count(expression)
    unique: dict[str, ast.expr] = {}
    for variant in sorted((renumber(v)[0] for v in variants), key=_node_count):
        if _node_count(variant) < size:
            unique.setdefault(ast.dump(variant), variant)
    rest = [v for key, v in unique.items() if key not in priority]
    return list(priority.values()) + rest[:limit]


def _smallest_zeroed(expression: ast.expr, values: Sequence[float]) -> list[ast.expr]:
    """``expression`` with one of its three smallest fitted constants set to zero.

    A constant fitted to 2.7e-15 (the rate of an exp that should not be there) is dead
    weight, but zeroing it shrinks the expression by two nodes only, so among the variants
    sorted by size it would come last and fall outside ``limit``.
    """
    used = sorted({i for node in ast.walk(expression) if (i := param_index(node)) is not None})
    known = [i for i in used if i < len(values)]
    variants = []
    for index in sorted(known, key=lambda i: abs(values[i]))[:_ZEROED]:
        variants.append(_Zeroed(index).visit(copy.deepcopy(expression)))
    return variants


class _Zeroed(ast.NodeTransformer):
    """Replaces every ``params[index]`` by 0."""

    def __init__(self, index: int) -> None:
        self.index = index

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        return ast.Constant(0) if param_index(node) == self.index else self.generic_visit(node)


def _snapped_exponents(expression: ast.expr, values: Sequence[float]) -> list[ast.expr]:
    """``expression`` with one fitted exponent fixed at the fraction of denominator ≤ 4 near it.

    Integers, halves, thirds and quarters: the exponents of laws (x², √x, x^(4/3), x^(-3/4)).
    Denominators up to 12 would put a fraction within 0.02 of every number.
    """
    variants = []
    for n, node in enumerate(ast.walk(expression)):
        if not isinstance(node, ast.BinOp) or not isinstance(node.op, ast.Pow):
            continue
        index = param_index(node.right)
        if index is None or index >= len(values):
            continue
        fraction = Fraction(values[index]).limit_denominator(4)
        if fraction == values[index] or abs(float(fraction) - values[index]) > _SNAP:
            continue
        exponent: ast.expr = ast.Constant(fraction.numerator)
        if fraction.denominator != 1:
            exponent = ast.BinOp(exponent, ast.Div(), ast.Constant(fraction.denominator))
        variants.append(_replace_nth(expression, n, ast.BinOp(node.left, ast.Pow(), exponent)))
    return variants
