"""The two Lark parsers (plain text and LaTeX math), built once and shared.

Building an LALR table takes a few hundred milliseconds, too long for a command-line
start, so the compiled table is also kept on disk (Lark's own cache, checked against the
grammar's hash, in the user's cache folder) and each parser is built once per process.
Parsing itself is linear in the length of a statement.
"""

from __future__ import annotations

import os
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any, Literal

import lark
from lark import Lark
from lark.exceptions import UnexpectedInput

from lagrangian.grammar.builder import AstBuilder
from lagrangian.grammar.errors import SyntaxProblem, from_lark
from lagrangian.grammar.positions import LineIndex

Syntax = Literal["lag", "latex"]

_FILES = {"lag": "lag.lark", "latex": "latex.lark"}
_STARTS = {
    "lag": ["gauge_stmt", "field_stmt", "fit_stmt", "lagrangian_stmt", "single_term", "piece"],
    "latex": ["lagrangian_stmt", "single_term", "piece"],
}


@cache
def lark_parser(syntax: Syntax) -> Lark:
    """The LALR parser of one surface syntax; it builds AST nodes as it reduces."""
    source = (Path(__file__).parent / _FILES[syntax]).read_text(encoding="utf-8")
    return Lark(
        source,
        parser="lalr",
        lexer="contextual",
        start=_STARTS[syntax],
        maybe_placeholders=False,
        transformer=_BUILDERS[syntax],
        cache=_cache_file(syntax),
    )


_BUILDERS = {"lag": AstBuilder("lag"), "latex": AstBuilder("latex")}


def parse_with(
    syntax: Syntax, lines: LineIndex, start: int, end: int, rule: str, chunk: str | None = None
) -> tuple[Any, list[SyntaxProblem]]:
    """``lines.text[start:end]`` parsed from ``rule``: the node and non-fatal problems.

    Raises ``SyntaxProblem`` (at absolute offsets) when the text does not parse.  ``chunk``
    stands in for that text (of the same length) when given.
    """
    if syntax not in _FILES:
        raise ValueError(f"syntax must be 'lag' or 'latex', not {syntax!r}")
    parser = lark_parser(syntax)
    chunk = lines.text[start:end] if chunk is None else chunk
    with _BUILDERS[syntax].context(lines, start) as context:
        try:
            node = parser.parse(chunk, start=rule)
        except UnexpectedInput as error:
            raise from_lark(error, chunk, start, parser, syntax == "latex") from None
    return node, context.problems


def _cache_file(syntax: Syntax) -> str | bool:
    """A per-user file for Lark's table cache; Lark rebuilds it when the grammar changes."""
    home = os.path.expanduser("~")
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(home, ".cache")
    if not os.path.isabs(root):
        return False  # no home folder: build the table in memory every time
    folder = Path(root) / "lagrangian"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False  # no writable cache: build the table in memory every time
    version = "{}.{}".format(*sys.version_info[:2])
    return str(folder / f"{syntax}-lark{lark.__version__}-py{version}.cache")


@cache
def lagrangian_head(syntax: Syntax) -> re.Pattern[str]:
    """The pattern of ``L =`` / ``\\mathcal{L} =``, taken from the grammar itself."""
    return re.compile(lark_parser(syntax).get_terminal("LHEAD").pattern.to_regexp())
