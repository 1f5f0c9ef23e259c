"""From an equation program to a simplified sympy expression and its LaTeX.

The program is never executed here: its (allow-listed) syntax tree is interpreted
symbolically — assignments are substituted, ``for`` loops over constant ranges unrolled,
``if``/``np.where`` become ``Piecewise`` — into one sympy expression in the inputs and
``params``.  The fitted constants are then substituted, rounded (integers and simple
fractions snapped) and the result simplified.  Rounding and simplifying must not change what
the formula says: the printed text is parsed back and evaluated on the data, and the shortest
form whose NMSE equals the program's is the one shown (6 significant digits when that is
honest, more when a small constant or a cancellation needs them).  ``sympy.simplify`` can
take very long on odd expressions, so the sandbox runs this in a worker with a timeout.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from .errors import LlmsrError
from .fitting import nmse

_MAX_UNROLL = 200


class Unsupported(LlmsrError):
    """A construct that has no closed-form symbolic meaning here (e.g. a data-dependent loop)."""


def _functions() -> dict[str, Callable[..., Any]]:
    s = sympy
    table: dict[str, Callable[..., Any]] = {
        "sin": s.sin, "cos": s.cos, "tan": s.tan, "arcsin": s.asin, "arccos": s.acos,
        "arctan": s.atan, "arctan2": s.atan2, "sinh": s.sinh, "cosh": s.cosh, "tanh": s.tanh,
        "arcsinh": s.asinh, "arccosh": s.acosh, "arctanh": s.atanh, "exp": s.exp,
        "log": s.log, "sqrt": s.sqrt, "cbrt": s.cbrt, "abs": s.Abs, "absolute": s.Abs,
        "fabs": s.Abs, "sign": s.sign, "maximum": s.Max, "minimum": s.Min, "max": s.Max,
        "min": s.Min, "floor": s.floor, "ceil": s.ceiling, "int": s.floor,
    }  # fmt: skip
    table.update(
        expm1=lambda x: s.exp(x) - 1,
        exp2=lambda x: 2**x,
        log1p=lambda x: s.log(1 + x),
        log2=lambda x: s.log(x, 2),
        log10=lambda x: s.log(x, 10),
        square=lambda x: x**2,
        power=lambda a, b: a**b,
        pow=lambda a, b: a**b,
        clip=lambda x, lo, hi: s.Min(s.Max(x, lo), hi),
        hypot=lambda a, b: s.sqrt(a**2 + b**2),
        heaviside=lambda x, h0: s.Heaviside(x, h0),
        reciprocal=lambda x: 1 / x,
        where=lambda c, a, b: s.Piecewise((a, c), (b, True)),
        round=lambda x, *_: s.floor(x + s.Rational(1, 2)),
        zeros_like=lambda x, **_: s.Integer(0),
        ones_like=lambda x, **_: s.Integer(1),
        full_like=lambda x, v, **_: v,
        asarray=lambda x, **_: x,
        array=lambda x, **_: x,
        float=lambda x: x,
        float64=lambda x: x,
        deg2rad=lambda x: x * s.pi / 180,
        rad2deg=lambda x: x * 180 / s.pi,
        sinc=lambda x: s.sin(s.pi * x) / (s.pi * x),
        logaddexp=lambda a, b: s.log(s.exp(a) + s.exp(b)),
    )
    return table


_CONSTANTS = {"pi": sympy.pi, "e": sympy.E, "euler_gamma": sympy.EulerGamma, "inf": sympy.oo}
_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.Pow: operator.pow, ast.Mod: sympy.Mod,
    ast.FloorDiv: lambda a, b: sympy.floor(a / b),
}  # fmt: skip
_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Lt: sympy.Lt, ast.LtE: sympy.Le, ast.Gt: sympy.Gt, ast.GtE: sympy.Ge,
    ast.Eq: sympy.Eq, ast.NotEq: sympy.Ne,
}  # fmt: skip


class _Interpreter:
    """Symbolic evaluation of one function body."""

    def __init__(self, names: Sequence[str], nonnegative: Sequence[str] = ()) -> None:
        self.env: dict[str, Any] = {
            name: sympy.Symbol(name, real=True, nonnegative=name in nonnegative or None)
            for name in names
        }
        self.functions = _functions()
        self.params: dict[int, sympy.Symbol] = {}

    def param(self, index: int) -> sympy.Symbol:
        if index not in self.params:
            self.params[index] = sympy.Symbol(f"p{index}", real=True)
        return self.params[index]

    def run(self, body: list[ast.stmt]) -> Any:
        for statement in body:
            result = self.statement(statement)
            if result is not None:
                return result
        return None

    def statement(self, node: ast.stmt) -> Any:
        if isinstance(node, ast.Return):
            if node.value is None:
                raise Unsupported("empty return")
            return (self.expr(node.value),)
        if isinstance(node, ast.Assign):
            value = self.expr(node.value)
            for target in node.targets:
                self.assign(target, value)
            return None
        if isinstance(node, ast.AugAssign):
            if not isinstance(node.target, ast.Name):
                raise Unsupported("augmented assignment to an element")
            self.env[node.target.id] = _BINARY[type(node.op)](
                self.env[node.target.id], self.expr(node.value)
            )
            return None
        if isinstance(node, ast.If):
            test = self.expr(node.test)
            if test in (sympy.true, True):
                return self.run(node.body)
            if test in (sympy.false, False):
                return self.run(node.orelse)
            raise Unsupported("a branch that depends on the data; use np.where")
        if isinstance(node, ast.For):
            return self.loop(node)
        if isinstance(node, (ast.Expr, ast.Pass)):
            return None
        raise Unsupported(f"{type(node).__name__} statement")

    def assign(self, target: ast.expr, value: Any) -> None:
        if isinstance(target, ast.Name):
            self.env[target.id] = value
        elif (
            isinstance(target, ast.Tuple)
            and isinstance(value, tuple)
            and len(value) == len(target.elts)
        ):
            for element, item in zip(target.elts, value, strict=True):
                self.assign(element, item)
        else:
            raise Unsupported("assignment target")

    def loop(self, node: ast.For) -> Any:
        iterable = self.expr(node.iter)
        if not isinstance(iterable, range) or len(iterable) > _MAX_UNROLL or node.orelse:
            raise Unsupported("a loop that is not over a small constant range")
        for value in iterable:
            self.assign(node.target, sympy.Integer(value))
            for statement in node.body:
                if isinstance(statement, (ast.Break, ast.Continue)):
                    raise Unsupported("break/continue")
                result = self.statement(statement)
                if result is not None:
                    return result
        return None

    def expr(self, node: ast.expr) -> Any:
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise Unsupported(f"{type(node).__name__} expression")
        return method(node)

    def _Constant(self, node: ast.Constant) -> Any:
        value = node.value
        if isinstance(value, bool):
            return sympy.true if value else sympy.false
        if isinstance(value, int):
            return sympy.Integer(value)
        if isinstance(value, float):
            return sympy.Float(value)
        raise Unsupported("non-numeric constant")

    def _Name(self, node: ast.Name) -> Any:
        if node.id in self.env:
            return self.env[node.id]
        raise Unsupported(f"name {node.id}")

    def _Attribute(self, node: ast.Attribute) -> Any:
        if node.attr in _CONSTANTS:
            return _CONSTANTS[node.attr]
        raise Unsupported(f"attribute {node.attr}")

    def _Subscript(self, node: ast.Subscript) -> Any:
        if isinstance(node.value, ast.Name) and node.value.id == "params":
            index = self.expr(node.slice)
            if isinstance(index, sympy.Integer):
                return self.param(int(index))
        raise Unsupported("indexing other than params[constant]")

    def _BinOp(self, node: ast.BinOp) -> Any:
        return _BINARY[type(node.op)](self.expr(node.left), self.expr(node.right))

    def _UnaryOp(self, node: ast.UnaryOp) -> Any:
        value = self.expr(node.operand)
        if isinstance(node.op, ast.USub):
            return -value
        if isinstance(node.op, ast.UAdd):
            return value
        if isinstance(node.op, ast.Not):
            return sympy.Not(value)
        raise Unsupported("unary operator")

    def _Compare(self, node: ast.Compare) -> Any:
        left = self.expr(node.left)
        parts = []
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.expr(comparator)
            if type(op) not in _COMPARE:
                raise Unsupported("comparison")
            parts.append(_COMPARE[type(op)](left, right))
            left = right
        return sympy.And(*parts)

    def _BoolOp(self, node: ast.BoolOp) -> Any:
        values = [self.expr(v) for v in node.values]
        return sympy.And(*values) if isinstance(node.op, ast.And) else sympy.Or(*values)

    def _IfExp(self, node: ast.IfExp) -> Any:
        return sympy.Piecewise(
            (self.expr(node.body), self.expr(node.test)), (self.expr(node.orelse), True)
        )

    def _Tuple(self, node: ast.Tuple) -> Any:
        return tuple(self.expr(e) for e in node.elts)

    def _Call(self, node: ast.Call) -> Any:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        args = [self.expr(a) for a in node.args]
        kwargs = {k.arg: self.expr(k.value) for k in node.keywords if k.arg}
        if name == "range":
            if not all(isinstance(a, sympy.Integer) for a in args):
                raise Unsupported("range over a non-constant")
            return range(*(int(a) for a in args))
        if name == "sum" and args and isinstance(args[0], tuple):
            return sympy.Add(*args[0])
        if name not in self.functions:
            raise Unsupported(f"function {name}")
        return self.functions[name](*args, **kwargs)


def program_to_sympy(
    source: str, names: Sequence[str], nonnegative: Sequence[str] = ()
) -> tuple[Any, dict[int, sympy.Symbol]]:
    """The expression a program returns, in input symbols and parameter symbols ``p0, p1, …``.

    Inputs in ``nonnegative`` (all data values ≥ 0, like pT or |y|) are declared so, which
    lets sympy drop absolute values and simplify square roots.
    """
    tree = ast.parse(source)
    function = tree.body[0]
    if not isinstance(function, ast.FunctionDef):
        raise Unsupported("not a function")
    interpreter = _Interpreter(names, nonnegative)
    result = interpreter.run(function.body)
    if result is None:
        raise Unsupported("no return value reached")
    expression = result[0]
    if isinstance(expression, tuple):
        raise Unsupported("a tuple is returned")
    return sympy.sympify(expression), interpreter.params


_DIGITS = (6, 10, 17)
NMSE_TOLERANCE = 1e-10


def _tidy_number(value: float, digits: int = 6) -> Any:
    """A rounded sympy number: small integers and fractions snapped, else ``digits`` digits.

    Snapping is relative to the value, so a constant of 1e-7 is never snapped to 0.
    """
    if value != 0 and abs(value) <= 100:
        fraction = Fraction(value).limit_denominator(12)
        if fraction != 0 and abs(float(fraction) - value) <= 10.0 ** (-digits) * abs(value):
            return sympy.Rational(fraction.numerator, fraction.denominator)
    return sympy.Float(float(f"{value:.{digits}g}"), digits)


def _tidy(expression: Any, digits: int = 6) -> Any:
    floats = expression.atoms(sympy.Float)
    return expression.xreplace({f: _tidy_number(float(f), digits) for f in floats})


def _simplest(expression: Any) -> Any:
    """The shortest of the expression, its ``factor`` and its ``simplify``.

    ``factor`` turns a + a·c² into a·(1 + c²); ``simplify`` cancels redundancies; but both
    may also merge a sum of fractions into one unreadable fraction, so the original form
    competes too.  Ties go to the factored form.
    """
    simplified = sympy.simplify(expression)
    options = [sympy.factor(simplified), simplified, expression]
    return min(options, key=lambda option: len(sympy.sstr(option)))


def evaluate_text(text: str, names: Sequence[str], x: np.ndarray) -> np.ndarray:
    """Evaluate a printed expression on the columns of ``x`` (what a reader of it would get)."""
    symbols = {name: sympy.Symbol(name, real=True) for name in names}
    parsed = sympy.parse_expr(text, local_dict=dict(symbols))
    function = sympy.lambdify(list(symbols.values()), parsed, modules="numpy")
    with np.errstate(all="ignore"):
        value = np.asarray(function(*x.T), dtype=float)
    return np.broadcast_to(value, (x.shape[0],))


def displayed_nmse(text: str, names: Sequence[str], x: np.ndarray, y: np.ndarray) -> float:
    """The NMSE of a printed expression on data (``inf`` when it cannot be evaluated)."""
    try:
        value = nmse(evaluate_text(text, names, x), y)
    except (ArithmeticError, ValueError, TypeError, NameError, SyntaxError):
        return float("inf")
    return value if np.isfinite(value) else float("inf")


def _without_negligible(expression: Any, names: Sequence[str], x: np.ndarray, y: np.ndarray) -> Any:
    """The sum without terms below 1e-9 of the target's scale everywhere on the data.

    Searches leave terms such as 6e-14·√(1−c²) that pruning cannot remove (they are entangled
    in the program's structure) but that change no prediction; showing them hides the law.
    The caller still checks that the NMSE is unchanged, so nothing that matters is dropped.
    """
    if not isinstance(expression, sympy.Add):
        return expression
    scale = float(np.max(np.abs(y))) or 1.0
    kept = []
    for term in expression.args:
        try:
            values = evaluate_text(sympy.sstr(term), names, x)
            negligible = bool(np.all(np.abs(values) < 1e-9 * scale))
        except (ArithmeticError, ValueError, TypeError, NameError, SyntaxError):
            negligible = False
        if not negligible:
            kept.append(term)
    return sympy.Add(*kept) if kept else expression


def _agrees(value: float, reference: float) -> bool:
    return abs(value - reference) <= NMSE_TOLERANCE * max(1.0, abs(reference))


def to_sympy_result(
    source: str,
    names: Sequence[str],
    params: Sequence[float],
    simplify: bool = True,
    nonnegative: Sequence[str] = (),
    data: tuple[np.ndarray, np.ndarray] | None = None,
    reference: float | None = None,
) -> dict[str, Any]:
    """``expression`` (fitted constants substituted), ``latex`` and ``skeleton`` strings.

    With ``data`` (x, y) the expression is the first of: 6 digits without terms negligible on
    the data, 6, 10 or 17 digits, 17 unsimplified — whose printed text evaluates on the data
    to the NMSE ``reference`` (the program's own; by default the unrounded expression's);
    ``nmse`` is that displayed NMSE and
    ``verified`` says whether it equals ``reference``.  A program whose claimed NMSE no
    rendering reproduces did not compute what its text says: the caller must not trust it.
    """
    expression, symbols = program_to_sympy(source, names, nonnegative)
    exact = expression.xreplace(
        {s: sympy.Float(float(params[i]), 17) for i, s in symbols.items() if i < len(params)}
    )
    skeleton = _simplest(expression) if simplify else expression
    attempts = [(d, simplify, d == _DIGITS[0]) for d in _DIGITS] if data is not None else []
    attempts = [*attempts[:1], (_DIGITS[0], simplify, False), *attempts[1:], (17, False, False)]
    result: dict[str, Any] = {}
    for digits, simplified, trimmed in attempts if data is not None else [(6, simplify, False)]:
        numeric = _tidy(exact, digits)
        if simplified:
            numeric = _tidy(_simplest(numeric), digits)
        if trimmed and data is not None:
            shorter = _without_negligible(numeric, names, *data)
            if shorter != numeric:
                numeric = _tidy(_simplest(shorter), digits) if simplified else shorter
        result = {
            "expression": sympy.sstr(numeric),
            "latex": sympy.latex(numeric),
            "skeleton": sympy.sstr(skeleton),
        }
        if data is None:
            return result
        x, y = data
        shown = displayed_nmse(result["expression"], names, x, y)
        target = displayed_nmse(sympy.sstr(exact), names, x, y) if reference is None else reference
        result.update(nmse=shown, verified=_agrees(shown, target))
        if result["verified"]:
            return result
    return result
