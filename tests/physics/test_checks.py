"""Term checks on forms physicists write: theta terms and charged parenthesised singlets."""

from __future__ import annotations

import numpy as np

from lagrangian.grammar import parse_document, parse_tex
from lagrangian.physics.checks import analyze

TWO_HIGGS = "scalar H1 (1,2,1/2)\nscalar H2 (1,2,1/2)\nscalar S (1,1,1)\n"


def infos(text: str):
    analysis = analyze(parse_document(text))
    return analysis.terms, analysis.diagnostics


def test_qcd_theta_term_is_a_cp_odd_dimension_four_term():
    terms, diagnostics = infos(
        "scalar H (1,2,1/2)\n"
        "L = - 1/4 G_{mu nu} G^{mu nu} + theta eps^{mu nu rho sigma} G_{mu nu} G_{rho sigma}\n"
        "  + theta_W eps^{mu nu rho sigma} W_{mu nu} W_{rho sigma}\n"
    )
    assert diagnostics == []
    assert [(t.kind, t.dimension) for t in terms] == [
        ("gauge_kinetic", 4),
        ("theta", 4),
        ("theta", 4),
    ]


def test_theta_term_in_latex():
    analysis = analyze(
        parse_tex(
            "% lagrangian: scalar H (1,2,1/2)\n\\begin{equation}\n"
            "\\mathcal{L} = \\theta \\epsilon^{\\mu\\nu\\rho\\sigma} "
            "G_{\\mu\\nu} G_{\\rho\\sigma}\n"
            "\\end{equation}\n"
        )
    )
    assert analysis.diagnostics == []
    assert [t.kind for t in analysis.terms] == ["theta"]


def test_lorentz_epsilon_needs_four_indices():
    _, diagnostics = infos("scalar H (1,2,1/2)\nL = t eps^{mu nu rho} G_{mu nu} G_{rho sigma}\n")
    assert "the Lorentz epsilon takes four indices" in [d.message for d in diagnostics]


def test_charged_parenthesised_singlets_are_lambda3_minus_lambda4():
    """|H1^T eps H2|^2 = (H1^dagger H1)(H2^dagger H2) - (H1^dagger H2)(H2^dagger H1): each
    bracket is an SU(2) singlet of hypercharge +-1, and only the whole term is neutral."""
    terms, diagnostics = infos(
        TWO_HIGGS + "L = - l3 (H1^dagger H1) (H2^dagger H2) - l4 (H1^dagger H2) (H2^dagger H1)\n"
        "  - l (H1^T eps H2)^dagger (H1^T eps H2)\n"
        "  - mu (H1^T eps H2) S^dagger + h.c.\n"
    )
    # written after l3 and l4 it adds no coupling: exactly the dependence found below
    assert [(d.span.start.line, d.code) for d in diagnostics] == [(4, "linearly-dependent")]
    lambda3, lambda4, combined, trilinear = terms
    assert trilinear.kind == "trilinear"
    assert lambda3.monomial == lambda4.monomial == combined.monomial
    basis = np.stack([lambda3.coefficients, lambda4.coefficients], axis=1)
    (a, b), *_ = np.linalg.lstsq(basis, combined.coefficients, rcond=None)
    assert np.allclose(basis @ [a, b], combined.coefficients)
    assert abs(a) > 0.1 and np.isclose(a, -b)


def test_a_parenthesised_doublet_is_still_rejected():
    _, diagnostics = infos(TWO_HIGGS + "L = - l (H1^dagger S) (S^dagger H1)\n")
    assert [d.code for d in diagnostics] == ["gauge-noninvariant", "gauge-noninvariant"]
