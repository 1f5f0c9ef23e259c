"""No import circles inside a folder (DESIGN.md), lazy imports inside functions included.

A lazy import only hides a circle from start-up; the modules still depend on each other
both ways.  ``llmsr/backends`` and its three backends once did, through ``BackendStats``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("grammar", "physics", "model", "training", "llmsr", "server")


def _name(path: Path, root: Path) -> str:
    """``paper/brackets.py`` -> ``paper.brackets``; a room's ``__init__.py`` is the room."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _target(name: str, modules: set[str]) -> str | None:
    """The longest module of the folder that ``name`` (dotted, folder-relative) imports."""
    parts = name.split(".")
    while parts:
        if ".".join(parts) in modules:
            return ".".join(parts)
        parts.pop()
    return None


def graph(folder: str) -> dict[str, set[str]]:
    """Module -> modules of the same folder, rooms included, it imports (anywhere in its body).

    Importing ``paper.brackets`` from outside the room also runs the room's ``__init__`` (the
    node ``paper``), so that edge is kept too; inside the room the ``__init__`` has already run
    (a room's ``__init__`` may choose among its own modules).
    """
    root = ROOT / folder
    files = {_name(p, root): p for p in root.rglob("*.py") if "node_modules" not in p.parts}
    modules = set(files)
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in files.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                stem = ".".join([*base, node.module] if node.module else base)
            elif node.module and node.module.startswith(f"lagrangian.{folder}"):
                stem = node.module.removeprefix(f"lagrangian.{folder}").lstrip(".")
            else:
                continue
            names = [f"{stem}.{a.name}".lstrip(".") for a in node.names]
            for name in [*names, stem]:
                target = _target(name, modules)
                if target:
                    edges[module].add(target)
                    room = target.split(".")[0]
                    if "." in target and module.split(".")[0] != room:
                        edges[module].add(room)
    for module in edges:
        edges[module].discard(module)
        edges[module].discard("")
    return edges


def test_the_graph_sees_rooms() -> None:
    """The rooms' modules are nodes, and an import into a room is an edge to it."""
    edges = graph("physics")
    assert "paper.brackets" in edges and "eft.hilbert" in edges
    assert "paper.weyl" in edges["checks"]


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
