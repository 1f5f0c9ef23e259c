"""Printers: exact text and LaTeX forms, and print-then-parse round trips (hypothesis)."""

from fractions import Fraction

import pytest
from grammar_strategies import documents, terms
from hypothesis import given, settings

from lagrangian.grammar import (
    parse_declarations,
    parse_document,
    parse_term,
    parse_tex,
    print_declaration,
    print_document,
    print_factor,
    print_term,
    strip_spans,
)
from lagrangian.grammar.ast import Derivative, Epsilon, Group, Index, Number, Symbol, Term
from lagrangian.grammar.printer import Style

EXAMPLES = [
    ("(D_mu H)^dagger (D^mu H)", r"(D_{\mu} H)^{\dagger} (D^{\mu} H)"),
    ("i L^dagger sigmabar^mu D_mu L", r"i L^{\dagger} \bar{\sigma}^{\mu} D_{\mu} L"),
    ("- lambda (H^dagger H)^2", r"- \lambda (H^{\dagger} H)^{2}"),
    ("mu (H^T eps Delta^dagger H) + h.c.",
     r"\mu (H^{T} \epsilon \Delta^{\dagger} H) + \mathrm{h.c.}"),
    ("y_Delta L L Delta + h.c.", r"y_{\Delta} L L \Delta + \mathrm{h.c.}"),
    ("- 1/4 G_{mu nu} G^{mu nu}", r"- \frac{1}{4} G_{\mu\nu} G^{\mu\nu}"),
    ("lam4 (H1^dagger H2) (H2^dagger H1)", r"lam4 (H1^{\dagger} H2) (H2^{\dagger} H1)"),
    ("c eps_{ij} H^i H^j", r"c \epsilon_{ij} H^{i} H^{j}"),
    ("k H^dagger_i H^i", r"k H^{\dagger}_{i} H^{i}"),
    ("y eps_{abc} u^a d^b d^c + S^3", None),
    ("1/2 partial_mu S partial^mu S", r"\frac{1}{2} \partial_{\mu} S \partial^{\mu} S"),
    ("lambda_345 m_12^2 H^dagger_1 H_2", r"\lambda_{345} m_{12}^{2} H^{\dagger}_{1} H_{2}"),
    ("X^a_i^b", r"X^{a}_{i}{}^{b}"),
    ("H^dagger^2 (D_mu H)^dagger^3", r"{H^{\dagger}}^{2} {(D_{\mu} H)^{\dagger}}^{3}"),
    ("W^a_{mu nu} W^{a mu nu}", r"W^{a}_{\mu\nu} W^{a\mu\nu}"),
    ("x_{m u} x_{a mu} x^{P Q}", r"x_{m u} x_{a\mu} x^{P Q}"),
    ("2 i D S", r"2 i D S"),
    ("Q'^a Q'_i lambda'^2", r"{Q'}^{a} Q'_{i} {\lambda'}^{2}"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "latex"), EXAMPLES)
def test_printed_forms(text: str, latex: str | None) -> None:
    if latex is None:
        with pytest.raises(Exception, match="unexpected"):
            parse_term(text)
        return
    tree = parse_term(text)
    assert print_term(tree) == text
    assert print_term(tree, "latex") == latex
    assert strip_spans(parse_term(latex, "latex")) == strip_spans(tree)


def test_negative_numbers_fold_into_the_sign() -> None:
    tree = Term(1, (Symbol("x"),), (Number(Fraction(-1, 4)), Number(Fraction(2))))
    assert print_term(tree) == "- 1/4 2 x"
    assert print_term(tree, "latex") == r"- \frac{1}{4} 2 x"


def test_factor_printing() -> None:
    assert print_factor(Epsilon((Index("a", True), Index("b", True)))) == "eps^{ab}"
    assert print_factor(Derivative(False, None, Group((Symbol("S"),), power=2))) == "partial (S)^2"
    assert print_factor(Symbol("lambda'"), "latex") == r"\lambda'"
    assert print_factor(Symbol("omicron"), "latex") == "omicron"


