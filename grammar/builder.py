"""AST nodes with source spans, built while Lark parses, for both surface syntaxes.

``lag.lark`` and ``latex.lark`` use the same rule names wherever the meaning is the same,
so one set of callbacks builds the AST for both; the few LaTeX-only shapes (``\\frac``,
Greek commands, braces) are handled where they occur.  The callbacks run as Lark reduces
(no parse tree is built and no second pass walks one), which halves the parse time, and
compute spans from the tokens themselves.  They also check what a grammar cannot say
conveniently: a symbol conjugated twice, indices on a parenthesised group, a fermion
without helicity.  Fatal problems raise ``SyntaxProblem`` (the statement is rejected);
others are collected in ``problems`` and the node is still built.

One builder serves every parse of its grammar, so the per-parse context (the text's
``LineIndex``, the statement's offset, collected problems) lives in thread-local state
set by ``parse_with``.  The AST is capped at ``MAX_DEPTH`` levels of nesting so that
absurd input cannot make later recursive passes overflow the stack.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from lark import Token

from lagrangian.grammar.ast import (
    Derivative,
    Epsilon,
    Factor,
    FieldDecl,
    FitBlock,
    GaugeDecl,
    GaugeFactor,
    Group,
    Index,
    Number,
    RepSpec,
    Sigma,
    Span,
    Symbol,
    Term,
)
from lagrangian.grammar.errors import SyntaxProblem
from lagrangian.grammar.names import RESERVED, TERM_KEYWORDS
from lagrangian.grammar.positions import LineIndex
from lagrangian.grammar.scripts import MAX_DIGITS, TOO_LONG, Script, read_script

MAX_DEPTH = 64  # nested groups and derivatives in one factor

_GROUP = re.compile(r"(SU|U)\(?\s*(\d+)\s*\)?")
_TEXT_ARGUMENT = re.compile(r"\{\s*([^}]*?)\s*\}")
_FRAC_DIGITS = re.compile(r"(\d)\s*(\d)$")
_UNESCAPE = re.compile(r"\\(.)")
_BRACKETS = frozenset(["LPAR", "RPAR", "LBRACE", "RBRACE", "LSQB", "RSQB"])


@dataclass(frozen=True)
class HcMark:
    """``+ h.c.`` as written; it is attached to the term before it by ``assemble_terms``."""

    sign: int
    start: int
    end: int
    span: Span


@dataclass(frozen=True)
class LagrangianItems:
    """The terms and ``h.c.`` marks of one ``L = ...`` statement."""

    items: list[Term | HcMark]
    start: int
    end: int


@dataclass(frozen=True)
class _Reps:
    reps: tuple[RepSpec, ...]
    start: int
    end: int


@dataclass(frozen=True)
class _Sign:
    value: int
    start: int
    end: int


@dataclass(frozen=True)
class _Body:
    numbers: tuple[Number, ...]
    imaginary: bool
    factors: tuple[Factor, ...]
    start: int
    end: int


@dataclass(frozen=True)
class _Splice:
    """LaTeX braces without scripts: ``{H^\\dagger H}`` is just its factors."""

    factors: tuple[Factor, ...]
    start: int
    end: int


@dataclass
class _Context:
    lines: LineIndex
    base: int
    problems: list[SyntaxProblem] = field(default_factory=list)
    depth: dict[int, tuple[int, Any]] = field(default_factory=dict)


_WHAT = {
    "conjugate": "a conjugation",
    "transpose": "a transpose",
    "power": "a power",
    "index": "indices",
}
_AGAIN = {"conjugate": "conjugated", "transpose": "transposed", "power": "raised to a power"}


class AstBuilder:
    """Lark callbacks (one per rule) that build AST nodes as the parser reduces."""

    def __init__(self, syntax: str) -> None:
        self._local = threading.local()
        self._syntax = syntax

    @contextmanager
    def context(self, lines: LineIndex, base: int) -> Iterator[_Context]:
        """The per-parse context: spans are ``lines`` positions of ``base`` + token offsets."""
        context = _Context(lines, base)
        self._local.context = context
        try:
            yield context
        finally:
            self._local.context = None

    # -- positions ------------------------------------------------------------------------

    @property
    def _ctx(self) -> _Context:
        return self._local.context  # type: ignore[no-any-return]

    def _start(self, item: Any) -> int:
        if isinstance(item, Token):
            return self._ctx.base + item.start_pos
        span = getattr(item, "span", None)
        return span.start.offset if isinstance(span, Span) else item.start

    def _end(self, item: Any) -> int:
        if isinstance(item, Token):
            return self._ctx.base + item.end_pos
        span = getattr(item, "span", None)
        return span.end.offset if isinstance(span, Span) else item.end

    def _extent(self, children: list[Any]) -> tuple[int, int]:
        return self._start(children[0]), self._end(children[-1])

    def _span(self, start: int, end: int) -> Span:
        return self._ctx.lines.span(start, end)

    def _span_of(self, children: list[Any]) -> Span:
        return self._span(*self._extent(children))

    def _fail(self, message: str, *items: Any) -> SyntaxProblem:
        return SyntaxProblem(message, self._start(items[0]), self._end(items[-1]))

    def _digits(self, text: str, *where: Any) -> str:
        """``text`` unless it is too long a number for ``int`` to read quickly."""
        if len(text) > MAX_DIGITS:
            raise self._fail(TOO_LONG, *where)
        return text

    # -- declarations ---------------------------------------------------------------------

    def gauge_stmt(self, children: list[Any]) -> GaugeDecl:
        factors = tuple(c for c in children if isinstance(c, GaugeFactor))
        return GaugeDecl(factors, self._span_of(children))

    def gauge_factor(self, children: list[Token]) -> GaugeFactor:
        name = children[0]
        match = _GROUP.fullmatch(str(name))
        assert match is not None  # the GROUP_NAME terminal has this shape
        if len(match.group(2)) > MAX_DIGITS:
            raise self._fail(TOO_LONG, name)
        n = int(match.group(2)) if match.group(1) == "SU" else 1
        if n < 2 and match.group(1) == "SU":
            raise self._fail(f"SU({n}) is not a gauge group; use SU(N) with N >= 2", name)
        strength = str(children[2]) if len(children) > 1 else None
        written = re.sub(r"\s+", "", str(name))
        return GaugeFactor(written, n, strength, self._span_of(children))

    def field_stmt(self, children: list[Any]) -> FieldDecl:
        kind, name, reps, *flags = children
        if str(name) in RESERVED:
            raise self._fail(f"'{name}' is reserved and cannot name a field", name)
        helicity: str | None = None
        real = False
        for flag in flags:
            if flag.type == "REAL":
                if kind.type == "FERMION":
                    self._ctx.problems.append(self._fail("'real' applies to scalars only", flag))
                elif real:
                    self._ctx.problems.append(self._fail("'real' is given twice", flag))
                real = True
            elif kind.type == "SCALAR":
                message = f"a scalar has no helicity; remove '{flag}'"
                self._ctx.problems.append(self._fail(message, flag))
            elif helicity is not None:
                self._ctx.problems.append(self._fail("the helicity is given twice", flag))
            else:
                helicity = str(flag)
        if kind.type == "FERMION" and helicity is None:
            message = f"fermion '{name}' needs a helicity: add 'left' or 'right'"
            self._ctx.problems.append(self._fail(message, name))
        return FieldDecl(
            kind=str(kind),  # type: ignore[arg-type]
            name=str(name),
            reps=reps.reps,
            helicity=helicity,  # type: ignore[arg-type]
            real=real and kind.type == "SCALAR",
            span=self._span_of(children),
            name_span=self._span_of([name]),
        )

    def rep_tuple(self, children: list[Any]) -> _Reps:
        reps = tuple(
            c if isinstance(c, RepSpec) else RepSpec(self._digits(str(c), c), self._span_of([c]))
            for c in children
            if not (isinstance(c, Token) and c.type in _BRACKETS)
        )
        return _Reps(reps, *self._extent(children))

    def dynkin(self, children: list[Token]) -> RepSpec:
        labels = [c for c in children if c.type == "REP"]
        for label in labels:
            if not str(label).isdigit():
                raise self._fail("a Dynkin label is a list of whole numbers such as [1,1]", label)
        text = ",".join(self._digits(str(c), c) for c in labels)
        return RepSpec(f"[{text}]", self._span_of(children))

    def fit_stmt(self, children: list[Any]) -> FitBlock:
        settings = tuple(c for c in children if isinstance(c, tuple))
        return FitBlock(str(children[1]), settings, self._span_of(children))

    def setting(self, children: list[Token]) -> tuple[str, str]:
        key, value = children
        if value.type == "STRING":
            return str(key), _UNESCAPE.sub(r"\1", str(value)[1:-1])
        return str(key), str(value).strip()

    # -- statements of terms --------------------------------------------------------------

    def lagrangian_stmt(self, children: list[Any]) -> LagrangianItems:
        head, items = children
        return LagrangianItems(items, self._start(head), self._end(items[-1]))

    def term_list(self, children: list[Any]) -> list[Term | HcMark]:
        return children

    single_term = term_list
    piece = term_list

    def sign(self, children: list[Token]) -> _Sign:
        token = children[0]
        return _Sign(-1 if token.type == "MINUS" else 1, self._start(token), self._end(token))

    def first_term(self, children: list[Any]) -> Term:
        sign = children[0].value if len(children) == 2 else 1
        body: _Body = children[-1]
        span = self._span_of(children)
        return Term(sign, body.factors, body.numbers, body.imaginary, span=span)

    signed_term = first_term

    def hc_mark(self, children: list[Any]) -> HcMark:
        start, end = self._extent(children)
        return HcMark(children[0].value, start, end, self._span(start, end))

    def term_body(self, children: list[Any]) -> _Body:
        numbers = tuple(c for c in children if isinstance(c, Number))
        imaginary = any(isinstance(c, Token) for c in children)  # IMAG / IMAG_RM
        factors: list[Factor] = []
        for c in children:
            if isinstance(c, _Splice):
                factors.extend(c.factors)
            elif not isinstance(c, (Number, Token)):
                factors.append(c)
        return _Body(numbers, imaginary, tuple(factors), *self._extent(children))

    def number(self, children: list[Token]) -> Number:
        token = children[0]
        if token.type == "FRACTION":
            top, bottom = str(token).split("/")
            return self._fraction(token, top.strip(), bottom.strip())
        return Number(Fraction(self._digits(str(token), token)), self._span_of(children))

    def frac(self, children: list[Token]) -> Number:
        if len(children) == 1:  # \frac12
            match = _FRAC_DIGITS.search(str(children[0]))
            assert match is not None  # the FRAC_DIGITS terminal ends in two digits
            return self._fraction(children[0], match.group(1), match.group(2))
        top, bottom = (str(c) for c in children if c.type == "NUMBER")
        return self._fraction(children, top, bottom)

    def _fraction(self, where: Any, top: str, bottom: str) -> Number:
        items = where if isinstance(where, list) else [where]
        if not (top.isdigit() and bottom.isdigit()):
            raise self._fail("a fraction is written with whole numbers, such as 1/4", *items)
        denominator = int(self._digits(bottom, *items))
        if denominator == 0:
            raise self._fail("division by zero", *items)
        value = Fraction(int(self._digits(top, *items)), denominator)
        return Number(value, self._span_of(items))

    # -- factors --------------------------------------------------------------------------

    def symbol(self, children: list[Any]) -> Symbol:
        name = children[0]
        if _word(name) in TERM_KEYWORDS:
            raise self._fail(f"'{name}' is a keyword and cannot stand as a symbol here", name)
        symbol = Symbol(_word(name), span=self._span_of(children))
        return self._decorate(symbol, self._scripts(children[1:]))

    def epsilon(self, children: list[Any]) -> Epsilon:
        node = Epsilon(span=self._span_of(children))
        return self._decorate(node, self._scripts(children[1:]))

    def sigma(self, children: list[Any]) -> Sigma:
        node = Sigma(children[0].type == "SIGMABAR", span=self._span_of(children))
        return self._decorate(node, self._scripts(children[1:]))

    def derivative(self, children: list[Any]) -> Derivative:
        keyword, *scripts, operand = children
        if isinstance(operand, _Splice):
            raise self._fail("a derivative acts on one factor; use parentheses", operand)
        indices: list[Index] = []
        for script in self._scripts(scripts):
            if script.kind != "index":
                message = f"a derivative cannot take {_WHAT[script.kind]}"
                raise SyntaxProblem(message, script.start, script.end)
            assert script.index is not None
            indices.append(script.index)
        if len(indices) > 1:
            raise self._fail("a derivative takes one index, such as D_mu", *scripts)
        index = indices[0] if indices else None
        node = Derivative(keyword.type != "PARTIAL", index, operand, self._span_of(children))
        return self._nest(node, [operand])

    def group(self, children: list[Any]) -> Group:
        close = _closing(children, "RPAR")
        factors = _spliced(children[1:close])
        node = Group(tuple(factors), span=self._span_of(children))
        return self._nest(self._decorate(node, self._scripts(children[close + 1 :])), factors)

    def braced(self, children: list[Any]) -> Factor | _Splice:
        close = _closing(children, "RBRACE")
        factors = _spliced(children[1:close])
        scripts = self._scripts(children[close + 1 :])
        if close == len(children) - 1:
            return _Splice(tuple(factors), *self._extent(children))
        if len(factors) != 1:
            message = "braces with scripts hold one factor; use parentheses for a product"
            raise self._fail(message, *children)
        decorated = self._decorate(factors[0], scripts)
        return self._keep_depth(factors[0], replace(decorated, span=self._span_of(children)))

    def _nest(self, node: Any, inner: list[Any]) -> Any:
        """Records ``node``'s nesting depth (keeping it alive so its id stays unique)."""
        depth = 1 + max((self._ctx.depth.get(id(x), (0,))[0] for x in inner), default=0)
        if depth > MAX_DEPTH:
            raise SyntaxProblem(
                f"nested too deeply (more than {MAX_DEPTH} levels)",
                node.span.start.offset,
                node.span.end.offset,
            )
        self._ctx.depth[id(node)] = (depth, node)
        return node

    def _keep_depth(self, old: Any, new: Any) -> Any:
        if id(old) in self._ctx.depth:
            self._ctx.depth[id(new)] = (self._ctx.depth[id(old)][0], new)
        return new

    def _decorate(self, node: Any, scripts: list[Script]) -> Any:
        """``node`` with its scripts applied, each checked against what the node can take."""
        if isinstance(node, Symbol):
            allowed, what = {"conjugate", "transpose", "power", "index"}, "a symbol"
        elif isinstance(node, Group):
            allowed, what = {"conjugate", "transpose", "power"}, "a parenthesised group"
        elif isinstance(node, (Epsilon, Sigma)):
            allowed, what = {"index"}, "eps" if isinstance(node, Epsilon) else "sigma"
        else:
            allowed, what = set(), "a derivative"
        changes: dict[str, Any] = {}
        indices = list(getattr(node, "indices", ()))
        for s in scripts:
            if s.kind not in allowed:
                raise SyntaxProblem(f"{what} cannot take {_WHAT[s.kind]}", s.start, s.end)
            if s.kind == "index":
                assert s.index is not None
                indices.append(s.index)
                continue
            already = node.power != 1 if s.kind == "power" else getattr(node, s.kind)
            if already or s.kind in changes:
                raise SyntaxProblem(f"{what} is {_AGAIN[s.kind]} twice", s.start, s.end)
            changes[s.kind] = s.power if s.kind == "power" else True
        if "index" in allowed and len(indices) != len(getattr(node, "indices", ())):
            changes["indices"] = tuple(indices)
        return replace(node, **changes) if changes else node

    # -- scripts --------------------------------------------------------------------------

    def _scripts(self, tokens: list[Token]) -> list[Script]:
        """What the ``SUP``/``SUB`` tokens say, in order (``EMPTY_GROUP`` only separates)."""
        out: list[Script] = []
        for token in tokens:
            if token.type in ("SUP", "SUB"):
                out.extend(
                    read_script(str(token), self._start(token), self._syntax, self._ctx.lines)
                )
        return out


