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
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import unquote, urlparse

from lagrangian.grammar import ast, math_regions
from lagrangian.grammar.positions import LineIndex

if TYPE_CHECKING:
    from lagrangian.physics.api import EngineTerm
    from lagrangian.physics.checks import Analysis
    from lagrangian.physics.fields import Model

Syntax = Literal["lag", "latex"]

MAX_TERM_FIELDS = 12
MAX_LINE_CHARS = 10_000

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
    _missing: dict[int, list[EngineTerm]] = field(default_factory=dict, repr=False)
    _complete: list[EngineTerm] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def missing(self, max_dimension: int = 4) -> list[EngineTerm]:
        """The engine terms the document lacks (shared by snapshots that agree on them),
        effective operators up to ``max_dimension`` included."""
        from lagrangian.physics.missing import missing_terms

        with self._lock:
            if max_dimension not in self._missing:
                self._missing[max_dimension] = (
                    _MISSING.get(
                        (self.engine_key(), max_dimension),
                        lambda: missing_terms(self.analysis, max_dimension),
                    )
                    if self.usable_model
                    else []
                )
            return self._missing[max_dimension]

    def engine_key(self) -> object:
        """What the missing terms depend on: the fields, the valid written terms, the couplings."""
        from lagrangian.physics.missing import written_couplings

        analysis = self.analysis
        return (model_key(analysis.model), _written_key(analysis), written_couplings(analysis))

    def complete(self) -> list[EngineTerm]:
        """The complete Lagrangian of the declared fields (shared by equal field contents)."""
        from lagrangian.physics.api import engine_terms

        with self._lock:
            if self._complete is None:
                model = self.analysis.model
                self._complete = (
                    _COMPLETE.get(model_key(model), lambda: engine_terms(model))
                    if self.usable_model
                    else []
                )
            return self._complete

    @property
    def usable_model(self) -> bool:
        """Whether the declarations give fields to build terms from."""
        return self.active and bool(self.analysis.model.fields)

    def offset(self, line: int, character: int) -> int:
        return self.lines.offset(line, character)

    def position(self, offset: int) -> ast.Position:
        return self.lines.position(offset)


