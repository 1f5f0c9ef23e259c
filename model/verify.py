"""Turning decoded model output into verified engine terms.

The model proposes; the engine decides.  Every proposed term is mapped onto the declared
fields (by position in the compact format; by quantum numbers in BART-L, trying every
consistent assignment), then checked: a renormalizable monomial with vanishing U(1)
charges, a Lorentz-invariant fermion pair, every SU(N) index contracted, and a *nonzero*
value.  Per monomial, the accepted terms must be linearly independent and at most as many
as the monomial has invariants.  Failures are dropped and counted with a reason.

Values are computed numerically in BART-L's convention, where every SU(N) index is upper
(a lower index is N-1 antisymmetric upper ones) and every contraction is an epsilon: each
occurrence gets a generic random point of its irrep (``physics.tensors``; identical
occurrences share one point, which imposes Bose/Fermi symmetry exactly as the engine's
basis search does), and a term's value on a batch of such points is a vector.
Nonzero and linear rank do not depend on the realization, so they are compared with the
engine's counts.

Finally the engine fills in what the model missed: for each monomial, the engine's basis
elements already spanned by the accepted model terms are reported as ``"model"``, the
others as ``"engine"``.  Terms are always *shown* in the engine's notation, so a user never
sees an unparseable or non-invariant term.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from lagrangian.model.codec.bartl import BartLCodec, BartLTerm, FieldObject, decode_fields
from lagrangian.model.codec.compact import PositionalTerm, positional_term

if TYPE_CHECKING:
    from lagrangian.physics.fields import Model
    from lagrangian.physics.lagrangian import LagrangianTerm
    from lagrangian.physics.monomials import Occurrence
    from lagrangian.physics.patterns import Pattern
    from lagrangian.physics.tensors import Point

_MAX_ASSIGNMENTS = 64


class Rejected(ValueError):
    """Why a proposed term is not a valid, new invariant."""


@dataclass
class Verification:
    """The final term list (engine order) with a source per term, and the counts."""

    terms: list[tuple[LagrangianTerm, str]]
    generated: int
    verified: int
    dropped: int
    reasons: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"generated": self.generated, "verified": self.verified, "dropped": self.dropped}


class Evaluator:
    """Values of epsilon-only contractions of a model's field occurrences."""

    def __init__(self, model: Model, samples: int = 12, seed: int = 20260514) -> None:
        self.model = model
        self.samples = samples  # the length of a value vector: must exceed any rank compared
        self.seed = seed
        self._points: dict[tuple[Occurrence, int], Point] = {}

    def shapes(self, occ: Occurrence) -> list:
        from lagrangian.physics.monomials import rep_of
        from lagrangian.physics.tensors import Shape

        gauge = rep_of(self.model, occ).gauge
        return [
            Shape(self.model.group.ns[f], gauge[f].partition, ())  # type: ignore[union-attr]
            for f in self.model.group.su_factors
        ]

    def point(self, occ: Occurrence, copies: int) -> Point:
        """A generic point for an occurrence that a term holds ``copies`` times."""
        from lagrangian.physics.tensors import random_point

        if (occ, copies) not in self._points:
            rng = np.random.default_rng([self.seed, occ.index, int(occ.conjugate), copies])
            point = random_point(self.shapes(occ), copies, self.samples, rng, None)
            self._points[(occ, copies)] = point
        return self._points[(occ, copies)]

    def pattern(self, occs: Sequence[Occurrence], term: PositionalTerm) -> Pattern:
        """Epsilon blocks per SU factor; raises :class:`Rejected` if indices are left over
        or an epsilon has the wrong number of slots."""
        from lagrangian.physics.patterns import Epsilon

        names = {self.model.group.names[f] for f in self.model.group.su_factors}
        for group, _ in term.contractions:
            if group not in names:
                raise Rejected(f"{group} is not an SU(N) factor of the gauge group")
        pattern = []
        for position, factor in enumerate(self.model.group.su_factors):
            name, n = self.model.group.names[factor], self.model.group.ns[factor]
            tableaux = [_Tableau(self.shapes(o)[position].upper, n) for o in occs]
            used: list[set[int]] = [set() for _ in occs]
            blocks = []
            for group, ids in term.contractions:
                if group != name:
                    continue
                if len(ids) != n:
                    raise Rejected(f"an {name} epsilon joins {len(ids)} indices, not {n}")
                slots: list[tuple[int, bool, int]] = []
                for k in ids:
                    mine = [s for o, _, s in slots if o == k]
                    choice = tableaux[k].slot(ids.count(k), mine, used[k])
                    if choice is None:
                        raise Rejected(f"object {k + 1} has no free {name} index for an epsilon")
                    used[k].add(choice)
                    slots.append((k, True, choice))
                blocks.append(Epsilon(True, tuple(slots)))
            if any(len(u) != len(t.rows) for u, t in zip(used, tableaux)):
                raise Rejected(f"not every {name} index is contracted")
            pattern.append(tuple(blocks))
        return tuple(pattern)

    def value(self, occs: Sequence[Occurrence], term: PositionalTerm) -> np.ndarray:
        from lagrangian.physics.brackets import evaluate

        pattern = self.pattern(occs, term)
        shapes = [self.shapes(o) for o in occs]
        copies = Counter(occs)
        return evaluate(shapes, [self.point(o, copies[o]) for o in occs], pattern)


