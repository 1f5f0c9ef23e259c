"""Imposed Z_N and global U(1) symmetries: declarations, generation and checks."""

from __future__ import annotations

from fractions import Fraction

import pytest
from declared import model_of

from lagrangian.grammar import parse_declarations, parse_document, print_term
from lagrangian.physics.api import engine_terms
from lagrangian.physics.checks import analyze
from lagrangian.physics.fields import Model, build_model

SCOTOGENIC = """
scalar H (1,2,1/2)
scalar eta (1,2,1/2)
fermion L (1,2,-1/2) left
fermion e (1,1,-1) right
fermion N (1,1,0) left
symmetry Z2: eta -, N -
"""


def texts(model: Model, kind: str) -> list[str]:
    return [print_term(t.tree) for t in engine_terms(model) if t.term.kind == kind]


def test_declarations_read_charges():
    document = parse_declarations(
        "scalar X (1,1,0); symmetry Z2: X -; symmetry Z3: X 1, Y 5; symmetry U1[L]: X -1/3"
    )
    assert not document.errors
    z2, z3, u1 = document.symmetries
    assert (z2.name, z2.order, [c.charge for c in z2.charges]) == ("Z2", 2, [1])
    assert (z3.name, z3.order, [c.charge for c in z3.charges]) == ("Z3", 3, [1, 2])
    assert (u1.name, u1.order, [c.charge for c in u1.charges]) == ("U1[L]", None, [Fraction(-1, 3)])


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("symmetry Z2: eta 1/2", 18, "Z2 charges are integers mod 2"),
        ("symmetry Z3: eta -", 18, "'+' and '-' are Z2 parities"),
        ("symmetry Z1: eta 1", 1, "Z1 is trivial"),
        ("symmetry SU2: eta 1", 1, "expected 'symmetry Z2"),
        ("symmetry Z2: eta", 14, "expected a field and its charge"),
        ("symmetry Z2:", 1, "lists no charged fields"),
    ],
)
def test_bad_symmetry_is_one_error_with_its_column(text, column, fragment):
    (error,) = parse_document(text).errors
    assert error.code == "syntax"
    assert fragment in error.message
    assert error.span.start.character + 1 == column


def test_unknown_and_real_fields_in_symmetries():
    document = parse_document("scalar S (1,1,0) real\nsymmetry Z2: S -\nsymmetry Z3: S 1, T 1\n")
    _, problems = build_model(document.gauge, document.fields, document.symmetries)
    assert sorted((p.code, p.span.start.line) for p in problems) == [
        ("bad-representation", 2),
        ("unknown-field", 2),
    ]


def test_scotogenic_z2_gives_the_published_potential():
    """Ma's model: λ1 (H†H)², λ2 (η†η)², λ3 (H†H)(η†η), λ4 (H†η)(η†H), λ5 (H†η)² + h.c.;
    the Z2 forbids H†η, (H†H)(H†η), (η†η)(H†η) and L N H; it keeps L η N and M N N."""
    model = model_of(SCOTOGENIC)
    assert texts(model, "scalar_mass") == ["- m_1^2 H^dagger H", "- m_2^2 eta^dagger eta"]
    assert texts(model, "quartic") == [
        "- lambda_1 (H^dagger H)^2",
        "- lambda_2 (H^dagger eta)^2 + h.c.",
        "- lambda_3 (H^dagger H) (eta^dagger eta)",
        "- lambda_4 (H^dagger eta) (eta^dagger H)",
        "- lambda_5 (eta^dagger eta)^2",
    ]
    assert texts(model, "yukawa") == [
        "- y_1 L e^dagger H^dagger + h.c.",
        "- y_2 L N eta + h.c.",
    ]
    assert texts(model, "fermion_mass") == ["- 1/2 M N N + h.c."]


def test_without_the_symmetry_the_forbidden_terms_appear():
    model = model_of(SCOTOGENIC.replace("symmetry Z2: eta -, N -", ""))
    assert len(texts(model, "quartic")) == 7
    assert len(texts(model, "yukawa")) == 4


def test_z3_and_global_lepton_number():
    model = model_of("scalar X (1,1,0)\nscalar Y (1,1,0)\nsymmetry Z3: X 1, Y 2\n")
    # Charges X 1, X^dagger 2, Y 2, Y^dagger 1: degree 3 needs a sum 0 mod 3, which
    # leaves X^3, Y^3, X^2 Y^dagger and X^dagger Y^2 (each with its conjugate); degree 2
    # leaves X Y and the two masses.
    assert texts(model, "linear") == []
    cubic = sorted(t.split(" ", 2)[2] for t in texts(model, "trilinear"))
    assert cubic == ["X^3 + h.c.", "X^dagger Y^2 + h.c.", "Y^3 + h.c.", "Y^dagger X^2 + h.c."]
    masses = sorted(t.split(" ", 2)[2] for t in texts(model, "scalar_mass"))
    assert masses == ["X Y + h.c.", "X^dagger X", "Y^dagger Y"]
    lepton = model_of(
        "fermion L (1,2,-1/2) left\nfermion N (1,1,0) right\nscalar H (1,2,1/2)\n"
        "symmetry U1[L]: L 1, N 1\n"
    )
    assert texts(lepton, "fermion_mass") == []  # no Majorana mass: it breaks lepton number
    assert len(texts(lepton, "yukawa")) == 1  # the Dirac Yukawa L N^dagger H survives


def test_check_reports_the_symmetry_and_the_charge_sum():
    text = SCOTOGENIC + "L = - y L N H + h.c.\n  - mu H^dagger eta + h.c.\n  - h L eta N + h.c.\n"
    diagnostics = [d for d in analyze(parse_document(text)).diagnostics]
    broken = [(d.span.start.line, d.code, d.message) for d in diagnostics if d.severity == "error"]
    assert broken == [
        (7, "symmetry", "breaks the imposed symmetry: Z2 charge sum is 1 (mod 2), not 0"),
        (8, "symmetry", "breaks the imposed symmetry: Z2 charge sum is 1 (mod 2), not 0"),
    ]


def test_u1_charge_sum_is_exact():
    text = "scalar S (1,1,0)\nsymmetry U1[X]: S 1/3\nL = - t S + h.c.\n"
    (error,) = [d for d in analyze(parse_document(text)).diagnostics if d.code == "symmetry"]
    assert "U1[X] charge sum is 1/3, not 0" in error.message
