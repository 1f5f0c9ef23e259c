"""Programs to simplified sympy expressions and LaTeX, without executing them."""

from __future__ import annotations

import pytest

from lagrangian.llmsr.symbolic import Unsupported, program_to_sympy, to_sympy_result


def test_fitted_constants_are_substituted_rounded_and_factored() -> None:
    source = "def equation(s, c, params):\n    return params[0] / s**2 + params[1] * c**2 / s**2\n"
    result = to_sympy_result(source, ["s", "c"], [1.25e4, 1.2500000001e4])
    assert result["expression"] == "12500.0*(c**2 + 1)/s**2"
    assert result["latex"] == r"\frac{12500.0 \left(c^{2} + 1\right)}{s^{2}}"
    assert result["skeleton"] == "(c**2*p1 + p0)/s**2"


def test_small_integers_and_fractions_are_snapped() -> None:
    source = "def equation(x, params):\n    return params[0] * x + params[1]\n"
    assert to_sympy_result(source, ["x"], [0.49999999, 3.0000001])["expression"] == "x/2 + 3"


def test_assignments_loops_and_where_are_interpreted() -> None:
    source = (
        "def equation(x, params):\n"
        "    a = params[0] * x\n"
        "    s = 0\n"
        "    for i in range(3):\n"
        "        s = s + x ** i\n"
        "    return a + s + np.where(x > 0, x, 0)\n"
    )
    expression, params = program_to_sympy(source, ["x"])
    assert str(expression) == "p0*x + x**2 + x + Piecewise((x, x > 0), (0, True)) + 1"
    assert list(params) == [0]


def test_nonnegative_inputs_lose_absolute_values() -> None:
    source = "def equation(y, params):\n    return np.tanh(np.abs(y))\n"
    assert to_sympy_result(source, ["y"], [], nonnegative=["y"])["expression"] == "tanh(y)"
    assert to_sympy_result(source, ["y"], [])["expression"] == "tanh(Abs(y))"


def test_data_dependent_branches_are_unsupported() -> None:
    source = "def equation(x, params):\n    if x > 0:\n        return x\n    return -x\n"
    with pytest.raises(Unsupported):
        program_to_sympy(source, ["x"])
