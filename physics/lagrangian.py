"""The complete renormalizable Lagrangian of a field content.

Every gauge-invariant, Lorentz-invariant operator of mass dimension at most four, one entry
per independent invariant: canonical kinetic terms (matter kinetic mixing is removed by a
field redefinition, so it is not listed), gauge kinetic terms for every factor some field is
charged under, kinetic mixing ``B_{mu nu} X^{mu nu}`` of every pair of such U(1) factors (a
field strength of a U(1) is itself gauge invariant, and the mixing cannot be rotated away
without changing the charges: a physical parameter of Z' models), and the non-derivative
monomials — tadpoles, scalar masses, trilinears,
quartics, fermion masses and Yukawas.  A monomial that is not its own conjugate is listed
once with ``+ h.c.``; a self-conjugate monomial with ``c`` invariants gives ``c`` real
couplings.  Counts come from the character method, explicit forms from ``basis``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from lagrangian.physics import flavour
from lagrangian.physics import monomials as mono
from lagrangian.physics.fields import Field, Model
from lagrangian.physics.groups import SUIrrep
from lagrangian.physics.monomials import Occurrence
from lagrangian.physics.patterns import Pattern
from lagrangian.physics.symmetries import violations
from lagrangian.physics.young import Partition

KINDS = (
    "kinetic",
    "gauge_kinetic",
    "linear",
    "scalar_mass",
    "trilinear",
    "quartic",
    "fermion_mass",
    "yukawa",
)


@dataclass(frozen=True)
class LagrangianTerm:
    """One independent invariant of the Lagrangian.

    ``occurrences`` are the field factors (empty for gauge kinetic terms, whose field
    strength is ``strength``, mixed with the U(1) factor ``partner`` in kinetic mixing);
    ``pattern`` the explicit SU(N) contraction (``None`` for the fixed kinetic forms);
    ``multiplicity`` how many independent invariants the monomial has.
    With flavoured fields, ``couplings`` is the number of independent coupling components
    (complex for ``hc`` terms, real otherwise) and ``flavour`` the Young symmetry of the
    coupling in each group of identical flavoured occurrences.
    """

    kind: str
    occurrences: tuple[Occurrence, ...]
    hc: bool
    pattern: Pattern | None = None
    multiplicity: int = 1
    strength: int | None = None  # gauge factor of a gauge kinetic term
    partner: int | None = None  # the other U(1) factor of a kinetic mixing term
    couplings: int = 1
    flavour: tuple[tuple[Occurrence, Partition], ...] = ()


def complete_lagrangian(model: Model) -> list[LagrangianTerm]:
    """All renormalizable terms of ``model``, in the order of ``KINDS``."""
    terms: list[LagrangianTerm] = []
    terms.extend(
        LagrangianTerm("kinetic", _kinetic_occurrences(model, f), hc=False) for f in model.fields
    )
    gauged = [
        factor
        for factor in range(len(model.group.ns))
        if any(f.charged_under(factor) for f in model.fields)
    ]
    terms.extend(LagrangianTerm("gauge_kinetic", (), hc=False, strength=f) for f in gauged)
    abelian = [f for f in gauged if model.group.ns[f] == 1]
    terms.extend(
        LagrangianTerm("gauge_kinetic", (), hc=False, strength=a, partner=b)
        for a, b in itertools.combinations(abelian, 2)
    )
    found: dict[str, list[LagrangianTerm]] = {k: [] for k in KINDS[2:]}
    for occs in _candidate_monomials(model):
        kind = monomial_kind(model, occs)
        assert kind is not None
        terms_of = flavour.entries(model, occs)
        hc = not mono.is_self_conjugate(model, occs)
        groups = flavour.grouped(occs)
        for pattern, component in terms_of:
            symmetries = tuple(
                (o, shape)
                for (o, k), shape in zip(groups, component.shapes)
                if k > 1 and model.fields[o.index].flavours > 1
            )
            found[kind].append(
                LagrangianTerm(
                    kind,
                    occs,
                    hc,
                    pattern,
                    multiplicity=len(terms_of),
                    couplings=component.couplings,
                    flavour=symmetries,
                )
            )
    for kind in KINDS[2:]:
        terms.extend(found[kind])
    return terms


def _kinetic_occurrences(model: Model, field: Field) -> tuple[Occurrence, ...]:
    return (mono.occurrence(model, field, True), mono.occurrence(model, field, False))


def _objects(model: Model) -> tuple[list[Occurrence], list[Occurrence]]:
    """Scalar occurrences, and fermion occurrences that are left-handed spinors.

    A right-handed spinor object is the conjugate of a left-handed one, so fermion
    bilinears built from left-handed objects cover every fermion term up to ``h.c.``.
    """
    scalars: list[Occurrence] = []
    left: list[Occurrence] = []
    for i, f in enumerate(model.fields):
        if f.is_fermion:
            left.append(Occurrence(i, f.helicity == "right"))
        else:
            scalars.append(Occurrence(i, False))
            if not f.real:
                scalars.append(Occurrence(i, True))
    return scalars, left


def _candidate_monomials(model: Model) -> Iterator[tuple[Occurrence, ...]]:
    """Canonical representatives (one per conjugate pair) that pass the cheap charge tests."""
    scalars, left = _objects(model)
    seen: set[tuple[Occurrence, ...]] = set()
    candidates: list[tuple[Occurrence, ...]] = []
    for degree in range(1, 5):
        candidates.extend(itertools.combinations_with_replacement(scalars, degree))
    for pair in itertools.combinations_with_replacement(left, 2):
        candidates.append(pair)
        candidates.extend((*pair, s) for s in scalars)
    for occs in candidates:
        canonical = canonical_monomial(model, tuple(sorted(occs)))
        if canonical in seen or not _charges_vanish(model, canonical):
            continue
        if violations(model.symmetries, [(o.index, o.conjugate) for o in canonical]):
            continue
        seen.add(canonical)
        yield canonical


def canonical_monomial(model: Model, occs: tuple[Occurrence, ...]) -> tuple[Occurrence, ...]:
    """Of a monomial and its conjugate, the one written without ``^dagger`` on left-handed
    fermions, then with fewer daggers, then the one conjugating the first declared field."""
    other = mono.conjugate(model, occs)

    def key(m: tuple[Occurrence, ...]) -> tuple[int, int, tuple[tuple[int, bool], ...]]:
        spinor_daggers = sum(
            1
            for o in m
            if model.fields[o.index].is_fermion
            and (o.conjugate == (model.fields[o.index].helicity == "left"))
        )
        # ties: the first declared field conjugated, as in (H1^dagger H2)^2
        return (
            spinor_daggers,
            sum(o.conjugate for o in m),
            tuple((o.index, not o.conjugate) for o in m),
        )

    return min(occs, other, key=key)


def _charges_vanish(model: Model, occs: tuple[Occurrence, ...]) -> bool:
    if any(total != 0 for total in mono.charge_sums(model, occs).values()):
        return False
    for f in model.group.su_factors:
        n = model.group.ns[f]
        n_ality = 0
        for o in occs:
            irrep = mono.rep_of(model, o).gauge[f]
            assert isinstance(irrep, SUIrrep)
            n_ality += irrep.n_ality
        if n_ality % n:
            return False
    return True


def monomial_kind(model: Model, occs: tuple[Occurrence, ...]) -> str | None:
    """The term kind of a non-derivative monomial; None beyond the renormalizable ones."""
    fermions = sum(model.fields[o.index].is_fermion for o in occs)
    if fermions == 2:
        return {2: "fermion_mass", 3: "yukawa"}.get(len(occs))
    if fermions:
        return None
    return {1: "linear", 2: "scalar_mass", 3: "trilinear", 4: "quartic"}.get(len(occs))
