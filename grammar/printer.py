"""Syntax trees back to text: the plain-text syntax and KaTeX-valid LaTeX math.

Printing then parsing gives back the same tree (spans aside) in both styles.  The two
styles share everything but spelling and one rule of LaTeX: a base takes at most one
superscript and one subscript, so LaTeX indices that alternate in height are separated by
an empty group (``X^{a}_{i}{}^{b}``), a power that would share a superscript wraps its
base in braces (``{H^{\\dagger}}^{2}``), and so does a primed name that takes one
(``{Q'}^{a}``: a prime is a superscript).  A tree that cannot be written so that it
reads back the same (an index named ``ij``, a symbol named ``eps``) raises ``ValueError``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Literal

from lagrangian.grammar.ast import (
    Derivative,
    Document,
    Epsilon,
    Factor,
    FieldDecl,
    FitBlock,
    GaugeDecl,
    Group,
    Index,
    RepSpec,
    Sigma,
    Symbol,
    Term,
)
from lagrangian.grammar.names import (
    GREEK_COMMANDS,
    index_name_problem,
    split_index_word,
    subscript_indices,
    symbol_name_problem,
)

Style = Literal["text", "latex"]


@dataclass(frozen=True)
class _Spelling:
    dagger: str
    epsilon: str
    sigma: str
    sigmabar: str
    partial: str
    hc: str
    head: str


_SPELLING = {
    "text": _Spelling("dagger", "eps", "sigma", "sigmabar", "partial", "h.c.", "L ="),
    "latex": _Spelling(
        "\\dagger",
        "\\epsilon",
        "\\sigma",
        "\\bar{\\sigma}",
        "\\partial",
        "\\mathrm{h.c.}",
        "\\mathcal{L} =",
    ),
}
_SINGLE_LOWER = re.compile(r"[a-z]")
_PRIMED_NUMBER = re.compile(r"\d+'+")
_BARE_VALUE = re.compile(r"[A-Za-z0-9_]+(?:, [A-Za-z0-9_]+)*")


# ---------------------------------------------------------------------------------------
# Terms


def print_term(term: Term, style: Style = "text") -> str:
    """``- 1/4 G_{mu nu} G^{mu nu}``: a leading ``-`` only when negative, ``+ h.c.`` last."""
    sign, body = _signed_body(term, style)
    return ("- " if sign < 0 else "") + body


def _signed_body(term: Term, style: Style) -> tuple[int, str]:
    """The sign (negative numbers folded into it) and the rest of the term."""
    if not term.factors:
        raise ValueError("a term needs at least one factor")
    sign = term.sign
    parts: list[str] = []
    for number in term.numbers:
        if number.value < 0:
            sign = -sign
        parts.append(_number(abs(number.value), style))
    if term.imaginary:
        parts.append("i")
    parts.extend(print_factor(f, style) for f in term.factors)
    body = " ".join(parts)
    if term.hc:
        body += " + " + _SPELLING[style].hc
    return sign, body


def _number(value: Fraction, style: Style) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    if style == "latex":
        return f"\\frac{{{value.numerator}}}{{{value.denominator}}}"
    return f"{value.numerator}/{value.denominator}"


def print_factor(factor: Factor, style: Style = "text") -> str:
    """One factor: ``H^dagger_i``, ``(D_mu H)^dagger``, ``\\bar{\\sigma}^{\\mu}``."""
    spelling = _SPELLING[style]
    if isinstance(factor, Symbol):
        # A declared name with a subscript (``Phi_1``) is written with that subscript, which
        # the physics engine joins back to the name.
        base, _, sub = factor.name.partition("_")
        written = tuple(Index(name, False) for name in subscript_indices(sub))
        indices = (*written, *factor.indices)
        problem = symbol_name_problem(base)
        if problem:
            raise ValueError(problem)
        flags = [spelling.dagger] * factor.conjugate + ["T"] * factor.transpose
        return _scripted(_name(base, style), flags, indices, factor.power, style)
    if isinstance(factor, Epsilon):
        return _scripted(spelling.epsilon, [], factor.indices, 1, style)
    if isinstance(factor, Sigma):
        base = spelling.sigmabar if factor.bar else spelling.sigma
        return _scripted(base, [], factor.indices, 1, style)
    if isinstance(factor, Derivative):
        if not isinstance(factor.operand, (Symbol, Group, Derivative)):
            raise ValueError("a derivative acts on a symbol, a group or another derivative")
        base = "D" if factor.covariant else spelling.partial
        indices = (factor.index,) if factor.index is not None else ()
        return _scripted(base, [], indices, 1, style) + " " + print_factor(factor.operand, style)
    if not factor.factors:
        raise ValueError("a parenthesised group needs at least one factor")
    inner = " ".join(print_factor(f, style) for f in factor.factors)
    flags = [spelling.dagger] * factor.conjugate + ["T"] * factor.transpose
    if factor.trace and style == "text":
        raise ValueError("a trace is written in LaTeX only: {\\rm Tr}(...)")
    trace = "\\mathrm{Tr}" if factor.trace else ""
    return trace + _scripted(f"({inner})", flags, (), factor.power, style)


def _name(name: str, style: Style) -> str:
    """A symbol or index name; in LaTeX, Greek names become commands (``\\lambda'``)."""
    if style == "latex" and name.rstrip("'") in GREEK_COMMANDS:
        return "\\" + name
    return name


def _runs(indices: tuple[Index, ...], style: Style) -> list[tuple[bool, list[str]]]:
    """Consecutive indices of the same height, each printed, checked to read back."""
    runs: list[tuple[bool, list[str]]] = []
    for index in indices:
        problem = index_name_problem(index.name, index.upper)
        if problem:
            raise ValueError(problem)
        if runs and runs[-1][0] == index.upper:
            runs[-1][1].append(_name(index.name, style))
        else:
            runs.append((index.upper, [_name(index.name, style)]))
    return runs


def _join(items: list[str], style: Style) -> str:
    """The contents of one script: ``ij`` for single letters, ``mu nu`` / ``\\mu\\nu``.

    Letters are run together only where they read back as the same letters: ``mu`` would
    read as one Greek index, so ``m`` and ``u`` are written ``m u``.
    """
    joined = "".join(items)
    letters = len(items) > 1 and all(_SINGLE_LOWER.fullmatch(x) for x in items)
    if letters and split_index_word(joined) == items:
        return joined
    out = items[0]
    for item in items[1:]:
        out += ("" if style == "latex" and item.startswith("\\") else " ") + item
    return out


def _scripted(
    base: str, flags: list[str], indices: tuple[Index, ...], power: int, style: Style
) -> str:
    runs = _runs(indices, style)
    if style == "text":
        out = base + "".join("^" + f for f in flags)
        for upper, items in runs:
            body = _join(items, style)
            bare = len(items) == 1 and not _PRIMED_NUMBER.fullmatch(body)  # `_{1'}`, not `_1'`
            out += ("^" if upper else "_") + (body if bare else "{" + body + "}")
        return out + (f"^{power}" if power != 1 else "")
    return _latex_scripted(base, flags, runs, power)


def _latex_scripted(
    base: str, flags: list[str], runs: list[tuple[bool, list[str]]], power: int
) -> str:
    """LaTeX scripts in slots of at most one ``^`` and one ``_`` each, in reading order."""
    slots: list[list[tuple[str, list[str]]]] = [[]]
    if flags:
        slots[0].append(("^", list(flags)))
    for upper, items in runs:
        mark = "^" if upper else "_"
        slot = slots[-1]
        if slot and slot[-1][0] == mark:  # the flags' superscript takes a first upper run
            slot[-1][1].extend(items)
        elif any(m == mark for m, _ in slot):
            slots.append([(mark, list(items))])
        else:
            slot.append((mark, list(items)))
    wrap = power != 1 and any(m == "^" for m, _ in slots[-1])
    if power != 1 and not wrap:
        slots[-1].append(("^", [str(power)]))
    if base.endswith("'") and any(m == "^" for m, _ in slots[0]):
        base = f"{{{base}}}"  # a prime is a superscript already: Q'^{a} is a double one
    out = base + "{}".join(
        "".join(f"{mark}{{{_join(items, 'latex')}}}" for mark, items in slot) for slot in slots
    )
    return f"{{{out}}}^{{{power}}}" if wrap else out


# ---------------------------------------------------------------------------------------
# Declarations and documents


def print_declaration(decl: FieldDecl | GaugeDecl, style: Style = "text") -> str:
    """``fermion L (1, 2, -1/2) left`` / ``gauge SU3 x SU2 x U1``, or LaTeX math for them."""
    if isinstance(decl, GaugeDecl):
        if style == "latex":
            return " \\times ".join(
                "\\mathrm{U}(1)" if f.is_abelian else f"\\mathrm{{SU}}({f.n})" for f in decl.factors
            )
        return "gauge " + " x ".join(
            f.name + (f"[{f.strength}]" if f.strength else "") for f in decl.factors
        )
    if style == "latex":
        reps = ", ".join(_latex_rep(r) for r in decl.reps)
        flags = [decl.helicity] if decl.helicity else []
        flags += ["real"] if decl.real else []
        flags += [f"x{decl.flavours}"] if decl.flavours > 1 else []
        note = "".join(f",\\ \\text{{{f}}}" for f in flags)
        return f"\\text{{{decl.kind} }} {_name(decl.name, 'latex')} \\sim ({reps}){note}"
    reps = ", ".join(r.text for r in decl.reps)
    flags = (f" {decl.helicity}" if decl.helicity else "") + (" real" if decl.real else "")
    flags += f" x{decl.flavours}" if decl.flavours > 1 else ""
    return f"{decl.kind} {decl.name} ({reps}){flags}"


def _latex_rep(rep: RepSpec) -> str:
    """``\\mathbf{3}``, ``\\overline{\\mathbf{3}}``, ``-\\tfrac{1}{2}``, ``[1,1]``."""
    text = rep.text
    if rep.charge is not None or "/" in text or "." in text:
        value = rep.charge if rep.charge is not None else Fraction(text)
        magnitude = _number(abs(value), "latex").replace("\\frac", "\\tfrac")
        return ("-" if value < 0 else "") + magnitude
    if text.startswith("["):
        return text
    bar = text.startswith("-") or text.endswith("bar")
    core = text.lstrip("+-").removesuffix("bar")
    return f"\\overline{{\\mathbf{{{core}}}}}" if bar else f"\\mathbf{{{core}}}"


def print_fit(fit: FitBlock) -> str:
    """``fit A0 { data = "a0.csv"; target = A0; inputs = pT, y }``."""
    settings = "; ".join(f"{key} = {_fit_value(value)}" for key, value in fit.settings)
    return f"fit {fit.name} {{ {settings} }}" if settings else f"fit {fit.name} {{ }}"


def _fit_value(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise ValueError("a fit setting cannot hold a line break")
    if _BARE_VALUE.fullmatch(value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def print_document(doc: Document, style: Style = "text") -> str:
    """Declarations, the Lagrangian one term per line, fit blocks.

    The LaTeX style is a ``.tex`` fragment: declarations as ``% lagrangian:`` directives
    and the Lagrangian in an ``equation`` environment, which ``parse_tex`` reads back.
    """
    declarations: list[str] = []
    if doc.gauge is not None:
        declarations.append(print_declaration(doc.gauge))
    declarations.extend(print_declaration(f) for f in doc.fields)
    fits = [print_fit(f) for f in doc.fits]
    terms = []
    uncovered = False  # a term without h.c. since the last bare h.c.
    for k, term in enumerate(doc.terms):
        sign, body = _signed_body(term, style)
        if term.hc and uncovered:
            # A bare h.c. at the end of a line would cover the terms before it as well;
            # inside brackets it covers the bracket only.
            inner = _signed_body(replace(term, hc=False), style)[1]
            hc = _SPELLING[style].hc
            body = f"\\left[ {inner} + {hc} \\right]" if style == "latex" else f"[{inner} + {hc}]"
        uncovered = uncovered or not term.hc
        if k == 0:
            terms.append(f"{_SPELLING[style].head} " + ("- " if sign < 0 else "") + body)
        else:
            terms.append(("  - " if sign < 0 else "  + ") + body)
    if style == "text":
        return "".join(line + "\n" for line in [*declarations, *terms, *fits])
    lines = ["% lagrangian: " + d for d in [*declarations, *fits]]
    if terms:
        lines += ["\\begin{equation}", *terms, "\\end{equation}"]
    return "".join(line + "\n" for line in lines)
