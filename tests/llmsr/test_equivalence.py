"""Symbolic recovery up to constants, on cases worked out by hand."""

from __future__ import annotations

import pytest

from lagrangian.llmsr.equivalence import equivalent, parse

M_Z2 = "91.1876**2"


def _same(model: str, truth: str, names: list[str]) -> bool | None:
    found, law = parse(model, names, names), parse(truth, names, names)
    inputs = [s for s in found.free_symbols | law.free_symbols if s.name in names]
    return equivalent(found, law, inputs)


@pytest.mark.parametrize(
    ("model", "truth", "names"),
    [
        # 91.1876² = 8315.178: a fitted 8315.18 is the same law, in either way of writing it
        ("1/(1 + 8315.18/pT**2)", f"pT**2/({M_Z2} + pT**2)", ["pT"]),
        ("0.000120262*pT**2/(1 + 0.000120262*pT**2)", f"pT**2/({M_Z2} + pT**2)", ["pT"]),
        # 1/(4π) = 0.0795775: a constant factor is free
        (
            "0.0795775*q1*q2/(epsilon*r**2)",
            "q1*q2/(4*pi*epsilon*r**2)",
            ["q1", "q2", "epsilon", "r"],
        ),
        # exponents within 1e-4 of a simple fraction are that fraction
        ("0.398942*exp(-0.50000001*theta**2)", "exp(-theta**2/2)/sqrt(2*pi)", ["theta"]),
        ("3*gamma**0.5000001*pr**0.5/rho**0.4999999", "sqrt(gamma*pr/rho)", ["gamma", "pr", "rho"]),
        ("5 + 0.3*x", "1 + 0.3*x", ["x"]),  # an additive constant is free
        ("1 + n*alpha/(1 - 0.333333*n*alpha)", "1 + n*alpha/(1 - n*alpha/3)", ["n", "alpha"]),
    ],
)
def test_the_same_law_up_to_constants(model: str, truth: str, names: list[str]) -> None:
    assert _same(model, truth, names) is True


@pytest.mark.parametrize(
    ("model", "truth", "names"),
    [
        # 1/0.0001 = 10000, not 8315: an inner constant off by 20 % is another law
        ("pT**2/(1 + 0.0001*pT**2)", f"pT**2/({M_Z2} + pT**2)", ["pT"]),
        ("1 + 0.3*x + 0.02*x**2", "1 + 0.3*x", ["x"]),
        ("0.12*tanh(1.3*abs_y)/(1 + pT**2)", "0.12*tanh(abs_y)/(1 + pT**2)", ["pT", "abs_y"]),
        ("2*x", "x**2", ["x"]),
    ],
)
def test_a_different_law_is_not_recovered(model: str, truth: str, names: list[str]) -> None:
    assert _same(model, truth, names) is False
