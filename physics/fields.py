"""Field content: declarations read into gauge and Lorentz representations.

This is the one place where the syntactic declarations of a document (or of a ``--fields``
string) become physics: irreps are parsed, charges made exact, real scalars checked to sit
in real representations, and every problem reported at the span of the declaration that
caused it, so that one bad declaration never hides the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Literal

from lagrangian.grammar import RESERVED
from lagrangian.grammar.ast import (
    CouplingDecl,
    Diagnostic,
    FieldDecl,
    GaugeDecl,
    Position,
    Span,
    SymmetryDecl,
)
from lagrangian.physics.counting import Rep, check_countable
from lagrangian.physics.groups import (
    GaugeGroup,
    RepError,
    SUIrrep,
    parse_charge,
    parse_su_irrep,
)
from lagrangian.physics.symmetries import Symmetry, read_symmetries


@dataclass(frozen=True)
class Field:
    """A declared field: its name, spin, representation and reality."""

    name: str
    kind: Literal["scalar", "fermion"]
    rep: Rep
    real: bool = False
    helicity: Literal["left", "right"] | None = None
    span: Span | None = None
    flavours: int = 1  # generations: ``x3``

    @property
    def is_fermion(self) -> bool:
        return self.kind == "fermion"

    @property
    def dimension(self) -> Fraction:
        return Fraction(3, 2) if self.is_fermion else Fraction(1)

    @property
    def is_gauge_singlet(self) -> bool:
        return all((r.is_trivial if isinstance(r, SUIrrep) else r == 0) for r in self.rep.gauge)

    def rep_for(self, conjugate: bool) -> Rep:
        return self.rep.conjugate() if conjugate and not self.real else self.rep

    def charged_under(self, factor: int) -> bool:
        r = self.rep.gauge[factor]
        return not r.is_trivial if isinstance(r, SUIrrep) else r != 0

    def quantum_numbers(self) -> str:
        """``(3, 2, 1/6)`` in declaration order, with canonical irrep names."""
        parts = [r.name() if isinstance(r, SUIrrep) else str(r) for r in self.rep.gauge]
        return "(" + ", ".join(parts) + ")"


@dataclass(frozen=True)
class Model:
    """A gauge group with its fields: everything the engine needs to enumerate terms.

    A ``dirac`` declaration ``Psi`` becomes two Weyl fields, ``Psi_L`` (left) and ``Psi_R``
    (right) with the same quantum numbers (``Psi_1``: ``Psi_1L``, ``Psi_1R``; see
    ``dirac_components``); ``dirac`` maps the written name to that pair.
    """

    group: GaugeGroup
    fields: tuple[Field, ...]
    strengths: tuple[str, ...]
    symmetries: tuple[Symmetry, ...] = ()
    coupling_symmetries: tuple[tuple[str, str], ...] = ()  # ``coupling f antisymmetric``
    dirac: tuple[tuple[str, str, str], ...] = ()  # (name, left component, right component)
    _by_name: dict[str, tuple[int, Field]] = field(init=False, repr=False, compare=False)
    # Values derived from the model alone, kept while it lives (one analysis): a document's
    # terms share their brackets, H1^dagger H2 in dozens of quartics.
    memo: dict[object, object] = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        # Reading a term looks every name up, thousands of times per document (a linear
        # search, and ``fields.index`` comparing whole Fields, were a tenth of a check).
        by_name: dict[str, tuple[int, Field]] = {}
        for position, f in enumerate(self.fields):
            by_name.setdefault(f.name, (position, f))
        object.__setattr__(self, "_by_name", by_name)

    def field(self, name: str) -> Field | None:
        found = self._by_name.get(name)
        return None if found is None else found[1]

    def position(self, field: Field) -> int:
        """The declaration index of one of this model's fields."""
        found = self._by_name.get(field.name)
        if found is None or found[1] is not field:
            return self.fields.index(field)
        return found[0]

    def components(self, name: str) -> tuple[str, str] | None:
        """The left and right Weyl components of a declared Dirac fermion."""
        for written, left, right in self.dirac:
            if written == name:
                return left, right
        return None

    def names(self) -> list[str]:
        """Every name a term may use for a field or a field strength."""
        return [f.name for f in self.fields] + [d[0] for d in self.dirac] + list(self.strengths)

    def factor_label(self, factor: int) -> str:
        n = self.group.ns[factor]
        return "U(1)" if n == 1 else f"SU({n})"


