"""Reusing the parse of a Lagrangian's terms across versions of a document.

An editor sends the whole text at every keystroke, but a keystroke changes one term.  A
``L = ...`` statement (or ``\\mathcal{L} = ...``: both grammars are alike in this) is a
list of terms, each beginning at a top-level sign, and the LALR parser reads each term
the same way whether it meets it inside the statement or alone (the tokens of a term
never cross a top-level sign, and after a complete term the parser is in one state
whatever came before).  So a statement whose pieces all parse alone
parses whole into their concatenation, and a piece whose text was parsed before needs no
parser: its nodes are taken from ``PieceCache`` with their spans moved to where the piece
now is.  The same holds for the statement's first syntax error: it lies in the first piece
that fails alone, and parsing from that piece, behind a stand-in for the pieces before
it, finds it exactly where a whole parse would (``statements.DocumentBuilder``).

``moved`` is the span mover; the language server moves its cached term checks with it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from fractions import Fraction
from functools import cache
from typing import Any, Literal, get_args, get_origin, get_type_hints

from lagrangian.grammar.ast import Position, Span
from lagrangian.grammar.errors import SyntaxProblem
from lagrangian.grammar.lru import LruCache
from lagrangian.grammar.positions import LineIndex
from lagrangian.grammar.sums import Item

CACHE_SIZE = 20_000
# Raw offsets into the text that parse nodes keep beside their spans (``h.c.`` marks, dots,
# and LaTeX's misplaced projector or derivative, reported later from its ``start``).
_OFFSET_FIELDS = ("start", "end")


@dataclass(frozen=True)
class Piece:
    """One term's parse (or its failure) as found at ``start``."""

    start: Position
    items: tuple[Item, ...] = ()
    problems: tuple[SyntaxProblem, ...] = ()
    failure: SyntaxProblem | None = None


class PieceCache(LruCache[tuple[str, str], Piece]):
    """A piece's syntax and exact text to its parse (the same text may read differently
    as ``.lag`` and as LaTeX, so one cache serves both)."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        super().__init__(size)


SHARED = PieceCache()


def reuse(piece: Piece, lines: LineIndex, start: int) -> Piece:
    """``piece`` as it reads at ``start`` of ``lines``: shared as is where nothing moved."""
    at = lines.position(start)
    if at == piece.start:
        return piece  # same offset, line and column: every position inside is the same
    delta = start - piece.start.offset
    memo: dict[int, Any] = {}
    return Piece(
        at,
        tuple(moved(item, delta, lines, memo) for item in piece.items),
        tuple(_moved_problem(p, delta) for p in piece.problems),
        None if piece.failure is None else _moved_problem(piece.failure, delta),
    )


def _moved_problem(problem: SyntaxProblem, delta: int) -> SyntaxProblem:
    return SyntaxProblem(problem.message, problem.start + delta, problem.end + delta, problem.note)


def moved(value: Any, delta: int, lines: LineIndex, memo: dict[int, Any] | None = None) -> Any:
    """``value`` with every ``Span`` in it (and the raw ``start``/``end`` offsets some nodes
    keep) moved by ``delta`` characters; values without spans are shared, not copied.  ``memo``
    moves a node shared by several parents once, and keeps it shared."""
    return _move(value, delta, lines, {} if memo is None else memo)


def _move(value: Any, delta: int, lines: LineIndex, memo: dict[int, Any]) -> Any:
    kind = type(value)
    if kind in _ATOMS:
        return value
    key = id(value)
    if key in memo:
        return memo[key]
    if kind is Span:
        result: Any = lines.span(value.start.offset + delta, value.end.offset + delta)
    elif kind is tuple or kind is list:
        items = [_move(v, delta, lines, memo) for v in value]
        if kind is list:
            result = items
        else:
            result = value if all(a is b for a, b in zip(items, value)) else tuple(items)
    elif kind is dict:
        result = {k: _move(v, delta, lines, memo) for k, v in value.items()}
    else:
        names, offsets = _names(kind), _offsets(kind)
        if names is None and not offsets:
            result = value
        else:
            result = _move_node(value, names or (), offsets, delta, lines, memo)
    memo[key] = result
    return result


def _move_node(
    value: Any,
    names: tuple[str, ...],
    offsets: tuple[str, ...],
    delta: int,
    lines: LineIndex,
    memo: dict[int, Any],
) -> Any:
    """A dataclass node with its spans moved: a shallow copy with the changed fields set
    (what ``dataclasses.replace`` does, without running ``__init__`` again)."""
    changes = {}
    for name in names:
        old = getattr(value, name)
        new = _move(old, delta, lines, memo)
        if new is not old:
            changes[name] = new
    for name in offsets:
        changes[name] = getattr(value, name) + delta
    if not changes:
        return value
    copy = object.__new__(type(value))
    copy.__dict__.update(value.__dict__)
    copy.__dict__.update(changes)
    return copy


_ATOMS = frozenset({str, int, float, bool, type(None), Fraction})


@cache
def _offsets(kind: type) -> tuple[str, ...]:
    """The raw offset fields of a dataclass node: ``start`` and ``end`` declared ``int``."""
    if not is_dataclass(kind):
        return ()
    found = fields(kind)
    return tuple(f.name for f in found if f.name in _OFFSET_FIELDS and f.type in (int, "int"))


@cache
def _names(kind: type) -> tuple[str, ...] | None:
    """The fields of a dataclass with a ``__dict__`` that may hold a span (None for
    anything else: kept as is)."""
    if not is_dataclass(kind) or "__slots__" in vars(kind) or _spanless(kind, ()):
        return None
    try:
        hints = get_type_hints(kind)
    except Exception:  # an annotation names a type imported for type checkers only
        hints = {}
    return tuple(
        f.name
        for f in fields(kind)
        if f.init and not (f.name in hints and _spanless(hints[f.name], (kind,)))
    )


def _spanless(kind: Any, seen: tuple[type, ...]) -> bool:
    """Whether a declared type can never hold a ``Span`` (its annotations say so); unknown
    or unresolvable types may hold one."""
    if kind in _ATOMS or kind in seen or kind is Ellipsis:
        return True
    origin = get_origin(kind)
    if origin is Literal:
        return True
    if origin is not None:
        return all(_spanless(arg, seen) for arg in get_args(kind))
    if kind is Span or not (isinstance(kind, type) and is_dataclass(kind)):
        return False
    try:
        hints = get_type_hints(kind)
    except Exception:  # an annotation names a type imported for type checkers only
        return False
    return all(_spanless(hint, (*seen, kind)) for hint in hints.values())
