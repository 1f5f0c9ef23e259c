"""The units format: the operators format with each U(1) charge one token, fields in a
canonical order.

The operators source spells charges as fractions digit by digit (``U1 - 1 / 6``), so seeing
that two charges cancel is multi-token arithmetic, and that is where the operators model
fails most (issue 17: mass mixing between two fields found half as often as a field's own
mass; 1,314 dropped terms whose charges did not add up to zero).  Only ratios of charges
matter to which monomials are invariant, so this format writes each charge as an integer
in units of the content's charge quantum (the charges over their common denominator, divided
by the numerators' greatest common divisor): ``1/2, -1/2, 1/6`` become ``Q3 Q-3 Q1``.  A
charge sum is then a sum of small integers, one token each.  Charges beyond ±60 units (rare:
the ``wide`` profile's multi-digit numerators) are spelled ``Q - 1 2 3``.

Fields are sorted by their tokens, so the source (and the target, which names fields by
position in that order) does not depend on the order of the declarations;
:meth:`UnitsCodec.field_order` gives the order, and the pipeline and the evaluation map
positions back through it (``model.windows.merge`` with that one window).  Targets list
gauge and kinetic terms, then monomials by size and objects, so they are canonical too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from math import gcd, lcm
from typing import TYPE_CHECKING

from lagrangian.model.codec import DEFAULT_SPECIAL_TOKENS, SpecialTokens
from lagrangian.model.codec.bartl import check_group, number_tokens
from lagrangian.model.codec.compact import CompactCodec
from lagrangian.model.codec.operators import (
    OperatorsCodec,
    OperatorsDecoded,
    OperatorTerm,
    operator_terms,
)

if TYPE_CHECKING:
    from lagrangian.physics.fields import Model
    from lagrangian.physics.lagrangian import LagrangianTerm

UNIT_LIMIT = 60
_KIND_ORDER = {"gauge_kinetic": 0, "kinetic": 1, "potential": 2}


def charge_units(charges: Sequence[Fraction]) -> list[int]:
    """Charges as integer multiples of their quantum: ``[1/2, -1/2, 1/6] -> [3, -3, 1]``
    (zero stays zero; all zero gives all zero)."""
    denominator = lcm(*(c.denominator for c in charges)) if charges else 1
    numerators = [int(c * denominator) for c in charges]
    quantum = gcd(*numerators) or 1
    return [n // quantum for n in numerators]


def unit_tokens(units: int) -> list[str]:
    """One token within ±:data:`UNIT_LIMIT`, ``Q`` and digits beyond."""
    if abs(units) <= UNIT_LIMIT:
        return [f"Q{units}"]
    return ["Q", *number_tokens(str(units))]


@dataclass(frozen=True)
class UnitsCodec:
    """Operators targets over canonically ordered fields with one-token charges (see the
    module docstring)."""

    name: str = "units"
    special_tokens: SpecialTokens = DEFAULT_SPECIAL_TOKENS
    _operators: OperatorsCodec = field(default_factory=OperatorsCodec, repr=False)

    def vocabulary(self) -> list[str]:
        charges = [f"Q{k}" for k in range(-UNIT_LIMIT, UNIT_LIMIT + 1)]
        return [*self._operators.vocabulary(), "Q", *charges]

    def _field_tokens(self, model: Model) -> list[list[str]]:
        """Each field's source tokens, in declaration order."""
        from lagrangian.model.windows import sub_model

        check_group(model)
        u1 = model.group.names.index("U1")
        units = charge_units([f.rep.gauge[u1] for f in model.fields])  # type: ignore[misc]
        compact = CompactCodec()
        out = []
        for i, k in enumerate(units):
            tokens = compact.encode_fields(sub_model(model, [i]))
            if "U1" in tokens:
                start = tokens.index("U1") + 1
                end = start
                while end < len(tokens) and tokens[end] not in ("LEFT", "RIGHT"):
                    end += 1
                tokens[start:end] = unit_tokens(k)
            out.append(tokens)
        return out

    def field_order(self, model: Model) -> tuple[int, ...]:
        """Declaration indices in source order (sorted by tokens; ties are identical
        fields, kept in declaration order)."""
        spelled = self._field_tokens(model)
        return tuple(sorted(range(len(spelled)), key=lambda i: spelled[i]))

    def encode_fields(self, model: Model) -> list[str]:
        spelled = self._field_tokens(model)
        return [t for i in self.field_order(model) for t in spelled[i]]

    def encode_terms(self, model: Model, terms: Sequence[LagrangianTerm]) -> list[str]:
        """The operators target with fields renumbered in source order, entries sorted."""
        return self.tokens(self.renumber(model, operator_terms(model, terms)))

    def renumber(self, model: Model, terms: Sequence[OperatorTerm]) -> list[OperatorTerm]:
        """Operators terms over declaration positions as this format's terms: positions in
        source order, entries sorted (gauge, kinetic, then monomials by size and objects)."""
        position = {old: new for new, old in enumerate(self.field_order(model))}

        def written(term: OperatorTerm) -> tuple[tuple[int, bool], ...]:
            """Renumbered, and of a monomial and its conjugate the smaller: which of the
            two the engine keeps depends on the declaration order."""
            plain = tuple(sorted((position[i], dagger) for i, dagger in term.objects))
            if term.kind != "potential":
                return plain
            real = {position[i] for i, _ in term.objects if model.fields[i].real}
            flipped = tuple(sorted((i, d if i in real else not d) for i, d in plain))
            return min(plain, flipped)

        moved = [OperatorTerm(t.kind, written(t), t.ordinal, t.group) for t in terms]
        groups = model.group.names
        return sorted(
            moved,
            key=lambda t: (
                _KIND_ORDER[t.kind],
                groups.index(t.group) if t.group else 0,
                len(t.objects),
                t.objects,
                t.ordinal,
            ),
        )

    def tokens(self, terms: Sequence[OperatorTerm]) -> list[str]:
        return self._operators.tokens(terms)

    def decode(self, tokens: Sequence[str], fields: int | None = None) -> OperatorsDecoded:
        """Positions are source positions: map them back with :meth:`field_order`."""
        return self._operators.decode(tokens, fields)
