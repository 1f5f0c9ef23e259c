"""Sums inside brackets, multiplied out, and which terms an ``h.c.`` covers.

Papers group terms: ``-[m_{12}^2 \\Phi_1^\\dagger\\Phi_2 + {\\rm h.c.}]`` and the 2HDM's
``[\\lambda_6 (\\Phi_1^\\dagger\\Phi_1) + \\lambda_7 (\\Phi_2^\\dagger\\Phi_2)]
(\\Phi_1^\\dagger\\Phi_2)``.
The engine checks monomials, so a bracketed sum times factors is multiplied out here into
one ``Term`` per summand, each keeping the span of the whole written term.

The h.c. rule (docs/language.md), the papers' rule, in both syntaxes: an ``h.c.`` inside a
bracket covers the terms of that bracket; at the end of an equation, or at the end of one
of its lines, it covers every term since the previous ``h.c.``; in the middle of a line,
the terms of its line since the previous ``h.c.``.  That is how papers use
``+ \\text{h.c.}`` after a run of Yukawas.  A mark right after a term that failed to
parse belongs to that term and covers nothing.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

from lagrangian.grammar.ast import Factor, Number, Span, Term
from lagrangian.grammar.errors import SyntaxProblem

MAX_EXPANSION = 256  # terms one written term may multiply out to


@dataclass(frozen=True)
class HcMark:
    """``+ h.c.`` as written; ``assemble_terms`` decides which terms it covers."""

    sign: int
    start: int
    end: int
    span: Span


@dataclass(frozen=True)
class Dots:
    """``\\dots``: terms the author left out; reported, never checked."""

    start: int
    end: int
    span: Span


Item = Term | HcMark | Dots | None  # None: a term that failed to parse


def multiply(
    factors: list[list[Term | Factor]],
    start: int,
    end: int,
    sign: int = 1,
    span: Span | None = None,
) -> list[Term]:
    """The product of sums: one term per choice of a summand from each factor (a plain
    factor is a sum of one), each with ``sign`` and ``span``."""
    size = 1
    for choices in factors:
        size *= len(choices)
        if size > MAX_EXPANSION:
            message = f"this term multiplies out to more than {MAX_EXPANSION} terms"
            raise SyntaxProblem(message, start, end)
    return [_product(chosen, sign, span) for chosen in itertools.product(*factors)]


def _product(parts: tuple[Term | Factor, ...], sign: int, span: Span | None) -> Term:
    """One term of the expansion, built at once (most terms are a single product)."""
    imaginary, hc = 0, False
    factors: list[Factor] = []
    numbers: list[Number] = []
    hc_span = None
    for t in parts:
        if not isinstance(t, Term):
            factors.append(t)
            continue
        sign *= t.sign
        imaginary += t.imaginary
        factors += t.factors
        numbers += t.numbers
        hc = hc or t.hc
        hc_span = hc_span or t.hc_span
    return Term(
        sign=sign * (-1 if imaginary % 4 >= 2 else 1),  # i * i = -1
        factors=tuple(factors),
        numbers=tuple(numbers),
        imaginary=imaginary % 2 == 1,
        hc=hc,
        span=span,
        hc_span=hc_span,
    )


def assemble_terms(items: list[Item]) -> tuple[list[Term], list[SyntaxProblem]]:
    """Terms with the ``h.c.`` rule applied, and the problems found on the way.

    A mark after a failed term covers nothing new: that term already has a diagnostic.
    A term already under an inner bracket's ``h.c.`` keeps it.
    """
    terms: list[Term] = []
    problems: list[SyntaxProblem] = []
    pending: list[int] = []  # terms since the previous h.c.
    for k, item in enumerate(items):
        if isinstance(item, Term):
            pending.append(len(terms))
            terms.append(item)
        elif isinstance(item, Dots):
            message = "'\\dots' stands for terms that are not written, so they are not checked"
            problems.append(SyntaxProblem(message, item.start, item.end, note=True))
        elif isinstance(item, HcMark):
            problem = _mark(item, items[:k], items[k + 1 :], pending, terms)
            if problem is not None:
                problems.append(SyntaxProblem(problem, item.start, item.end))
            if item.sign > 0:
                pending = []
    return terms, problems


def _mark(
    mark: HcMark,
    before: list[Item],
    after: list[Item],
    pending: list[int],
    terms: list[Term],
) -> str | None:
    """Puts ``mark`` on the terms it covers; what is wrong with it, if anything."""
    if mark.sign < 0:
        return "'h.c.' is added with '+', not '-'"
    previous = before[-1] if before else None
    if isinstance(previous, HcMark) and previous.sign > 0:
        return "'h.c.' is added twice to the same term"
    if previous is None and before:
        return None  # the mark of a term that failed to parse: that term has its report
    covered = _covered(mark, pending, terms, _line_end(mark, after))
    if not covered:
        # After a term that failed to parse the mark goes quietly: that term has its report.
        return None if any(x is None for x in before) else "'h.c.' needs a term before it"
    for t in covered:
        if not terms[t].hc:
            terms[t] = replace(terms[t], hc=True, hc_span=mark.span)
    return None


def _line_end(mark: HcMark, rest: list[Item]) -> bool:
    """Whether nothing follows the mark on its line (a failed term counts as a break)."""
    following = next((x for x in rest if not isinstance(x, Dots)), None)
    if following is None or not isinstance(following, (Term, HcMark)):
        return True
    span = following.span
    return span is None or span.start.line > mark.span.end.line


def _covered(mark: HcMark, pending: list[int], terms: list[Term], line_end: bool) -> list[int]:
    if line_end:
        return pending
    line = mark.span.start.line
    same = [t for t in pending if (span := terms[t].span) is not None and span.end.line >= line]
    return same or pending[-1:]
