"""Flavour indices written into engine terms: ``- f_{ab} h L^a L^b`` with f antisymmetric.

A flavoured term is a sum over flavours with a coupling tensor, so its printed form writes
one upper index on every flavoured field and the same indices, lower, on the coupling.  An
index that a field shares with a coupling is a flavour index (gauge indices are contracted
among fields and epsilons, never with a coupling), which is how ``resolve`` reads them back.
Powers of flavoured fields are written out (``(H^dagger H)^2`` becomes two groups), since
each copy carries its own index.  The coupling's permutation symmetry goes into a note.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from lagrangian.grammar import GREEK, ast
from lagrangian.physics.fields import Model
from lagrangian.physics.lagrangian import LagrangianTerm
from lagrangian.physics.monomials import Occurrence
from lagrangian.physics.young import shape_name

# No c: a lone upper c on a field is read as charge conjugation (papers write psi^c).
_LETTERS = "abdefghjkpqrstuvwxyz"


def with_flavour_indices(
    model: Model, term: LagrangianTerm, tree: ast.Term, coupling: str | None
) -> tuple[ast.Term, str | None]:
    """The tree with flavour indices, and a note on the coupling's symmetry (None when no
    field of the term has several flavours)."""
    if coupling is None or not any(model.fields[o.index].flavours > 1 for o in term.occurrences):
        return tree, None
    writer = _Writer(model, _fresh_letters(tree))
    factors = writer.factors(tree.factors, conjugate=False)
    letters = [letter for _, letter in writer.placed]
    factors = _index_coupling(model, factors, letters)
    parts = []
    for occ, shape in term.flavour:
        mine = [letter for o, letter in writer.placed if o == occ]
        field = model.fields[occ.index].name + ("^dagger" if occ.conjugate else "")
        parts.append(f"{shape_name(shape)} in {' '.join(mine)} ({field})")
    kind = "complex" if term.hc else "real"
    plural = "s" if term.couplings != 1 else ""
    note = f"{coupling}: " + "".join(p + "; " for p in parts)
    return replace(tree, factors=factors), note + f"{term.couplings} {kind} coupling{plural}"


class _Writer:
    """Walks the factors, expanding powers of flavoured fields and handing out indices."""

    def __init__(self, model: Model, letters: Iterator[str]) -> None:
        self.model = model
        self.letters = letters
        self.placed: list[tuple[Occurrence, str]] = []

    def factors(self, factors: tuple[ast.Factor, ...], conjugate: bool) -> tuple[ast.Factor, ...]:
        out: list[ast.Factor] = []
        for factor in factors:
            if isinstance(factor, ast.Symbol):
                out.extend(self.symbol(factor, conjugate))
            elif isinstance(factor, ast.Group) and self.flavoured_inside(factor.factors):
                inner = conjugate != factor.conjugate
                for _ in range(max(factor.power, 1)):
                    expanded = self.factors(factor.factors, inner)
                    out.append(replace(factor, factors=expanded, power=1))
            else:
                out.append(factor)
        return tuple(out)

    def symbol(self, symbol: ast.Symbol, conjugate: bool) -> list[ast.Factor]:
        field = self.model.field(symbol.name)
        if field is None or field.flavours == 1:
            return [symbol]
        occ = Occurrence(
            self.model.position(field), (conjugate != symbol.conjugate) and not field.real
        )
        copies: list[ast.Factor] = []
        for _ in range(max(symbol.power, 1)):
            letter = next(self.letters)
            self.placed.append((occ, letter))
            index = ast.Index(letter, upper=True)
            copies.append(replace(symbol, power=1, indices=(*symbol.indices, index)))
        return copies

    def flavoured_inside(self, factors: tuple[ast.Factor, ...]) -> bool:
        for factor in factors:
            if isinstance(factor, ast.Symbol):
                field = self.model.field(factor.name)
                if field is not None and field.flavours > 1:
                    return True
            elif isinstance(factor, ast.Group) and self.flavoured_inside(factor.factors):
                return True
        return False


def _index_coupling(
    model: Model, factors: tuple[ast.Factor, ...], letters: list[str]
) -> tuple[ast.Factor, ...]:
    """The first symbol that is neither a field nor a field strength gets the indices."""
    out = list(factors)
    for position, factor in enumerate(out):
        if (
            isinstance(factor, ast.Symbol)
            and model.field(factor.name) is None
            and factor.name not in model.strengths
        ):
            lower = tuple(ast.Index(letter, upper=False) for letter in letters)
            out[position] = replace(factor, indices=(*factor.indices, *lower))
            break
    return tuple(out)


def _fresh_letters(tree: ast.Term) -> Iterator[str]:
    used = set(_index_names(tree.factors))
    for letter in _LETTERS:
        if letter not in used and letter not in GREEK:
            yield letter
    raise ValueError("a term with more than 21 flavoured fields")  # pragma: no cover


def _index_names(factors: tuple[ast.Factor, ...]) -> Iterator[str]:
    for factor in factors:
        if isinstance(factor, (ast.Symbol, ast.Epsilon, ast.Sigma)):
            yield from (i.name for i in factor.indices)
        elif isinstance(factor, ast.Derivative):
            if factor.index is not None:
                yield factor.index.name
            yield from _index_names((factor.operand,))
        else:
            yield from _index_names(factor.factors)
