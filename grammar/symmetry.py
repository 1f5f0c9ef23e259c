"""``symmetry`` and ``coupling`` statements and the ``xN`` flavour suffix of declarations.

All are read by hand rather than by the Lark grammar: a symmetry statement is a flat list
(``symmetry Z2: eta -, N -``) whose only structure is commas, a coupling statement is three
words (``coupling f antisymmetric``), and the flavour count is one trailing word of a
declaration.  Keeping them out of the LALR grammar leaves the grammar of
fields and terms untouched; every problem is still a ``SyntaxProblem`` at exact offsets.
"""

from __future__ import annotations

import re
from fractions import Fraction
from itertools import pairwise

from lagrangian.grammar.ast import CouplingDecl, SymmetryCharge, SymmetryDecl
from lagrangian.grammar.errors import SyntaxProblem
from lagrangian.grammar.positions import LineIndex

MAX_FLAVOURS = 1000
"""More generations than any model has; keeps a typo from building huge coupling tensors."""

_FLAVOURS = re.compile(r"(?<=[\s)])[x×][ \t]*(\d+)(?=[ \t]*(?:#[^\n]*)?\s*\Z)")
_HEAD = re.compile(
    r"symmetry[ \t]+(?:(?P<z>Z[ \t]*_?\{?[ \t]*(?P<order>\d+)\}?)"
    r"|(?P<u>U[ \t]*\(?[ \t]*1[ \t]*\)?)(?:[ \t]*\[[ \t]*(?P<label>[A-Za-z][A-Za-z0-9]*'*)"
    r"[ \t]*\])?)[ \t]*:"
)
_ENTRY = re.compile(
    r"\s*(?P<field>[A-Za-z][A-Za-z0-9]*'*)\s+(?P<charge>[+-]|[+-]?\s*\d+(?:\s*/\s*\d+)?)\s*\Z"
)


def flavour_suffix(text: str, start: int, end: int) -> tuple[int, int]:
    """Where a trailing ``x3`` begins (or ``end``) and the number of flavours (default 1).

    Raises ``SyntaxProblem`` for ``x0`` or a count above ``MAX_FLAVOURS``.
    """
    match = _FLAVOURS.search(text, start, end)
    if match is None or "#" in text[start : match.start()]:
        return end, 1
    count = int(match.group(1))
    if not 1 <= count <= MAX_FLAVOURS:
        raise SyntaxProblem(
            f"a field has 1 to {MAX_FLAVOURS} flavours, not {count}", match.start(), match.end()
        )
    return match.start(), count


def parse_symmetry(text: str, start: int, end: int, lines: LineIndex) -> SymmetryDecl:
    """``symmetry Z2: eta -, N -`` at ``text[start:end]``; raises ``SyntaxProblem``."""
    body_end = _code_end(text, start, end)
    head = _HEAD.match(text, start, body_end)
    if head is None:
        raise SyntaxProblem(
            "expected 'symmetry Z2: FIELD CHARGE, ...' or 'symmetry U1[NAME]: FIELD CHARGE, ...'",
            start,
            body_end,
        )
    if head.group("z"):
        order: int | None = int(head.group("order"))
        name = f"Z{order}"
        if order < 2:
            raise SyntaxProblem(f"Z{order} is trivial; use Z2 or larger", start, head.end())
    else:
        order = None
        name = "U1" + (f"[{head.group('label')}]" if head.group("label") else "")
    charges = [_entry(text, s, e, order, lines) for s, e in _pieces(text, head.end(), body_end)]
    if not charges:
        raise SyntaxProblem(f"symmetry {name} lists no charged fields", start, body_end)
    return SymmetryDecl(name, order, tuple(charges), lines.span(start, body_end))


def _code_end(text: str, start: int, end: int) -> int:
    """``end`` without a trailing ``#`` comment and blanks."""
    hash_at = text.find("#", start, end)
    stop = end if hash_at < 0 else hash_at
    while stop > start and text[stop - 1].isspace():
        stop -= 1
    return stop


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Comma-separated entries, blanks trimmed; an empty text gives no entries."""
    if not text[start:end].strip():
        return []
    out, piece = [], start
    for pos in range(start, end + 1):
        if pos == end or text[pos] == ",":
            s, e = piece, pos
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            out.append((s, e))
            piece = pos + 1
    return out


def _entry(text: str, start: int, end: int, order: int | None, lines: LineIndex) -> SymmetryCharge:
    match = _ENTRY.match(text, start, end)
    if match is None:
        found = text[start:end] or "nothing"
        raise SyntaxProblem(
            f"expected a field and its charge, such as 'eta -' or 'L 1/3'; found '{found}'",
            start,
            max(end, start + 1),
        )
    written = re.sub(r"\s+", "", match.group("charge"))
    if written in "+-":
        if order != 2:
            raise SyntaxProblem(
                "'+' and '-' are Z2 parities; give an integer charge", match.start("charge"), end
            )
        charge = Fraction(1 if written == "-" else 0)
    else:
        charge = Fraction(written)
        if order is not None:
            if charge.denominator != 1:
                raise SyntaxProblem(
                    f"Z{order} charges are integers mod {order}", match.start("charge"), end
                )
            charge %= order
    return SymmetryCharge(match.group("field"), charge, lines.span(start, end))


_COUPLING = re.compile(
    r"coupling[ \t]+(?P<name>[A-Za-z][A-Za-z0-9]*'*)[ \t]+"
    r"(?P<shape>symmetric|antisymmetric|\[[ \t]*\d+(?:[ \t]*,[ \t]*\d+)*[ \t]*\])[ \t]*\Z"
)


def parse_coupling(text: str, start: int, end: int, lines: LineIndex) -> CouplingDecl:
    """``coupling f antisymmetric`` / ``symmetric`` / ``[2,1]``; raises ``SyntaxProblem``."""
    stop = _code_end(text, start, end)
    match = _COUPLING.match(text[:stop], start)
    if match is None:
        raise SyntaxProblem(
            "expected 'coupling NAME symmetric', 'coupling NAME antisymmetric' or "
            "'coupling NAME [2,1]'",
            start,
            stop,
        )
    written = match.group("shape")
    if written.startswith("["):
        rows = [int(x) for x in re.findall(r"\d+", written)]
        if any(a < b for a, b in pairwise(rows)) or 0 in rows:
            raise SyntaxProblem(
                f"{written} is not a Young diagram: rows must be positive and not increase",
                match.start("shape"),
                match.end("shape"),
            )
        written = "[" + ",".join(map(str, rows)) + "]"
    return CouplingDecl(match.group("name"), written, lines.span(start, stop))
