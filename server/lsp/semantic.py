"""Semantic tokens: colour by meaning, which a TextMate grammar cannot know.

Whether ``H`` is a field, ``lambda`` a coupling or ``W`` a field strength depends on the
declarations, so only the server can tell; the editor's syntax colouring then gets
refined where the engine knows better.  Tokens come from the syntax tree (never from
guessing at the text), one per name, each on one line, sorted and without overlap as the
protocol requires.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lsprotocol import types

from lagrangian.grammar import ast

if TYPE_CHECKING:
    from lagrangian.server.lsp.documents import Snapshot

TOKEN_TYPES = ["keyword", "variable", "parameter", "type", "number", "function", "macro"]
TOKEN_MODIFIERS = ["declaration", "readonly"]
LEGEND = types.SemanticTokensLegend(token_types=TOKEN_TYPES, token_modifiers=TOKEN_MODIFIERS)

_TYPE = {name: i for i, name in enumerate(TOKEN_TYPES)}
_DECLARATION, _READONLY = 1, 2
_NAME = re.compile(
    r"\\(?:text|mathrm|textrm|rm|mathit|operatorname)\s*\{[^}]*\}|\\?[A-Za-z][A-Za-z0-9]*'*"
)
_FLAG = re.compile(r"\b(left|right|real)\b")

Token = tuple[int, int, int, int]  # offset, length, type, modifiers


def semantic_tokens(snapshot: Snapshot) -> types.SemanticTokens:
    if not snapshot.active:
        return types.SemanticTokens(data=[])
    collector = _Collector(snapshot)
    collector.declarations()
    collector.terms()
    return types.SemanticTokens(data=collector.encode())


class _Collector:
    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.text = snapshot.text
        self.tokens: list[Token] = []
        self.model = snapshot.analysis.model

    def add(self, offset: int, length: int, kind: str, modifiers: int = 0) -> None:
        if length > 0:
            self.tokens.append((offset, length, _TYPE[kind], modifiers))

    def word(self, span: ast.Span | None, kind: str, modifiers: int = 0) -> None:
        """The name at the start of ``span`` (a LaTeX command or ``\\text{..}`` included)."""
        if span is None:
            return
        match = _NAME.match(self.text, span.start.offset, span.end.offset)
        if match:
            self.add(match.start(), match.end() - match.start(), kind, modifiers)

    def declarations(self) -> None:
        document = self.snapshot.document
        if document.gauge is not None and document.gauge.span is not None:
            self.word(document.gauge.span, "keyword")
            for factor in document.gauge.factors:
                if factor.span is not None:
                    self.add(factor.span.start.offset, len(factor.name), "type")
        for decl in document.fields:
            if decl.span is None:
                continue
            self.word(decl.span, "keyword")
            self.word(decl.name_span, "variable", _DECLARATION)
            for rep in decl.reps:
                if rep.span is not None:
                    kind = "number" if rep.charge is not None else "type"
                    length = rep.span.end.offset - rep.span.start.offset
                    self.add(rep.span.start.offset, length, kind)
            close = self.text.rfind(")", decl.span.start.offset, decl.span.end.offset)
            if close >= 0:
                for flag in _FLAG.finditer(self.text, close, decl.span.end.offset):
                    self.add(flag.start(), flag.end() - flag.start(), "keyword")
        for fit in document.fits:
            self.word(fit.span, "keyword")

    def terms(self) -> None:
        from lagrangian.grammar.parsers import lagrangian_head

        head = lagrangian_head(self.snapshot.syntax)
        for span in self.snapshot.document.lagrangian_spans:
            match = head.match(self.text, span.start.offset)
            if match:
                self.add(match.start(), len(match.group().rstrip("=+&\t ")), "keyword")
        for term in self.snapshot.document.terms:
            for number in term.numbers:
                if number.span is not None:
                    length = number.span.end.offset - number.span.start.offset
                    self.add(number.span.start.offset, length, "number")
            self.factors(term.factors)
            if term.hc_span is not None:
                self.hc(term.hc_span)

    def hc(self, span: ast.Span) -> None:
        start = span.start.offset
        piece = self.text[start : span.end.offset]
        skip = len(piece) - len(piece.lstrip("+ \t"))
        self.add(start + skip, len(piece) - skip, "keyword")

    def factors(self, factors: tuple[ast.Factor, ...]) -> None:
        for factor in factors:
            if isinstance(factor, ast.Symbol):
                self.symbol(factor)
            elif isinstance(factor, (ast.Epsilon, ast.Sigma)):
                self.word(factor.span, "macro")
            elif isinstance(factor, ast.Derivative):
                self.word(factor.span, "function")
                self.factors((factor.operand,))
            elif isinstance(factor, ast.Group):
                self.factors(factor.factors)

    def symbol(self, symbol: ast.Symbol) -> None:
        if self.model.field(symbol.name) is not None:
            self.word(symbol.span, "variable")
        elif symbol.name in self.model.strengths:
            self.word(symbol.span, "variable", _READONLY)
        else:
            self.word(symbol.span, "parameter")

    def encode(self) -> list[int]:
        """Relative line/column encoding (UTF-16), sorted, overlaps and line breaks dropped."""
        data: list[int] = []
        previous_line = previous_start = 0
        last_end = -1
        for offset, length, kind, modifiers in sorted(set(self.tokens)):
            if offset < last_end:
                continue
            start = self.snapshot.position(offset)
            end = self.snapshot.position(offset + length)
            if end.line != start.line:
                continue
            delta_line = start.line - previous_line
            delta_start = start.character - (previous_start if delta_line == 0 else 0)
            data += [delta_line, delta_start, end.character - start.character, kind, modifiers]
            previous_line, previous_start = start.line, start.character
            last_end = offset + length
        return data
