"""Triplets and adjoints read as matrices, checked against matrix identities.

For traceless 2x2 matrices (an SU(2) triplet Delta = sigma^a Delta^a / sqrt 2) Cayley-
Hamilton gives A^2 = Tr(A^2)/2 * 1, so Tr(Delta^dagger Delta^dagger Delta Delta) =
Tr(Delta^dagger Delta^dagger) Tr(Delta Delta) / 2: the same invariant, while Tr[(Delta^dagger
Delta)^2] and [Tr(Delta^dagger Delta)]^2 are the two independent quartics of the type-II
seesaw (Arhrib et al., arXiv:1105.1925).  In minimal SU(5) a real adjoint has two quartics,
(Tr Sigma^2)^2 and Tr Sigma^4, and H^dagger Sigma^2 H differs from H^dagger H Tr Sigma^2.
"""

from __future__ import annotations

import numpy as np

from lagrangian.grammar import parse_tex
from lagrangian.physics.checks import analyze

TYPE_II = "scalar H (1,2,1/2); scalar Delta (1,3,1)"
SU5 = "gauge SU(5); scalar H (5); scalar Sigma (24) real"


def coefficients(fields: str, term: str) -> np.ndarray:
    text = (
        f"% lagrangian: {fields}\n\\begin{{equation}}\nV = \\lambda\\, {term}\n\\end{{equation}}\n"
    )
    analysis = analyze(parse_tex(text))
    assert analysis.diagnostics == [], [d.message for d in analysis.diagnostics]
    (info,) = analysis.terms
    assert info.multiplicity == 2 and info.coefficients is not None
    return info.coefficients


def parallel(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.isclose(abs(a @ b), np.linalg.norm(a) * np.linalg.norm(b)))


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
