"""Programs read as a sum of terms, or as a sum over a common denominator, and simplified."""

from __future__ import annotations

import ast

from lagrangian.llmsr.expressions import numerator_terms, over, simplifications


def _expression(text: str) -> ast.expr:
    return ast.parse(text, mode="eval").body


def test_a_sum_over_one_plus_something_reads_as_numerator_terms_and_denominator() -> None:
    expression = _expression(
        "(params[0] * np.tanh(y) + params[1] * x ** 2) / (1 + params[2] * x ** 2)"
    )
    terms, denominator = numerator_terms(expression)
    assert [ast.unparse(t) for t in terms] == ["params[0] * np.tanh(y)", "params[1] * x ** 2"]
    assert denominator is not None and ast.unparse(denominator) == "1 + params[2] * x ** 2"
    assert ast.dump(over(terms, denominator)) == ast.dump(expression)


def test_other_quotients_and_plain_sums_have_no_common_denominator() -> None:
    for text in ("params[0] * x / (2 + x)", "params[0] / x", "params[0] * x + params[1]"):
        terms, denominator = numerator_terms(_expression(text))
        assert denominator is None
        assert ast.unparse(over(terms, None)) == ast.unparse(_expression(text))


def test_a_sum_over_a_denominator_may_lose_the_denominator_or_one_numerator_term() -> None:
    """The search's pruning must be able to undo a common denominator that did nothing (b ≈ 0)
    and drop a numerator term with a vanishing coefficient."""
    expression = _expression(
        "(params[0] * a + params[1] * b + params[2] * c) / (1 + params[3] * x ** 2)"
    )
    variants = {ast.unparse(v) for v in simplifications(expression)}
    assert "params[0] * a + params[1] * b + params[2] * c" in variants
    assert "(params[0] * a + params[1] * c) / (1 + params[2] * x ** 2)" in variants
    assert "(params[0] * b + params[1] * c) / (1 + params[2] * x ** 2)" in variants


def test_a_fitted_exponent_is_tried_at_the_simple_fraction_next_to_it() -> None:
    """Noise moves an exponent off the integer or half-integer of the law (x**1.00018)."""
    expression = _expression(
        "params[0] * x ** params[1] * y ** params[2] + params[3] * z ** params[4]"
    )
    values = [2.5, 1.00018, 0.49991, 1.0, 2.7]
    variants = [ast.unparse(v) for v in simplifications(expression, values=values)]
    assert set(variants[:2]) == {
        "params[0] * x ** 1 * y ** params[1] + params[2] * z ** params[3]",
        "params[0] * x ** params[1] * y ** (1 / 2) + params[2] * z ** params[3]",
    }
    assert not any("z ** (" in v or "z ** 3" in v for v in variants)  # 2.7 is 0.05 from 11/4
    plain = [ast.unparse(v) for v in simplifications(expression)]
    assert not any("x ** 1 " in v for v in plain)  # no values, no snapping


def test_the_smallest_fitted_constants_are_tried_at_zero_first() -> None:
    """An exp(2.7e-15·c) factor is dead weight that saves two nodes only when removed."""
    terms = " + ".join(f"params[{k}] * x{k}" for k in range(9))
    expression = _expression(f"{terms} + params[9] * (c ** 2 - 1) * np.exp(params[10] * c)")
    values = [0.5] * 9 + [0.55, 2.7e-15]
    variants = [ast.unparse(v) for v in simplifications(expression, values=values)]
    assert any("np.exp(0 * c)" in v for v in variants[:3])
    plain = [ast.unparse(v) for v in simplifications(expression)]
    assert not any("np.exp(0 * c)" in v for v in plain)  # without the values: beyond the limit