class _Memo:
    """A small thread-safe LRU memo: typing inside a Lagrangian changes the text at every
    keystroke but rarely the fields or the set of valid terms, so the engine's answers
    (40 ms for a 20-field model) are reused across versions."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.values: OrderedDict[_Hashed, list[EngineTerm]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: object, compute: Callable[[], list[EngineTerm]]) -> list[EngineTerm]:
        hashed = _Hashed(key)
        with self.lock:
            if hashed in self.values:
                self.values.move_to_end(hashed)
                return self.values[hashed]
        value = compute()
        with self.lock:
            self.values[hashed] = value
            while len(self.values) > self.size:
                self.values.popitem(last=False)
        return value


class _Hashed:
    """A key hashed once: the engine key of a large document is a tuple of thousands of
    occurrences, and the memo would hash it three times per lookup."""

    __slots__ = ("hash", "value")

    def __init__(self, value: object) -> None:
        self.value = value
        self.hash = hash(value)

    def __hash__(self) -> int:
        return self.hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Hashed) and self.hash == other.hash and self.value == other.value


_MISSING = _Memo(32)
_COMPLETE = _Memo(8)


def model_key(model: Model) -> object:
    """What the engine's terms and the checks of written terms depend on in a model
    (declaration spans left out)."""
    fields = tuple((f.name, f.kind, f.rep, f.real, f.helicity, f.flavours) for f in model.fields)
    group = (model.group.names, model.group.ns, model.strengths)
    return (*group, fields, model.symmetries, model.coupling_symmetries)


def _written_key(analysis: Analysis) -> object:
    """Everything the engine knows about the valid written terms (spans left out)."""
    return tuple(
        (
            info.kind,
            info.resolved.occurrences,
            tuple(sorted(s.factor for s in info.resolved.strengths)),
            info.monomial,
            info.multiplicity,
            # the same text gives the same floats (a seeded sampler): rounding only makes
            # the key independent of the last bits of a solve
            None
            if info.coefficients is None
            else tuple(round(float(c), 9) for c in info.coefficients),
        )
        for info in analysis.terms
        if info.valid
    )


def checkable(document: ast.Document) -> tuple[ast.Document, list[ast.Diagnostic]]:
    """The document without terms too large to check, and a warning for each of those.

    The engine's invariant count grows exponentially with the number of fields in a term
    (12 doublets take a second, 14 take twenty), so an editor must not hand it a term
    with hundreds of fields or a power like ``H^1000000``: one such keystroke would pin a
    worker thread for good.  Such a term has mass dimension far above 4, which is what
    the warning says.
    """
    names = {decl.name for decl in document.fields}
    kept: list[ast.Term] = []
    warnings: list[ast.Diagnostic] = []
    for term in document.terms:
        if _field_count(term.factors, names) <= MAX_TERM_FIELDS:
            kept.append(term)
        elif term.span is not None:
            warnings.append(
                ast.Diagnostic(
                    span=term.span,
                    severity="warning",
                    code="nonrenormalizable",
                    message=f"more than {MAX_TERM_FIELDS} fields: mass dimension above "
                    f"{MAX_TERM_FIELDS}, not renormalizable (too large to check further)",
                )
            )
    if not warnings:
        return document, []
    return replace(document, terms=kept), warnings


def readable(
    text: str, lines: LineIndex, syntax: Syntax = "lag"
) -> tuple[str, list[ast.Diagnostic]]:
    """``text`` with every line too long to read blanked out, and a warning for each.

    Checking costs per term, and one pasted or generated line can hold thousands of terms
    that the editor would re-read at every keystroke anywhere in the file.  Such a line
    (comments aside) is replaced by as many blanks, so every offset and line number of
    the rest stays as it was, and is reported instead of checked.  A ``.tex`` file is read
    only inside math, so there only the math of a long line is blanked, its delimiters
    kept (the environments around read as before), and a long line of prose is no concern.
    """
    kept: list[str] = []
    warnings: list[ast.Diagnostic] = []
    done = 0
    long = lines.lines_longer_than(MAX_LINE_CHARS)
    regions = math_regions(text) if long and syntax == "latex" else None
    for line in long:
        start, end = lines.line_start(line), lines.line_end(line)
        if text[start:end].lstrip().startswith("%" if syntax == "latex" else "#"):
            continue
        blanked = [(start, end)] if regions is None else _within(regions, start, end)
        if not blanked:
            continue
        for a, b in blanked:
            kept += [text[done:a], " " * (b - a)]
            done = b
        warnings.append(
            ast.Diagnostic(
                span=lines.span(blanked[0][0], blanked[-1][1]),  # .tex: the line's math
                severity="warning",
                code="not-checked",
                message=f"a line of {end - start:,} characters, over the {MAX_LINE_CHARS:,} "
                "read in one line: not checked (break it into shorter lines)",
            )
        )
    return "".join([*kept, text[done:]]), warnings


def _within(regions: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    """The parts of ``regions`` (sorted, apart) that lie in ``start``..``end``."""
    parts = [(max(a, start), min(b, end)) for a, b in regions if a < end and b > start]
    return [(a, b) for a, b in parts if a < b]


def _field_count(factors: tuple[ast.Factor, ...], names: set[str]) -> int:
    """Declared-field factors in a product, powers included, without expanding powers;
    counting stops once past the limit."""
    total = 0
    for factor in factors:
        if isinstance(factor, ast.Symbol):
            total += max(factor.power, 1) if factor.name in names else 0
        elif isinstance(factor, ast.Derivative):
            total += _field_count((factor.operand,), names)
        elif isinstance(factor, ast.Group):
            total += _field_count(factor.factors, names) * max(factor.power, 1)
        if total > MAX_TERM_FIELDS:
            return total
    return total


def build_snapshot(
    uri: str,
    version: int | None,
    text: str,
    syntax: Syntax,
    sidecar: str | None = None,
) -> Snapshot:
    """Parse and analyse ``text``, reusing the parse and the checks of unchanged terms."""
    from lagrangian.grammar import parse_document, parse_tex
    from lagrangian.grammar.piecewise import SHARED
    from lagrangian.server.lsp.incremental import analyze_reusing

    lines = LineIndex(text)
    read, refused = text, []
    if syntax == "latex":
        read, refused = readable(text, lines, "latex")
        document = parse_tex(read, sidecar, SHARED)
        active = sidecar is not None or _DIRECTIVE.search(text) is not None
    else:
        read, refused = readable(text, lines)
        document = parse_document(read, "lag", SHARED)
        active = True
    checked, warnings = checkable(document)
    warnings += refused
    analysis = analyze_reusing(checked, read, lines, model_key)
    if warnings:
        analysis.diagnostics = sorted(
            analysis.diagnostics + warnings, key=lambda d: (d.span.start.offset, d.span.end.offset)
        )
    return Snapshot(
        uri=uri,
        version=version,
        text=text,
        syntax=syntax,
        document=document,
        analysis=analysis,
        lines=lines,
        active=active,
    )
