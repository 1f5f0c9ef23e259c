"""Engine terms and field lists in the BART-L token language.

The format of Koay et al. (DESIGN.md): fields are written with their quantum numbers
(trivial ones omitted, numbers split into characters so any charge survives), each object of
a term carries a dummy label ``ID0``, ``ID1``…, conjugates carry ``DAGGER`` and conjugated
quantum numbers, and ``CONTRACTIONS`` lists, per group, the labels one epsilon joins.

In that language every SU(N) index is an *upper* fundamental index: a lower index is N-1
antisymmetric upper ones.  So our ``delta`` (upper with lower) is one epsilon joining the
upper slot with the N-1 slots of the lower one, ``eps_{ij…}`` maps to itself, and an
``eps^{ij…}`` on N lower indices is N-1 epsilons, the k-th joining one slot of the first
field with the N-1 slots of field k.
Charges are printed as declared (the paper's training data used Q = T3 + Y/2; a model
trained on it needs the same normalisation, which the model's codec handles).
"""

from __future__ import annotations

from fractions import Fraction

from lagrangian.physics import monomials as mono
from lagrangian.physics.fields import Field, Model
from lagrangian.physics.groups import SUIrrep
from lagrangian.physics.lagrangian import LagrangianTerm
from lagrangian.physics.monomials import Occurrence
from lagrangian.physics.patterns import Delta, Pattern
from lagrangian.physics.render import display_order


def number_tokens(value: Fraction | int | str) -> list[str]:
    """``-13/6`` -> ``- 1 3 / 6``: characters, so numbers of any length survive."""
    return [c for c in str(value) if c != " "]


def _irrep_tokens(irrep: SUIrrep) -> list[str]:
    name = irrep.name()
    if name.endswith("bar"):
        return ["-", *number_tokens(name[:-3])]
    return number_tokens(name)


def field_tokens(model: Model, field: Field, conjugate: bool = False) -> list[str]:
    """``FIELD SPIN 1 / 2 SU3 3 SU2 2 U1 1 / 6 HEL - 1 / 2`` (conjugated if asked)."""
    rep = field.rep_for(conjugate)
    out = ["FIELD", "SPIN", *(["1", "/", "2"] if field.is_fermion else ["0"])]
    for name, r in zip(model.group.names, rep.gauge):
        if isinstance(r, SUIrrep):
            if not r.is_trivial:
                out += [name, *_irrep_tokens(r)]
        elif r != 0:
            out += [name, *number_tokens(r)]
    if field.is_fermion:
        left = (field.helicity == "left") != (conjugate and not field.real)
        out += ["HEL", *(["-", "1", "/", "2"] if left else ["1", "/", "2"])]
    return out


def fields_tokens(model: Model) -> list[str]:
    """The model input: ``[SOS] FIELD … FIELD … [EOS]``."""
    out = ["[SOS]"]
    for f in model.fields:
        out += field_tokens(model, f)
    return [*out, "[EOS]"]


def term_tokens(model: Model, term: LagrangianTerm) -> list[str]:
    """One engine term in BART-L tokens."""
    if term.kind == "gauge_kinetic":
        assert term.strength is not None
        group = model.group.names[term.strength]
        # kinetic mixing: the two field strengths of different U(1) factors
        other = group if term.partner is None else model.group.names[term.partner]
        return [
            "-",
            "COMMUTATOR_A", "DERIVATIVE", group, "ID0",
            "COMMUTATOR_B", "DERIVATIVE", other, "ID1",
            "CONTRACTIONS", "LORENTZ", "ID0", "ID1",
        ]  # fmt: skip
    if term.kind == "kinetic":
        return _kinetic_tokens(model, term)
    occs = term.occurrences
    order = display_order(model, occs, list(range(len(occs))))  # as the text form reads
    label = {occ: position for position, occ in enumerate(order)}
    out = ["-"]
    for position, i in enumerate(order):
        out += [*_object_tokens(model, occs[i]), f"ID{position}"]
    out.append("CONTRACTIONS")
    assert term.pattern is not None
    out += _gauge_contractions(model, term.pattern, [label[i] for i in range(len(occs))])
    fermions = [label[i] for i in order if model.fields[occs[i].index].is_fermion]
    if len(fermions) == 2:
        out += ["LORENTZ", *(f"ID{i}" for i in fermions)]
    return out


