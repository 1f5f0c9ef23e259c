"""Lagrangians inside ``.tex`` files: math environments, ``% lagrangian:`` directives.

Only math whose content has ``\\mathcal{L} =`` (optionally with a subscript) is read; each
such head starts a Lagrangian statement that runs to the next head or to the end of the
environment.  Everything else in the file is ignored.  Nothing is copied or rewritten:
statements are parsed in place, so every span points into the original file.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lagrangian.grammar.ast import Document
from lagrangian.grammar.errors import SyntaxProblem
from lagrangian.grammar.parsers import lagrangian_head
from lagrangian.grammar.scanner import split_statements
from lagrangian.grammar.statements import DocumentBuilder
from lagrangian.grammar.strip import strip_spans

_ENVIRONMENTS = r"(?:equation|align|multline|gather|eqnarray|flalign|displaymath|math)\*?"
_OPENER = re.compile(
    r"%[^\n]*|\\[\\$%{}]|\\begin\s*\{(?P<env>" + _ENVIRONMENTS + r")\}|(?P<delim>\\\[|\\\(|\$\$|\$)"
)
_CLOSERS = {"\\[": r"\\\]", "\\(": r"\\\)", "$$": r"\$\$", "$": r"\$"}
_DIRECTIVE = re.compile(r"^[ \t]*%+[ \t]*lagrangian[ \t]*:(?P<body>[^\r\n]*)", re.M)


def math_regions(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` offsets of the content of every math environment."""
    regions: list[tuple[int, int]] = []
    pos = 0
    while True:
        opener = _OPENER.search(text, pos)
        if opener is None:
            return regions
        pos = opener.end()
        if opener.group("env"):
            closer = r"\\end\s*\{" + re.escape(opener.group("env")) + r"\}"
        elif opener.group("delim"):
            closer = _CLOSERS[opener.group("delim")]
        else:
            continue  # a comment or an escaped character
        found = _find_closer(text, pos, closer)
        if found is None:
            if opener.group("env"):
                regions.append((pos, len(text)))  # unclosed environment: read to the end
            continue
        regions.append((pos, found[0]))
        pos = found[1]


def _find_closer(text: str, pos: int, closer: str) -> tuple[int, int] | None:
    for match in _closer_scan(closer).finditer(text, pos):
        if match.group("close"):
            return match.span()
    return None


@lru_cache(maxsize=64)
def _closer_scan(closer: str) -> re.Pattern[str]:
    """The closing delimiter, stepping over comments and escaped characters."""
    return re.compile(r"(?P<close>" + closer + r")|%[^\n]*|\\.", re.S)


def add_tex_lagrangians(builder: DocumentBuilder, regions: list[tuple[int, int]]) -> None:
    """Every ``\\mathcal{L} = ...`` statement inside ``regions``, parsed as LaTeX math."""
    head = lagrangian_head("latex")
    scan = re.compile(r"%[^\n]*|\\[\\%$]|(?P<head>" + head.pattern + ")")
    text = builder.text
    for start, end in regions:
        heads = [m.start() for m in scan.finditer(text, start, end) if m.group("head")]
        for here, following in zip(heads, [*heads[1:], end]):
            builder.add_lagrangian(here, following, "latex")


def add_directives(builder: DocumentBuilder) -> None:
    """Declarations in ``% lagrangian: scalar H (1,2,1/2); ...`` comment lines."""
    for match in _DIRECTIVE.finditer(builder.text):
        builder.add_declarations(match.start("body"), match.end("body"))


def add_sidecar(builder: DocumentBuilder, sidecar: str) -> None:
    """Declarations of a ``.lag`` file next to the ``.tex`` one.

    Spans of a document point into that document, so the sidecar's declarations come
    without spans and its syntax errors are reported at the start of the ``.tex`` file,
    saying where in the sidecar they are.
    """
    side = DocumentBuilder(sidecar, "lag")
    chunks = split_statements(sidecar, lagrangian_head("lag"))
    for chunk in chunks:
        if chunk.kind in ("gauge", "field", "fit", "symmetry", "coupling"):
            side.add_statement(chunk)
    for error in side.doc.errors:
        at = error.span.start
        where = f"in the sidecar file, line {at.line + 1}, column {at.character + 1}"
        builder.error(SyntaxProblem(f"{where}: {error.message}", 0, 0))
    builder.doc.gauge = strip_spans(side.doc.gauge)
    builder.doc.fields.extend(strip_spans(side.doc.fields))
    builder.doc.fits.extend(strip_spans(side.doc.fits))
    builder.doc.symmetries.extend(strip_spans(side.doc.symmetries))
    builder.doc.couplings.extend(strip_spans(side.doc.couplings))


def parse_tex(text: str, sidecar: str | None = None) -> Document:
    """The Lagrangians and declarations of a ``.tex`` file (``Document.syntax == "latex"``).

    Declarations come from the file's ``% lagrangian:`` directives; the ``.lag`` sidecar is
    read only when the file has none, so the same fields are never declared twice.
    """
    return _parse_latex(text, math_regions(text), sidecar)


def parse_latex_text(text: str) -> Document:
    """LaTeX for ``parse_document``: a whole ``.tex`` file, or bare math without delimiters."""
    return _parse_latex(text, math_regions(text) or [(0, len(text))], None)


def _parse_latex(text: str, regions: list[tuple[int, int]], sidecar: str | None) -> Document:
    builder = DocumentBuilder(text, "latex")
    if sidecar is not None and _DIRECTIVE.search(text) is None:
        add_sidecar(builder, sidecar)
    add_directives(builder)
    add_tex_lagrangians(builder, regions)
    return builder.finish()
