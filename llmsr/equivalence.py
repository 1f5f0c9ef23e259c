"""Symbolic recovery: is a found formula the true law, up to constants?

SRBench's criterion (La Cava et al. 2021): a model recovers a law when, after sympy
simplification, its difference from the law or its ratio to it is a constant.  Fitted
constants are floating-point numbers, so two refinements make the check usable: a constant
within 1e-4 of a simple fraction (denominator ≤ 12) is that fraction (an exponent
-1.9999999 is -2, an exp(-0.5000001·x²) is exp(-x²/2)); and where exact cancellation fails
because of the last digits (8315.18 against 91.1876² = 8315.178), the difference or ratio is
written as one fraction p/q of polynomials in its non-constant atoms, and the law is
recovered when p is proportional to q with every coefficient agreeing to 1e-3.  So inner
constants must match to about three significant digits, as they do for a noiseless law
found; a different form that only fits well does not pass.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from fractions import Fraction
from typing import Any

_SNAP = 1e-4
_AGREE = 1e-3


class _Timeout(Exception):
    pass


@contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    """SIGALRM after ``seconds`` (main thread only; elsewhere no limit)."""

    def expire(signum: int, frame: object) -> None:
        raise _Timeout

    try:
        previous = signal.signal(signal.SIGALRM, expire)
    except ValueError:
        yield
        return
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def parse(text: str, names: Sequence[str], positive: Sequence[str] = (), **functions: Any) -> Any:
    """A formula as sympy, inputs as real symbols (positive where all data are)."""
    import sympy
    from sympy.parsing.sympy_parser import convert_xor, parse_expr, standard_transformations

    local: dict[str, Any] = {
        n: sympy.Symbol(n, real=True, positive=True if n in positive else None) for n in names
    }
    local.update(functions)
    transformations = (*standard_transformations, convert_xor)
    return parse_expr(text, local_dict=local, transformations=transformations)


def _snap(expression: Any) -> Any:
    """Numbers as exact rationals; those within 1e-4 of a fraction /≤12 become it."""
    import sympy

    expression = expression.evalf()
    replacements = {}
    for number in expression.atoms(sympy.Float):
        value = float(number)
        fraction = Fraction(value).limit_denominator(12)
        if value == 0 or abs(float(fraction) - value) <= _SNAP * abs(value):
            replacements[number] = sympy.Rational(fraction.numerator, fraction.denominator)
        else:
            replacements[number] = sympy.Rational(value)
    return expression.xreplace(replacements)


def _is_constant(expression: Any, inputs: set[Any]) -> bool:
    return not (expression.free_symbols & inputs)


def _proportional(numerator: Any, denominator: Any) -> bool:
    """p = k·q for a constant k, every coefficient to 1e-3 of itself (both polynomials)."""
    import sympy

    try:
        (p, q), _ = sympy.parallel_poly_from_expr(
            [sympy.expand(numerator), sympy.expand(denominator)]
        )
    except (sympy.PolynomialError, sympy.GeneratorsNeeded):
        return False
    monomials = set(p.as_dict()) | set(q.as_dict())
    a = [complex(p.as_dict().get(m, 0)) for m in monomials]
    b = [complex(q.as_dict().get(m, 0)) for m in monomials]
    if not all(map(_finite, a + b)) or not any(b):
        return False
    j = max(range(len(b)), key=lambda i: abs(b[i]))
    k = a[j] / b[j]
    return all(
        abs(x - k * y) <= _AGREE * max(abs(x), abs(k * y)) for x, y in zip(a, b, strict=True)
    )


def _finite(value: complex) -> bool:
    return abs(value) < float("inf") and value == value


def equivalent(model: Any, truth: Any, inputs: Sequence[Any], seconds: int = 20) -> bool | None:
    """Whether ``model`` is ``truth`` up to an additive or a multiplicative constant.

    ``None`` when sympy could not decide within ``seconds`` (counted as not recovered).
    """
    import sympy

    symbols = set(inputs)
    combine: tuple[Callable[[Any, Any], Any], ...] = (lambda m, t: m - t, lambda m, t: m / t)
    try:
        with _deadline(seconds):
            m, t = _snap(model), _snap(truth)
            if not (m.free_symbols & symbols):
                return bool(not (t.free_symbols & symbols))
            for join in combine:
                joined = join(m, t)
                if _is_constant(sympy.simplify(joined), symbols):
                    return True
                numerator, denominator = sympy.fraction(sympy.cancel(sympy.together(joined)))
                if _proportional(numerator, denominator):
                    return True
            return False
    except _Timeout:
        return None
    except (TypeError, ValueError, ZeroDivisionError, AttributeError, RecursionError):
        return False
