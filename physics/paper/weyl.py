"""Terms as papers write them, mapped onto the engine's fields and two-component spinors.

The grammar reads names and four-component notation as written; only the declarations
say what they mean, so the mapping is here (the table is in docs/language.md):

- names with subscripts: ``\\Phi_1`` is the symbol ``Phi`` with index ``1``; when ``Phi_1``
  is declared it is that field.  A chirality subscript on a chiral fermion declared
  without it (``Q_L`` for ``fermion Q ... left``) names the field and says its chirality.
- a bar (``\\bar\\psi``), a tilde (``\\tilde H`` = i sigma_2 H^*) and ``\\psi^c`` conjugate
  the field (the grammar already flipped ``conjugate``); ``\\gamma^\\mu`` is a sigma matrix.
- a ``dirac`` fermion ``Psi`` is a pair of Weyl fields ``Psi_L``, ``Psi_R``.  In a bilinear
  ``\\bar A ... B`` the components follow from the other spinor: without a gamma matrix
  between them the two written spinors have opposite chirality, with one the same.  A
  projector (``P_R Psi``) picks the component itself.  When neither spinor fixes it the
  term stands for both choices (``\\bar\\Psi\\Psi`` = Psi_L^dagger Psi_R + Psi_R^dagger Psi_L)
  and becomes two engine terms.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import product

from lagrangian.grammar import GREEK, ast, split_index_word
from lagrangian.physics.fields import Model

MAX_CHOICES = 16  # engine terms one written four-component term may stand for

_CHIRALITY = {"L": "left", "R": "right"}
_FLIP = {"left": "right", "right": "left"}


@dataclass
class _Slot:
    """One fermion symbol of a term, in reading order."""

    dirac: tuple[str, str] | None  # its components, if it is a Dirac fermion
    conjugate: bool
    helicity: str | None  # of the field (or of the projected component): None = open
    sigmas_before: int  # gamma/sigma matrices read before it


@dataclass
class _Walk:
    model: Model
    slots: list[_Slot] = field(default_factory=list)
    sigmas: int = 0
    choice: dict[int, str] | None = None  # slot -> component name (second pass)
    seen: int = 0


def weyl_terms(model: Model, term: ast.Term) -> list[ast.Term]:
    """``term`` with declared names resolved and Dirac fields split into Weyl components."""
    term = _without_generators(term)
    term = _adjoint_indices_joined(model, term)
    term = _doublet_chains(model, term)
    walk = _Walk(model)
    renamed = _factors(term.factors, walk)
    if not any(s.dirac for s in walk.slots):
        return [term if renamed is term.factors else replace(term, factors=renamed)]
    out: list[ast.Term] = []
    for choice in _choices(walk.slots)[:MAX_CHOICES]:
        second = _Walk(model, choice=choice)
        variant = replace(term, factors=tuple(_factor(f, second) for f in term.factors))
        flipped = _fields(model, variant, True)
        mirror = next((k for k, t in enumerate(out) if _fields(model, t) == flipped), None)
        if mirror is None:
            out.append(variant)
        elif not out[mirror].hc:  # \bar\Psi\Psi: the second half is the h.c. of the first
            out[mirror] = replace(out[mirror], hc=True, hc_span=term.span)
    return out


def _fields(model: Model, term: ast.Term, flip: bool = False) -> list[tuple[str, bool]]:
    """The fields of a term as (name, conjugated), sorted; ``flip`` conjugates them all."""
    out: list[tuple[str, bool]] = []
    stack: list[tuple[ast.Factor, bool]] = [(f, flip) for f in term.factors]
    while stack:
        factor, conjugate = stack.pop()
        found = model.field(factor.name) if isinstance(factor, ast.Symbol) else None
        if isinstance(factor, ast.Symbol) and found is not None:
            out.append((factor.name, factor.conjugate != conjugate and not found.real))
        elif isinstance(factor, ast.Derivative):
            stack.append((factor.operand, conjugate))
        elif isinstance(factor, ast.Group):
            stack.extend((f, conjugate != factor.conjugate) for f in factor.factors)
    return sorted(out)


def _generator_index(factor: ast.Factor) -> str | None:
    """``a`` of an SU(2) generator ``\\sigma^a`` or ``\\tau^a`` (a Latin index), else None."""
    named = isinstance(factor, ast.Symbol) and factor.name == "tau" and not factor.conjugate
    if isinstance(factor, ast.Sigma) or named:
        indices = factor.indices  # type: ignore[union-attr]
        if len(indices) == 1 and indices[0].name not in GREEK:
            return indices[0].name
    return None


def _without_generators(term: ast.Term) -> ast.Term:
    """``H^\\dagger \\sigma^a H \\Sigma^a`` read as ``H^\\dagger H \\Sigma``: the generator and
    the adjoint index it carries are the one way a doublet pair meets a triplet, which the
    engine finds by itself."""
    names = {i for f in ast.nested_factors(term.factors) if (i := _generator_index(f)) is not None}
    if not names:
        return term
    return replace(term, factors=_strip(term.factors, names))


def _strip(factors: tuple[ast.Factor, ...], names: set[str]) -> tuple[ast.Factor, ...]:
    out: list[ast.Factor] = []
    for factor in factors:
        if _generator_index(factor) in names:
            continue
        if isinstance(factor, ast.Symbol):
            kept = tuple(i for i in factor.indices if i.name not in names)
            factor = replace(factor, indices=kept)
        elif isinstance(factor, ast.Group):
            factor = replace(factor, factors=_strip(factor.factors, names))
        elif isinstance(factor, ast.Derivative):
            factor = replace(factor, operand=_strip((factor.operand,), names)[0])
        out.append(factor)
    return tuple(out)


def _adjoint_indices_joined(model: Model, term: ast.Term) -> ast.Term:
    """``\\Sigma^a \\Sigma^a``: an adjoint index written on two adjoint fields is their
    singlet contraction, which the engine finds without it."""
    places: dict[str, list[bool]] = {}
    for factor in ast.nested_factors(term.factors):
        if isinstance(factor, ast.Symbol) and factor.indices:
            name, rest, _ = field_name(model, factor)  # ``\Sigma_1^a``: the index is ``a``
            for index in rest:
                if index.name not in GREEK:
                    alone = len(rest) == 1  # explicit tensor indices come in pairs
                    places.setdefault(index.name, []).append(alone and _adjoint(model, name))
    joined = {name for name, where in places.items() if where == [True, True]}
    return replace(term, factors=_strip(term.factors, joined)) if joined else term


def _adjoint(model: Model, name: str | None) -> bool:
    found = model.field(name or "")
    if found is None:
        return False
    charged = [
        (r, n) for r, n in zip(found.rep.gauge, model.group.ns) if n > 1 and not r.is_trivial
    ]
    return len(charged) == 1 and charged[0][0].dim == charged[0][1] ** 2 - 1


def _doublet_chains(model: Model, term: ast.Term) -> ast.Term:
    """``\\Phi_1^\\dagger\\Phi_1 \\Phi_2^\\dagger\\Phi_2``: doublets read as matrices multiply
    left to right, so each ``X^\\dagger Y`` is contracted on its own."""
    named = {
        k: field_name(model, f) for k, f in enumerate(term.factors) if isinstance(f, ast.Symbol)
    }
    fields = [k for k, (name, _, _) in named.items() if name is not None]
    if any(named[k][1] for k in fields):  # ``Phi_1``'s subscript names it; others are indices
        return term  # explicit indices say the contraction themselves
    if len(fields) < 4 or len(fields) % 2:
        return term
    pairs = list(zip(fields[::2], fields[1::2]))
    for a, b in pairs:
        left, right = term.factors[a], term.factors[b]
        assert isinstance(left, ast.Symbol) and isinstance(right, ast.Symbol)
        if b != a + 1 or not left.conjugate or right.conjugate:
            return term
        if not (_doublet(model, left) and _doublet(model, right)):
            return term
    factors = list(term.factors)
    for a, b in reversed(pairs):
        span = _join(factors[a].span, factors[b].span)  # type: ignore[union-attr]
        factors[a : b + 1] = [ast.Group((factors[a], factors[b]), span=span)]
    return replace(term, factors=tuple(factors))


def _doublet(model: Model, symbol: ast.Symbol) -> bool:
    found = model.field(field_name(model, symbol)[0] or "")
    if found is None or found.is_fermion:
        return False
    charged = [(r, n) for r, n in zip(found.rep.gauge, model.group.ns) if n > 1]
    return [r.dim for r, n in charged if not r.is_trivial] == [2] and any(
        n == 2 for _, n in charged
    )


def _join(a: ast.Span | None, b: ast.Span | None) -> ast.Span | None:
    return ast.Span(a.start, b.end) if a and b else a or b


def _choices(slots: list[_Slot]) -> list[dict[int, str]]:
    """Every consistent choice of components for the Dirac slots, pair by pair."""
    per_pair: list[list[dict[int, str]]] = []
    for a in range(0, len(slots), 2):
        pair = [a, a + 1] if a + 1 < len(slots) else [a]
        options = []
        for helicities in product(*(_open(slots[k]) for k in pair)):
            if len(pair) == 2 and not _closes(slots, pair, helicities):
                continue
            options.append(
                {
                    k: _component(slots[k], h)
                    for k, h in zip(pair, helicities)
                    if slots[k].dirac is not None
                }
            )
        per_pair.append(options or [{k: _component(slots[k], "left") for k in pair}])
    out: list[dict[int, str]] = []
    for combination in product(*per_pair):
        merged: dict[int, str] = {}
        for part in combination:
            merged.update(part)
        out.append(merged)
    return out


def _open(slot: _Slot) -> list[str]:
    return [slot.helicity] if slot.helicity else ["left", "right"]


def _closes(slots: list[_Slot], pair: list[int], helicities: tuple[str, ...]) -> bool:
    """Two spinors pair with no sigma between them if their Lorentz types agree, else one."""
    a, b = (slots[k] for k in pair)
    types = [h if not s.conjugate else _FLIP[h] for s, h in zip((a, b), helicities)]
    odd = (b.sigmas_before - a.sigmas_before) % 2 == 1
    return (types[0] != types[1]) == odd


def _component(slot: _Slot, helicity: str) -> str:
    if slot.dirac is None:
        return ""
    return slot.dirac[0] if helicity == "left" else slot.dirac[1]


def _factors(factors: tuple[ast.Factor, ...], walk: _Walk) -> tuple[ast.Factor, ...]:
    """``factors`` read by ``_factor``; the same tuple when nothing changed (most terms of
    a two-component document), so no node is copied for nothing."""
    out = tuple(_factor(f, walk) for f in factors)
    return factors if all(a is b for a, b in zip(out, factors)) else out


def _factor(factor: ast.Factor, walk: _Walk) -> ast.Factor:
    if isinstance(factor, ast.Symbol):
        return _symbol(factor, walk)
    if isinstance(factor, ast.Sigma):
        walk.sigmas += 1
        return factor
    if isinstance(factor, ast.Derivative):
        operand = _factor(factor.operand, walk)
        return factor if operand is factor.operand else replace(factor, operand=operand)
    if isinstance(factor, ast.Group):
        inner = _factors(factor.factors, walk)
        return factor if inner is factor.factors else replace(factor, factors=inner)
    return factor


def _symbol(symbol: ast.Symbol, walk: _Walk) -> ast.Symbol:
    model = walk.model
    name, indices, written = field_name(model, symbol)
    if name is None:
        return symbol
    chirality = symbol.chirality
    if written is not None and chirality is None:
        # ``Q_R``: the field's own chirality, as a projector on the written field would say
        chirality = _FLIP[written] if symbol.conjugate else written  # type: ignore[assignment]
    unchanged = (name, indices, chirality) == (symbol.name, symbol.indices, symbol.chirality)
    renamed = (
        symbol if unchanged else replace(symbol, name=name, indices=indices, chirality=chirality)
    )
    components = model.components(name)
    found = model.field(name)
    if components is None and (found is None or not found.is_fermion):
        return renamed
    if components is None:
        assert found is not None
        walk.slots.append(_Slot(None, symbol.conjugate, found.helicity, walk.sigmas))
        return renamed
    helicity = None
    if chirality is not None:  # P_R Psi: the right component (of Psi^c: the left one)
        helicity = _FLIP[chirality] if symbol.conjugate else chirality
    walk.slots.append(_Slot(components, symbol.conjugate, helicity, walk.sigmas))
    if walk.choice is None:
        return renamed
    chosen = walk.choice.get(len(walk.slots) - 1) or components[0]
    return replace(renamed, name=chosen, chirality=None)


def field_name(
    model: Model, symbol: ast.Symbol
) -> tuple[str | None, tuple[ast.Index, ...], str | None]:
    """The declared name a symbol reaches, its remaining indices, and a chirality subscript.

    ``Phi`` with lower index ``1`` reaches ``Phi_1`` when that is declared, also beside a
    declared ``Phi`` (the longest declared name wins: ``H_{uL}`` is ``H_uL``, not ``H`` with
    an index); ``Q`` with lower index ``L`` reaches the chiral fermion ``Q`` with written
    chirality ``left``.
    """
    if not symbol.indices:  # most symbols: the name is all there is
        return (symbol.name if _declared(model, symbol.name) else None), (), None
    symbol = _name_and_index_apart(model, symbol)
    lower = [k for k, i in enumerate(symbol.indices) if not i.upper and i.name not in GREEK]
    chiral = bool(lower) and symbol.indices[lower[0]].name in _CHIRALITY
    for count in range(len(lower), 0, -1):
        picked = lower[:count]
        if picked != list(range(picked[0], picked[0] + count)):
            continue
        name = symbol.name + "_" + "".join(symbol.indices[k].name for k in picked)
        if _declared(model, name):
            rest = tuple(i for k, i in enumerate(symbol.indices) if k not in picked)
            return name, rest, None
    if _declared(model, symbol.name) and not (chiral and _is_fermion(model, symbol.name)):
        return symbol.name, symbol.indices, None
    found = model.field(symbol.name)
    if lower and symbol.indices[lower[0]].name in _CHIRALITY:
        written = _CHIRALITY[symbol.indices[lower[0]].name]
        rest = tuple(i for k, i in enumerate(symbol.indices) if k != lower[0])
        if model.components(symbol.name) is not None:
            left, right = model.components(symbol.name)  # type: ignore[misc]
            return (left if written == "left" else right), rest, None
        if found is not None and found.is_fermion:
            return symbol.name, rest, written
    return None, symbol.indices, None


def _name_and_index_apart(model: Model, symbol: ast.Symbol) -> ast.Symbol:
    """``e_{Ra}``, ``Q_{Li}``: a subscript word that runs a name's subscript (or a chirality)
    and a flavour index together is two indices, where its head completes a declared name
    (``e_R``) or is the chirality of a declared fermion (``Q``).  A word that is itself the
    rest of a declared name (``Psi_{1L}`` of a dirac ``Psi_1``) stays whole."""
    if symbol.name not in _subscripted_bases(model) and not _is_fermion(model, symbol.name):
        return symbol  # ``lambda_{65}``: no declared name to complete
    first = next((k for k, i in enumerate(symbol.indices) if not i.upper), None)
    if first is None:
        return symbol
    index = symbol.indices[first]
    word = index.name
    if len(word) < 2 or word in GREEK or _declared(model, f"{symbol.name}_{word}"):
        return symbol
    for cut in range(len(word) - 1, 0, -1):
        head, tail = word[:cut], word[cut:]
        named = _declared(model, f"{symbol.name}_{head}")
        if named or (head in _CHIRALITY and _is_fermion(model, symbol.name)):
            pieces = [_part(index, 0, head)] + [
                _part(index, cut + k, x) for k, x in enumerate(split_index_word(tail))
            ]
            indices = (*symbol.indices[:first], *pieces, *symbol.indices[first + 1 :])
            return replace(symbol, indices=indices)
    return symbol


def _subscripted_bases(model: Model) -> frozenset[str]:
    """``e`` of a declared ``e_R``: the names a subscript can complete (kept per model)."""
    key = "subscripted bases"
    if key not in model.memo:
        names = model.names()
        model.memo[key] = frozenset(n.split("_", 1)[0] for n in names if "_" in n)
    return model.memo[key]  # type: ignore[return-value]


def _part(index: ast.Index, skip: int, name: str) -> ast.Index:
    """The index ``name`` written ``skip`` characters into ``index`` (a subscript word)."""
    span = index.span
    if span is None:
        return ast.Index(name, index.upper, None)
    start = ast.Position(span.start.line, span.start.character + skip, span.start.offset + skip)
    end = ast.Position(start.line, start.character + len(name), start.offset + len(name))
    return ast.Index(name, index.upper, ast.Span(start, end))


def _is_fermion(model: Model, name: str) -> bool:
    found = model.field(name)
    return model.components(name) is not None or (found is not None and found.is_fermion)


def _declared(model: Model, name: str) -> bool:
    return (
        model.field(name) is not None
        or model.components(name) is not None
        or name in model.strengths
    )
