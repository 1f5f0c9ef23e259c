"""Engine terms written back as a paper prints them: four-component (Dirac) notation.

``lagrangian generate --format latex --notation four-component`` and the editor's
completions in a document written in Dirac notation print through here.  The reader
(``physics.paper.weyl``, table in docs/language.md) must take every line back to the same
invariant, so each spelling below is one the reader maps onto the engine's Weyl fields:

- a fermion bilinear ``\\overline{A} ... B``: a conjugated Weyl field first is ``\\overline{A}``,
  an unconjugated one ``\\overline{A^c}``; the second spinor is ``B``, or ``B^c`` when
  conjugated.  Scalars stand between the two spinors (``\\overline{Q_L} \\tilde{H} u_R``).
- a conjugated scalar doublet that pairs with another antidoublet is ``\\tilde{H}``.
- the kinetic term of a fermion is ``i \\overline{\\psi} \\slashed{D} \\psi``; the two Weyl
  components of a ``dirac`` field share one, ``i \\overline{T} \\slashed{D} T``, and their
  Dirac mass ``T_L^\\dagger T_R + h.c.`` is the hermitian ``M \\overline{T} T``.

The document groups the terms by kind under the heads papers use (``\\mathcal{L}_{\\rm
gauge}``, ``\\mathcal{L}_{\\rm kin}``, ``\\mathcal{L}_{\\rm mass}``, ``\\mathcal{L}_{\\rm
Yukawa}``, ``V`` with L = -V), hermitian terms first and one ``+ \\text{h.c.}`` per group
covering the rest: bare at the end of a group of non-hermitian terms only, else inside
brackets (an h.c. at the end of an equation covers every term since its head).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from lagrangian.grammar import ast, print_factor, print_term
from lagrangian.physics.api import EngineTerm, declaration_text, engine_terms
from lagrangian.physics.fields import Field, Model

Notation = Literal["two-component", "four-component"]
NOTATIONS: tuple[Notation, ...] = ("two-component", "four-component")

HC = "\\text{h.c.}"
TERMS_PER_ROW = 3

# (head, kinds, whether the head is a potential: its terms enter L with the opposite sign)
_GROUPS: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("\\mathcal{L}_{\\rm gauge}", ("gauge_kinetic",), False),
    ("\\mathcal{L}_{\\rm kin}", ("kinetic",), False),
    ("\\mathcal{L}_{\\rm mass}", ("fermion_mass",), False),
    ("\\mathcal{L}_{\\rm Yukawa}", ("yukawa",), False),
    ("V", ("linear", "scalar_mass", "trilinear", "quartic"), True),
)
_OTHER_HEAD = "\\mathcal{L}_{\\rm eff}"


@dataclass(frozen=True)
class Written:
    """One term as printed: its sign in the Lagrangian, its body, and whether its
    hermitian conjugate must be added."""

    sign: int
    body: str
    hc: bool


# ---------------------------------------------------------------------------------------
# One term


def dirac_term(model: Model, engine: EngineTerm) -> str:
    """One engine term in Dirac notation, signed like ``print_term`` (``- y ... + h.c.``)."""
    written = _written(model, engine)
    text = ("- " if written.sign < 0 else "") + written.body
    return text + f" + {HC}" if written.hc else text


def _written(model: Model, engine: EngineTerm) -> Written:
    tree = engine.tree
    if engine.term.kind == "gauge_kinetic":
        tree = _adjoint_indexed(model, engine)
    if not _fermions(model, tree.factors):
        sign, body = _sign_and_body(tree)
        return Written(sign, body, tree.hc)
    if engine.term.kind == "kinetic":
        field = model.fields[engine.term.occurrences[0].index]
        return Written(1, "i " + _kinetic_body(field.name, field), False)
    # every other term with spinors is a coupling (numbers first) times fields
    sign, coupling = _sign_and_body(replace(tree, factors=tree.factors[:1]))
    fields = tree.factors[1:]
    merged = _dirac_mass(model, engine)
    if merged is not None:
        return Written(sign, f"{coupling} \\overline{{{merged}}} {merged}", False)
    flat = engine.term.multiplicity == 1 and all(isinstance(f, ast.Symbol) for f in fields)
    if flat and tree.hc and not engine.term.flavour and _better_conjugated(model, fields):
        fields = tuple(_conjugated(model, f) for f in fields)  # the h.c. is the same term
    return Written(sign, " ".join([coupling, *_fields(model, fields, flat)]), tree.hc)


def _adjoint_indexed(model: Model, engine: EngineTerm) -> ast.Term:
    """``G^a_{\\mu\\nu} G^{a\\mu\\nu}``: a non-abelian field strength with its adjoint index."""
    tree = engine.tree
    if engine.term.strength is None or model.group.ns[engine.term.strength] == 1:
        return tree
    adjoint = ast.Index("a", upper=True)
    factors = tuple(
        replace(f, indices=(adjoint, *f.indices)) if isinstance(f, ast.Symbol) else f
        for f in tree.factors
    )
    return replace(tree, factors=factors)


def _better_conjugated(model: Model, fields: tuple[ast.Factor, ...]) -> bool:
    """Whether the h.c. reads as papers write it: a bar on the left-handed spinor of a
    left-right pair (``\\overline{Q_L} \\tilde H u_R``), none on a same-handed pair
    (``\\overline{N^c} N``)."""
    spinors = _fermions(model, fields)
    if len(spinors) != 2:
        return False
    helicities = [model.field(s.name).helicity for s in spinors]  # type: ignore[union-attr]
    if helicities[0] == helicities[1]:
        return all(s.conjugate for s in spinors)
    return not next(s.conjugate for s, h in zip(spinors, helicities) if h == "left")


def _conjugated(model: Model, factor: ast.Factor) -> ast.Factor:
    found = model.field(factor.name) if isinstance(factor, ast.Symbol) else None
    if found is None or found.real:
        return factor
    return replace(factor, conjugate=not factor.conjugate)  # type: ignore[type-var]


def _sign_and_body(tree: ast.Term) -> tuple[int, str]:
    """The sign and the rest of a printed term (without its h.c.)."""
    text = print_term(replace(tree, hc=False), "latex")
    return (-1, text[2:]) if text.startswith("- ") else (1, text)


def _fermions(model: Model, factors: tuple[ast.Factor, ...]) -> list[ast.Symbol]:
    out: list[ast.Symbol] = []
    for factor in factors:
        if isinstance(factor, ast.Group):
            out += _fermions(model, factor.factors)
        elif isinstance(factor, ast.Derivative):
            out += _fermions(model, (factor.operand,))
        elif isinstance(factor, ast.Symbol):
            found = model.field(factor.name)
            if found is not None and found.is_fermion:
                out.append(factor)
    return out


def _kinetic_body(written: str, field: Field) -> str:
    name = _plain(ast.Symbol(written))
    slash = "\\slashed{\\partial}" if field.is_gauge_singlet else "\\slashed{D}"
    return f"\\overline{{{name}}} {slash} {name}"


def _dirac_of(model: Model, name: str) -> tuple[str, str, str] | None:
    return next((d for d in model.dirac if name in d[1:]), None)


def _dirac_mass(model: Model, engine: EngineTerm) -> str | None:
    """``T`` when the term is the Dirac mass ``T_L^dagger T_R`` of a ``dirac`` field."""
    occurrences = engine.term.occurrences
    if engine.term.kind != "fermion_mass" or len(occurrences) != 2:
        return None
    names = {model.fields[o.index].name for o in occurrences}
    pair = _dirac_of(model, next(iter(names)))
    if (
        pair is None
        or names != set(pair[1:])
        or occurrences[0].conjugate == occurrences[1].conjugate
    ):
        return None
    return _plain(ast.Symbol(pair[0]))


def _plain(symbol: ast.Symbol) -> str:
    """A field's name and indices, without ``^\\dagger``."""
    return print_factor(replace(symbol, conjugate=False), "latex")


