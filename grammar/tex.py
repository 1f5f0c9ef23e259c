"""Lagrangians inside ``.tex`` files: math environments, ``% lagrangian:`` directives.

Inside math, every head (``\\mathcal{L} =``, ``\\mathcal{L}_Y \\supset``, ``V(H) =``, ...:
the ``LHEAD`` terminal of latex.lark) starts a Lagrangian statement that runs to the next
head or to the end of the environment.  Nothing is copied or rewritten: statements are
parsed in place, so every span points into the original file.

Nothing that mentions a declared field is skipped silently: display math (an environment,
``\\[...\\]`` or ``$$...$$``) that names one but has no head before it gets a
``not-checked`` note saying so.  Inline ``$...$`` is prose and is not noted.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lagrangian.grammar.ast import Document, FieldDecl
from lagrangian.grammar.errors import SyntaxProblem
from lagrangian.grammar.hygiene import clean
from lagrangian.grammar.parsers import lagrangian_head
from lagrangian.grammar.piecewise import PieceCache
from lagrangian.grammar.scanner import split_statements, trim
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
    return [(start, end) for start, end, _ in _regions(text)]


def _regions(text: str) -> list[tuple[int, int, bool]]:
    """``(start, end, display)`` of every math environment's content."""
    regions: list[tuple[int, int, bool]] = []
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
        display = opener.group("delim") not in ("$", "\\(")
        found = _find_closer(text, pos, closer)
        if found is None:
            if opener.group("env"):
                regions.append((pos, len(text), True))  # unclosed environment: to the end
            continue
        regions.append((pos, found[0], display))
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


def add_tex_lagrangians(builder: DocumentBuilder, regions: list[tuple[int, int, bool]]) -> None:
    """Every ``\\mathcal{L} = ...`` statement inside ``regions``, parsed as LaTeX math."""
    head = lagrangian_head("latex")
    scan = re.compile(r"%[^\n]*|\\[\\%$]|(?P<head>" + head.pattern + ")")
    text = builder.text
    names = declared_names(builder.doc.fields)
    for start, end, display in regions:
        heads = [m.start() for m in scan.finditer(text, start, end) if m.group("head")]
        if display:
            _note_unread(builder, start, heads[0] if heads else end, names)
        for here, following in zip(heads, [*heads[1:], end]):
            builder.add_lagrangian(here, following, "latex")


def _note_unread(builder: DocumentBuilder, start: int, end: int, names: frozenset[str]) -> None:
    """A ``not-checked`` note on display math that names a field but is not read."""
    name = mentioned_field(builder.text, start, end, names)
    if name is None:
        return
    at = trim(builder.text, start, end)
    message = (
        f"this equation mentions the field '{name}' but is not checked: no Lagrangian head "
        "such as '\\mathcal{L} =', '\\mathcal{L} \\supset' or 'V =' comes before it"
    )
    builder.error(SyntaxProblem(message, at[0], min(at[1], at[0] + _NOTE_WIDTH), note=True))


_NOTE_WIDTH = 40  # characters of the unread math underlined by the note
_MENTION = re.compile(
    r"%[^\n]*|\\?(?P<base>[A-Za-z]+'*)(?:\s*\}?\s*_\s*\{?\s*(?:\\(?:rm|mathrm|text)\s*\{?\s*)?"
    r"(?P<sub>[A-Za-z0-9]+'*))?"
)


def declared_names(fields: list[FieldDecl]) -> frozenset[str]:
    return frozenset(f.name for f in fields)


def mentioned_field(text: str, start: int, end: int, names: frozenset[str]) -> str | None:
    """The first declared field named in ``text[start:end]`` (``\\Phi_{1}`` names ``Phi_1``)."""
    if not names:
        return None
    for match in _MENTION.finditer(text, start, end):
        base, sub = match.group("base"), match.group("sub")
        if base is None:
            continue
        if sub is not None and f"{base}_{sub}" in names:
            return f"{base}_{sub}"
        if base in names:
            return base
    return None


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


def parse_tex(text: str, sidecar: str | None = None, pieces: PieceCache | None = None) -> Document:
    """The Lagrangians and declarations of a ``.tex`` file (``Document.syntax == "latex"``).

    Declarations come from the file's ``% lagrangian:`` directives; the ``.lag`` sidecar is
    read only when the file has none, so the same fields are never declared twice.  With
    ``pieces`` the terms parsed before are reused, as for ``.lag`` (``grammar.piecewise``).
    """
    text = clean(text)
    side = None if sidecar is None else clean(sidecar)
    return _parse_latex(text, _regions(text), side, pieces)


def parse_latex_text(text: str, pieces: PieceCache | None = None) -> Document:
    """LaTeX for ``parse_document``: a whole ``.tex`` file, or bare math without delimiters."""
    return _parse_latex(text, _regions(text) or [(0, len(text), False)], None, pieces)


def _parse_latex(
    text: str,
    regions: list[tuple[int, int, bool]],
    sidecar: str | None,
    pieces: PieceCache | None,
) -> Document:
    builder = DocumentBuilder(text, "latex", pieces)
    if sidecar is not None and _DIRECTIVE.search(text) is None:
        add_sidecar(builder, sidecar)
    add_directives(builder)
    add_tex_lagrangians(builder, regions)
    return builder.finish()
