"""The entry points: documents, declaration lists and single terms.

``parse_document`` and ``parse_declarations`` never raise on bad input: every syntax error
becomes a ``Diagnostic`` in ``Document.errors`` and the rest of the text still parses.
``parse_term`` is for callers holding one term (the model's output, a test, a code action)
and raises ``ParseError`` instead.
"""

from __future__ import annotations

from lagrangian.grammar.ast import Document, Term
from lagrangian.grammar.errors import SyntaxProblem
from lagrangian.grammar.hygiene import clean
from lagrangian.grammar.parsers import Syntax, lagrangian_head
from lagrangian.grammar.piecewise import PieceCache
from lagrangian.grammar.scanner import Chunk, split_statements
from lagrangian.grammar.statements import DocumentBuilder
from lagrangian.grammar.sums import assemble_terms
from lagrangian.grammar.tex import parse_latex_text


def parse_document(text: str, syntax: Syntax = "lag", pieces: PieceCache | None = None) -> Document:
    """A whole document in either syntax; syntax errors end up in ``Document.errors``.

    For ``"latex"`` the text is a ``.tex`` file (see ``parse_tex``) or, when it has no math
    environment at all, bare math such as ``\\mathcal{L} = ...``.  With ``pieces`` the
    terms of a Lagrangian parsed before (in an earlier version of the text) are reused from
    that cache: the result is the same, only faster (``grammar.piecewise``).
    """
    text = clean(text)
    if syntax == "latex":
        return parse_latex_text(text, pieces)
    builder = DocumentBuilder(text, "lag", pieces)
    previous: Chunk | None = None
    for chunk in split_statements(text, lagrangian_head("lag")):
        builder.add_statement(chunk, previous)
        previous = chunk
    return builder.finish()


def parse_declarations(text: str) -> Document:
    """Declarations separated by ``;`` or line breaks, as given to ``--fields``."""
    builder = DocumentBuilder(clean(text), "lag")
    builder.add_declarations(0, len(text))
    return builder.finish()


def parse_term(text: str, syntax: Syntax = "lag") -> Term:
    """One term, optionally signed and followed by ``+ h.c.``; raises ``ParseError``."""
    builder = DocumentBuilder(text, syntax)
    try:
        items, _ = builder.parse(0, len(text), "single_term", syntax)
        terms, problems = assemble_terms(items)
        if problems:
            raise problems[0]
    except SyntaxProblem as problem:
        raise problem.parse_error(builder.lines) from None
    return terms[0]