def _fields(model: Model, factors: tuple[ast.Factor, ...], flat: bool) -> list[str]:
    """The field part: the fermion pair around the scalars when the product is flat."""
    fermion_ids = {id(f) for f in _fermions(model, factors)}
    if flat:
        symbols = [f for f in factors if isinstance(f, ast.Symbol)]
        spinors = sorted(
            (s for s in symbols if id(s) in fermion_ids), key=lambda s: not s.conjugate
        )
        scalars = [s for s in symbols if id(s) not in fermion_ids]
        tildes = {id(s) for s in _tildes(model, symbols)}
        middle = [_scalar(s, id(s) in tildes) for s in scalars]
        if len(spinors) == 2:
            return [_spinor(spinors[0], True), *middle, _spinor(spinors[1], False)]
        return [*(_spinor(s, k == 0) for k, s in enumerate(spinors)), *middle]
    out: list[str] = []
    seen = 0
    for factor in factors:
        text, seen = _factor(factor, fermion_ids, seen)
        out.append(text)
    return out


def _factor(factor: ast.Factor, fermion_ids: set[int], seen: int) -> tuple[str, int]:
    if isinstance(factor, ast.Symbol) and id(factor) in fermion_ids:
        return _spinor(factor, seen == 0), seen + 1
    if isinstance(factor, ast.Group) and not factor.conjugate:
        inner = []
        for member in factor.factors:
            text, seen = _factor(member, fermion_ids, seen)
            inner.append(text)
        power = f"^{{{factor.power}}}" if factor.power != 1 else ""
        return "(" + " ".join(inner) + ")" + power, seen
    return print_factor(factor, "latex"), seen


def _spinor(symbol: ast.Symbol, first: bool) -> str:
    """``\\overline{A}`` / ``\\overline{A^c}`` first in a bilinear, ``B`` / ``B^c`` second."""
    name = _plain(symbol)
    if first:
        return f"\\overline{{{name}}}" if symbol.conjugate else f"\\overline{{{name}^c}}"
    return f"{name}^c" if symbol.conjugate else name


def _scalar(symbol: ast.Symbol, tilde: bool) -> str:
    if not tilde:
        return print_factor(symbol, "latex")
    return f"\\tilde{{{_plain(symbol)}}}"