def _gauge_contractions(model: Model, pattern: Pattern, labels: list[int]) -> list[str]:
    """Per SU factor, one ``GROUP ID… `` entry per epsilon (``labels``: occurrence -> ID)."""
    out: list[str] = []
    for position, blocks in enumerate(pattern):
        factor = model.group.su_factors[position]
        n = model.group.ns[factor]
        name = model.group.names[factor]
        # Upper epsilons last: a reader assigning slots then has only lower-index columns
        # left for them (see ``model.verify``).
        for block in sorted(blocks, key=_is_upper_epsilon):
            for ids in _epsilon_ids(block, n):
                out += [name, *(f"ID{labels[i]}" for i in ids)]
    return out


def _is_upper_epsilon(block: object) -> bool:
    return not isinstance(block, Delta) and not block.lower_indices  # type: ignore[attr-defined]


def _epsilon_ids(block: object, n: int) -> list[list[int]]:
    if isinstance(block, Delta):
        return [[block.lower[0]] * (n - 1) + [block.upper[0]]]
    slots = [s[0] for s in block.slots]  # type: ignore[attr-defined]
    if block.lower_indices:  # type: ignore[attr-defined]
        return [slots]
    # eps^{a1…aN} u_a1 … with u_a = eps_{a b…} x^{b…}: the upper epsilon against the first
    # lower one leaves a generalized delta, so epsilon k joins one slot of the first field
    # with all N-1 slots of field k.  (N-1 epsilons that each take one slot from every
    # field vanish for N >= 3: the mixed discriminant of antisymmetric matrices is zero.)
    return [[slots[0]] + [slots[k]] * (n - 1) for k in range(1, n)]


def _object_tokens(model: Model, occ: Occurrence) -> list[str]:
    field = model.fields[occ.index]
    out = field_tokens(model, field, occ.conjugate)
    return [*out, "DAGGER"] if occ.conjugate else out


def _kinetic_tokens(model: Model, term: LagrangianTerm) -> list[str]:
    field = model.fields[term.occurrences[0].index]
    charged = [name for k, name in enumerate(model.group.names) if field.charged_under(k)]
    index = term.occurrences[0].index
    pair = tuple(sorted((Occurrence(index, not field.real), Occurrence(index, False))))
    conj = _object_tokens(model, pair[1] if not field.real else pair[0])
    plain = _object_tokens(model, Occurrence(index, False))
    (pattern,) = mono.basis(model, pair, 1) if not field.is_gauge_singlet else [()]
    # ``pair`` is sorted plain-first; the conjugate is printed first (ID0/ID1).
    if field.is_fermion:
        sigma = "SIGMA_BAR" if field.helicity == "left" else "SIGMA"
        gauge = _gauge_contractions(model, pattern, [3, 0]) if pattern else []
        return [
            "+", "i", *conj, "ID0", sigma, "ID1", "DERIVATIVE", *charged, "ID2", *plain, "ID3",
            "CONTRACTIONS", *gauge, "LORENTZ", "ID0", "ID1", "LORENTZ", "ID1", "ID2", "ID3",
        ]  # fmt: skip
    gauge = _gauge_contractions(model, pattern, [3, 1]) if pattern else []
    return [
        "+", "DERIVATIVE", *charged, "ID0", *conj, "ID1",
        "DERIVATIVE", *charged, "ID2", *plain, "ID3",
        "CONTRACTIONS", *gauge, "LORENTZ", "ID0", "ID2",
    ]  # fmt: skip
