"""The diagnostic codes: one list in the code, the table in docs/diagnostics.md, and every
code the server matches on (quick fixes, tags) taken from that list.

Clients and our own quick fixes match diagnostics by code, so a code misspelt where it is
made or where it is matched would silently lose a fix or a tag.  ``ast.Diagnostic`` refuses
codes outside ``CODES``; this test holds the docs and the matching sites to the same list.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from lagrangian.grammar.ast import CODES, Diagnostic, Position, Span

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "diagnostics.md"


def test_the_docs_table_lists_exactly_the_codes() -> None:
    rows = re.findall(r"^\| `([a-z-]+)` \|", DOCS.read_text(encoding="utf-8"), re.M)
    assert len(rows) == len(set(rows)), "a code documented twice"
    assert set(rows) == CODES


def _matched_codes(path: Path) -> set[str]:
    """String constants compared with a ``code`` (``code == "x"``, ``d.code in (...)``) or
    passed as ``code=`` in ``path``."""
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_is_code(side) for side in sides):
                for side in sides:
                    found |= _strings(side)
        elif isinstance(node, ast.keyword) and node.arg == "code":
            found |= _strings(node.value)
    return found


def _is_code(node: ast.expr) -> bool:
    name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", None)
    return name == "code"


def _strings(node: ast.expr) -> set[str]:
    return {
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def test_every_code_the_server_matches_on_is_a_code() -> None:
    from lagrangian.server.lsp.diagnostics import _UNNECESSARY

    matched = set(_UNNECESSARY)
    for path in sorted((ROOT / "server").rglob("*.py")):
        matched |= _matched_codes(path)
    assert "missing-hc" in matched and "limit" in matched  # the scan sees the matching sites
    assert matched - CODES == set()


def test_a_misspelt_code_fails_where_it_is_made() -> None:
    here = Span(Position(0, 0, 0), Position(0, 0, 0))
    Diagnostic(here, "hint", "missing-hc", "fine")
    with pytest.raises(
        ValueError, match=re.escape("'missing-h.c.' is not one of the stable codes")
    ):
        Diagnostic(here, "hint", "missing-h.c.", "a typo")  # type: ignore[arg-type]