def _tildes(model: Model, symbols: list[ast.Symbol]) -> list[ast.Symbol]:
    """Conjugated scalar doublets to write as ``\\tilde H`` (= i sigma_2 H^*, a doublet):
    as many as make the doublets and antidoublets of the term pair off."""
    doublets = [s for s in symbols if _is_doublet(model, s.name)]
    conjugated = sum(s.conjugate for s in doublets)
    surplus = conjugated - (len(doublets) - conjugated)
    candidates = [
        s
        for s in doublets
        if s.conjugate and not model.field(s.name).is_fermion  # type: ignore[union-attr]
    ]
    return candidates[: max(surplus, 0) // 2]


def _is_doublet(model: Model, name: str) -> bool:
    """A doublet of the model's one SU(2) factor (with two, ``\\tilde`` would be ambiguous)."""
    found = model.field(name)
    weak = [k for k, n in enumerate(model.group.ns) if n == 2]
    return found is not None and len(weak) == 1 and found.rep.gauge[weak[0]].dim == 2


# ---------------------------------------------------------------------------------------
# The document


def paper_latex(model: Model, terms: list[EngineTerm], header: list[str]) -> str:
    """A ``.tex`` fragment: ``% lagrangian:`` directives (``header`` lines, e.g. the gauge
    line and symmetries, then the fields, a ``dirac`` field as one declaration), flavour
    notes as comments, and one ``align*`` with a head per group of kinds."""
    directive = "% lagrangian: " + "; ".join([*header, *_declarations(model)])
    # couplings numbered in the order they are printed: m_1 before m_2 on the page
    heads = [kinds for _, kinds, _ in _GROUPS]
    ordered = sorted(
        terms,
        key=lambda t: (
            next((k for k, kinds in enumerate(heads) if t.term.kind in kinds), len(heads)),
            t.term.hc and _dirac_mass(model, t) is None,
        ),
    )
    terms = engine_terms(model, [t.term for t in ordered])
    notes = [f"% {t.note}" for t in terms if t.note]
    rows: list[str] = []
    for head, members, potential in _grouped(terms):
        rows += _equation(model, head, members, potential)
    body = [f"{row} \\\\" for row in rows[:-1]] + rows[-1:]
    return "\n".join([directive, *notes, "\\begin{align*}", *body, "\\end{align*}"]) + "\n"


def _declarations(model: Model) -> list[str]:
    out: list[str] = []
    for field in model.fields:
        pair = _dirac_of(model, field.name)
        if pair is None:
            out.append(declaration_text(field, model))
        elif field.name == pair[1]:
            out.append(declaration_text(replace(field, name=pair[0], helicity="dirac"), model))
    return out


def _grouped(terms: list[EngineTerm]) -> list[tuple[str, list[EngineTerm], bool]]:
    groups = [(head, [t for t in terms if t.term.kind in kinds], v) for head, kinds, v in _GROUPS]
    known = {kind for _, kinds, _ in _GROUPS for kind in kinds}
    groups.append((_OTHER_HEAD, [t for t in terms if t.term.kind not in known], False))
    return [g for g in groups if g[1]]


def _equation(model: Model, head: str, terms: list[EngineTerm], potential: bool) -> list[str]:
    """The rows of one head: hermitian terms, then the others with one h.c."""
    written = [w for w in (_merged(model, t) for t in terms) if w is not None]
    flip = -1 if potential else 1
    plain = [replace(w, sign=w.sign * flip) for w in written if not w.hc]
    conjugated = [replace(w, sign=w.sign * flip) for w in written if w.hc]
    pieces = [_signed(w.sign, w.body) for w in plain]
    if conjugated and not plain:
        pieces += [_signed(w.sign, w.body) for w in conjugated] + [f"+ {HC}"]
    elif conjugated:
        signs = {w.sign for w in conjugated}
        outer = signs.pop() if len(signs) == 1 else 1
        inner = [_signed(w.sign * outer, w.body) for w in conjugated]
        inner[0] = ("- " if outer < 0 else "+ ") + "\\big[ " + inner[0].removeprefix("+ ")
        inner[-1] += f" + {HC} \\big]"
        pieces += inner
    pieces[0] = pieces[0].removeprefix("+ ")
    rows = [pieces[k : k + TERMS_PER_ROW] for k in range(0, len(pieces), TERMS_PER_ROW)]
    first = f"{head} &= " + " ".join(rows[0])
    return [first, *(f"&\\quad {' '.join(row)}" for row in rows[1:])]


def _signed(sign: int, body: str) -> str:
    return ("- " if sign < 0 else "+ ") + body


def _merged(model: Model, engine: EngineTerm) -> Written | None:
    """A term as written, or None for the right component's kinetic term of a ``dirac``
    field (the left one's prints ``i \\overline{T} \\slashed{D} T`` for both)."""
    term = engine.term
    if term.kind == "kinetic":
        field = model.fields[term.occurrences[0].index]
        pair = _dirac_of(model, field.name)
        if pair is not None:
            if field.name == pair[2]:
                return None
            return Written(1, "i " + _kinetic_body(pair[0], field), False)
    return _written(model, engine)