def dirac_components(name: str) -> tuple[str, str]:
    """The left and right Weyl components of a ``dirac`` fermion named ``name``.

    ``Psi`` is ``Psi_L``, ``Psi_R``; a name with a subscript takes the chirality into it,
    ``Psi_1`` is ``Psi_1L``, ``Psi_1R`` (``T_L``: ``T_LL``), because a name has at most one
    subscript and a term joins a symbol's lower indices back into one: ``\\Psi_{1L}``,
    ``Psi_{1 L}`` and ``Psi_1_L`` all reach ``Psi_1L``.
    """
    joint = "" if "_" in name else "_"
    return f"{name}{joint}L", f"{name}{joint}R"


def default_strength_names(group: GaugeGroup) -> tuple[str, ...]:
    """Field-strength symbols: G, W, B for the first SU(3), SU(2), U(1); ``F<k>`` otherwise."""
    names: list[str] = []
    used: set[str] = set()
    for position, n in enumerate(group.ns, start=1):
        candidate = {3: "G", 2: "W", 1: "B"}.get(n)
        if candidate is None or candidate in used:
            candidate = f"F{position}"
        used.add(candidate)
        names.append(candidate)
    return tuple(names)


def build_model(
    gauge: GaugeDecl | None,
    decls: Iterable[FieldDecl],
    symmetries: Iterable[SymmetryDecl] = (),
    couplings: Iterable[CouplingDecl] = (),
) -> tuple[Model, list[Diagnostic]]:
    """Resolve declarations into a ``Model``; every problem becomes a diagnostic."""
    diagnostics: list[Diagnostic] = []
    if gauge is None:
        group = GaugeGroup.standard_model()
        strengths = default_strength_names(group)
    else:
        group = GaugeGroup(
            names=tuple(f.name for f in gauge.factors), ns=tuple(f.n for f in gauge.factors)
        )
        defaults = default_strength_names(group)
        strengths = tuple(f.strength or d for f, d in zip(gauge.factors, defaults))
    decls = list(decls)
    named = {f.strength for f in gauge.factors if f.strength} if gauge else set()
    strengths = _yield_strengths(group, strengths, named, decls, diagnostics)
    fields: list[Field] = []
    dirac: list[tuple[str, str, str]] = []
    seen: dict[str, FieldDecl] = {}
    owners: dict[str, str] = {}  # component of a dirac fermion -> its written name
    for decl in decls:
        span = decl.name_span or decl.span
        if decl.name in RESERVED or decl.name in strengths:
            message = (
                f"'{decl.name}' is reserved and cannot name a field"
                if decl.name in RESERVED
                else f"'{decl.name}' names a field strength on the gauge line"
            )
            diagnostics.append(_error(span, "syntax", message))
            continue
        if decl.name in seen:
            diagnostics.append(
                _error(span, "duplicate-field", f"field '{decl.name}' is declared twice")
            )
            continue
        seen[decl.name] = decl
        clash = _component_clash(decl, owners, seen)
        if clash is not None:
            diagnostics.append(_error(span, "duplicate-field", clash))
            continue
        if decl.helicity == "dirac":
            left, right = dirac_components(decl.name)
            for part, helicity in ((left, "left"), (right, "right")):
                field = _read_field(group, replace(decl, name=part, helicity=helicity), diagnostics)
                if field is None:
                    break
                fields.append(replace(field, flavours=decl.flavours))
            else:
                dirac.append((decl.name, left, right))
                owners.update({left: decl.name, right: decl.name})
            continue
        field = _read_field(group, decl, diagnostics)
        if field is not None:
            fields.append(replace(field, flavours=decl.flavours))
    imposed, problems = read_symmetries(
        symmetries, [f.name for f in fields], [f.real for f in fields]
    )
    declared: dict[str, str] = {}
    for coupling in couplings:
        if coupling.name in declared:
            problems.append(
                _error(coupling.span, "syntax", f"coupling '{coupling.name}' is declared twice")
            )
        declared.setdefault(coupling.name, coupling.symmetry)
    model = Model(
        group=group,
        fields=tuple(fields),
        strengths=strengths,
        symmetries=imposed,
        coupling_symmetries=tuple(declared.items()),
        dirac=tuple(dirac),
    )
    return model, diagnostics + problems


