"""Our compact token format: terms refer to the input fields by position.

BART-L restates every field's quantum numbers in every term it occurs in, which makes
targets long (and lets a model misspell a charge).  Here the source states them once and a
term only points back at fields:

* source, per field: ``SCALAR [REAL]`` or ``FERMION``, the non-trivial quantum numbers as in
  BART-L (declared charges, digit by digit), then ``LEFT``/``RIGHT`` for fermions::

      SCALAR SU2 2 U1 1 / 2 FERMION SU2 2 U1 - 1 / 2 LEFT

* target, per term: ``GAUGE SU2`` (a gauge kinetic term), ``KINETIC F 3`` (the kinetic term
  of field 3), or ``TERM`` followed by objects ``F <position> [DAGGER]`` and one entry per
  epsilon, ``SU2 1 2``, naming the objects it joins (1-based, in the term's order).  Field
  positions are spelled in digits, so any number of fields fits the closed vocabulary.  The
  Lorentz contraction of a fermion pair is the only one there is, so it is implied.

Objects come in the engine's display order and epsilons in the BART-L convention (every
index upper, see ``physics.tokens``), so a compact term and a BART-L term of the same
invariant name the same contraction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeVar

from lagrangian.model.codec import DEFAULT_SPECIAL_TOKENS, DIGITS, SpecialTokens, TokenError
from lagrangian.model.codec.bartl import (
    GROUPS,
    DecodeError,
    TermReader,
    check_group,
    decode_terms,
    number_tokens,
)

if TYPE_CHECKING:
    from lagrangian.physics.fields import Model
    from lagrangian.physics.lagrangian import LagrangianTerm

TermKind = Literal["gauge_kinetic", "kinetic", "potential"]
_HEADS = {"GAUGE": "gauge_kinetic", "KINETIC": "kinetic", "TERM": "potential"}


@dataclass(frozen=True)
class PositionalTerm:
    """A term over declared fields: the structure verification and scoring work on.

    ``objects``: (field index, conjugated) per factor, in the term's order (for a kinetic
    term, the one field); ``contractions``: per epsilon, the SU group and the 0-based object
    positions it joins; ``group``: the factor of a gauge kinetic term.
    """

    kind: TermKind
    objects: tuple[tuple[int, bool], ...] = ()
    contractions: tuple[tuple[str, tuple[int, ...]], ...] = ()
    group: str | None = None

    def canonical(self) -> PositionalTerm:
        """Contraction entries sorted (an epsilon's slot order is only a sign)."""
        entries = sorted((g, tuple(sorted(ids))) for g, ids in self.contractions)
        return PositionalTerm(self.kind, self.objects, tuple(entries), self.group)

    def tokens(self) -> list[str]:
        if self.kind == "gauge_kinetic":
            assert self.group is not None
            return ["GAUGE", self.group]
        if self.kind == "kinetic":
            return ["KINETIC", "F", *number_tokens(str(self.objects[0][0] + 1))]
        out = ["TERM"]
        for index, dagger in self.objects:
            out += ["F", *number_tokens(str(index + 1))]
            if dagger:
                out.append("DAGGER")
        for group, ids in self.contractions:
            if any(k >= len(DIGITS) - 1 for k in ids):
                raise TokenError("a term of the compact format has at most 9 objects")
            out += [group, *(str(k + 1) for k in ids)]
        return out


def positional_term(model: Model, term: LagrangianTerm) -> PositionalTerm:
    """An engine term as a :class:`PositionalTerm` (objects in display order)."""
    from lagrangian.physics.render import display_order
    from lagrangian.physics.tokens import term_tokens

    if term.kind == "gauge_kinetic":
        assert term.strength is not None
        return PositionalTerm("gauge_kinetic", group=model.group.names[term.strength])
    if term.kind == "kinetic":
        return PositionalTerm("kinetic", ((term.occurrences[0].index, False),))
    occs = term.occurrences
    order = display_order(model, occs, list(range(len(occs))))
    objects = tuple((occs[i].index, occs[i].conjugate) for i in order)
    (printed,) = decode_terms(term_tokens(model, term)).terms
    entries = tuple((g, ids) for g, ids in printed.contractions if g != "LORENTZ")
    return PositionalTerm("potential", objects, entries)


class PositionCursor(TermReader):
    """BART-L's term reader, plus the positional references of the compact formats."""

    def field_index(self, count: int | None) -> int:
        digits = ""
        while self.peek() in DIGITS:
            digits += self.take()
        if not digits or digits.startswith("0"):
            raise self.error("F must be followed by a field position 1, 2, …")
        index = int(digits) - 1
        if count is not None and index >= count:
            raise self.error(f"field F{index + 1} does not exist (there are {count} fields)")
        return index

    def objects(self, count: int | None) -> tuple[tuple[int, bool], ...]:
        """``F k [DAGGER]`` repeated, at least once."""
        objects: list[tuple[int, bool]] = []
        while self.peek() == "F":
            self.take()
            index = self.field_index(count)
            dagger = self.peek() == "DAGGER"
            if dagger:
                self.take()
            objects.append((index, dagger))
        if not objects:
            raise self.error("TERM must be followed by at least one F")
        return tuple(objects)

    def head(self, count: int | None) -> PositionalTerm | None:
        """A gauge or field kinetic term (``None`` after ``TERM``, which the codec reads)."""
        kind = _HEADS[self.take()]
        if kind == "gauge_kinetic":
            group = self.take()
            if group not in GROUPS:
                raise self.error(f"GAUGE must name a group, not {group!r}")
            return PositionalTerm("gauge_kinetic", group=group)
        if kind == "kinetic":
            if self.take() != "F":
                raise self.error("KINETIC must be followed by F and a field position")
            return PositionalTerm("kinetic", ((self.field_index(count), False),))
        return None

    def end(self) -> None:
        if self.peek() is not None:
            raise self.error(f"unexpected {self.peek()!r}")


def _term(tokens: Sequence[str], offset: int, fields: int | None) -> list[PositionalTerm]:
    cursor = PositionCursor(tokens, offset)
    term = cursor.head(fields)
    if term is None:
        objects = cursor.objects(fields)
        entries: list[tuple[str, tuple[int, ...]]] = []
        while cursor.peek() is not None:
            group = cursor.take()
            if group not in GROUPS or group == "U1":
                raise cursor.error(f"expected F, DAGGER or an SU group, got {group!r}")
            ids = []
            while cursor.peek() in DIGITS:
                k = int(cursor.take())
                if not 1 <= k <= len(objects):
                    raise cursor.error(f"{group} names object {k} of a {len(objects)}-object term")
                ids.append(k - 1)
            if not ids:
                raise cursor.error(f"{group} joins no objects")
            entries.append((group, tuple(ids)))
        term = PositionalTerm("potential", objects, tuple(entries))
    cursor.end()
    return [term]


T = TypeVar("T")


def decode_pieces(
    tokens: Sequence[str],
    read: Callable[[Sequence[str], int, int | None], list[T]],
    fields: int | None,
) -> tuple[list[T], list[str]]:
    """Split a target at its term heads and read each piece; a malformed piece is reported
    (with its token position) and skipped, so one bad term never loses the others."""
    terms: list[T] = []
    errors: list[str] = []
    pieces: list[tuple[int, list[str]]] = []
    for position, token in enumerate(tokens):
        if token in _HEADS or not pieces:
            pieces.append((position, []))
        pieces[-1][1].append(token)
    for offset, piece in pieces:
        try:
            if piece[0] not in _HEADS:
                raise DecodeError(f"token {offset + 1}: a term starts with TERM, KINETIC or GAUGE")
            terms.extend(read(piece, offset, fields))
        except DecodeError as error:
            errors.append(str(error))
    return terms, errors


@dataclass(frozen=True)
class CompactDecoded:
    terms: list[PositionalTerm]
    errors: list[str]


@dataclass(frozen=True)
class CompactCodec:
    """Terms by field position; several times shorter than BART-L (see docs/model.md)."""

    name: str = "compact"
    special_tokens: SpecialTokens = DEFAULT_SPECIAL_TOKENS

    def vocabulary(self) -> list[str]:
        words = ["SCALAR", "REAL", "FERMION", "LEFT", "RIGHT", *_HEADS, "F", "DAGGER"]
        return [*words, *GROUPS, "-", "/", "'", *DIGITS]

    def encode_fields(self, model: Model) -> list[str]:
        from lagrangian.physics.tokens import field_tokens

        check_group(model)
        out: list[str] = []
        for field in model.fields:
            qn = field_tokens(model, field)[5 if field.is_fermion else 3 :]
            if field.is_fermion:
                qn = qn[: qn.index("HEL")]
                out += ["FERMION", *qn, field.helicity.upper()]  # type: ignore[union-attr]
            else:
                out += ["SCALAR", *(["REAL"] if field.real else []), *qn]
        return out

    def encode_term(self, model: Model, term: LagrangianTerm) -> list[str]:
        check_group(model)
        return positional_term(model, term).tokens()

    def encode_terms(self, model: Model, terms: Sequence[LagrangianTerm]) -> list[str]:
        return [token for term in terms for token in self.encode_term(model, term)]

    def decode(self, tokens: Sequence[str], fields: int | None = None) -> CompactDecoded:
        """Parse a target; ``fields`` (the number of input fields) bounds positions.
        A malformed term is reported and skipped."""
        return CompactDecoded(*decode_pieces(tokens, _term, fields))
