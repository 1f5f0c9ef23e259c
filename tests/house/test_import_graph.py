"""No import circles inside a folder (DESIGN.md), lazy imports inside functions included.

A lazy import only hides a circle from start-up; the modules still depend on each other
both ways.  ``llmsr/backends.py`` and its three backends did, through ``BackendStats``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("grammar", "physics", "model", "training", "llmsr")


def graph(folder: str) -> dict[str, set[str]]:
    """Module -> modules of the same folder it imports (anywhere in its body)."""
    modules = {p.stem for p in (ROOT / folder).glob("*.py")}
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for module in modules:
        tree = ast.parse((ROOT / folder / f"{module}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                if node.level == 1:
                    names = [node.module] if node.module else [a.name for a in node.names]
                elif node.module and node.module.startswith(f"lagrangian.{folder}"):
                    rest = node.module.removeprefix(f"lagrangian.{folder}").lstrip(".")
                    names = [rest] if rest else [a.name for a in node.names]
                else:
                    continue
                edges[module].update(n.split(".")[0] for n in names if n.split(".")[0] in modules)
    for module in edges:
        edges[module].discard(module)
        edges[module].discard("__init__")
    return edges


def cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


@pytest.mark.parametrize("folder", FOLDERS)
def test_no_import_circle(folder: str) -> None:
    assert cycle(graph(folder)) is None, " -> ".join(cycle(graph(folder)) or [])
