"""LaTeX as papers print it: heads, layout, coefficients, brackets, the h.c. rule, the
four-component forms, input hygiene and the not-checked notes of .tex files."""

from fractions import Fraction

import pytest

from lagrangian.grammar import parse_declarations, parse_document, parse_term, parse_tex
from lagrangian.grammar.ast import Derivative, Epsilon, Group, Sigma, Symbol, Term

DECL = "% lagrangian: scalar H (1,2,1/2)\n"


def _terms(math: str) -> list[Term]:
    doc = parse_tex(DECL + f"\\begin{{equation}}\n{math}\n\\end{{equation}}\n")
    assert [d for d in doc.errors if d.severity == "error"] == [], doc.errors
    return doc.terms


@pytest.mark.parametrize(
    ("head", "sign"),
    [
        (r"\mathcal{L} =", 1),
        (r"\mathcal{L} \supset", 1),
        (r"\mathcal{L}_{\rm Y} \ni", 1),
        (r"{\cal L} \equiv", 1),
        (r"\mathscr{L} :=", 1),
        (r"\mathcal{L}' =", 1),
        (r"\mathcal{L}^{\rm eff}\;=\;", 1),
        (r"\mathcal{L}\,=", 1),
        (r"\mathcal{L} ~=", 1),
        (r"\delta\mathcal{L} =", 1),
        (r"L_{\rm int} =", 1),
        (r"V &=&", -1),
        (r"V(H) =", -1),
        (r"V_{\rm soft} =", -1),
        (r"-\mathcal{L}_Y =", -1),
        (r"\mathcal{L} \supset{}&", 1),
    ],
)
def test_heads_papers_use(head: str, sign: int) -> None:
    (term,) = _terms(f"{head} \\lambda H^\\dagger H")
    assert term.sign == sign  # a potential is L = -V


def test_layout_is_ignored() -> None:
    math = (
        "\\mathcal{L} &= m^2 H^\\dagger H \\nonumber \\\\\n"
        "  &\\quad - \\lambda\\, (H^\\dagger H)^2 \\notag \\label{eq:v} ,\n"
    )
    assert len(_terms(math)) == 2


@pytest.mark.parametrize(
    ("math", "value"),
    [
        (r"\frac{\lambda_1}{2} H", "1/2"),
        (r"\frac12 \lambda H", "1/2"),
        (r"\tfrac{1}{4} \lambda H", "1/4"),
        (r"\dfrac{\lambda}{4!} H", "1/24"),
        (r"\frac{1}{\sqrt{2}} y H", "1"),
        (r"\frac{\lambda}{2\cdot 3} H", "1/6"),
    ],
)
def test_coefficients(math: str, value: str) -> None:
    (term,) = _terms(r"\mathcal{L} = " + math)
    product = 1
    for number in term.numbers:
        product *= number.value
    assert str(product) == value
    assert any(isinstance(f, Symbol) and f.name == "H" for f in term.factors)


def test_a_bracketed_sum_times_factors_multiplies_out() -> None:
    """The 2HDM form: [l6 (P1+P1) + l7 (P2+P2)](P1+P2) + h.c. is two terms, both under h.c."""
    math = (
        r"V = \left[\lambda_6 (\Phi_1^\dagger\Phi_1) + \lambda_7 (\Phi_2^\dagger\Phi_2)\right]"
        r"(\Phi_1^\dagger\Phi_2) + {\rm h.c.}"
    )
    terms = _terms(math)
    assert [t.factors[0].name for t in terms] == ["lambda", "lambda"]
    assert all(t.hc and t.sign == -1 and len(t.factors) == 3 for t in terms)


def test_h_c_inside_a_bracket_covers_that_bracket() -> None:
    terms = _terms(
        r"V = m^2 H^\dagger H - \left[ m_{12}^2 \Phi_1^\dagger \Phi_2 + {\rm h.c.} \right]"
    )
    assert [t.hc for t in terms] == [False, True]
    assert terms[1].sign == 1  # - [ ... ] under V = ...


