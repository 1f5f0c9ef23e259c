"""Engine terms as syntax trees, so the grammar's printers write them in text and LaTeX.

The printed form must parse back to the same invariant, so the choice between implicit and
explicit index notation is made here, where the invariant is known:

* If the contraction splits into pieces that are each a complete singlet with a single
  invariant (``(H1^dagger H2)(H2^dagger H1)``, ``(H^dagger H)^2``), the implicit form with
  one parenthesised group per piece is unambiguous.
* If the whole monomial has a single invariant, the bare product (``y Q u H``) is.
* Otherwise indices are written out: ``eps_{ij}``, ``H^dagger_i H^i``, ``Sigma^a_b``.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from fractions import Fraction

from lagrangian.grammar import ast
from lagrangian.physics import monomials as mono
from lagrangian.physics.fields import Model
from lagrangian.physics.lagrangian import LagrangianTerm
from lagrangian.physics.monomials import Occurrence
from lagrangian.physics.patterns import Delta, Pattern

# Index alphabets per SU(N): colour a b c…, weak isospin i j k…, anything else p q r….
_ALPHABETS = {3: "abcdefgh", 2: "ijklmn"}
_GENERIC = "pqrsuvw"


def _index_names(n: int) -> Iterator[str]:
    """``i j k l m n``, then ``i1 j1 …``, ``i2 …``: as many single indices as needed."""
    letters = _ALPHABETS.get(n, _GENERIC)
    yield from letters
    for round_ in itertools.count(1):
        for letter in letters:
            yield f"{letter}{round_}"


# Coupling symbol, its power and the sign of each kind (the potential enters with a minus).
COUPLINGS = {
    "linear": ("t", 1, -1),
    "scalar_mass": ("m", 2, -1),
    "trilinear": ("kappa", 1, -1),
    "quartic": ("lambda", 1, -1),
    "fermion_mass": ("M", 1, -1),
    "yukawa": ("y", 1, -1),
    "effective": ("c", 1, 1),  # Wilson coefficients of operators above dimension four
}


# Kinetic mixing of two U(1) field strengths: -1/2 chi B_{mu nu} X^{mu nu} (Holdom's chi).
MIXING = "chi"


def _coupling_kind(term: LagrangianTerm) -> str:
    return "mixing" if term.partner is not None else term.kind


def coupling_names(
    terms: list[LagrangianTerm], taken: frozenset[str] = frozenset()
) -> list[str | None]:
    """``lambda`` if a kind occurs once, else ``lambda_1``, ``lambda_2``…; None for kinetic.

    A symbol in ``taken`` (the model's field names: the B-L scalar ``chi`` of a model with
    kinetic mixing) gets primes until it is free, ``chi'``, so it never reads as the field.
    """
    totals = Counter(_coupling_kind(t) for t in terms)
    seen: Counter[str] = Counter()
    names: list[str | None] = []
    for t in terms:
        kind = _coupling_kind(t)
        if kind not in COUPLINGS and kind != "mixing":
            names.append(None)
            continue
        seen[kind] += 1
        base = MIXING if kind == "mixing" else COUPLINGS[kind][0]
        name = base if totals[kind] == 1 else f"{base}_{seen[kind]}"
        while base in taken or name in taken:
            base += "'"
            name = base if totals[kind] == 1 else f"{base}_{seen[kind]}"
        names.append(name)
    return names


def _coupling_symbol(name: str, power: int) -> ast.Symbol:
    base, _, sub = name.partition("_")
    indices = (ast.Index(sub, upper=False),) if sub else ()
    return ast.Symbol(base, indices=indices, power=power)


def to_ast(model: Model, term: LagrangianTerm, coupling: str | None) -> ast.Term:
    """The syntax tree of an engine term."""
    if term.kind == "kinetic":
        return _kinetic(model, term)
    if term.kind == "gauge_kinetic":
        assert term.strength is not None
        name = model.strengths[term.strength]
        mu, nu = ast.Index("mu", False), ast.Index("nu", False)
        up = (ast.Index("mu", True), ast.Index("nu", True))
        if term.partner is None:
            number, couplings = Fraction(1, 4), ()
            other = name
        else:
            assert coupling is not None
            number, couplings = Fraction(1, 2), (_coupling_symbol(coupling, 1),)
            other = model.strengths[term.partner]
        return ast.Term(
            sign=-1,
            numbers=(ast.Number(number),),
            factors=(
                *couplings,
                ast.Symbol(name, indices=(mu, nu)),
                ast.Symbol(other, indices=up),
            ),
        )
    assert term.pattern is not None and coupling is not None
    _, power, sign = COUPLINGS[term.kind]
    numbers: tuple[ast.Number, ...] = ()
    if term.kind in ("scalar_mass", "fermion_mass") and len(set(term.occurrences)) == 1:
        numbers = (ast.Number(Fraction(1, 2)),)  # real or Majorana mass: 1/2 m^2 S^2
    factors = (_coupling_symbol(coupling, power), *contraction_factors(model, term))
    return ast.Term(sign=sign, numbers=numbers, factors=factors, hc=term.hc)


def _kinetic(model: Model, term: LagrangianTerm) -> ast.Term:
    field = model.fields[term.occurrences[0].index]
    covariant = not field.is_gauge_singlet
    lower, upper = ast.Index("mu", False), ast.Index("mu", True)
    if field.is_fermion:
        bar = field.helicity == "left"
        factors: tuple[ast.Factor, ...] = (
            ast.Symbol(field.name, conjugate=True),
            ast.Sigma(bar=bar, indices=(upper,)),
            ast.Derivative(covariant, lower, ast.Symbol(field.name)),
        )
        return ast.Term(sign=1, imaginary=True, factors=factors)
    if field.real:
        factors = (
            ast.Derivative(covariant, lower, ast.Symbol(field.name)),
            ast.Derivative(covariant, upper, ast.Symbol(field.name)),
        )
        return ast.Term(sign=1, numbers=(ast.Number(Fraction(1, 2)),), factors=factors)
    factors = (
        ast.Group((ast.Derivative(covariant, lower, ast.Symbol(field.name)),), conjugate=True),
        ast.Group((ast.Derivative(covariant, upper, ast.Symbol(field.name)),)),
    )
    return ast.Term(sign=1, factors=factors)


# ---------------------------------------------------------------------------------------
# Contractions


def contraction_factors(model: Model, term: LagrangianTerm) -> tuple[ast.Factor, ...]:
    """The field part of a non-derivative term, implicit where unambiguous."""
    occs = term.occurrences
    assert term.pattern is not None
    pieces = _components(model, occs, term.pattern)
    if len(pieces) > 1 and all(_is_lone_singlet(model, tuple(occs[i] for i in p)) for p in pieces):
        ordered = sorted(
            (display_order(model, occs, p) for p in pieces),
            key=lambda members: _display_key(model, occs, members[0]),
        )
        groups = [tuple(_symbol(model, occs[i]) for i in members) for members in ordered]
        counted = Counter(groups)
        out: list[ast.Factor] = []
        for group in dict.fromkeys(groups):
            power = counted[group]
            if len(group) == 1:
                out.append(_with_power(group[0], power))
            else:
                out.append(ast.Group(group, power=power))
        return tuple(out)
    if term.multiplicity == 1:
        ordered = display_order(model, occs, list(range(len(occs))))
        return _powers([_symbol(model, occs[i]) for i in ordered], model)
    return explicit_factors(model, occs, term.pattern)


def _with_power(symbol: ast.Symbol, power: int) -> ast.Symbol:
    return ast.Symbol(symbol.name, symbol.conjugate, indices=symbol.indices, power=power)


def _powers(symbols: list[ast.Symbol], model: Model) -> tuple[ast.Factor, ...]:
    """Collapse repeats of a gauge-singlet scalar into a power: ``S^3``."""
    out: list[ast.Symbol] = []
    for s in symbols:
        field = model.field(s.name)
        singlet = field is not None and field.is_gauge_singlet and not field.is_fermion
        if out and singlet and out[-1].name == s.name and out[-1].conjugate == s.conjugate:
            out[-1] = _with_power(out[-1], out[-1].power + 1)
        else:
            out.append(s)
    return tuple(out)


def _symbol(model: Model, occ: Occurrence) -> ast.Symbol:
    return ast.Symbol(model.fields[occ.index].name, conjugate=occ.conjugate)


def display_order(model: Model, occs: tuple[Occurrence, ...], members: list[int]) -> list[int]:
    """Conjugates first (``H^dagger H``), fermions before scalars, then declaration order."""
    return sorted(members, key=lambda i: _display_key(model, occs, i))


def _display_key(model: Model, occs: tuple[Occurrence, ...], i: int) -> tuple[bool, bool, int]:
    fermion = model.fields[occs[i].index].is_fermion
    return (not fermion and not occs[i].conjugate, not fermion, occs[i].index)


def _components(model: Model, occs: tuple[Occurrence, ...], pattern: Pattern) -> list[list[int]]:
    """Occurrences linked by any contraction (fermion pairs share a Lorentz one)."""
    parent = list(range(len(occs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        parent[find(i)] = find(j)

    for blocks in pattern:
        for block in blocks:
            slots = (block.upper, block.lower) if isinstance(block, Delta) else block.slots
            for a in slots[1:]:
                union(slots[0][0], a[0])
    fermions = [i for i, o in enumerate(occs) if model.fields[o.index].is_fermion]
    for a in fermions[1:]:
        union(fermions[0], a)
    pieces: dict[int, list[int]] = {}
    for i in range(len(occs)):
        pieces.setdefault(find(i), []).append(i)
    return list(pieces.values())


def _is_lone_singlet(model: Model, occs: tuple[Occurrence, ...]) -> bool:
    # the count is 0 unless every charge sums to zero, so it decides singlet-ness alone
    return mono.count(model, tuple(sorted(occs))) == 1


def explicit_factors(
    model: Model, occs: tuple[Occurrence, ...], pattern: Pattern
) -> tuple[ast.Factor, ...]:
    """Written-out indices: epsilons first, then each field with its indices."""
    su = model.group.su_factors
    upper: list[list[str]] = [[] for _ in occs]
    lower: list[list[str]] = [[] for _ in occs]
    slot_names: dict[tuple[int, int, bool, int], str] = {}
    epsilons: list[ast.Epsilon] = []
    # One supply of names per N: two SU(2) factors (SU2[WL] x SU2[WR]) must not share one.
    alphabets: dict[int, Iterator[str]] = {}
    for position, blocks in enumerate(pattern):
        n = model.group.ns[su[position]]
        alphabet = alphabets.setdefault(n, _index_names(n))
        for block in blocks:
            if isinstance(block, Delta):
                name = next(alphabet)
                slot_names[(position, *block.upper)] = name
                slot_names[(position, *block.lower)] = name
            else:
                names = [next(alphabet) for _ in block.slots]
                for slot, name in zip(block.slots, names):
                    slot_names[(position, *slot)] = name
                # eps_{ij} (lower indices) eats upper slots of the fields, and vice versa.
                epsilons.append(
                    ast.Epsilon(tuple(ast.Index(x, not block.lower_indices) for x in names))
                )
    for i, occ_shapes in enumerate(mono.shapes(model, occs)):
        for position, shape in enumerate(occ_shapes):
            upper[i].extend(slot_names[(position, i, True, p)] for p in range(shape.n_upper))
            lower[i].extend(
                slot_names[(position, i, False, p)] for p in range(shape.slots - shape.n_upper)
            )
    symbols = []
    for i in display_order(model, occs, list(range(len(occs)))):
        indices = tuple(ast.Index(x, True) for x in upper[i]) + tuple(
            ast.Index(x, False) for x in lower[i]
        )
        symbols.append(
            ast.Symbol(model.fields[occs[i].index].name, occs[i].conjugate, indices=indices)
        )
    return (*epsilons, *symbols)
