"""Contractions papers choose without writing indices: brackets and matrices.

Brackets: the R_2 leptoquark portal (Dorsner et al., arXiv:1603.04993) writes the two invariants of
H^dagger H R_2^dagger R_2 as (H^dagger H)(R_2^dagger R_2) and (H^dagger R_2)(R_2^dagger H):
in the second each bracket contracts SU(2) (H^dagger_i R^{a i}) and carries colour, which
only R_2 and R_2^dagger can close, across the brackets.  Written out:
H^dagger_i R^{a i} R^dagger_{a j} H^j, a different invariant from H^dagger_i H^i
R^dagger_{a j} R^{a j}.

Matrices: for traceless 2x2 matrices (an SU(2) triplet Delta = sigma^a Delta^a / sqrt 2) Cayley-
Hamilton gives A^2 = Tr(A^2)/2 * 1, so Tr(Delta^dagger Delta^dagger Delta Delta) =
Tr(Delta^dagger Delta^dagger) Tr(Delta Delta) / 2: the same invariant, while Tr[(Delta^dagger
Delta)^2] and [Tr(Delta^dagger Delta)]^2 are the two independent quartics of the type-II
seesaw (Arhrib et al., arXiv:1105.1925).  In minimal SU(5) a real adjoint has two quartics,
(Tr Sigma^2)^2 and Tr Sigma^4, and H^dagger Sigma^2 H differs from H^dagger H Tr Sigma^2.
"""

from __future__ import annotations

import numpy as np

from lagrangian.grammar import parse_document, parse_tex
from lagrangian.physics.checks import analyze

R2 = "scalar H (1,2,1/2)\nscalar R (3,2,7/6)\n"
TYPE_II = "scalar H (1,2,1/2); scalar Delta (1,3,1)"
SU5 = "gauge SU(5); scalar H (5); scalar Sigma (24) real"


def coefficients(fields: str, term: str) -> np.ndarray:
    """The engine-basis coefficients of ``term``, written in a .lag document (fields on
    lines) or in LaTeX (fields separated by ``;``)."""
    if "\n" in fields:
        document = parse_document(fields + f"L = - l {term}\n")
    else:
        body = f"\\begin{{equation}}\nV = \\lambda\\, {term}\n\\end{{equation}}\n"
        document = parse_tex(f"% lagrangian: {fields}\n" + body)
    analysis = analyze(document)
    assert analysis.diagnostics == [], [d.message for d in analysis.diagnostics]
    (info,) = analysis.terms
    assert info.multiplicity == 2 and info.coefficients is not None
    return info.coefficients


def parallel(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.isclose(abs(a @ b), np.linalg.norm(a) * np.linalg.norm(b)))


def test_colour_closes_across_su2_singlet_brackets() -> None:
    crossed = coefficients(R2, "(H^dagger R)(R^dagger H)")
    explicit = coefficients(R2, "H^dagger_i R^{a i} R^dagger_{a j} H^j")
    portal = coefficients(R2, "(H^dagger H)(R^dagger R)")
    assert parallel(crossed, explicit)
    assert not parallel(crossed, portal)
    assert parallel(portal, coefficients(R2, "H^dagger_i H^i R^dagger_{a j} R^{a j}"))


def test_the_two_readings_are_the_two_quartics() -> None:
    analysis = analyze(
        parse_document(R2 + "L = - l1 (H^dagger H)(R^dagger R) - l2 (H^dagger R)(R^dagger H)\n")
    )
    assert analysis.diagnostics == []  # not a duplicate: two independent invariants


def test_a_bracket_that_closes_nothing_is_still_an_error() -> None:
    # (H^dagger X) with a singlet X is charged under SU(2) only and closes nothing there
    text = R2 + "scalar X (1,1,1)\nL = - l (H^dagger X)(X^dagger H)\n"
    codes = [d.code for d in analyze(parse_document(text)).diagnostics]
    assert codes == ["gauge-noninvariant", "gauge-noninvariant"]


def test_cayley_hamilton_for_triplets() -> None:
    chain = coefficients(TYPE_II, r"{\rm Tr}(\Delta^\dagger\Delta^\dagger\Delta\Delta)")
    squares = coefficients(
        TYPE_II, r"{\rm Tr}(\Delta^\dagger\Delta^\dagger)\,{\rm Tr}(\Delta\Delta)"
    )
    assert parallel(chain, squares)
    lambda2 = coefficients(TYPE_II, r"\left[{\rm Tr}(\Delta^\dagger\Delta)\right]^2")
    lambda3 = coefficients(TYPE_II, r"{\rm Tr}\left[(\Delta^\dagger\Delta)^2\right]")
    assert not parallel(lambda2, lambda3)
    assert not parallel(chain, lambda2) and not parallel(chain, lambda3)


def test_doublet_triplet_chains() -> None:
    lambda1 = coefficients(TYPE_II, r"(H^\dagger H)\,{\rm Tr}(\Delta^\dagger\Delta)")
    lambda4 = coefficients(TYPE_II, r"H^\dagger\Delta\Delta^\dagger H")
    other = coefficients(TYPE_II, r"H^\dagger\Delta^\dagger\Delta H")
    # {A, B} = Tr(AB) 1 for traceless 2x2 matrices: the other order is lambda1 - lambda4
    assert not parallel(lambda1, lambda4)
    assert not parallel(other, lambda1) and not parallel(other, lambda4)
    # the chain is the contraction written out: H^dagger_i Delta^{ik} Delta^dagger_{kj} H^j
    explicit = coefficients(TYPE_II, r"H^\dagger_i \Delta^{ik} \Delta^\dagger_{kj} H^j")
    assert parallel(lambda4, explicit)


def test_su5_adjoint_quartics() -> None:
    trace4 = coefficients(SU5, r"{\rm Tr}\,\Sigma^4")
    squared = coefficients(SU5, r"\left({\rm Tr}\,\Sigma^2\right)^2")
    assert not parallel(trace4, squared)
    portal = coefficients(SU5, r"H^\dagger H\, {\rm Tr}\,\Sigma^2")
    chain = coefficients(SU5, r"H^\dagger \Sigma^2 H")
    assert not parallel(portal, chain)
    assert parallel(chain, coefficients(SU5, r"H^\dagger_i \Sigma^i_j \Sigma^j_k H^k"))
