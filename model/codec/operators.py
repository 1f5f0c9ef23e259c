"""The operators format: the model names the monomials and how many invariants each has.

The compact format still spells every epsilon of every term, and for quartics those
contractions are most of the target.  Which contraction is written is a convention (the
semantic score does not depend on it); *which monomials* are invariant, and how many
independent invariants each has, is the physics.  This format keeps only that:

* source: the compact format's source, unchanged;
* target, per term: ``GAUGE SU2`` and ``KINETIC F 3`` as in the compact format, and per
  invariant monomial ``TERM F 1 DAGGER F 1 F 2`` (objects sorted by field position,
  conjugates after plain occurrences of the same field) followed by ``TIMES n`` when the
  monomial has ``n > 1`` independent invariants.

A monomial with ``n`` invariants decodes to ``n`` terms (ordinals 0 … n-1); verification
realises ordinal ``k`` as the engine's ``k``-th basis element of that monomial, so the
model is judged on what it decides: the monomials and their multiplicities.  A monomial the
engine does not have, or an ordinal beyond its invariants, is dropped with the reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lagrangian.model.codec import DEFAULT_SPECIAL_TOKENS, DIGITS, SpecialTokens
from lagrangian.model.codec.bartl import check_group, number_tokens
from lagrangian.model.codec.compact import (
    CompactCodec,
    PositionalTerm,
    PositionCursor,
    TermKind,
    decode_pieces,
)

if TYPE_CHECKING:
    from lagrangian.physics.fields import Model
    from lagrangian.physics.lagrangian import LagrangianTerm
    from lagrangian.physics.monomials import Occurrence


@dataclass(frozen=True)
class OperatorTerm:
    """One invariant: the ``ordinal``-th independent invariant of a monomial of ``objects``
    ((field index, conjugated) pairs), or a kinetic term (one object, ordinal 0)."""

    kind: TermKind
    objects: tuple[tuple[int, bool], ...] = ()
    ordinal: int = 0
    group: str | None = None

    def canonical(self) -> OperatorTerm:
        """Objects sorted: a monomial is a multiset."""
        return OperatorTerm(self.kind, tuple(sorted(self.objects)), self.ordinal, self.group)


@dataclass(frozen=True)
class OperatorsDecoded:
    terms: list[OperatorTerm]
    errors: list[str]


def _read(tokens: Sequence[str], offset: int, fields: int | None) -> list[OperatorTerm]:
    cursor = PositionCursor(tokens, offset)
    head = cursor.head(fields)
    if head is not None:
        cursor.end()
        return [OperatorTerm(head.kind, head.objects, 0, head.group)]
    objects = cursor.objects(fields)
    times = 1
    if cursor.peek() == "TIMES":
        cursor.take()
        digits = ""
        while cursor.peek() in DIGITS:
            digits += cursor.take()
        if not digits or int(digits) < 2:
            raise cursor.error("TIMES must be followed by a count of at least 2")
        times = int(digits)
    cursor.end()
    return [OperatorTerm("potential", objects, k) for k in range(times)]


@dataclass(frozen=True)
class OperatorsCodec:
    """Monomials and multiplicities by field position (see the module docstring)."""

    name: str = "operators"
    special_tokens: SpecialTokens = DEFAULT_SPECIAL_TOKENS
    _fields: CompactCodec = field(default_factory=CompactCodec, repr=False)

    def vocabulary(self) -> list[str]:
        return [*self._fields.vocabulary(), "TIMES"]

    def encode_fields(self, model: Model) -> list[str]:
        return self._fields.encode_fields(model)

    def encode_terms(self, model: Model, terms: Sequence[LagrangianTerm]) -> list[str]:
        """One entry per gauge or kinetic term and per monomial, in the engine's order."""
        check_group(model)
        return self.tokens(operator_terms(model, terms))

    def tokens(self, terms: Sequence[OperatorTerm]) -> list[str]:
        """The target of ``terms``: the invariants of one monomial become one ``TERM``
        (with ``TIMES n``), written where the first of them stands."""
        counts = Counter(t.objects for t in terms if t.kind == "potential")
        out: list[str] = []
        for term in terms:
            if term.kind != "potential":
                out += PositionalTerm(term.kind, term.objects, (), term.group).tokens()
                continue
            if term.objects not in counts:
                continue  # an earlier invariant of the same monomial wrote it
            out.append("TERM")
            for index, dagger in term.objects:
                out += ["F", *number_tokens(str(index + 1)), *(["DAGGER"] if dagger else [])]
            if counts[term.objects] > 1:
                out += ["TIMES", *number_tokens(str(counts[term.objects]))]
            del counts[term.objects]
        return out

    def decode(self, tokens: Sequence[str], fields: int | None = None) -> OperatorsDecoded:
        """Parse a target; ``fields`` bounds positions.  A malformed term is reported and
        skipped."""
        return OperatorsDecoded(*decode_pieces(tokens, _read, fields))


def operator_terms(model: Model, terms: Sequence[LagrangianTerm]) -> list[OperatorTerm]:
    """Engine terms as operators terms (objects sorted, invariants of a monomial numbered)."""
    from lagrangian.model.codec.compact import positional_term

    seen: Counter[tuple[tuple[int, bool], ...]] = Counter()
    out = []
    for term in terms:
        if term.kind in ("kinetic", "gauge_kinetic"):
            fixed = positional_term(model, term)
            out.append(OperatorTerm(fixed.kind, fixed.objects, 0, fixed.group))
        else:
            objects = tuple((o.index, o.conjugate) for o in sorted(term.occurrences))
            out.append(OperatorTerm("potential", objects, seen[objects]))
            seen[objects] += 1
    return out


def positional_reading(
    model: Model, term: OperatorTerm, engine: Mapping[tuple[Occurrence, ...], list[LagrangianTerm]]
) -> PositionalTerm:
    """The term verification checks for ``term``: the engine's basis element of that
    ordinal (the last one beyond the count, which verification then rejects as one too
    many), or the bare monomial when the engine has none (rejected with the reason)."""
    from lagrangian.model.codec.compact import positional_term
    from lagrangian.physics import monomials as mono

    if term.kind != "potential":
        return PositionalTerm(term.kind, term.objects, (), term.group)
    written = tuple(
        sorted(mono.Occurrence(i, d and not model.fields[i].real) for i, d in term.objects)
    )
    members = engine.get(written) or engine.get(mono.conjugate(model, written))
    if not members:
        return PositionalTerm("potential", term.objects)
    return positional_term(model, members[min(term.ordinal, len(members) - 1)])