class _Tableau:
    """The upper slots of one object under one SU(N), and which slot an epsilon takes.

    Tokens name objects, not slots, so the slot is inferred the way the printer
    (``physics.tokens``) writes contractions: an object named N-1 times in one epsilon is a
    lower index, i.e. a whole column of N-1 slots; named once, it is an upper index (a box
    outside the full columns) or, under an upper epsilon, one slot of a lower index, whose
    column the next epsilons continue.  The printer writes upper epsilons last, when only
    lower-index columns are left.
    """

    def __init__(self, partition: tuple[int, ...], n: int) -> None:
        from lagrangian.physics.tensors import tableau_rows

        self.rows = tableau_rows(partition)
        self.columns = [c for length in partition for c in range(length)]
        heights = [
            sum(1 for length in partition if length > c) for c in range(max(partition, default=0))
        ]
        self.full = [n >= 3 and heights[c] == n - 1 for c in self.columns]
        self.n = n

    def slot(self, times: int, mine: list[int], used: set[int]) -> int | None:
        """A free slot for this epsilon (``mine``: slots it already took from the object)."""
        taken_rows = {self.rows[s] for s in mine}
        free = [
            s for s in range(len(self.rows)) if s not in used and self.rows[s] not in taken_rows
        ]
        begun = {self.columns[s] for s in used}
        if times == self.n - 1 and self.n >= 3:
            current = {self.columns[s] for s in mine}
            return min(
                free,
                key=lambda s: (
                    self.columns[s] not in current,
                    not self.full[s],
                    self.columns[s] in begun,
                    self.columns[s],
                    self.rows[s],
                ),
                default=None,
            )
        return min(
            free,
            key=lambda s: (
                self.full[s],
                self.columns[s] not in begun,
                self.columns[s],
                self.rows[s],
            ),
            default=None,
        )


def _rank(vectors: list[np.ndarray]) -> int:
    if not vectors:
        return 0
    matrix = np.stack([v / np.linalg.norm(v) for v in vectors])
    return int(np.linalg.matrix_rank(matrix, tol=1e-7))


def occurrences(model: Model, term: PositionalTerm) -> tuple[Occurrence, ...]:
    from lagrangian.physics.monomials import Occurrence

    return tuple(Occurrence(i, dagger and not model.fields[i].real) for i, dagger in term.objects)


def _check_monomial(model: Model, occs: tuple[Occurrence, ...]) -> None:
    from lagrangian.physics import monomials as mono
    from lagrangian.physics.lagrangian import monomial_kind

    if monomial_kind(model, occs) is None:
        raise Rejected("not a renormalizable monomial")
    chirality = {
        (model.fields[o.index].helicity == "left") != o.conjugate
        for o in occs
        if model.fields[o.index].is_fermion
    }
    if len(chirality) > 1:
        raise Rejected("a left- and a right-handed spinor have no Lorentz invariant without sigma")
    for factor, total in mono.charge_sums(model, occs).items():
        if total != 0:
            raise Rejected(f"the {model.group.names[factor]} charges add up to {total}, not 0")


class _Monomial:
    """Accepted model terms of one monomial (in the form the model wrote them)."""

    def __init__(self, written: tuple[Occurrence, ...], limit: int) -> None:
        self.written = written
        self.limit = limit
        self.vectors: list[np.ndarray] = []


