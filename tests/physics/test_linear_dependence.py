"""A term that earlier terms already span adds no coupling: ``linearly-dependent``.

In the 2HDM the monomial H1† H1 H2† H2 has two invariants, λ3 (H1†H1)(H2†H2) and
λ4 (H1†H2)(H2†H1).  The epsilon contraction (H1^T ε H2)† (H1^T ε H2) equals
(H1†H1)(H2†H2) − (H1†H2)(H2†H1) (the SU(2) identity ε^{ij} ε_{kl} = δ^i_k δ^j_l − δ^i_l δ^j_k),
so after λ3 and λ4 it is a combination of the two, and after λ3 alone it is new.
"""

from __future__ import annotations

from lagrangian.grammar import parse_document
from lagrangian.physics.checks import analyze

HEAD = "scalar H1 (1, 2, 1/2)\nscalar H2 (1, 2, 1/2)\n"
LAMBDA_3 = "L = - lambda_3 (H1^dagger H1)(H2^dagger H2)\n"
LAMBDA_4 = "  - lambda_4 (H1^dagger H2)(H2^dagger H1)\n"
EPSILON = "  - c eps^{ij} H1^dagger_i H2^dagger_j eps_{kl} H1^k H2^l\n"


def codes(text: str) -> list[tuple[int, str]]:
    return [(d.span.start.line + 1, d.code) for d in analyze(parse_document(text)).diagnostics]


def test_the_epsilon_form_after_lambda_3_and_lambda_4_is_dependent() -> None:
    assert codes(HEAD + LAMBDA_3 + LAMBDA_4 + EPSILON) == [(5, "linearly-dependent")]


def test_the_epsilon_form_after_lambda_3_alone_is_a_new_coupling() -> None:
    assert codes(HEAD + LAMBDA_3 + EPSILON) == []


def test_an_exact_repeat_stays_a_duplicate() -> None:
    assert codes(HEAD + LAMBDA_3 + LAMBDA_4 + LAMBDA_4) == [(5, "duplicate-term")]
