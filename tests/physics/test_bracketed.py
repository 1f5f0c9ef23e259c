"""Brackets that close one gauge factor and leave another to the rest of the term.

The R_2 leptoquark portal (Dorsner et al., arXiv:1603.04993) writes the two invariants of
H^dagger H R_2^dagger R_2 as (H^dagger H)(R_2^dagger R_2) and (H^dagger R_2)(R_2^dagger H):
in the second each bracket contracts SU(2) (H^dagger_i R^{a i}) and carries colour, which
only R_2 and R_2^dagger can close, across the brackets.  Written out:
H^dagger_i R^{a i} R^dagger_{a j} H^j, a different invariant from H^dagger_i H^i
R^dagger_{a j} R^{a j}.
"""

from __future__ import annotations

import numpy as np

from lagrangian.grammar import parse_document
from lagrangian.physics.checks import analyze

FIELDS = "scalar H (1,2,1/2)\nscalar R (3,2,7/6)\n"


def coefficients(term: str) -> np.ndarray:
    analysis = analyze(parse_document(FIELDS + f"L = - l {term}\n"))
    assert analysis.diagnostics == [], analysis.diagnostics
    (info,) = analysis.terms
    assert info.multiplicity == 2 and info.coefficients is not None
    return info.coefficients


def parallel(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.isclose(abs(a @ b), np.linalg.norm(a) * np.linalg.norm(b)))


def test_colour_closes_across_su2_singlet_brackets() -> None:
    crossed = coefficients("(H^dagger R)(R^dagger H)")
    explicit = coefficients("H^dagger_i R^{a i} R^dagger_{a j} H^j")
    portal = coefficients("(H^dagger H)(R^dagger R)")
    assert parallel(crossed, explicit)
    assert not parallel(crossed, portal)
    assert parallel(portal, coefficients("H^dagger_i H^i R^dagger_{a j} R^{a j}"))


def test_the_two_readings_are_the_two_quartics() -> None:
    analysis = analyze(
        parse_document(FIELDS + "L = - l1 (H^dagger H)(R^dagger R) - l2 (H^dagger R)(R^dagger H)\n")
    )
    assert analysis.diagnostics == []  # not a duplicate: two independent invariants


def test_a_bracket_that_closes_nothing_is_still_an_error() -> None:
    # (H^dagger X) with a singlet X is charged under SU(2) only and closes nothing there
    text = FIELDS + "scalar X (1,1,1)\nL = - l (H^dagger X)(X^dagger H)\n"
    codes = [d.code for d in analyze(parse_document(text)).diagnostics]
    assert codes == ["gauge-noninvariant", "gauge-noninvariant"]
