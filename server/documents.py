"""One open document at one version: its text, parse, engine analysis and missing terms.

Everything the language features need about a document is computed once per version and
shared: the diagnostics publisher, completion, hover and the code actions all read the same
``Snapshot``.  Building one is pure CPU work with no protocol in it, so the server runs it
on a worker thread and the tests and benchmarks can call it directly.

``.lag`` files are read whole.  ``.tex`` files are read only inside math environments, and
only when the file declares fields (``% lagrangian:`` lines, or a ``.lag`` file of the same
name beside it): any other LaTeX file is left alone, so the server can share LaTeX files
with texlab or LaTeX Workshop without reporting anything about them.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import unquote, urlparse

from lagrangian.grammar import ast
from lagrangian.grammar.positions import LineIndex

if TYPE_CHECKING:
    from lagrangian.physics.api import EngineTerm
    from lagrangian.physics.checks import Analysis

Syntax = Literal["lag", "latex"]

_TEX_SUFFIXES = (".tex", ".latex", ".ltx")
# A ``% lagrangian:`` directive line: what makes a LaTeX file one of ours.
_DIRECTIVE = re.compile(r"^[ \t]*%+[ \t]*lagrangian[ \t]*:", re.M)
_TEX_LANGUAGES = ("latex", "tex", "plaintex", "context")


def syntax_of(uri: str, language_id: str | None = None) -> Syntax:
    """LaTeX for ``.tex`` files and LaTeX language ids, the ``.lag`` language otherwise."""
    if language_id in _TEX_LANGUAGES:
        return "latex"
    path = urlparse(uri).path.lower()
    return "latex" if path.endswith(_TEX_SUFFIXES) else "lag"


def sidecar_path(uri: str) -> Path | None:
    """The ``.lag`` file beside a ``.tex`` file's URI (only for ``file:`` URIs)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path)).with_suffix(".lag")


def sidecar_uri(uri: str) -> str:
    """The URI of the ``.lag`` file beside a ``.tex`` file (open in the editor, perhaps)."""
    stem, dot, _ = uri.rpartition(".")
    return f"{stem}.lag" if dot else f"{uri}.lag"


@dataclass
class Snapshot:
    """A document at one version, parsed and checked.

    ``active`` is false for a LaTeX file without declarations: the server then reports
    nothing about it and offers nothing in it.
    """

    uri: str
    version: int | None
    text: str
    syntax: Syntax
    document: ast.Document
    analysis: Analysis
    lines: LineIndex
    active: bool
    _missing: list[EngineTerm] | None = field(default=None, repr=False)
    _complete: list[EngineTerm] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def missing(self) -> list[EngineTerm]:
        """The engine terms the document lacks, computed once per snapshot."""
        from lagrangian.physics.missing import missing_terms

        with self._lock:
            if self._missing is None:
                self._missing = missing_terms(self.analysis) if self.usable_model else []
            return self._missing

    def complete(self) -> list[EngineTerm]:
        """The complete Lagrangian of the declared fields, computed once per snapshot."""
        from lagrangian.physics.api import engine_terms

        with self._lock:
            if self._complete is None:
                self._complete = engine_terms(self.analysis.model) if self.usable_model else []
            return self._complete

    @property
    def usable_model(self) -> bool:
        """Whether the declarations give fields to build terms from."""
        return self.active and bool(self.analysis.model.fields)

    def offset(self, line: int, character: int) -> int:
        return self.lines.offset(line, character)

    def position(self, offset: int) -> ast.Position:
        return self.lines.position(offset)


def build_snapshot(
    uri: str,
    version: int | None,
    text: str,
    syntax: Syntax,
    sidecar: str | None = None,
) -> Snapshot:
    """Parse and analyse ``text``; never raises for any text."""
    from lagrangian.grammar import parse_document, parse_tex
    from lagrangian.physics.checks import analyze

    if syntax == "latex":
        document = parse_tex(text, sidecar)
        active = sidecar is not None or _DIRECTIVE.search(text) is not None
    else:
        document = parse_document(text, "lag")
        active = True
    return Snapshot(
        uri=uri,
        version=version,
        text=text,
        syntax=syntax,
        document=document,
        analysis=analyze(document),
        lines=LineIndex(text),
        active=active,
    )