def verify(
    model: Model, proposals: Sequence[PositionalTerm | list[PositionalTerm]], unparsed: int = 0
) -> Verification:
    """Check proposed terms (alternatives: any one that verifies is taken) and complete
    them with the engine.  ``unparsed`` counts output pieces that did not even parse."""
    from lagrangian.physics import monomials as mono
    from lagrangian.physics.lagrangian import canonical_monomial, complete_lagrangian

    engine = complete_lagrangian(model)
    # Values are vectors over random samples; with fewer samples than a monomial has
    # invariants, independent terms would look dependent.
    most = max((t.multiplicity for t in engine), default=1)
    evaluator = Evaluator(model, samples=max(12, 2 * most + 8))
    kinetic: set[int] = set()
    gauge: set[str] = set()
    groups: dict[tuple[Occurrence, ...], _Monomial] = {}
    reasons: list[str] = []
    verified = 0
    charged = {
        model.group.names[f]
        for f in range(len(model.group.ns))
        if any(x.charged_under(f) for x in model.fields)
    }

    def accept(term: PositionalTerm) -> None:
        if term.kind == "gauge_kinetic":
            if term.group not in charged:
                raise Rejected(f"no field is charged under {term.group}")
            if term.group in gauge:
                raise Rejected("duplicate gauge kinetic term")
            gauge.add(term.group)
            return
        if term.kind == "kinetic":
            if term.objects[0][0] in kinetic:
                raise Rejected("duplicate kinetic term")
            kinetic.add(term.objects[0][0])
            return
        occs = occurrences(model, term)
        written = tuple(sorted(occs))
        _check_monomial(model, written)
        vector = evaluator.value(occs, term)
        if not np.max(np.abs(vector)) > 1e-9:
            raise Rejected("the contraction vanishes identically")
        canonical = canonical_monomial(model, written)
        entry = groups.setdefault(canonical, _Monomial(written, mono.count(model, canonical)))
        if entry.written != written:
            raise Rejected("the hermitian conjugate of a term already given")
        if len(entry.vectors) >= entry.limit:
            raise Rejected(f"more terms than the {entry.limit} independent invariant(s)")
        if _rank([*entry.vectors, vector]) <= len(entry.vectors):
            raise Rejected("linearly dependent on an earlier term (duplicate)")
        entry.vectors.append(vector)

    for proposal in proposals:
        alternatives = proposal if isinstance(proposal, list) else [proposal]
        failure = "no field assignment matches the quantum numbers"
        for alternative in alternatives:
            try:
                accept(alternative)
            except Rejected as error:
                failure = str(error)
                continue
            verified += 1
            break
        else:
            reasons.append(failure)

    terms: list[tuple[LagrangianTerm, str]] = []
    covered: dict[int, str] = {}
    for occs, members in engine_monomials(engine).items():
        entry = groups.get(occs)
        if entry is None:
            continue
        for term, source in zip(members, _cover(model, evaluator, entry, members)):
            covered[id(term)] = source
    for term in engine:
        if term.kind == "kinetic":
            source = "model" if term.occurrences[0].index in kinetic else "engine"
        elif term.kind == "gauge_kinetic":
            assert term.strength is not None
            diagonal = term.partner is None  # the model has no kinetic mixing terms
            source = "model" if diagonal and model.group.names[term.strength] in gauge else "engine"
        else:
            source = covered.get(id(term), "engine")
        terms.append((term, source))
    dropped = len(reasons) + unparsed
    return Verification(terms, verified + dropped, verified, dropped, reasons)


def engine_monomials(
    terms: Sequence[LagrangianTerm],
) -> dict[tuple[Occurrence, ...], list[LagrangianTerm]]:
    """The engine's invariants grouped by monomial, in engine order (kinetic terms aside)."""
    grouped: dict[tuple[Occurrence, ...], list[LagrangianTerm]] = {}
    for term in terms:
        if term.kind not in ("kinetic", "gauge_kinetic"):
            grouped.setdefault(term.occurrences, []).append(term)
    return grouped


def _cover(
    model: Model, evaluator: Evaluator, entry: _Monomial, members: list[LagrangianTerm]
) -> list[str]:
    """Which engine basis elements the accepted model terms span: greedily add engine
    elements to the model's span; those that add nothing are covered by the model."""
    if entry.written != members[0].occurrences:
        # Written as the conjugate: same count, no common realization; cover in order.
        return ["model" if k < len(entry.vectors) else "engine" for k in range(len(members))]
    span = list(entry.vectors)
    sources = []
    for term in members:
        positional = positional_term(model, term)
        vector = evaluator.value(occurrences(model, positional), positional)
        if _rank([*span, vector]) > len(span):
            span.append(vector)
            sources.append("engine")
        else:
            sources.append("model")
    return sources


