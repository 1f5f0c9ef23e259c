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


# Four doublets: H1† H2 H3† H4 has two invariants, (H1†H2)(H3†H4) and (H1†H4)(H3†H2).  A term
# on the conjugate fields plus its h.c. is the same pair of operators as the engine's term
# plus its h.c.: [(H2†H1)(H4†H3)]† = (H1†H2)(H3†H4), one coupling however it is written.
FOUR = "".join(f"scalar H{k} (1, 2, 1/2)\n" for k in range(1, 5))
A = "L = - a (H1^dagger H2)(H3^dagger H4) + h.c.\n"
A_CONJUGATE = "  - b (H2^dagger H1)(H4^dagger H3) + h.c.\n"
A_CONJUGATE_INDICES = "  - b H2^dagger_i H1^i H4^dagger_j H3^j + h.c.\n"
C_CONJUGATE = "  - c (H4^dagger H1)(H2^dagger H3) + h.c.\n"  # the other invariant, conjugated


def test_a_coupling_written_again_on_the_conjugate_fields_is_a_duplicate() -> None:
    assert codes(FOUR + A + A_CONJUGATE) == [(6, "duplicate-term")]
    assert codes(FOUR + A + A_CONJUGATE_INDICES) == [(6, "duplicate-term")]


def test_the_other_invariant_on_the_conjugate_fields_is_a_new_coupling() -> None:
    assert codes(FOUR + A + C_CONJUGATE) == []
    # and the conjugated form alone, written twice, is one coupling written twice
    first = A_CONJUGATE.replace("  - b", "L = - b")
    assert codes(FOUR + first + A_CONJUGATE_INDICES) == [(6, "duplicate-term")]
