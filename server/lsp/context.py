"""What the cursor is in the middle of: a term, a declaration, a new statement, or nothing.

Completion needs this while the text is half-typed and does not parse, so it is read from
the text itself with the grammar's own statement and term cutters (``grammar.scanner``),
which is exactly how the parser will later cut the same text.  For ``.tex`` files only two
places count: the math after ``\\mathcal{L} =`` and ``% lagrangian:`` directive lines.

Every context carries one replacement range on the cursor's line, shared by all items
(CodeMirror's LSP client applies the first item's range to all of them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from lagrangian.grammar import math_regions
from lagrangian.grammar.parsers import lagrangian_head
from lagrangian.grammar.scanner import split_statements, split_top_level
from lagrangian.server.lsp.documents import Snapshot

ContextKind = Literal[
    "none",
    "statement",  # the first word of a new statement: scalar, fermion, gauge, ...
    "term_start",  # an empty term: right after `=`, `+` or `-`
    "term_between",  # after a complete factor and a blank: a new term or another factor
    "term_factor",  # typing a factor inside a term
    "script",  # right after `^`
    "field_name",  # the name in `scalar NAME`
    "representation",  # inside the quantum-number tuple
    "flags",  # after the tuple: left / right / real
    "gauge_factor",  # in `gauge SU3 x ...`
]

_WORD = {
    "lag": re.compile(r"[A-Za-z][A-Za-z0-9]*'*$|$"),
    "latex": re.compile(r"\\?[A-Za-z][A-Za-z0-9]*'*$|\\$|$"),
}
_DIRECTIVE = re.compile(r"^[ \t]*%+[ \t]*lagrangian[ \t]*:", re.M)
_COMMENT = {"lag": re.compile(r"#"), "latex": re.compile(r"(?<!\\)%")}


@dataclass(frozen=True)
class Context:
    """Where completion happens: the kind, and the range ``[start, offset)`` to replace.

    ``kept`` is the text of the range before the word being typed (a sign and blanks
    that a plain item keeps, and a whole-term item may replace); ``sign`` the sign of the
    term being started, if any; ``factor`` the tuple position of a representation;
    ``keyword`` the declaration's first word; ``after_lagrangian`` whether a new statement
    would follow a Lagrangian (a line starting with a sign would continue it).
    """

    kind: ContextKind
    start: int
    offset: int
    word: str = ""
    kept: str = ""
    sign: str | None = None
    factor: int = 0
    keyword: str = ""
    in_directive: bool = False
    after_lagrangian: bool = False


def find_context(snapshot: Snapshot, offset: int) -> Context:
    text = snapshot.text
    offset = max(0, min(offset, len(text)))
    line_start = snapshot.lines.line_start(snapshot.position(offset).line)
    before = text[line_start:offset]
    syntax = snapshot.syntax
    if _COMMENT[syntax].search(before) and not _DIRECTIVE.match(before):
        return Context("none", offset, offset)
    word = _WORD[syntax].search(before).group()  # type: ignore[union-attr]
    if syntax == "latex":
        return _latex_context(snapshot, offset, line_start, word)
    head = lagrangian_head("lag")
    chunk = None
    for candidate in split_statements(text, head):
        if candidate.start <= offset:
            chunk = candidate
    after_lagrangian = chunk is not None and chunk.kind == "lagrangian"
    own_line = before.strip() == word
    if own_line and not before[:1].isspace():
        start = offset - len(word)
        return Context("statement", start, offset, word, after_lagrangian=after_lagrangian)
    if chunk is None or (offset > chunk.end and not (own_line and after_lagrangian)):
        return Context("none", offset, offset)
    if chunk.kind == "lagrangian":
        match = head.match(text, chunk.start)
        body = match.end() if match else chunk.start
        if offset < body:
            return Context("none", offset, offset)
        return _term_context(snapshot, body, offset, line_start, word)
    if chunk.kind in ("field", "gauge"):
        return _declaration_context(text[chunk.start : offset], offset, word, False)
    return Context("none", offset, offset)


def _term_context(
    snapshot: Snapshot, body: int, offset: int, line_start: int, word: str
) -> Context:
    text, syntax = snapshot.text, snapshot.syntax
    word_start = offset - len(word)
    pieces = split_top_level(text, body, word_start, syntax, "+-", keep=True)
    piece_start = pieces[-1][0] if pieces else body
    piece = text[piece_start:word_start]
    sign = piece[:1] if piece[:1] in ("+", "-") else None
    if piece.strip() in ("", "+", "-"):
        start = piece_start if sign and piece_start >= line_start else word_start
        return Context("term_start", start, offset, word, text[start:word_start], sign)
    if piece.endswith("^"):
        return Context("script", word_start, offset, word)
    if not word and (piece[-1:].isspace() or word_start == line_start):
        return Context("term_between", offset, offset)
    return Context("term_factor", word_start, offset, word)


def _declaration_context(segment: str, offset: int, word: str, in_directive: bool) -> Context:
    """Inside ``scalar NAME (reps) flags`` or ``gauge A x B``; ``segment`` ends at the cursor."""
    start = offset - len(word)
    stripped = segment.lstrip()
    first = re.match(r"[A-Za-z]*", stripped).group()  # type: ignore[union-attr]
    if stripped == word:
        return Context("statement", start, offset, word, in_directive=in_directive)
    rest = stripped[len(first) :]
    if first == "gauge":
        return Context(
            "gauge_factor", start, offset, word, keyword=first, in_directive=in_directive
        )
    if first not in ("scalar", "fermion"):
        return Context("none", offset, offset)
    if "(" not in rest:
        return Context("field_name", start, offset, word, keyword=first, in_directive=in_directive)
    inside = rest[rest.index("(") + 1 :]
    if ")" in inside:
        return Context("flags", start, offset, word, keyword=first, in_directive=in_directive)
    typed = re.search(r"[^,\s]*$", inside).group()  # type: ignore[union-attr]
    return Context(
        "representation",
        offset - len(typed),
        offset,
        typed,
        factor=inside.count(","),
        keyword=first,
        in_directive=in_directive,
    )


def _latex_context(snapshot: Snapshot, offset: int, line_start: int, word: str) -> Context:
    text = snapshot.text
    line_end = snapshot.lines.line_end(snapshot.position(offset).line)
    directive = _DIRECTIVE.match(text, line_start, line_end)
    if directive:
        body_start = directive.end()
        if offset < body_start:
            return Context("none", offset, offset)
        segment = text[body_start:offset].rpartition(";")[2]
        return _declaration_context(segment, offset, word, True)
    head = lagrangian_head("latex")
    for start, end in math_regions(text):
        if start <= offset <= end:
            heads = [m for m in head.finditer(text, start, offset)]
            if heads:
                return _term_context(snapshot, heads[-1].end(), offset, line_start, word)
    return Context("none", offset, offset)
