"""Offsets into a text turned into ``Position``s (line, UTF-16 column) and back.

The language server speaks UTF-16 code units while Python indexes code points, so a
character outside the Basic Multilingual Plane counts twice on the wire.  A ``LineIndex``
is built once per text: line starts and the offsets of such wide characters are found with
one regular-expression pass each, after which every conversion is a binary search, and
positions already computed are remembered (neighbouring spans share their ends).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from lagrangian.grammar.ast import Position, Span

# Line breaks as LSP counts them.
_EOL = re.compile(r"\r\n|\r|\n")
_WIDE = re.compile("[\U00010000-\U0010ffff]")


class LineIndex:
    """Converts between Python offsets and ``Position``s for one text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts = [0, *(m.end() for m in _EOL.finditer(text))]
        self._wide = [m.start() for m in _WIDE.finditer(text)] if not text.isascii() else []
        self._known: dict[int, Position] = {}

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_start(self, line: int) -> int:
        return self._starts[min(max(line, 0), len(self._starts) - 1)]

    def line_end(self, line: int) -> int:
        """The offset where ``line``'s line break (or the text) begins."""
        line = min(max(line, 0), len(self._starts) - 1)
        if line + 1 < len(self._starts):
            end = self._starts[line + 1] - 1
            if end > 0 and self.text[end - 1 : end + 1] == "\r\n":
                end -= 1
            return end
        return len(self.text)

    def lines_longer_than(self, limit: int) -> list[int]:
        """The lines with more than ``limit`` characters (line breaks left out)."""
        ends = [*self._starts[1:], len(self.text) + 1]
        return [
            line
            for line, (start, end) in enumerate(zip(self._starts, ends))
            if end - start > limit + 1 and self.line_end(line) - start > limit
        ]

    def position(self, offset: int) -> Position:
        known = self._known.get(offset)
        if known is not None:
            return known
        clamped = min(max(offset, 0), len(self.text))
        line = bisect_right(self._starts, clamped) - 1
        start = self._starts[line]
        character = clamped - start
        if self._wide:
            character += bisect_left(self._wide, clamped) - bisect_left(self._wide, start)
        position = self._known[offset] = Position(line, character, clamped)
        return position

    def span(self, start: int, end: int) -> Span:
        return Span(self.position(start), self.position(end))

    def offset(self, line: int, character: int) -> int:
        """The Python offset of a UTF-16 ``(line, character)``, clamped to the line."""
        if line >= len(self._starts):
            return len(self.text)
        start, end = self.line_start(line), self.line_end(line)
        offset, units = start, 0
        for wide in self._wide[bisect_left(self._wide, start) : bisect_left(self._wide, end)]:
            if units + (wide - offset) >= character:
                break
            units += wide - offset + 2
            offset = wide + 1
        return min(offset + max(character - units, 0), end)


def position_at(text: str, offset: int) -> Position:
    """One-off conversion; build a ``LineIndex`` to convert many offsets of one text."""
    return LineIndex(text).position(offset)
