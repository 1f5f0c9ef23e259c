"""A written term read against the declarations: which symbols are fields, which couplings.

The grammar cannot tell ``H`` (a field) from ``lambda`` (a coupling); here every symbol is
looked up: declared fields become occurrences (conjugated by ``^dagger`` on the symbol or on
an enclosing group), field-strength names become gauge field strengths, and the rest are
couplings.  Parenthesised products with two or more fields are *units*: each must be a
singlet on its own, which is how ``(H1^dagger H2)(H2^dagger H1)`` differs from
``(H1^dagger H1)(H2^dagger H2)``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace

from lagrangian.grammar import GREEK, ast, term_spelling
from lagrangian.physics.fields import Field, Model
from lagrangian.physics.monomials import Occurrence


def is_lorentz_index(index: ast.Index) -> bool:
    return index.name in GREEK


@dataclass(frozen=True)
class FieldUse:
    """One field occurrence as written, with its SU(N) indices and where it stands."""

    occurrence: Occurrence
    span: ast.Span | None
    upper: tuple[str, ...] = ()
    lower: tuple[str, ...] = ()
    unit: int = 0  # which parenthesised unit it belongs to (0: the top level)
    derivative: bool | None = None  # None: none; True: covariant D; False: partial


@dataclass(frozen=True)
class StrengthUse:
    factor: int
    span: ast.Span | None


@dataclass
class ResolvedTerm:
    """Everything the checks need about one term."""

    term: ast.Term
    fields: list[FieldUse] = field(default_factory=list)
    strengths: list[StrengthUse] = field(default_factory=list)
    couplings: list[str] = field(default_factory=list)
    coupling_bases: set[str] = field(default_factory=set)  # ``f`` of ``f_{ab}``
    coupling_indices: set[str] = field(default_factory=set)
    upper_scripted: list[ast.Symbol] = field(default_factory=list)
    unknown: list[tuple[str, ast.Span | None]] = field(default_factory=list)  # message, where
    potentials: list[tuple[str, ast.Span | None]] = field(default_factory=list)  # bare B_mu
    projections: list[tuple[str, ast.Span | None]] = field(default_factory=list)
    epsilons: list[tuple[tuple[str, bool], ...]] = field(default_factory=list)
    vector_indices: list[tuple[str, ast.Span | None]] = field(default_factory=list)
    lorentz_epsilons: list[int] = field(default_factory=list)  # index count of each
    derivatives: int = 0
    sigmas: list[bool] = field(default_factory=list)  # bar flags
    unit_spans: dict[int, ast.Span | None] = field(default_factory=dict)
    traces: set[int] = field(default_factory=set)  # units written as {\rm Tr}(...)
    contracted: set[str] = field(default_factory=set)  # index names written twice or more

    @property
    def occurrences(self) -> tuple[Occurrence, ...]:
        return tuple(sorted(u.occurrence for u in self.fields))

    def brackets(self) -> dict[int, tuple[Occurrence, ...]]:
        """The occurrences of each parenthesised unit (0: the top level), sorted, by unit."""
        units: dict[int, list[Occurrence]] = {}
        for use in self.fields:
            units.setdefault(use.unit, []).append(use.occurrence)
        return {unit: tuple(sorted(units[unit])) for unit in sorted(units)}

    @property
    def explicit(self) -> bool:
        """Whether SU(N) indices are written out anywhere in the term."""
        return bool(self.epsilons) or any(u.upper or u.lower for u in self.fields)


def resolve(model: Model, term: ast.Term) -> ResolvedTerm:
    out = ResolvedTerm(term)
    out.contracted = ast.repeated_indices(term.factors)
    units = [0]
    _walk(model, term.factors, False, 0, None, out, units)
    _upper_scripted(model, out)
    if out.coupling_indices:
        out.fields = [_flavour_indices(use, out.coupling_indices) for use in out.fields]
    return out


def _flavour_indices(use: FieldUse, shared: set[str]) -> FieldUse:
    """A field index that a coupling also carries is a flavour index, not a gauge one:
    ``L^a`` in ``f_{ab} L^a L^b`` keeps no gauge index ``a``."""
    if shared.isdisjoint(use.upper) and shared.isdisjoint(use.lower):
        return use  # ``lambda_{65}``'s label is on no field
    return replace(
        use,
        upper=tuple(i for i in use.upper if i not in shared),
        lower=tuple(i for i in use.lower if i not in shared),
    )


def _walk(
    model: Model,
    factors: tuple[ast.Factor, ...],
    conjugate: bool,
    unit: int,
    derivative: bool | None,
    out: ResolvedTerm,
    units: list[int],
) -> None:
    for factor in factors:
        if isinstance(factor, ast.Symbol):
            for _ in range(max(factor.power, 1)):
                _symbol(model, factor, conjugate, unit, derivative, out)
        elif isinstance(factor, ast.Epsilon):
            # An epsilon without indices (``H^T eps Delta^dagger H``) only decorates an
            # implicit contraction; with gauge indices it is part of an explicit one; with
            # Greek ones it is the Lorentz epsilon of eps^{mu nu rho sigma} G_{mu nu} G_{rho sigma}.
            if factor.indices and all(is_lorentz_index(i) for i in factor.indices):
                out.lorentz_epsilons.append(len(factor.indices))
                out.vector_indices.extend((i.name, i.span) for i in factor.indices)
            elif factor.indices:
                out.epsilons.append(tuple((i.name, i.upper) for i in factor.indices))
        elif isinstance(factor, ast.Sigma):
            out.sigmas.append(factor.bar)
            out.vector_indices.extend((i.name, i.span) for i in factor.indices)
        elif isinstance(factor, ast.Derivative):
            out.derivatives += 1
            if factor.index is not None:
                out.vector_indices.append((factor.index.name, factor.index.span))
            # a partial derivative of a product contracted to a singlet is covariant
            covariant = factor.covariant or isinstance(factor.operand, ast.Group)
            _walk(model, (factor.operand,), conjugate, unit, covariant, out, units)
        else:
            inner_fields = _count_fields(model, factor.factors)
            trace = factor.trace and not _has_derivative(factor.factors)
            # inside a trace the matrices multiply: Tr[(A^dagger A)^2] = Tr(A^dagger A A^dagger A)
            content = matrix_product(factor.factors) if trace else factor.factors
            for _ in range(max(factor.power, 1)):
                inner = unit
                if inner_fields >= 2:
                    units[0] += 1
                    inner = units[0]
                    out.unit_spans[inner] = factor.span
                    if trace:
                        out.traces.add(inner)
                _walk(
                    model,
                    content,
                    conjugate != factor.conjugate,
                    inner,
                    derivative,
                    out,
                    units,
                )


def matrix_product(factors: tuple[ast.Factor, ...]) -> tuple[ast.Factor, ...]:
    """Nested brackets multiplied out in order, as matrices: ``(A B)^2`` is ``A B A B`` and
    ``(A B)^dagger`` is ``B^dagger A^dagger``."""
    out: list[ast.Factor] = []
    for factor in factors:
        if isinstance(factor, ast.Group) and not factor.trace:
            inner = matrix_product(factor.factors)
            if factor.conjugate:
                inner = tuple(_conjugated(f) for f in reversed(inner))
            out.extend(inner * max(factor.power, 1))
        else:
            out.append(factor)
    return tuple(out)


def _conjugated(factor: ast.Factor) -> ast.Factor:
    if isinstance(factor, ast.Symbol | ast.Group):
        return replace(factor, conjugate=not factor.conjugate)
    return factor


def _has_derivative(factors: tuple[ast.Factor, ...]) -> bool:
    return any(
        isinstance(f, ast.Derivative) or (isinstance(f, ast.Group) and _has_derivative(f.factors))
        for f in factors
    )


def _count_fields(model: Model, factors: tuple[ast.Factor, ...]) -> int:
    total = 0
    for factor in factors:
        if isinstance(factor, ast.Symbol):
            if model.field(factor.name) is not None or factor.name in model.strengths:
                total += max(factor.power, 1)
        elif isinstance(factor, ast.Derivative):
            total += _count_fields(model, (factor.operand,))
        elif isinstance(factor, ast.Group):
            total += _count_fields(model, factor.factors) * max(factor.power, 1)
    return total


def _symbol(
    model: Model,
    symbol: ast.Symbol,
    conjugate: bool,
    unit: int,
    derivative: bool | None,
    out: ResolvedTerm,
) -> None:
    found = model.field(symbol.name)
    if found is not None:
        conjugated = (conjugate != symbol.conjugate) and not found.real
        if symbol.chirality is not None:
            out.projections.extend(_projection(found, conjugated, symbol))
        gauge = [i for i in symbol.indices if not is_lorentz_index(i)]
        out.vector_indices.extend((i.name, i.span) for i in symbol.indices if is_lorentz_index(i))
        occ = Occurrence(model.position(found), (conjugate != symbol.conjugate) and not found.real)
        out.fields.append(
            FieldUse(
                occ,
                symbol.span,
                upper=tuple(i.name for i in gauge if i.upper),
                lower=tuple(i.name for i in gauge if not i.upper),
                unit=unit,
                derivative=derivative,
            )
        )
        return
    if symbol.name in model.strengths:
        vectors = [i for i in symbol.indices if is_lorentz_index(i)]
        if len(vectors) == 1:  # B_mu: the gauge field itself, not its field strength
            out.potentials.append((symbol.name, symbol.span))
            return
        out.strengths.append(StrengthUse(model.strengths.index(symbol.name), symbol.span))
        out.vector_indices.extend((i.name, i.span) for i in symbol.indices if is_lorentz_index(i))
        return
    # ``Z_{mu nu}``, ``Z^mu ... Z_mu``: a vector or strength; ``y_nu``, ``M_Sigma``: couplings
    vector = [i.name for i in symbol.indices if i.name in GREEK and i.name[0].islower()]
    lorentz = len(vector) > 1 or any(name in out.contracted for name in vector)
    after_fields = bool(out.fields)
    looks_like_field = (
        # ``lambda_5^*``, ``mu^*`` before the fields and ``Y_\\Sigma^\\dagger`` between them
        # are couplings; ``Phi^dagger`` is a field
        (symbol.conjugate and not symbol.indices and (after_fields or symbol.name[0].isupper()))
        or derivative is not None
        or lorentz
        or (after_fields and _bare_word(symbol))
    )
    if looks_like_field:
        out.unknown.append((_not_declared(model, symbol, lorentz), symbol.span))
    elif any(not is_lorentz_index(i) and i.upper for i in symbol.indices):
        # a field (``X^i`` on H_i), a flavoured coupling (``y^{ab}`` on L_a L_b) or a
        # labelled one (``y^u_{ij}``): decided in ``_upper_scripted`` once all fields are known
        out.upper_scripted.append(symbol)
    else:
        _coupling(symbol, out)


def _coupling(symbol: ast.Symbol, out: ResolvedTerm) -> None:
    out.couplings.append(coupling_name(symbol))
    out.coupling_bases.add(symbol.name)
    out.coupling_indices.update(i.name for i in symbol.indices if not is_lorentz_index(i))


def _upper_scripted(model: Model, out: ResolvedTerm) -> None:
    """An undeclared symbol with upper indices is an unknown field when it shares an index
    with a field of one flavour (a gauge index: ``Hx^i H_i``); when the indices it shares
    all sit on fields of several flavours (``y^{ij} L_i L_j h``), or it shares none (a
    label, ``y^u_{ij}``), it is a coupling."""
    flavoured = {
        name
        for use in out.fields
        if model.fields[use.occurrence.index].flavours > 1
        for name in (*use.upper, *use.lower)
    }
    used = {name for use in out.fields for name in (*use.upper, *use.lower)}
    for symbol in out.upper_scripted:
        shared = {i.name for i in symbol.indices if not is_lorentz_index(i)} & used
        if shared <= flavoured:
            _coupling(symbol, out)
        else:
            out.unknown.append((_not_declared(model, symbol, False), symbol.span))


def _not_declared(model: Model, symbol: ast.Symbol, lorentz: bool) -> str:
    """``'Htilde' is not a declared field (did you mean ...?)``."""
    what = "a declared field or field strength" if lorentz else "a declared field"
    return f"'{coupling_name(symbol)}' is not {what}" + did_you_mean(model, symbol.name)


def _bare_word(symbol: ast.Symbol) -> bool:
    r"""A plain multi-letter word among the fields (``Htilde``, ``Ss``) is a misspelt field:
    couplings there carry scripts (``Y_u``), are lower-case Greek (``\lambda``, ``\mu``) or
    one letter (``M``).  Upper-case Greek names fields (``\Phi``, ``\Delta``, ``\Sigma``),
    but for ``\Lambda``, the usual name of a scale."""
    name = symbol.name.rstrip("'")
    return (
        not symbol.indices
        and symbol.power == 1
        and len(symbol.name) > 1
        and (name not in GREEK or (name[0].isupper() and name != "Lambda"))
    )


def did_you_mean(model: Model, name: str) -> str:
    names = model.names()
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    if not close:
        close = sorted((n for n in names if name.startswith(n)), key=len, reverse=True)[:1]
    return f"; did you mean '{term_spelling(close[0])}'?" if close else ""  # Psi_{1L}


def _projection(
    found: Field, conjugated: bool, symbol: ast.Symbol
) -> list[tuple[str, ast.Span | None]]:
    """Why a projector (or chirality subscript) on a declared field kills it, if it does."""
    if not found.is_fermion:
        return [(f"a chiral projector stands before the scalar {found.name}", symbol.span)]
    written = found.helicity if not conjugated else _OTHER[found.helicity or "left"]
    if written == symbol.chirality:
        return []
    return [
        (
            f"{found.name} is {found.helicity}-handed: its {symbol.chirality}-handed "
            "projection vanishes",
            symbol.span,
        )
    ]


_OTHER = {"left": "right", "right": "left"}


def coupling_name(symbol: ast.Symbol) -> str:
    """``y_top`` back from Symbol("y", indices=(t, o, p)): couplings keep their scripts."""
    lower = "".join(i.name for i in symbol.indices if not i.upper)
    upper = "".join(i.name for i in symbol.indices if i.upper)
    return symbol.name + (f"_{lower}" if lower else "") + (f"^{upper}" if upper else "")
