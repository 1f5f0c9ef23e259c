"""Parsing a Lagrangian from cached pieces gives exactly the document a whole parse gives."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from edits import TEX_FRAGMENTS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lagrangian.grammar import parse_document, parse_tex
from lagrangian.grammar.parsers import Syntax
from lagrangian.grammar.piecewise import PieceCache
from lagrangian.grammar.statements import DocumentBuilder

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "documents"
DOCUMENTS = [
    (EXAMPLES / name).read_text()
    for name in ("type2_seesaw.lag", "two_higgs_doublets.lag", "errors/zee_babu_h_L_L.lag")
]
# Fragments that make and break terms: signs, brackets, h.c., heads, comments, line breaks.
FRAGMENTS = [
    "\n",
    "\r\n",
    "  ",
    "# note - with + signs\n",
    "- lambda_9 (H^dagger H)^2",
    " + h.c.",
    "+ hc",
    "H^dagger ",
    "(",
    ")",
    "[",
    "+",
    "-",
    "- 1/2",
    "^",
    "_{",
    "i ",
    "\nV = ",
    "\nL = - ",
    "D_mu ",
    "𝜆",
    "scalar S (1, 1, 0) real\n",
]
# LaTeX: papers' documents (four-component notation, \\left( \\right), \\frac,
# h.c. in brackets, heads such as V =, pieces defined elsewhere).
TEX_DOCUMENTS = [(EXAMPLES / "standard_model.tex").read_text()] + [
    (CORPUS / name).read_text()
    for name in ("mssm_higgs.tex", "leptoquark_S1.tex", "left_right.tex", "err_sm_missing_hc.tex")
]


@pytest.mark.parametrize(
    ("syntax", "texts", "fragments"),
    [("lag", DOCUMENTS, FRAGMENTS), ("latex", TEX_DOCUMENTS, TEX_FRAGMENTS)],
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_cached_pieces_parse_like_the_whole_text(
    syntax: Syntax, texts: list[str], fragments: list[str], data: st.DataObject
) -> None:
    text = data.draw(st.sampled_from(texts))
    edit = st.tuples(st.integers(0, 10_000), st.integers(0, 12), st.sampled_from(fragments))
    cache = PieceCache(size=200)
    assert parse_document(text, syntax, cache) == parse_document(text, syntax)
    for at, length, fragment in data.draw(st.lists(edit, min_size=1, max_size=8)):
        start = at % (len(text) + 1)
        text = text[:start] + fragment + text[start + length :]
        assert parse_document(text, syntax, cache) == parse_document(text, syntax)


def test_a_leading_hc_mark_reports_like_the_whole_text() -> None:
    """``L = + h.c. - ...``: a mark with no term before it makes the whole statement fail
    first, and the broken term after it must then read the same from the cache (found by
    the property above: the pieces gave '+' and '-' in the expected tokens, the whole
    statement did not)."""
    text = "scalar H (1,2,1/2)\nL = + h.c. - m H^dagger H, x\n"
    assert parse_document(text, "lag", PieceCache(size=10)) == parse_document(text)


def test_an_edit_reparses_only_the_edited_term() -> None:
    text = DOCUMENTS[0]
    cache = PieceCache()
    parse_document(text, "lag", cache)
    known = len(cache.entries)
    edited = "# a comment above moves every term\n" + text.replace("lambda_3", "lambda_33")
    document = parse_document(edited, "lag", cache)
    assert len(cache.entries) == known + 1  # only `- lambda_33 (...)^2` was parsed
    assert document == parse_document(edited)
    line = next(i for i, t in enumerate(edited.splitlines()) if "lambda_33" in t)
    assert [t.span.start.line for t in document.terms if t.span] == [
        t.span.start.line + 1 for t in parse_document(text).terms if t.span
    ]
    assert any(t.span and t.span.start.line == line for t in document.terms)


def test_the_first_error_deep_in_a_statement_is_the_whole_parse_error() -> None:
    terms = "".join(f"  - c_{k} H^dagger H\n" for k in range(200))
    text = f"scalar H (1, 2, 1/2)\nL = {terms}  - d (H^dagger H\n  - e H^dagger H\n"
    cache = PieceCache()
    parse_document(text, "lag", cache)  # every good piece cached
    cached, whole = parse_document(text, "lag", cache), parse_document(text)
    assert cached.errors == whole.errors
    assert [e.message for e in whole.errors] == ["unexpected end of the statement; expected ')'"]
    assert len(cached.terms) == 200 + 1  # the unclosed group is cut again: `- e ...` survives


def test_an_edit_in_a_tex_lagrangian_reparses_only_the_edited_term() -> None:
    """Counted parses: after one edit the parser reads the edited term and nothing else of
    the Lagrangian (the declarations of the directives are read again; they are short)."""
    text = TEX_DOCUMENTS[0]
    cache = PieceCache()
    parsed: list[tuple[str, str]] = []
    original = DocumentBuilder.parse

    def counting(self, start, end, rule, syntax):  # type: ignore[no-untyped-def]
        if rule in ("piece", "lagrangian_stmt"):
            parsed.append((rule, self.text[start:end].strip()))
        return original(self, start, end, rule, syntax)

    with mock.patch.object(DocumentBuilder, "parse", counting):
        first = parse_tex(text, None, cache)
        # the seven terms of the Lagrangian and its h.c. mark: three marks, one text
        assert len(parsed) == 8 and parsed.count(("piece", "+ \\text{h.c.}")) == 1
        parsed.clear()
        edited = "% a comment above moves every term\n" + text.replace("y_d", "y_{dd}")
        document = parse_tex(edited, None, cache)
    assert parsed == [("piece", "- y_{dd} Q d H^\\dagger")]
    assert document == parse_tex(edited)
    assert len(document.terms) == len(first.terms) == 7
    assert [t.span.start.line for t in document.terms if t.span] == [
        t.span.start.line + 1 for t in first.terms if t.span
    ]