@pytest.mark.parametrize(
    ("factor", "message"),
    [
        (Symbol("eps"), "symbol name 'eps' is a keyword"),
        (Symbol("H-1"), "symbol name 'H-1' is not a name"),
        (Symbol("x", indices=(Index("ab", False),)), "would read as one index per letter"),
        (Symbol("x", indices=(Index("2", True),)), "upper index '2' would read as a power"),
        (Symbol("x", indices=(Index("T", True),)), "would read as a transpose or conjugate"),
        (Symbol("x", indices=(Index("a b", True),)), "is neither a name nor a number"),
        (Group(()), "a parenthesised group needs at least one factor"),
        (Derivative(True, None, Epsilon()), "a derivative acts on a symbol, a group"),
    ],
)
def test_unprintable_trees_raise(factor: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        print_factor(factor)  # type: ignore[arg-type]


def test_a_term_needs_a_factor() -> None:
    with pytest.raises(ValueError, match="at least one factor"):
        print_term(Term(1, ()))


def test_declarations() -> None:
    doc = parse_declarations(
        "gauge SU3[G] x SU2 x U(1); fermion u (-3, 1, -2/3) right; scalar S (8, 1, 0) real; "
        "scalar T ([1,1], 3bar, 15')"
    )
    gauge, (u, s, t) = doc.gauge, doc.fields
    assert print_declaration(gauge) == "gauge SU3[G] x SU2 x U(1)"
    assert print_declaration(u) == "fermion u (-3, 1, -2/3) right"
    assert print_declaration(s) == "scalar S (8, 1, 0) real"
    assert print_declaration(gauge, "latex") == (
        r"\mathrm{SU}(3) \times \mathrm{SU}(2) \times \mathrm{U}(1)"
    )
    assert print_declaration(u, "latex") == (
        r"\text{fermion } u \sim (\overline{\mathbf{3}}, \mathbf{1}, -\tfrac{2}{3}),\ \text{right}"
    )
    assert print_declaration(t, "latex") == (
        r"\text{scalar } T \sim ([1,1], \overline{\mathbf{3}}, \mathbf{15'})"
    )


SM = """\
gauge SU3 x SU2 x U1
scalar H (1, 2, 1/2)
fermion Q (3, 2, 1/6) left
L = y u Q H + h.c.
  + (D_mu H)^dagger (D^mu H)
  - m2 H^dagger H
  - lambda (H^dagger H)^2
  + i Q^dagger sigmabar^mu D_mu Q
fit A0 { data = "a0.csv"; target = A0; inputs = pT, y; note = "x; \\"y\\"" }
"""


def test_document_round_trip_in_text() -> None:
    doc = parse_document(SM)
    assert doc.errors == []
    assert print_document(doc) == SM


def test_document_round_trip_in_latex() -> None:
    doc = parse_document(SM)
    latex = print_document(doc, "latex")
    assert latex.startswith("% lagrangian: gauge SU3 x SU2 x U1\n% lagrangian: scalar H")
    assert "\\begin{equation}\n\\mathcal{L} = y u Q H + \\mathrm{h.c.}" in latex
    back = parse_tex(latex)
    assert back.errors == []
    for field in ("gauge", "fields", "terms", "fits"):
        assert strip_spans(getattr(back, field)) == strip_spans(getattr(doc, field))


@pytest.mark.parametrize("style", ["text", "latex"])
@settings(max_examples=200, deadline=None)
@given(tree=terms)
def test_print_then_parse_gives_the_same_term(style: Style, tree: Term) -> None:
    printed = print_term(tree, style)
    syntax = "lag" if style == "text" else "latex"
    assert strip_spans(parse_term(printed, syntax)) == tree, printed


@settings(max_examples=60, deadline=None)
@given(doc=documents())
def test_print_then_parse_gives_the_same_document(doc: object) -> None:
    for style, parse in (("text", parse_document), ("latex", parse_tex)):
        printed = print_document(doc, style)  # type: ignore[arg-type]
        back = parse(printed)
        assert back.errors == [], printed
        for field in ("gauge", "fields", "terms"):
            assert strip_spans(getattr(back, field)) == getattr(doc, field), printed
