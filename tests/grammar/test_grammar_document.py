"""Whole documents: statements, continuation lines, error recovery, Lagrangian spans."""

import pytest

from lagrangian.grammar import parse_document, print_term, strip_spans
from lagrangian.grammar.ast import Document

SEESAW = """\
# Type-II seesaw, one generation
gauge SU3 x SU2 x U1
scalar  H     (1, 2, 1/2)
scalar  Delta (1, 3, 1)
fermion L     (1, 2, -1/2) left   # Weyl fermion
scalar  S     (1, 1, 0) real

L = (D_mu H)^dagger (D^mu H) - m2 H^dagger H - lambda (H^dagger H)^2
  + i L^dagger sigmabar^mu D_mu L

  # comments and blank lines inside a Lagrangian are fine
  + mu (H^T eps Delta^dagger H) + h.c.
  + y_Delta L L Delta
  + h.c.
    - 1/4 G_{mu nu} G^{mu nu}
L += lam3 (H^dagger H) S^2
fit A0 { data = "a0.csv"; target = A0; inputs = pT, y }
"""


def _errors(doc: Document) -> list[tuple[int, int, str]]:
    return [(d.span.start.line + 1, d.span.start.character + 1, d.message) for d in doc.errors]


def _texts(doc: Document) -> list[str]:
    return [print_term(t) for t in doc.terms]


def test_the_type_ii_seesaw_document() -> None:
    doc = parse_document(SEESAW)
    assert doc.errors == []
    assert doc.syntax == "lag"
    assert [f.name for f in doc.fields] == ["H", "Delta", "L", "S"]
    # An h.c. at the end of a line covers every term since the previous h.c.
    assert _texts(doc) == [
        "(D_mu H)^dagger (D^mu H) + h.c.",
        "- m2 H^dagger H + h.c.",
        "- lambda (H^dagger H)^2 + h.c.",
        "i L^dagger sigmabar^mu D_mu L + h.c.",
        "mu (H^T eps Delta^dagger H) + h.c.",
        "y_Delta L L Delta + h.c.",
        "- 1/4 G_{mu nu} G^{mu nu}",
        "lam3 (H^dagger H) S^2",
    ]
    assert [f.name for f in doc.fits] == ["A0"]
    first, second = doc.lagrangian_spans
    assert (first.start.line, first.start.character) == (7, 0)
    assert (first.end.line, first.end.character) == (14, 29)
    assert SEESAW[second.start.offset : second.end.offset] == "L += lam3 (H^dagger H) S^2"


def test_term_spans_point_at_the_source() -> None:
    doc = parse_document(SEESAW)
    yukawa = doc.terms[5]
    assert SEESAW[yukawa.span.start.offset : yukawa.span.end.offset] == "+ y_Delta L L Delta"
    assert yukawa.hc_span is not None and yukawa.hc_span.start.line == 13


def test_a_broken_term_in_the_middle_keeps_the_others() -> None:
    text = (
        "scalar H (1, 2, 1/2)\n"
        "L = m2 H^dagger H\n"
        "  - lambda (H^dagger H))^2 + h.c.\n"
        "  + kappa H^dagger H S\n"
    )
    doc = parse_document(text)
    assert _errors(doc) == [(3, 24, "unexpected ')'; expected the end of the statement")]
    assert _texts(doc) == ["m2 H^dagger H", "kappa H^dagger H S"]
    assert [f.name for f in doc.fields] == ["H"]


def test_several_broken_terms_each_get_one_diagnostic() -> None:
    doc = parse_document("L = a + (b c + d + e^^ f + g^{h + i H^dagger^dagger + j")
    assert [(c, m) for _, c, m in _errors(doc)] == [
        (13, "unexpected end of the statement; expected ')'"),
        (21, "empty superscript; expected a name, a number, 'dagger', '*' or 'T'"),
        (29, "missing '}' to close this superscript"),
        (46, "a symbol is conjugated twice"),
    ]
    assert _texts(doc) == ["a", "d", "j"]


def test_an_unclosed_parenthesis_does_not_swallow_the_following_terms() -> None:
    doc = parse_document("L = lambda (H^dagger H\n  - m2 H^dagger H\n  + y L L H + h.c.")
    assert len(doc.errors) == 1 and doc.errors[0].span.start.line == 0
    assert _texts(doc) == ["- m2 H^dagger H + h.c.", "y L L H + h.c."]


def test_hc_after_a_broken_term_is_dropped_quietly() -> None:
    doc = parse_document("L = a + b) + h.c. + c + h.c.")
    assert len(doc.errors) == 1
    assert _texts(doc) == ["a", "c + h.c."]