def test_h_c_at_a_line_end_covers_every_term_since_the_previous_one() -> None:
    math = (
        "\\mathcal{L} = - y_u Q u H \\\\\n"
        "  - y_d Q d H^\\dagger + \\text{h.c.} \\\\\n"
        "  - m^2 H^\\dagger H - y_e L e H^\\dagger + h.c. + \\lambda S\n"
    )
    # the mid-line mark covers the terms of its own line since the previous h.c.
    assert [t.hc for t in _terms(math)] == [True, True, True, True, False]


def test_c_c_and_spelling_variants() -> None:
    for mark in [r"\text{c.c.}", r"{\rm H.c.}", r"\mathrm{h.c.}", "h.c.", r"\text{H.c.}"]:
        (term,) = _terms(rf"\mathcal{{L}} = \mu S^3 + {mark}")
        assert term.hc


def test_modulus_trace_sum_and_dots() -> None:
    doc = parse_tex(
        DECL + "$$ V = m^2 |H|^2 + \\lambda |H|^4 + \\sum_i \\kappa_i {\\rm Tr}(H^\\dagger H)"
        " + \\dots $$"
    )
    two, four, trace = doc.terms
    pair = two.factors[-1]
    assert isinstance(pair, Group)
    assert [(f.name, f.conjugate) for f in pair.factors] == [("H", True), ("H", False)]
    assert isinstance(four.factors[-1], Group) and four.factors[-1].power == 2
    assert isinstance(trace.factors[-1], Group)
    assert [(d.code, d.severity) for d in doc.errors] == [("not-checked", "information")]


@pytest.mark.parametrize(
    ("latex", "name", "conjugate"),
    [
        (r"\bar\psi", "psi", True),
        (r"\bar{\psi}", "psi", True),
        (r"\overline{\psi}", "psi", True),
        (r"\overline{\psi_L}", "psi", True),
        (r"\overline{Q}_L", "Q", True),
        (r"\tilde H", "H", True),
        (r"\tilde{H}", "H", True),
        (r"\psi^c", "psi", True),
        (r"\overline{\psi^c}", "psi", False),
        (r"\overline{(N_R)^c}", "N", False),
        (r"h^-", "h", True),
        (r"k^{++}", "k", False),
    ],
)
def test_four_component_conjugations(latex: str, name: str, conjugate: bool) -> None:
    (factor,) = parse_term(latex, "latex").factors
    assert isinstance(factor, Symbol)
    assert (factor.name, factor.conjugate) == (name, conjugate)


def test_dirac_matrices_projectors_and_slashes() -> None:
    term = parse_term(r"\bar\psi\, i\gamma^\mu P_R D_\mu \psi", "latex")
    assert term.imaginary
    _, gamma, derivative = term.factors
    assert isinstance(gamma, Sigma) and gamma.indices[0].name == "mu"
    assert isinstance(derivative, Derivative)
    assert derivative.operand == Symbol("psi", chirality="right", span=derivative.operand.span)
    for slash in [r"\slashed{D}", r"\not{D}", r"\not\!\!D", r"\slashed{\partial}"]:
        _, sigma, derivative = parse_term(rf"\bar\psi {slash} \psi", "latex").factors
        assert isinstance(sigma, Sigma) and isinstance(derivative, Derivative)
    (projected,) = parse_term(r"\frac{1-\gamma_5}{2} N", "latex").factors
    assert projected.chirality == "left"
    eps = parse_term(r"H^T i\sigma_2 \Delta^\dagger H", "latex").factors[1]
    assert isinstance(eps, Epsilon)
    with_c = parse_term(r"L^T C i\tau_2 \Delta L", "latex").factors
    assert [type(f).__name__ for f in with_c] == ["Symbol", "Epsilon", "Symbol", "Symbol"]


def test_a_derivative_acts_past_the_bracket() -> None:
    terms = _terms(r"\mathcal{L} = \bar\psi (i\slashed{\partial} - m)\psi")
    kinetic, mass = terms
    assert isinstance(kinetic.factors[-1], Derivative) and mass.sign == -1


