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

import math
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
    nested_factors,
    repeated_indices,
)
from lagrangian.grammar.errors import SyntaxProblem
from lagrangian.grammar.names import GREEK, RESERVED, TERM_KEYWORDS
from lagrangian.grammar.positions import LineIndex
from lagrangian.grammar.scripts import MAX_DIGITS, TOO_LONG, Script, read_script
from lagrangian.grammar.sums import Dots, HcMark, Item, assemble_terms, multiply

MAX_DEPTH = 64  # nested groups and derivatives in one factor

_GROUP = re.compile(r"(SU|U)\(?\s*(\d+)\s*\)?(?:_.*)?", re.S)
_TEXT_ARGUMENT = re.compile(r"\{\s*([^}]*?)\s*\}")
_FRAC_DIGITS = re.compile(r"(\d)\s*(\d)$")
_MAX_SUM_POWER = 4  # (X - Y)^n of a sum is multiplied out up to this power
_UNESCAPE = re.compile(r"\\(.)")
_BRACKETS = frozenset(["LPAR", "RPAR", "LBRACE", "RBRACE", "LSQB", "RSQB"])


@dataclass(frozen=True)
class LagrangianItems:
    """The terms, ``h.c.`` marks and ``\\dots`` of one ``L = ...`` statement."""

    items: list[Item]
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
    """A term body before it is multiplied out: per position, the summands to choose from
    (a bracketed sum) or one factor standing for itself."""

    choices: list[list[Term | Factor]]
    start: int
    end: int


@dataclass(frozen=True)
class _Sum:
    """What a bracket, a brace, ``\\frac`` or ``\\sqrt`` contributes to a product: the
    summands it holds (one, for a plain grouping such as ``{H^\\dagger H}``)."""

    variants: list[Term]
    start: int
    end: int