def _word(token: Token) -> str:
    """The name a token stands for: ``\\lambda`` is ``lambda``, ``\\mathrm{Yu}`` is ``Yu``."""
    if token.type == "TEXTNAME":
        match = _TEXT_ARGUMENT.search(str(token))
        assert match is not None  # the TEXTNAME terminal has a braced argument
        return match.group(1)
    if token.type in ("GREEK", "EPS", "SIGMA"):
        return str(token)[1:]
    return str(token)


def _closing(children: list[Any], kind: str) -> int:
    """Where the closing bracket of a group is among its children."""
    return next(k for k, c in enumerate(children) if isinstance(c, Token) and c.type == kind)


def _spliced(children: list[Any]) -> list[Factor]:
    factors: list[Factor] = []
    for c in children:
        if isinstance(c, _Splice):
            factors.extend(c.factors)
        else:
            factors.append(c)
    return factors


def assemble_terms(items: list[Term | HcMark | None]) -> tuple[list[Term], list[SyntaxProblem]]:
    """Terms with their ``+ h.c.`` attached; ``None`` stands for a term that failed to parse.

    A mark after a failed term is dropped silently: that term already has a diagnostic.
    """
    terms: list[Term] = []
    problems: list[SyntaxProblem] = []
    previous: int | None = None  # index into terms of the term a mark would attach to
    seen_any = False
    for item in items:
        if item is None:
            previous, seen_any = None, True
        elif isinstance(item, Term):
            terms.append(item)
            previous, seen_any = len(terms) - 1, True
        elif item.sign < 0:
            message = "'h.c.' is added with '+', not '-'"
            problems.append(SyntaxProblem(message, item.start, item.end))
        elif previous is None:
            if not seen_any:
                message = "'h.c.' needs a term before it"
                problems.append(SyntaxProblem(message, item.start, item.end))
        elif terms[previous].hc:
            message = "'h.c.' is added twice to the same term"
            problems.append(SyntaxProblem(message, item.start, item.end))
        else:
            terms[previous] = replace(terms[previous], hc=True, hc_span=item.span)
    return terms, problems