def test_colour_index_c_is_not_a_charge_conjugate() -> None:
    term = parse_term(r"\epsilon_{abc} u^a d^b d^c", "latex")
    assert [f.conjugate for f in term.factors if isinstance(f, Symbol)] == [False] * 3


def test_declarations_as_papers_name_fields() -> None:
    doc = parse_declarations(
        r"gauge SU(3)_c \times SU(2)_L \times U(1)_{B-L}; scalar Phi_1 (1,2,1/2); "
        "scalar H_{u} (1,2,1/2); scalar S' (1,1,0) real; fermion Psi (3,1,2/3) dirac"
    )
    assert doc.errors == []
    assert [f.name for f in doc.fields] == ["Phi_1", "H_u", "S'", "Psi"]
    assert doc.fields[-1].helicity == "dirac"
    assert doc.gauge is not None and doc.gauge.factors[-1].name == "U(1)_{B-L}"


def test_input_hygiene() -> None:
    doc = parse_document("\ufeffscalar H (1,2,1/2)\nL = m2 H^dagger H \u2212 lam (H^dagger H)^2\n")
    assert doc.errors == [] and [t.sign for t in doc.terms] == [1, -1]
    hints = {
        "H\u2020 H": "write ^dagger",
        "H\u00b2": "write ^2",
        "\u03bb H H": "write lambda",
        "\u03a6 H": "write Phi",
        "H\u200b H": "U+200B",
    }
    for body, hint in hints.items():
        (error,) = parse_document(f"scalar H (1,2,1/2)\nL = {body}\n").errors
        assert hint in error.message


def test_display_math_that_is_not_read_gets_one_note() -> None:
    text = (
        "% lagrangian: scalar H (1,2,1/2); scalar Phi_1 (1,2,1/2)\n"
        "\\begin{equation} \\langle H \\rangle = v/\\sqrt2 \\end{equation}\n"
        "\\[ \\Phi_{1} \\to -\\Phi_1 \\]\n"
        "$$ m_\\nu \\simeq m_D^2 / M $$\n"  # no declared field: nothing to say
        "inline $H$ is prose\n"
    )
    notes = parse_tex(text).errors
    assert [(d.code, d.severity, d.span.start.line) for d in notes] == [
        ("not-checked", "information", 1),
        ("not-checked", "information", 2),
    ]
    assert "'H'" in notes[0].message and "'Phi_1'" in notes[1].message


def test_pieces_defined_elsewhere_are_not_terms() -> None:
    doc = parse_tex(
        DECL + "$$ \\mathcal{L}_{\\rm SM} = \\mathcal{L}_{\\rm gauge} + \\mathcal{L}_{\\rm Higgs}"
        " - V(H) + \\lambda H^\\dagger H $$"
    )
    assert doc.errors == [] and len(doc.terms) == 1


@pytest.mark.parametrize("script", [r"^\dagger", r"^{\dagger}", "^*", r"^{\ast}", r"^\star"])
def test_every_spelling_of_the_conjugate(script: str) -> None:
    (term,) = _terms(f"V = m^2 H{script} H")
    assert [(f.name, f.conjugate) for f in term.factors[1:]] == [("H", True), ("H", False)]


def test_a_factor_divided_by_a_number_and_a_bracketed_component() -> None:
    """(D_mu Sigma)^a (D^mu Sigma)^a / 2, the real triplet's kinetic term as papers write
    it, and phi^4/4!: the number is 1/2 and 1/24, the index a is Sigma's."""
    (kinetic,) = _terms(r"\mathcal{L} = (D_\mu \Sigma)^a (D^\mu \Sigma)^a/2")
    assert [n.value for n in kinetic.numbers] == [Fraction(1, 2)]
    first = kinetic.factors[0]
    assert isinstance(first, Derivative) and isinstance(first.operand, Symbol)
    assert [i.name for i in first.operand.indices] == ["a"]
    (quartic,) = _terms(r"V = \lambda \phi^4/4!")
    assert [n.value for n in quartic.numbers] == [Fraction(1, 24)]