@dataclass(frozen=True)
class _Imag:
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
        kind, token, reps, *flags = children
        name = str(token).replace("{", "").replace("}", "")  # H_{u} is H_u
        if name in RESERVED:
            raise self._fail(f"'{name}' is reserved and cannot name a field", token)
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
                message = "the chirality ('left', 'right' or 'dirac') is given twice"
                self._ctx.problems.append(self._fail(message, flag))
            else:
                helicity = str(flag)
        if kind.type == "FERMION" and helicity is None:
            message = f"fermion '{name}' needs a helicity: add 'left', 'right' or 'dirac'"
            self._ctx.problems.append(self._fail(message, token))
        return FieldDecl(
            kind=str(kind),  # type: ignore[arg-type]
            name=name,
            reps=reps.reps,
            helicity=helicity,  # type: ignore[arg-type]
            real=real and kind.type == "SCALAR",
            span=self._span_of(children),
            name_span=self._span_of([token]),
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
        _require_factors(items)
        if not items:  # only pieces defined elsewhere: `\\mathcal{L} = \\mathcal{L}_{\\rm gauge}`
            return LagrangianItems([], self._start(head), self._end(head))
        if head_sign(str(head)) < 0:  # a potential (L = -V) or a head such as -\\mathcal{L}
            items = [replace(x, sign=-x.sign) if isinstance(x, Term) else x for x in items]
        return LagrangianItems(items, self._start(head), self._end(items[-1]))

    def term_list(self, children: list[Any]) -> list[Item]:
        out: list[Item] = []
        for child in children:
            out.extend(child if isinstance(child, list) else [child])
        return out

    def single_term(self, children: list[Any]) -> list[Item]:
        items = self.term_list(children)
        _require_factors(items)
        return items

    piece = single_term

    def sign(self, children: list[Token]) -> _Sign:
        token = children[0]
        return _Sign(-1 if token.type == "MINUS" else 1, self._start(token), self._end(token))

    def first_term(self, children: list[Any]) -> list[Term]:
        sign = children[0].value if len(children) == 2 else 1
        body: _Body = children[-1]
        variants = multiply(body.choices, body.start, body.end, sign, self._span_of(children))
        return [self._noted(v) for v in variants]

    signed_term = first_term

    def hc_mark(self, children: list[Any]) -> HcMark:
        start, end = self._extent(children)
        return HcMark(children[0].value, start, end, self._span(start, end))

    def piece_ref(self, children: list[Any]) -> list[Item]:
        return []  # `+ \\mathcal{L}_{\\rm Yukawa}`: a piece defined elsewhere

    def dots(self, children: list[Any]) -> Dots:
        start, end = self._extent(children[-1:])
        return Dots(start, end, self._span(start, end))

    def term_body(self, children: list[Any]) -> _Body:
        choices: list[list[Term | Factor]] = []
        for c in children:
            if isinstance(c, Number):
                choices.append([Term(1, (), (c,))])
            elif isinstance(c, _Imag):
                choices.append([Term(1, (), imaginary=True)])
            elif isinstance(c, _Sum):
                choices.append(list(c.variants))
            elif isinstance(c, Token):
                factor = self._token_factor(c)
                if factor is not None:
                    choices.append([factor])
            else:
                choices.append([c])
        return _Body(choices, *self._extent(children))

    def _noted(self, term: Term) -> Term:
        factors = self._notation(term.factors)
        return term if factors is term.factors else replace(term, factors=factors)

    def _token_factor(self, token: Token) -> Any:
        """Factors that are one token: ``P_R`` (kept until it meets its field), ``i\\sigma_2``."""
        if token.type == "PROJECTOR":
            return _Projector("R" in str(token) or "+" in str(token), self._start(token))
        if token.type == "EPS_MATRIX":
            return Epsilon(span=self._span_of([token]))
        return None  # \\sum_i: a flavour sum says nothing about the invariant

    def _notation(self, factors: tuple[Any, ...]) -> tuple[Any, ...]:
        """Projectors moved onto their fields, ``psi^c`` read, ``C`` after ``psi^T`` dropped.

        A projector or a slashed derivative with nothing after it is kept: inside brackets
        it acts on what follows them (``\\bar\\psi (i\\slashed\\partial - m) \\psi``), which
        ``_require_factors`` checks at the top.
        """
        marked = _conjugation_marked(factors)
        if not marked and not any(isinstance(f, (_Projector, _OpenDerivative)) for f in factors):
            return factors  # the common case: nothing to move or read
        out: list[Any] = []
        pending: _Projector | _OpenDerivative | None = None
        used = repeated_indices(factors) if marked else set()
        for factor in factors:
            if isinstance(factor, (_Projector, _OpenDerivative)):
                if pending is not None:
                    raise pending.misplaced()
                pending = factor
                continue
            after_transpose = bool(out) and getattr(out[-1], "transpose", False)
            if after_transpose and _is_charge_conjugation_matrix(factor):
                continue
            if marked:
                factor = _charge_conjugate(factor, used)
            if isinstance(pending, _Projector):
                projected = _project(factor, "right" if pending.right else "left")
                if projected is None:
                    raise pending.misplaced()
                factor = projected
            elif isinstance(pending, _OpenDerivative):
                if pending.slashed:
                    out.append(Sigma(False, span=pending.span))
                factor = Derivative(pending.covariant, pending.index, factor, pending.span)
            pending = None
            out.append(factor)
        if pending is not None:
            out.append(pending)
        return tuple(out)

    def open_derivative(self, children: list[Token]) -> _OpenDerivative:
        keyword, *scripts = children
        indices = [s.index for s in self._scripts(scripts) if s.kind == "index"]
        if len(indices) != len(self._scripts(scripts)) or len(indices) > 1:
            raise self._fail("a derivative takes one index, such as D_mu", *children)
        slashed = keyword.type == "SLASHED"
        covariant = keyword.type != "PARTIAL" and "partial" not in str(keyword)
        index = indices[0] if indices else None
        return _OpenDerivative(
            covariant, index, slashed, self._start(keyword), self._span_of(children)
        )

    def imag(self, children: list[Token]) -> _Imag:
        return _Imag(*self._extent(children))

    def number(self, children: list[Token]) -> Number:
        token = children[0]
        if token.type == "FRACTION":
            top, bottom = str(token).split("/")
            return self._fraction(token, top.strip(), bottom.strip())
        if token.type in ("FACTORIAL", "DIVISOR"):
            text = str(token).strip("/{} \t\n")
            digits = self._digits(text.rstrip("! \t\n"), token)
            if text.endswith("!") and int(digits) > 20:
                raise self._fail("a factorial is at most 20!", token)
            value = math.factorial(int(digits)) if text.endswith("!") else int(digits)
            if token.type == "FACTORIAL":
                return Number(Fraction(value), self._span_of(children))
            if value == 0:
                raise self._fail("division by zero", token)
            return Number(Fraction(1, value), self._span_of(children))
        return Number(Fraction(self._digits(str(token), token)), self._span_of(children))

    def frac_digits(self, children: list[Token]) -> Number:  # \\frac12
        match = _FRAC_DIGITS.search(str(children[0]))
        assert match is not None  # the FRAC_DIGITS terminal ends in two digits
        return self._fraction(children[0], match.group(1), match.group(2))

    def frac(self, children: list[Any]) -> _Sum:
        """``\\frac{\\lambda_1}{2}``: the numerator's terms over one denominator term."""
        top, bottom = (c for c in children if isinstance(c, list))
        start, end = self._extent(children)
        below = self._one_term(bottom, children)
        inverse: list[Number] = []
        for n in below.numbers:
            if n.value == 0:
                raise self._fail("division by zero", *children)
            inverse.append(Number(1 / n.value, n.span))
        scale = math.prod((n.value for n in inverse), start=Fraction(1))
        span = self._span(start, end)
        variants = []
        for top_term in self._summands(top, children):
            value = math.prod((n.value for n in top_term.numbers), start=scale)
            variants.append(
                replace(
                    top_term,
                    factors=top_term.factors + below.factors,
                    numbers=(Number(value, span),),
                    imaginary=top_term.imaginary != below.imaginary,
                    sign=top_term.sign * below.sign,
                    span=None,
                )
            )
        return _Sum(variants, start, end)

    def sqrt(self, children: list[Any]) -> _Sum:
        """``\\sqrt{2}``, ``\\sqrt{\\lambda}``: couplings kept, the irrational number dropped."""
        inner = next((c for c in children if isinstance(c, list)), None)
        if inner is None:  # \\sqrt2
            return _Sum([Term(1, ())], *self._extent(children))
        variants = [Term(1, t.factors) for t in self._summands(inner, children)]
        return _Sum(variants, *self._extent(children))

    def _summands(self, items: list[Item], where: list[Any]) -> list[Term]:
        terms, problems = assemble_terms(items)
        for problem in problems:
            if problem.note:
                self._ctx.problems.append(problem)
            else:
                raise problem
        if not terms:
            raise self._fail("empty brackets", *where)
        return terms

    def _one_term(self, items: list[Item], where: list[Any]) -> Term:
        terms = self._summands(items, where)
        if len(terms) != 1 or terms[0].hc:
            raise self._fail("a denominator is one product, such as 2 or 4!", *where)
        return terms[0]

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
        word = _word(name)
        if word in TERM_KEYWORDS:
            raise self._fail(f"'{name}' is a keyword and cannot stand as a symbol here", name)
        changes = self._changes(_PLAIN, self._scripts(children[1:]))
        return Symbol(word, span=self._span_of(children), **changes)  # built once

    def epsilon(self, children: list[Any]) -> Epsilon:
        node = Epsilon(span=self._span_of(children))
        return self._decorate(node, self._scripts(children[1:]))

    def sigma(self, children: list[Any]) -> Sigma:
        node = Sigma(children[0].type == "SIGMABAR", span=self._span_of(children))
        return self._decorate(node, self._scripts(children[1:]))

    def gamma(self, children: list[Any]) -> Factor | _Sum:
        """``\\gamma^\\mu`` is a Dirac matrix (a sigma for the engine), ``\\gamma_5`` changes
        no Lorentz bookkeeping; ``\\gamma`` otherwise is the Greek coupling."""
        scripts = self._scripts(children[1:])
        span = self._span_of(children)
        if any(s.index is not None and s.index.name in GREEK for s in scripts):
            return self._decorate(Sigma(False, span=span), scripts)
        if [s.index.name for s in scripts if s.index is not None] == ["5"] and len(scripts) == 1:
            return _Sum([Term(1, ())], *self._extent(children))
        return self._decorate(Symbol("gamma", span=span), scripts)

    def derivative(self, children: list[Any]) -> Derivative | _Sum:
        keyword, *scripts, operand = children
        if isinstance(operand, _Sum):
            if len(operand.variants) != 1 or len(operand.variants[0].factors) != 1:
                raise self._fail("a derivative acts on one factor; use parentheses", operand)
            operand = operand.variants[0].factors[0]
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
        if keyword.type == "BOX":  # \\Box = partial_mu partial^mu
            span = self._span_of(children)
            inner = self._nest(Derivative(False, None, operand, span), [operand])
            return self._nest(Derivative(False, None, inner, span), [inner])
        if keyword.type == "SLASHED":  # \\slashed{D} = gamma^mu D_mu
            covariant = "partial" not in str(keyword)
            span = self._span_of(children)
            node = self._nest(Derivative(covariant, None, operand, span), [operand])
            return _Sum(
                [Term(1, (Sigma(False, span=self._span_of([keyword])), node))],
                *self._extent(children),
            )
        node = Derivative(keyword.type != "PARTIAL", index, operand, self._span_of(children))
        return self._nest(node, [operand])

    def group(self, children: list[Any]) -> Factor | _Sum:
        """A bracket: a product contracted on its own (``(H^\\dagger H)``) or a sum."""
        close = 2  # children: the opening bracket, the terms, the closing bracket, scripts
        terms = self._summands(children[1], children)
        scripts = self._scripts(children[close + 1 :])
        single = terms[0] if len(terms) == 1 else None
        if single is not None and single.sign == 1 and len(single.factors) == 1 and scripts:
            lone = single.factors[0]
            indices_only = all(x.kind == "index" for x in scripts)
            if (
                isinstance(lone, Symbol)
                and indices_only
                and not (single.numbers or single.imaginary)
            ):
                # ``(Y_e)_{ij}``, ``(N_R)^c``: brackets around one symbol group its scripts
                return replace(self._decorate(lone, scripts), span=self._span_of(children))
            if (
                isinstance(lone, Derivative)
                and isinstance(lone.operand, Symbol)
                and indices_only
                and not (single.numbers or single.imaginary)
            ):
                # ``(D_\mu \Sigma)^a``: the component index of the field the derivative acts on
                operand = self._decorate(lone.operand, scripts)
                node = replace(lone, operand=operand, span=self._span_of(children))
                return self._keep_depth(lone, node)
        plain = (1, (), False, False)
        if (
            single is not None
            and (single.sign, single.numbers, single.imaginary, single.hc) == plain
        ):
            node = Group(single.factors, span=self._span_of(children))
            return self._nest(self._decorate(node, scripts), list(single.factors))
        summands = [replace(t, span=None) for t in terms]
        start, end = self._extent(children)
        if len(scripts) == 1 and scripts[0].kind == "power" and scripts[0].power <= _MAX_SUM_POWER:
            return _Sum(
                multiply([summands] * scripts[0].power, start, end), start, end
            )  # (X - Y)^2
        if scripts:
            message = "a bracket holding a sum or numbers takes only a power; multiply it out"
            raise SyntaxProblem(message, scripts[0].start, scripts[-1].end)
        return _Sum(summands, start, end)

    def braced(self, children: list[Any]) -> Factor | _Sum:
        close = _closing(children, "RBRACE")
        terms = self._summands(children[1], children)
        scripts = self._scripts(children[close + 1 :])
        if not scripts:
            return _Sum([replace(t, span=None) for t in terms], *self._extent(children))
        if len(terms) != 1 or len(terms[0].factors) != 1 or terms[0].numbers:
            message = "braces with scripts hold one factor; use parentheses for a product"
            raise self._fail(message, *children)
        inner = terms[0].factors[0]
        decorated = self._decorate(inner, scripts)
        return self._keep_depth(inner, replace(decorated, span=self._span_of(children)))

    def barred(self, children: list[Any]) -> Factor:
        """``\\bar\\psi``, ``\\overline{\\psi_L}``, ``\\tilde H``: the conjugate field
        (the bar's gamma^0 and tilde's i sigma_2 change no invariant)."""
        keyword, inner = children
        if isinstance(inner, _Sum):
            factors = inner.variants[0].factors if len(inner.variants) == 1 else ()
            if len(factors) != 1 or inner.variants[0].numbers:
                raise self._fail(f"'{keyword}' stands over one field", *children)
            inner = factors[0]
        if not isinstance(inner, (Symbol, Group)):
            raise self._fail(f"'{keyword}' stands over a field", *children)
        return replace(inner, conjugate=not inner.conjugate, span=self._span_of(children))

    def modulus(self, children: list[Any]) -> Group:
        """``|H|^2`` is ``H^\\dagger H``, ``|H|^4`` is ``(H^\\dagger H)^2``."""
        close = max(k for k, c in enumerate(children) if isinstance(c, Token) and c.type == "VBAR")
        inside = _factors_of(children[1:close])
        scripts = self._scripts(children[close + 1 :])
        powers = [s for s in scripts if s.kind == "power"]
        if len(powers) != 1 or len(scripts) != 1 or powers[0].power % 2:
            raise self._fail("write |...| with an even power, such as |H|^2", *children)
        if len(inside) == 1 and isinstance(inside[0], Symbol):
            this = inside[0]
        else:
            this = Group(tuple(inside), span=self._span_of(children[: close + 1]))
        pair = (replace(this, conjugate=not this.conjugate), this)
        node = Group(pair, power=powers[0].power // 2, span=self._span_of(children))
        return self._nest(node, list(inside))

    def trace(self, children: list[Any]) -> Factor | _Sum:
        """``{\\rm Tr}(\\Delta^\\dagger\\Delta)``: a trace is a product contracted to a singlet,
        its fields read as matrices in the written order.  ``{\\rm Tr}(A)^2`` could be either
        ``Tr(A^2)`` or ``(Tr A)^2``; it keeps the plain bracket's reading, ``(Tr A)^2``."""
        inner = children[1]
        if isinstance(inner, Symbol):  # {\\rm Tr}\\,\\Sigma^2
            node = Group((inner,), span=self._span_of(children), trace=True)
            return self._nest(node, [inner])
        if isinstance(inner, Group) and inner.power == 1 and not inner.conjugate:
            return self._keep_depth(inner, replace(inner, trace=True))
        return inner  # type: ignore[no-any-return]

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
        changes = self._changes(node, scripts)
        return replace(node, **changes) if changes else node

    def _changes(self, node: Any, scripts: list[Script]) -> dict[str, Any]:
        """What ``node``'s scripts change in it (``_decorate``)."""
        if not scripts:
            return {}
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
        return changes

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


_PLAIN = Symbol("", span=None)  # what a symbol is before its scripts


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


def _factors_of(children: list[Any]) -> list[Factor]:
    factors: list[Factor] = []
    for c in children:
        if isinstance(c, _Sum):
            if len(c.variants) != 1:
                raise SyntaxProblem("a sum cannot stand here", c.start, c.end)
            factors.extend(c.variants[0].factors)
        elif not isinstance(c, Token):
            factors.append(c)
    return factors


@dataclass(frozen=True)
class _Projector:
    right: bool
    start: int

    def misplaced(self) -> SyntaxProblem:
        return SyntaxProblem("a chiral projector stands before a field", self.start, self.start + 1)


@dataclass(frozen=True)
class _OpenDerivative:
    covariant: bool
    index: Index | None
    slashed: bool
    start: int
    span: Span

    def misplaced(self) -> SyntaxProblem:
        message = "a derivative acts on a field after it"
        return SyntaxProblem(message, self.start, self.span.end.offset)


def head_sign(head: str) -> int:
    """-1 for a potential (``V = ...``, as L = -V) and for ``-\\mathcal{L} = ...``."""
    text = head.lstrip()
    negated = text.startswith("-")
    potential = _POTENTIAL.match(text.lstrip("- \t\n")) is not None
    return -1 if negated != potential else 1


_POTENTIAL = re.compile(r"(?:\\delta\s*)?(?:\\math(?:cal|scr)\s*\{?\s*V|\{\s*\\cal\s+V|V)")


def _require_factors(items: list[Item]) -> None:
    """A whole term has a factor, and no projector or derivative is left without one."""
    for item in items:
        if not isinstance(item, Term):
            continue
        for factor in item.factors:
            if isinstance(factor, (_Projector, _OpenDerivative)):
                raise factor.misplaced()
        if not item.factors:
            start = item.span.start.offset if item.span else 0
            end = item.span.end.offset if item.span else 0
            raise SyntaxProblem("a term needs a factor besides its numbers", start, end)


def _conjugation_marked(factors: tuple[Any, ...]) -> bool:
    """Whether a ``C`` matrix or an upper ``c``/``C`` index appears anywhere in the factors:
    only then is there a charge conjugation to read."""
    return any(
        isinstance(f, Symbol)
        and (f.name == "C" or any(i.upper and i.name in ("c", "C") for i in f.indices))
        for f in nested_factors(factors)
    )


def _charge_conjugate(factor: Any, shared: set[str]) -> Any:
    """``\\psi^c`` (an upper ``c`` no other index of the term meets) is the conjugate field.

    Unchanged nodes are returned as they are (their identity carries their nesting depth).
    """
    if isinstance(factor, Symbol):
        marks = [i for i in factor.indices if i.upper and i.name in ("c", "C")]
        if len(marks) == 1 and marks[0].name not in shared:
            kept = tuple(i for i in factor.indices if i is not marks[0])
            return replace(factor, indices=kept, conjugate=not factor.conjugate)
    elif isinstance(factor, Group):
        inner = tuple(_charge_conjugate(f, shared) for f in factor.factors)
        if any(a is not b for a, b in zip(inner, factor.factors)):
            return replace(factor, factors=inner)
    elif isinstance(factor, Derivative):
        operand = _charge_conjugate(factor.operand, shared)
        if operand is not factor.operand:
            return replace(factor, operand=operand)
    return factor


def _is_charge_conjugation_matrix(factor: Any) -> bool:
    """``C`` right after ``\\psi^T``: the charge-conjugation matrix of ``\\psi^T C \\chi``."""
    return isinstance(factor, Symbol) and factor.name == "C" and not factor.indices


def _project(factor: Any, chirality: str) -> Any:
    """``factor`` with ``chirality`` set on its first field symbol, or None if it has none."""
    if isinstance(factor, Symbol):
        return replace(factor, chirality=chirality)
    if isinstance(factor, Derivative):
        inner = _project(factor.operand, chirality)
        return None if inner is None else replace(factor, operand=inner)
    if isinstance(factor, Group):
        for k, f in enumerate(factor.factors):
            inner = _project(f, chirality)
            if inner is not None:
                factors = (*factor.factors[:k], inner, *factor.factors[k + 1 :])
                return replace(factor, factors=factors)
    return None