def _component_clash(
    decl: FieldDecl, owners: dict[str, str], seen: dict[str, FieldDecl]
) -> str | None:
    """Why ``decl`` clashes with the component of a ``dirac`` fermion (``fermion Psi ...
    dirac`` makes ``Psi_L``), or None.  ``owners`` maps the components made so far to their
    fermion, ``seen`` holds the names declared so far: the later declaration is reported."""
    if decl.helicity == "dirac":
        for side, name in zip(("left", "right"), dirac_components(decl.name)):
            if name in seen:
                return (
                    f"the dirac fermion '{decl.name}' has the {side} component '{name}', "
                    "which is declared already"
                )
        return None
    owner = owners.get(decl.name)
    if owner is None:
        return None
    side = "left" if decl.name == dirac_components(owner)[0] else "right"
    return f"field '{decl.name}' is the {side} component of the dirac fermion '{owner}'"


def _yield_strengths(
    group: GaugeGroup,
    strengths: tuple[str, ...],
    named: set[str],
    decls: list[FieldDecl],
    diagnostics: list[Diagnostic],
) -> tuple[str, ...]:
    """Default field-strength names (G, W, B) give way to fields of the same name.

    Papers call fields ``B``, ``W``, ``G`` or ``L``; a default strength name never refuses
    them: it becomes ``F<k>`` and a note says so (names on the ``gauge`` line stay).
    """
    taken = {d.name for d in decls}
    out = list(strengths)
    for k, name in enumerate(strengths):
        if name in taken and name not in named:
            other = f"F{k + 1}"
            while other in taken or other in out:
                other += "'"
            out[k] = other
            decl = next(d for d in decls if d.name == name)
            diagnostics.append(
                Diagnostic(
                    decl.name_span or decl.span or _NOWHERE,
                    "information",
                    "strength-renamed",
                    f"the field '{name}' takes the name of the {group.names[k]} field "
                    f"strength, which is written '{other}' in this document (or name it on "
                    f"the gauge line, such as '{group.names[k]}[X]')",
                )
            )
    return tuple(out)


def _read_field(group: GaugeGroup, decl: FieldDecl, diagnostics: list[Diagnostic]) -> Field | None:
    if len(decl.reps) != len(group.ns):
        diagnostics.append(
            _error(
                decl.span,
                "bad-representation",
                f"'{decl.name}' lists {len(decl.reps)} quantum numbers but the gauge group "
                f"{' x '.join(group.names)} has {len(group.ns)} factors",
            )
        )
        return None
    gauge: list[SUIrrep | Fraction] = []
    for spec, n, factor_name in zip(decl.reps, group.ns, group.names):
        try:
            if n == 1:
                gauge.append(spec.charge if spec.charge is not None else parse_charge(spec.text))
            else:
                irrep = parse_su_irrep(spec.text, n)
                check_countable(irrep)
                gauge.append(irrep)
        except RepError as error:
            diagnostics.append(
                _error(spec.span or decl.span, "bad-representation", f"{factor_name}: {error}")
            )
            return None
    if decl.kind == "fermion":
        if decl.real:
            diagnostics.append(
                _error(decl.span, "bad-representation", "a Weyl fermion cannot be declared real")
            )
            return None
        helicity = decl.helicity or "left"
        lorentz = (1, 0) if helicity == "left" else (0, 1)
        rep = Rep(gauge=tuple(gauge), lorentz=lorentz, fermion=True)
        return Field(decl.name, "fermion", rep, False, helicity, decl.span)
    rep = Rep(gauge=tuple(gauge), lorentz=(0, 0), fermion=False)
    if decl.real and not _is_real(rep):
        diagnostics.append(
            _error(
                decl.span,
                "bad-representation",
                f"'{decl.name}' is declared real but {_describe(group, rep)} is not a real "
                "representation (it needs self-conjugate, non-pseudoreal irreps and zero charges)",
            )
        )
        return None
    return Field(decl.name, "scalar", rep, decl.real, None, decl.span)


def _is_real(rep: Rep) -> bool:
    pseudo = 0
    for r in rep.gauge:
        if isinstance(r, SUIrrep):
            reality = r.reality()
            if reality == "complex":
                return False
            pseudo += reality == "pseudoreal"
        elif r != 0:
            return False
    return pseudo % 2 == 0


def _describe(group: GaugeGroup, rep: Rep) -> str:
    parts = [r.name() if isinstance(r, SUIrrep) else str(r) for r in rep.gauge]
    return "(" + ", ".join(parts) + ")"


def _error(span: Span | None, code: str, message: str) -> Diagnostic:
    return Diagnostic(span=span or _NOWHERE, severity="error", code=code, message=message)


_NOWHERE = Span(Position(0, 0, 0), Position(0, 0, 0))