def test_hc_mistakes() -> None:
    doc = parse_document("L = a + h.c. + h.c.\n  - h.c.\nL = + h.c.")
    assert [m for _, _, m in _errors(doc)] == [
        "'h.c.' is added twice to the same term",
        "'h.c.' is added with '+', not '-'",
        "'h.c.' needs a term before it",
    ]
    assert _texts(doc) == ["a + h.c."]


def test_empty_lagrangian() -> None:
    doc = parse_document("L =\n")
    assert [m for _, _, m in _errors(doc)] == [
        "unexpected end of the statement; expected '+', '-', 'i', a factor or a number"
    ]
    assert len(doc.lagrangian_spans) == 1


def test_statements_start_at_column_zero_or_with_a_keyword() -> None:
    text = (
        "L = a\n"
        "b c\n"  # column 0: not a continuation
        "  scalar H (1, 2, 1/2)\n"  # an indented declaration still starts a statement
        "  + d\n"  # continues the declaration, which then fails
        "L_Yuk = y L H e\n"
        "L_{kin} += k\n"
    )
    doc = parse_document(text)
    assert _errors(doc) == [
        (2, 1, "expected a statement ('gauge', 'scalar', 'fermion', 'fit' or 'L = ...'); "
               "found 'b'; continuation lines of a Lagrangian are indented or start with + or -"),
        (4, 3, "unexpected '+'; expected 'dirac', 'left', 'real', 'right' or the end of the "
               "statement"),
    ]  # fmt: skip
    assert _texts(doc) == ["a", "y L H e", "k"]
    assert len(doc.lagrangian_spans) == 3


def test_continuation_without_sign_joins_the_term() -> None:
    doc = parse_document("L = lambda\n    (H^dagger H)^2\n-m2 H^dagger H")
    assert doc.errors == []
    assert _texts(doc) == ["lambda (H^dagger H)^2", "- m2 H^dagger H"]


def test_unknown_first_line_and_stray_indented_line() -> None:
    doc = parse_document("  + a\nfoo = 3\n")
    assert [(line, m.split(";")[0]) for line, _, m in _errors(doc)] == [
        (1, "expected a statement ('gauge', 'scalar', 'fermion', 'fit' or 'L = ...')"),
        (2, "expected a statement ('gauge', 'scalar', 'fermion', 'fit' or 'L = ...')"),
    ]


def test_utf16_columns_in_diagnostics_and_spans() -> None:
    text = "# 😀 emoji\nL = a 😀 b + c\nscalar H (1, 2, 1/2) # é😀\n"
    doc = parse_document(text)
    (error,) = doc.errors
    assert (error.span.start.line, error.span.start.character) == (1, 6)
    assert error.span.start.offset == text.index("😀", 5)
    term_c = doc.terms[0]
    assert term_c.span.start.character == 11  # the emoji before it counts two units
    assert [f.name for f in doc.fields] == ["H"]


def test_crlf_documents() -> None:
    doc = parse_document("scalar H (1, 2, 1/2)\r\nL = a\r\n  + b\r\n")
    assert doc.errors == []
    assert _texts(doc) == ["a", "b"]
    assert doc.terms[1].span.start.line == 2


def test_tabs_and_form_feeds() -> None:
    doc = parse_document("L =\ta\n\t+ b")
    assert doc.errors == [] and _texts(doc) == ["a", "b"]


@pytest.mark.slow
def test_five_thousand_terms_and_a_very_long_line_parse() -> None:
    terms = "\n  + ".join(f"c{k} H^dagger_i H^i (S^2)" for k in range(5000))
    doc = parse_document("L = " + terms)
    assert doc.errors == [] and len(doc.terms) == 5000
    doc = parse_document("L = " + "H " * 20000 + "+ " + "+ ) " * 2000)
    assert len(doc.terms) == 1 and len(doc.terms[0].factors) == 20000
    assert len(doc.errors) == 2001


def test_parsing_is_repeatable() -> None:
    assert strip_spans(parse_document(SEESAW)) == strip_spans(parse_document(SEESAW))


def test_benchmark_documents_are_what_they_claim() -> None:
    from lagrangian.grammar.bench import lag_document, tex_document
    from lagrangian.grammar.tex import parse_tex

    clean = parse_document(lag_document(20))
    assert clean.errors == [] and len(clean.terms) == 20
    broken = parse_document(lag_document(20, broken_every=10))
    assert len(broken.errors) == 2 and len(broken.terms) == 18
    tex = parse_tex(tex_document(20))
    assert tex.errors == [] and len(tex.terms) == 20 and len(tex.fields) == 3
