"""Cutting text into statements and terms before Lark sees it: the basis of error recovery.

A broken statement must not hide the rest of a document, and a broken term must not hide
the rest of its Lagrangian.  Both cuts can be made without a parser, because statements
start at the beginning of a line with a keyword and terms start at a ``+`` or ``-`` outside
brackets; these scanners only skip comments and strings on the way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

StatementKind = Literal["gauge", "field", "fit", "symmetry", "coupling", "lagrangian", "unknown"]

# Per syntax: what to step over (comments, strings, escapes) and the characters that count.
_CODE = {
    "lag": re.compile(r'"(?:[^"\\\n]|\\.)*"?|#[^\n]*|(?P<char>[-+;\r\n()\[\]{}])'),
    "latex": re.compile(r"%[^\n]*|\\[A-Za-z]+|\\.|(?P<char>[-+;\r\n()\[\]{}])", re.S),
}
_COMMENT = {"lag": re.compile(r"#[^\n]*"), "latex": re.compile(r"(?<!\\)%[^\n]*")}
_OPEN, _CLOSE = "([{", ")]}"

_KEYWORD = re.compile(r"(gauge|scalar|fermion|fit|symmetry|coupling)(?![A-Za-z0-9_'])")
_KINDS: dict[str, StatementKind] = {
    "gauge": "gauge",
    "scalar": "field",
    "fermion": "field",
    "fit": "fit",
    "symmetry": "symmetry",
    "coupling": "coupling",
}
# A line with something besides blanks and a comment (the others belong to no statement),
# its content in group 1; the regex engine steps over the rest of a commented document.
_SIGNIFICANT = re.compile(r"(?:^|(?<=[\r\n]))[ \t\f]*([^ \t\f\r\n#][^\r\n]*)")


@dataclass
class Chunk:
    """One statement: its kind (from its first word) and its offsets in the text."""

    kind: StatementKind
    start: int
    end: int
    braces: int = 0  # open braces of a fit block, which may span lines at column 0


def classify(text: str, pos: int, head: re.Pattern[str]) -> StatementKind | None:
    """The kind of statement starting at ``pos``, if a statement starts there."""
    keyword = _KEYWORD.match(text, pos)
    if keyword:
        return _KINDS[keyword.group(1)]
    return "lagrangian" if head.match(text, pos) else None


def split_statements(text: str, head: re.Pattern[str]) -> list[Chunk]:
    """A ``.lag`` document cut into statements.

    A line whose first word is a statement keyword, or that starts at column 0 with
    anything but ``+``/``-``, begins a statement; other lines (indented, or starting with
    a sign) continue the one before.  Blank and comment-only lines belong to none.  A fit
    block continues until its braces close.
    """
    chunks: list[Chunk] = []
    current: Chunk | None = None
    for match in _SIGNIFICANT.finditer(text):
        start, end = match.span()
        content = match.group(1)
        pos = end - len(content)
        kind = classify(text, pos, head)
        in_block = current is not None and current.kind == "fit" and current.braces > 0
        begins = kind is not None or (pos == start and content[0] not in "+-" and not in_block)
        if begins or current is None:
            current = Chunk(kind or "unknown", pos, end)
            chunks.append(current)
        else:
            current.end = end
        if current.kind == "fit":
            current.braces += sum(
                1 if c == "{" else -1 for _, c in _code(text, pos, end, "lag") if c in "{}"
            )
    return chunks


def _code(text: str, start: int, end: int, syntax: str) -> Iterator[tuple[int, str]]:
    """The significant characters of ``text[start:end]``, outside comments and strings."""
    for match in _CODE[syntax].finditer(text, start, end):
        if match.lastgroup == "char":
            yield match.start(), match.group()


def split_top_level(
    text: str,
    start: int,
    end: int,
    syntax: str,
    separators: str,
    keep: bool,
    flat: bool = False,
) -> list[tuple[int, int]]:
    """``text[start:end]`` cut at ``separators`` outside brackets (anywhere if ``flat``).

    With ``keep`` the separator begins the next piece (a term's sign); otherwise it is
    dropped (``;`` between declarations).  Pieces are trimmed; empty ones are left out.
    """
    cuts: list[tuple[int, int]] = []
    depth, piece = 0, start
    for pos, char in _code(text, start, end, syntax):
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth = max(depth - 1, 0)
        elif char in separators and (depth == 0 or flat):
            if keep:
                if has_code(text, piece, pos, syntax):
                    cuts.append((piece, pos))
                piece = pos
            else:
                cuts.append((piece, pos))
                piece = pos + 1
    cuts.append((piece, end))
    return [trim(text, s, e) for s, e in cuts if has_code(text, s, e, syntax)]


def has_code(text: str, start: int, end: int, syntax: str) -> bool:
    """Whether ``text[start:end]`` holds anything but blanks and comments."""
    return bool(_COMMENT[syntax].sub("", text[start:end]).strip())


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def unbalanced(text: str, start: int, end: int, syntax: str) -> bool:
    """Whether brackets in ``text[start:end]`` fail to close in order."""
    depth = 0
    for _, char in _code(text, start, end, syntax):
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth -= 1
            if depth < 0:
                return True
    return depth != 0
