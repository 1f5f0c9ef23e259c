"""Random and near-miss text never makes the parsers raise, and errors stay in bounds."""

from grammar_strategies import near_miss_text
from hypothesis import HealthCheck, given, settings

from lagrangian.grammar import (
    ParseError,
    parse_declarations,
    parse_document,
    parse_term,
    parse_tex,
)
from lagrangian.grammar.ast import Document

_SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_bounds(doc: Document, text: str) -> None:
    for error in doc.errors:
        assert 0 <= error.span.start.offset <= error.span.end.offset <= len(text)
        assert error.severity == "error" and error.code in ("syntax", "bad-representation")
        assert error.message
    for span in doc.lagrangian_spans:
        assert 0 <= span.start.offset <= span.end.offset <= len(text)
    for term in doc.terms:
        assert term.span is not None and term.span.end.offset <= len(text)


@_SETTINGS
@given(text=near_miss_text)
def test_documents_never_raise(text: str) -> None:
    _check_bounds(parse_document(text), text)
    _check_bounds(parse_document(text, "latex"), text)
    _check_bounds(parse_tex(text, sidecar=text), text)
    _check_bounds(parse_declarations(text), text)


@_SETTINGS
@given(text=near_miss_text)
def test_terms_raise_only_parse_errors(text: str) -> None:
    for syntax in ("lag", "latex"):
        try:
            parse_term(text, syntax)  # type: ignore[arg-type]
        except ParseError as error:
            assert error.line >= 1 and error.column >= 1
