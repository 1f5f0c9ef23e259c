"""Which engine terms a written Lagrangian still lacks: the source of "complete it".

A monomial with one invariant is covered by any valid term with those fields.  With several
invariants, the written terms' coefficient vectors (in the engine basis) span a subspace,
and the missing terms are engine basis elements outside it, picked greedily, so writing
``lambda_3`` and ``lambda_4`` of the 2HDM in any basis leaves exactly the other five.
A missing term never reuses a coupling name the document already has: the engine numbers
couplings by their place in the complete Lagrangian, so its ``lambda_4`` may be another
invariant than the user's, and offering it would silently merge two couplings.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from lagrangian.grammar import ast
from lagrangian.physics.api import EngineTerm, engine_terms
from lagrangian.physics.checks import Analysis
from lagrangian.physics.eft.operators import lagrangian_terms
from lagrangian.physics.monomials import Occurrence
from lagrangian.physics.render import to_ast
from lagrangian.physics.resolve import coupling_name


def missing_terms(analysis: Analysis, max_dimension: int = 4) -> list[EngineTerm]:
    """Engine terms (numbered as in the complete Lagrangian) absent from the document; with
    ``max_dimension`` above 4 also the explicit effective operators up to it."""
    kinetic: set[int] = set()
    strengths: set[tuple[int, ...]] = set()  # sorted factors: (B,) or (B, X) for mixing
    vectors: dict[tuple[Occurrence, ...], list[np.ndarray]] = defaultdict(list)
    unknown: dict[tuple[Occurrence, ...], int] = defaultdict(int)
    for info in analysis.terms:
        if not info.valid:
            continue
        if info.kind == "kinetic":
            kinetic.add(info.resolved.occurrences[0].index)
        elif info.kind == "gauge_kinetic":
            strengths.add(tuple(sorted({s.factor for s in info.resolved.strengths})))
        elif info.monomial is not None:
            if info.coefficients is not None and info.multiplicity > 1:
                vectors[info.monomial].append(info.coefficients)
            else:
                unknown[info.monomial] += 1
    missing: list[EngineTerm] = []
    by_monomial: dict[tuple[Occurrence, ...], list[tuple[int, EngineTerm]]] = defaultdict(list)
    terms, _ = lagrangian_terms(analysis.model, max_dimension)
    for term in engine_terms(analysis.model, terms):
        t = term.term
        if t.kind == "kinetic":
            if t.occurrences[0].index not in kinetic:
                missing.append(term)
        elif t.kind == "gauge_kinetic":
            assert t.strength is not None
            written = (t.strength,) if t.partner is None else tuple(sorted((t.strength, t.partner)))
            if written not in strengths:
                missing.append(term)
        else:
            group = by_monomial[t.occurrences]
            group.append((len(group), term))
            if len(group) == t.multiplicity:
                missing.extend(_uncovered(group, vectors[t.occurrences], unknown[t.occurrences]))
    return _fresh_couplings(analysis, missing)


def written_couplings(analysis: Analysis) -> frozenset[str]:
    """Every coupling name the document's terms use (valid or not)."""
    return frozenset(name for info in analysis.terms for name in info.resolved.couplings)


def _fresh_couplings(analysis: Analysis, terms: list[EngineTerm]) -> list[EngineTerm]:
    """``terms`` with each coupling the document already uses renamed to a free one."""
    used = written_couplings(analysis)
    taken = set(used) | {name for name in map(_coupling, terms) if name is not None}
    fresh = []
    for term in terms:
        name = _coupling(term)
        if name is not None and name in used:
            base = name.partition("_")[0]
            number = 1
            while f"{base}_{number}" in taken:
                number += 1
            name = f"{base}_{number}"
            taken.add(name)
            term = EngineTerm(term.term, to_ast(analysis.model, term.term, name))
        fresh.append(term)
    return fresh


def _coupling(term: EngineTerm) -> str | None:
    if term.term.kind in ("kinetic", "gauge_kinetic"):
        return None
    first = term.tree.factors[0]
    return coupling_name(first) if isinstance(first, ast.Symbol) else None


def _uncovered(
    group: list[tuple[int, EngineTerm]], written: list[np.ndarray], unknown: int
) -> list[EngineTerm]:
    size = len(group)
    span = np.array(written).reshape(len(written), size) if written else np.zeros((0, size))
    rank = np.linalg.matrix_rank(span) if len(written) else 0
    chosen: list[EngineTerm] = []
    for i, term in group:
        candidate = np.vstack([span, np.eye(size)[i]])
        new_rank = np.linalg.matrix_rank(candidate)
        if new_rank > rank:
            span, rank = candidate, new_rank
            chosen.append(term)
    return chosen[: max(0, len(chosen) - unknown)]