def field_objects(model: Model, codec: BartLCodec) -> dict[FieldObject, list[tuple[int, bool]]]:
    """Every way a declared field can appear in a BART-L term, keyed by how it is printed."""
    from lagrangian.model.codec.bartl import scale_u1
    from lagrangian.physics.tokens import field_tokens

    table: dict[FieldObject, list[tuple[int, bool]]] = {}
    for index, f in enumerate(model.fields):
        for dagger in (False, True):
            printed = scale_u1(field_tokens(model, f, dagger)[1:], codec.u1_scale)
            (obj,) = decode_fields(["FIELD", *printed])
            key = FieldObject(obj.spin, obj.reps, obj.helicity, dagger)
            table.setdefault(key, []).append((index, dagger))
    return table


def resolve_bartl(model: Model, codec: BartLCodec, term: BartLTerm) -> list[PositionalTerm]:
    """The positional readings of a BART-L term (several when fields share quantum
    numbers); empty when an object matches no declared field."""
    import itertools

    from lagrangian.model.codec.bartl import OperatorObject

    operators = [obj for obj, _ in term.objects if isinstance(obj, OperatorObject)]
    if operators and operators[0].name.startswith("COMMUTATOR"):
        groups = {g for op in operators for g in op.groups}
        return [PositionalTerm("gauge_kinetic", group=g) for g in sorted(groups)][:1]
    table = field_objects(model, codec)
    fields = [(obj, label) for obj, label in term.objects if isinstance(obj, FieldObject)]
    choices = [table.get(obj, []) for obj, _ in fields]
    if operators:
        plain = [c for (obj, _), c in zip(fields, choices) if not obj.dagger]
        indices = sorted({i for c in plain for i, _ in c})
        return [
            PositionalTerm("kinetic", ((i, False),))
            for i in indices
            if _same_kinetic(model, codec, i, term)
        ]
    position = {label: k for k, (_, label) in enumerate(fields)}
    entries = tuple(
        (group, tuple(position[label] for label in labels))
        for group, labels in term.contractions
        if group != "LORENTZ"
    )
    readings = []
    for assignment in itertools.islice(itertools.product(*choices), _MAX_ASSIGNMENTS):
        readings.append(PositionalTerm("potential", tuple(assignment), entries))
    return readings


def _same_kinetic(model: Model, codec: BartLCodec, index: int, term: BartLTerm) -> bool:
    from lagrangian.model.codec.bartl import decode_terms
    from lagrangian.physics.lagrangian import LagrangianTerm
    from lagrangian.physics.monomials import occurrence

    f = model.fields[index]
    occs = (occurrence(model, f, True), occurrence(model, f, False))
    engine = LagrangianTerm("kinetic", occs, hc=False)
    (printed,) = decode_terms(codec.encode_term(model, engine)).terms
    return printed.canonical() == term.canonical()


def proposals_from_tokens(
    model: Model, codec: object, tokens: Sequence[str]
) -> tuple[list[PositionalTerm | list[PositionalTerm]], int]:
    """Decode a generated target for :func:`verify`: (proposals, pieces that did not parse).

    ``codec`` is a :class:`BartLCodec`, a ``CompactCodec``, an ``OperatorsCodec`` or a
    ``UnitsCodec`` (whose answers the pipeline has renumbered in declaration order)."""
    if isinstance(codec, BartLCodec):
        from lagrangian.model.codec.bartl import decode_terms

        decoded = decode_terms(tokens)
        proposals: list[PositionalTerm | list[PositionalTerm]] = [
            resolve_bartl(model, codec, t) for t in decoded.terms
        ]
        return proposals, len(decoded.errors)
    from lagrangian.model.codec.compact import CompactCodec
    from lagrangian.model.codec.operators import OperatorsCodec, positional_reading
    from lagrangian.model.codec.units import UnitsCodec

    if isinstance(codec, (OperatorsCodec, UnitsCodec)):
        from lagrangian.physics.lagrangian import complete_lagrangian

        engine = engine_monomials(complete_lagrangian(model))
        operators = codec.decode(tokens, len(model.fields))
        readings = [positional_reading(model, t, engine) for t in operators.terms]
        return list(readings), len(operators.errors)
    if not isinstance(codec, CompactCodec):
        raise TypeError(f"no physics decoding for codec {getattr(codec, 'name', codec)!r}")
    compact = codec.decode(tokens, len(model.fields))
    return list(compact.terms), len(compact.errors)
