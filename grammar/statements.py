"""Statement by statement into a ``Document``, with error recovery.

Each statement is parsed on its own, so a broken declaration costs only itself.  Inside a
Lagrangian the whole statement is tried first (the common, fast case); if it fails it is
cut at top-level signs and parsed term by term, so one broken term yields one diagnostic
and every other term is still there.  A term whose brackets do not close swallows the
signs after it; such a piece is cut again at every sign.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from typing import Any

from lagrangian.grammar.ast import (
    Diagnostic,
    Document,
    FieldDecl,
    FitBlock,
    GaugeDecl,
    GaugeFactor,
    Position,
    Span,
    Term,
)
from lagrangian.grammar.builder import LagrangianItems, head_sign
from lagrangian.grammar.errors import SyntaxProblem
from lagrangian.grammar.parsers import Syntax, lagrangian_head, parse_with
from lagrangian.grammar.piecewise import Piece, PieceCache, reuse
from lagrangian.grammar.positions import LineIndex
from lagrangian.grammar.scanner import (
    Chunk,
    classify,
    split_top_level,
    trim,
    unbalanced,
)
from lagrangian.grammar.sums import Item, assemble_terms
from lagrangian.grammar.symmetry import flavour_suffix, parse_coupling, parse_symmetry

DEFAULT_GAUGE = GaugeDecl((GaugeFactor("SU3", 3), GaugeFactor("SU2", 2), GaugeFactor("U1", 1)))
"""The gauge group of a document without a ``gauge`` line: SU3 x SU2 x U1."""

_RULES = {"gauge": "gauge_stmt", "field": "field_stmt", "fit": "fit_stmt"}
# Spin-1 matter (the U_1 vector leptoquark, a W'): its Lagrangian has no renormalizable
# completion without the gauge symmetry it comes from, and the engine has no vector
# Lorentz representation, so the declaration is refused with what to do instead.
VECTOR_FIELDS = (
    "vector fields cannot be declared: the engine knows scalars and spin-1/2 fermions; "
    "gauge bosons come from the 'gauge' line (their field strengths and D_mu), and a massive "
    "vector such as the U_1 leptoquark is not supported (a vector-like fermion is "
    "'fermion NAME (...) dirac')"
)
_NOWHERE = Span(Position(0, 0, 0), Position(0, 0, 0))


class DocumentBuilder:
    """Collects the statements of one text into a ``Document``."""

    def __init__(self, text: str, syntax: Syntax, pieces: PieceCache | None = None) -> None:
        self.text = text
        self.lines = LineIndex(text)
        self.doc = Document(syntax)
        self.pieces = pieces  # reuse the terms parsed before
        self._parsed: dict[tuple[int, int], Piece] = {}  # this text's pieces, once each

    # -- parsing one piece of text --------------------------------------------------------

    def parse(
        self, start: int, end: int, rule: str, syntax: Syntax
    ) -> tuple[Any, list[SyntaxProblem]]:
        """``text[start:end]`` parsed from ``rule``; raises ``SyntaxProblem``."""
        return parse_with(syntax, self.lines, start, end, rule)

    def error(self, problem: SyntaxProblem) -> None:
        self.doc.errors.append(problem.diagnostic(self.lines))

    # -- statements -----------------------------------------------------------------------

    def add_statement(self, chunk: Chunk, after: Chunk | None = None) -> None:
        if chunk.kind == "lagrangian":
            self.add_lagrangian(chunk.start, chunk.end, "lag")
        elif chunk.kind == "unknown":
            self._unknown(chunk, after)
        elif chunk.kind == "symmetry":
            self.add_symmetry(chunk.start, chunk.end)
        elif chunk.kind == "coupling":
            self.add_coupling(chunk.start, chunk.end)
        else:
            self.add_declaration(chunk.start, chunk.end, _RULES[chunk.kind])

    def add_declaration(self, start: int, end: int, rule: str) -> None:
        try:
            flavours = 1
            if rule == "field_stmt":
                end, flavours = flavour_suffix(self.text, start, end)
            node, problems = self.parse(start, end, rule, "lag")
        except SyntaxProblem as problem:
            self.error(problem)
            return
        for problem in problems:
            self.error(problem)
        if isinstance(node, FieldDecl):
            self.doc.fields.append(replace(node, flavours=flavours))
        elif isinstance(node, FitBlock):
            self.doc.fits.append(node)
        elif self.doc.gauge is not None:
            self.error(SyntaxProblem("the gauge group is declared twice", start, end))
        else:
            self.doc.gauge = node

    def add_symmetry(self, start: int, end: int) -> None:
        """``symmetry Z2: eta -, N -``: a discrete or global symmetry of the Lagrangian."""
        try:
            self.doc.symmetries.append(parse_symmetry(self.text, start, end, self.lines))
        except SyntaxProblem as problem:
            self.error(problem)

    def add_coupling(self, start: int, end: int) -> None:
        """``coupling f antisymmetric``: the flavour symmetry a coupling is meant to have."""
        try:
            self.doc.couplings.append(parse_coupling(self.text, start, end, self.lines))
        except SyntaxProblem as problem:
            self.error(problem)

    def add_declarations(self, start: int, end: int) -> None:
        """Declarations separated by ``;`` or line breaks: ``--fields`` and ``% lagrangian:``."""
        head = lagrangian_head("lag")
        for s, e in split_top_level(self.text, start, end, "lag", ";\n\r", keep=False):
            kind = classify(self.text, s, head)
            if kind == "symmetry":
                self.add_symmetry(s, e)
            elif kind == "coupling":
                self.add_coupling(s, e)
            elif kind in _RULES:
                self.add_declaration(s, e, _RULES[kind])
            elif self._vector(s, e):
                self.error(SyntaxProblem(VECTOR_FIELDS, s, e))
            else:
                word = self._first_word(s, e)
                self.error(
                    SyntaxProblem(
                        f"expected a declaration ('scalar', 'fermion', 'gauge' or 'fit'); "
                        f"found '{self.text[word[0] : word[1]]}'",
                        *word,
                    )
                )

    def _unknown(self, chunk: Chunk, after: Chunk | None) -> None:
        if self._vector(chunk.start, chunk.end):
            self.error(SyntaxProblem(VECTOR_FIELDS, chunk.start, chunk.end))
            return
        word = self._first_word(chunk.start, chunk.end)
        found = self.text[word[0] : word[1]]
        message = (
            "expected a statement ('gauge', 'scalar', 'fermion', 'fit' or 'L = ...'); "
            f"found '{found}'"
        )
        if after is not None and after.kind == "lagrangian":
            message += "; continuation lines of a Lagrangian are indented or start with + or -"
        self.error(SyntaxProblem(message, *word))

    def _vector(self, start: int, end: int) -> bool:
        """A declaration that starts with ``vector``: a spin-1 field."""
        word = self._first_word(start, end)
        return self.text[word[0] : word[1]].lower() == "vector"

    def _first_word(self, start: int, end: int) -> tuple[int, int]:
        stop = start
        while stop < end and not self.text[stop].isspace():
            stop += 1
        return start, stop

    # -- Lagrangians ----------------------------------------------------------------------

    def add_lagrangian(self, start: int, end: int, syntax: Syntax) -> None:
        """``L = ...`` at ``start``: its terms, recovering term by term on errors."""
        problems: list[SyntaxProblem] = []
        whole: SyntaxProblem | None = None
        head = lagrangian_head(syntax).match(self.text, start)
        assert head is not None  # statements are classified by this very pattern
        cached = self.pieces is not None

        def cuts() -> list[tuple[int, int]]:
            """The cuts at top-level signs: for the cache, and to recover term by term."""
            return split_top_level(self.text, head.end(), end, syntax, "+-", keep=True)

        pieces = cuts() if cached else []
        parsed = self._by_pieces(pieces, syntax) if cached else None
        try:
            if parsed is not None and parsed.failure is None:
                items, problems, last = self._joined(head.group(), parsed)
            else:
                items, problems, last = self._whole(start, end, syntax, pieces, parsed)
        except SyntaxProblem as failure:
            whole = failure
            items, problems = self._recover(pieces or cuts(), syntax, whole)
            last = trim(self.text, start, end)[1]
        self.doc.lagrangian_spans.append(self.lines.span(start, last))
        terms, more = assemble_terms(items)
        self.doc.terms.extend(terms)
        problems += more
        if whole is not None and not problems:
            problems.append(whole)  # every piece parsed on its own: the cut itself was wrong
        for problem in problems:
            self.error(problem)

    def _by_pieces(self, pieces: list[tuple[int, int]], syntax: Syntax) -> Piece | None:
        """The pieces parsed alone (from the cache where their text was seen before), up to
        the first that fails; None where the whole statement must be parsed instead."""
        if not pieces:
            return None
        items: list[Item] = []
        problems: list[SyntaxProblem] = []
        for s, e in pieces:
            piece = self._cached_piece(s, e, syntax)
            if piece.failure is not None:
                return Piece(self.lines.position(s), failure=piece.failure)
            if not items and not (piece.items and isinstance(piece.items[0], Term)):
                return None  # `L = + h.c. ...`: the whole parse says what is wrong first
            items += piece.items
            problems += piece.problems
        return Piece(self.lines.position(pieces[0][0]), tuple(items), tuple(problems))

    def _joined(self, head: str, parsed: Piece) -> tuple[list[Item], list[SyntaxProblem], int]:
        """What ``lagrangian_stmt`` makes of the pieces: items, problems, end offset."""
        items = list(parsed.items)
        if head_sign(head) < 0:
            items = [replace(x, sign=-x.sign) if isinstance(x, Term) else x for x in items]
        span = getattr(items[-1], "span", None)
        assert isinstance(span, Span)  # parsed terms and marks have one
        return items, list(parsed.problems), span.end.offset

    def _whole(
        self,
        start: int,
        end: int,
        syntax: Syntax,
        pieces: list[tuple[int, int]],
        parsed: Piece | None,
    ) -> tuple[list[Item], list[SyntaxProblem], int]:
        """The statement parsed whole (raises its first error, found from ``parsed``)."""
        error = self._first_error(start, end, pieces, parsed)
        if error is not None:
            raise error
        stmt, problems = self.parse(start, end, "lagrangian_stmt", syntax)
        assert isinstance(stmt, LagrangianItems)
        return list(stmt.items), problems, stmt.end

    def _first_error(
        self, start: int, end: int, pieces: list[tuple[int, int]], parsed: Piece | None
    ) -> SyntaxProblem | None:
        """The whole statement's first syntax error, parsed from the first failing piece.

        Every piece before it parses, so the parser reaches it in the state that follows any
        complete term; ``L=x`` (a head and a term in either syntax) padded to the same
        length puts it in that state, and the text from the failing piece on is read
        exactly as in the whole statement.
        """
        if parsed is None or parsed.failure is None:
            return None
        failing = parsed.start.offset
        if failing - start < 3 or failing == pieces[0][0]:
            return None
        stand_in = "L=x".ljust(failing - start) + self.text[failing:end]
        try:
            parse_with(self.doc.syntax, self.lines, start, end, "lagrangian_stmt", stand_in)
        except SyntaxProblem as problem:
            return problem
        return None

    def _cached_piece(self, start: int, end: int, syntax: Syntax) -> Piece:
        """``text[start:end]`` parsed from ``piece``, through the cache."""
        assert self.pieces is not None
        if (start, end) in self._parsed:
            return self._parsed[(start, end)]
        key = (syntax, self.text[start:end])
        cached = self.pieces.get(key)
        if cached is not None:
            piece = reuse(cached, self.lines, start)
        else:
            try:
                got, problems = self.parse(start, end, "piece", syntax)
                piece = Piece(self.lines.position(start), tuple(got), tuple(problems))
            except SyntaxProblem as failure:
                piece = Piece(self.lines.position(start), failure=failure)
            self.pieces.put(key, piece)
        self._parsed[(start, end)] = piece
        return piece

    def _recover(
        self, pieces: list[tuple[int, int]], syntax: Syntax, whole: SyntaxProblem
    ) -> tuple[list[Item], list[SyntaxProblem]]:
        """The pieces between top-level signs, parsed one by one.

        The error of the whole statement is the better report for the piece it lies in:
        it was found with the whole statement as context, so it knows what may follow.
        """
        items: list[Item] = []
        failures: list[tuple[SyntaxProblem, int, int]] = []
        for s, e in pieces:
            self._piece(s, e, syntax, items, failures, cut_again=True)
        return items, [whole if s <= whole.start <= e else p for p, s, e in failures]

    def _piece(
        self,
        start: int,
        end: int,
        syntax: Syntax,
        items: list[Item],
        failures: list[tuple[SyntaxProblem, int, int]],
        cut_again: bool,
    ) -> None:
        if self.pieces is not None:
            piece = self._cached_piece(start, end, syntax)
            got, problem = piece.items, piece.failure
        else:
            try:
                got, problem = self.parse(start, end, "piece", syntax)[0], None
            except SyntaxProblem as failure:
                problem = failure
        if problem is None:
            items.extend(got)
            return
        if cut_again and unbalanced(self.text, start, end, syntax):
            pieces = split_top_level(self.text, start, end, syntax, "+-", keep=True, flat=True)
            if len(pieces) > 1:
                for s, e in pieces:
                    self._piece(s, e, syntax, items, failures, cut_again=False)
                return
        items.append(None)
        failures.append((problem, start, end))

    # -- after the last statement ---------------------------------------------------------

    def finish(self) -> Document:
        """Charges read and tuple lengths checked against the gauge group."""
        gauge = self.doc.gauge or DEFAULT_GAUGE
        kept: list[FieldDecl] = []
        for decl in self.doc.fields:
            if len(decl.reps) != len(gauge.factors):
                group = " x ".join(f.name for f in gauge.factors)
                self.doc.errors.append(
                    Diagnostic(
                        decl.span or _NOWHERE,
                        "error",
                        "bad-representation",
                        f"'{decl.name}' lists {len(decl.reps)} quantum numbers but the gauge "
                        f"group {group} has {len(gauge.factors)} factors",
                    )
                )
                continue
            reps = tuple(
                replace(rep, charge=_charge(rep.text)) if factor.is_abelian else rep
                for rep, factor in zip(decl.reps, gauge.factors)
            )
            kept.append(replace(decl, reps=reps))
        self.doc.fields = kept
        self.doc.errors.sort(key=lambda d: d.span.start.offset)
        return self.doc


def _charge(text: str) -> Fraction | None:
    """A U(1) charge such as ``-13/6``; None when the text is no number (physics says why)."""
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        return None
