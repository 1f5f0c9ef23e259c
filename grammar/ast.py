"""The syntax tree of a Lagrangian document, shared by both surface syntaxes.

Plain text (``.lag``) and LaTeX math parse to the same nodes, so the physics engine, the
printers and the language server never care which syntax a user wrote.  Every node keeps
the exact source span it came from, with positions in UTF-16 code units as well as Python
string offsets, because the language server speaks UTF-16 and the checks speak offsets.

The tree is purely syntactic: a ``Symbol`` is whatever name the user wrote.  Whether ``H``
is a declared field, ``lambda`` a coupling or ``G`` a field strength is decided later by
``lagrangian.physics`` against the declarations; the grammar never needs to know.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal, get_args


@dataclass(frozen=True)
class Position:
    """A point in the source: 0-based line, 0-based UTF-16 column, Python string offset."""

    line: int
    character: int
    offset: int


@dataclass(frozen=True)
class Span:
    """A half-open source range ``[start, end)``."""

    start: Position
    end: Position


# The stable diagnostic codes, each documented in docs/diagnostics.md (a test compares the
# two).  Clients and the quick fixes match on them, so an unknown one fails where it is made.
Code = Literal[
    "ambiguous-contraction",
    "anomaly",
    "bad-index",
    "bad-representation",
    "duplicate-field",
    "duplicate-term",
    "flavour-symmetry",
    "gauge-noninvariant",
    "hypercharge",
    "limit",
    "linearly-dependent",
    "lorentz",
    "missing-hc",
    "nonrenormalizable",
    "not-checked",
    "redundant-hc",
    "strength-renamed",
    "symmetry",
    "syntax",
    "unknown-field",
    "vanishes-by-symmetry",
]
CODES: frozenset[str] = frozenset(get_args(Code))


@dataclass(frozen=True)
class Diagnostic:
    """A problem at a source span; ``code`` is one of the stable codes listed in docs."""

    span: Span
    severity: Literal["error", "warning", "information", "hint"]
    code: Code
    message: str

    def __post_init__(self) -> None:
        if self.code not in CODES:  # a typo here would silently lose a quick fix
            raise ValueError(f"diagnostic code {self.code!r} is not one of the stable codes")


# ---------------------------------------------------------------------------------------
# Declarations


@dataclass(frozen=True)
class GaugeFactor:
    """One factor of the gauge group as written: ``SU3`` is SU(3), ``U1`` is U(1)."""

    name: str  # as written, e.g. "SU3", "SU(5)", "U1"
    n: int  # N of SU(N); 1 for U(1)
    strength: str | None = None  # field-strength name if written: ``SU3[G]``
    span: Span | None = None

    @property
    def is_abelian(self) -> bool:
        return self.n == 1


@dataclass(frozen=True)
class GaugeDecl:
    """``gauge SU3 x SU2 x U1``: the product group, in the order reps are listed."""

    factors: tuple[GaugeFactor, ...]
    span: Span | None = None


@dataclass(frozen=True)
class RepSpec:
    """One entry of a field's quantum-number tuple, kept as text for the engine to read.

    For SU(N) it is a representation name (``3``, ``-3``, ``3bar``, ``8``, ``6bar``);
    for U(1) it is a charge (``1/2``, ``-13/6``, ``40``) and ``charge`` holds its value.
    """

    text: str
    span: Span | None = None
    charge: Fraction | None = None


@dataclass(frozen=True)
class FieldDecl:
    """``scalar H (1, 2, 1/2)`` or ``fermion L (1, 2, -1/2) left`` or ``scalar S (1,1,0) real``.

    ``helicity`` is ``dirac`` for a vector-like fermion: a left and a right Weyl field with
    the same quantum numbers, written ``\\Psi`` in four-component notation.
    """

    kind: Literal["scalar", "fermion"]
    name: str
    reps: tuple[RepSpec, ...]
    helicity: Literal["left", "right", "dirac"] | None = None
    real: bool = False
    span: Span | None = None
    name_span: Span | None = None
    flavours: int = 1  # ``x3``: the number of generations


@dataclass(frozen=True)
class SymmetryCharge:
    """``eta -`` or ``L 1/3`` inside a ``symmetry`` statement: a field and its charge."""

    field: str
    charge: Fraction  # ``-`` of a Z2 is 1, ``+`` is 0
    span: Span | None = None


@dataclass(frozen=True)
class CouplingDecl:
    """``coupling f antisymmetric``: the permutation symmetry a flavoured coupling is meant
    to have in the flavour indices of identical fields: ``symmetric``, ``antisymmetric`` or
    a Young diagram such as ``[2,1]`` (written without blanks)."""

    name: str
    symmetry: str
    span: Span | None = None


@dataclass(frozen=True)
class SymmetryDecl:
    """``symmetry Z2: eta -, N -`` or ``symmetry U1[L]: L 1, e -1``.

    ``order`` is N of a Z_N and None for a global U(1); ``name`` is what messages call it
    (``Z2``, ``U1[L]``).  Fields not listed have charge 0.
    """

    name: str
    order: int | None
    charges: tuple[SymmetryCharge, ...]
    span: Span | None = None


# ---------------------------------------------------------------------------------------
# Terms


@dataclass(frozen=True)
class Index:
    """A written index: ``i`` in ``H^i``, ``mu`` in ``D_mu``; ``upper`` is its height."""

    name: str
    upper: bool
    span: Span | None = None


@dataclass(frozen=True)
class Symbol:
    """A name with decorations: ``H``, ``H^dagger``, ``Q^{a i}``, ``lambda``, ``G_{mu nu}``.

    ``conjugate`` covers ``^dagger``, ``^\\dagger`` and ``^*``; ``transpose`` is ``^T``
    (meaningful only for the reader: it does not change the invariant); ``power`` is an
    integer exponent (``S^2``).  Four-component notation lands here too: ``\\bar\\psi``,
    ``\\tilde H`` and ``\\psi^c`` flip ``conjugate``, and a chiral projector (``P_R``,
    ``(1+\\gamma_5)/2``) in front of a field sets ``chirality``.
    """

    name: str
    conjugate: bool = False
    transpose: bool = False
    indices: tuple[Index, ...] = ()
    power: int = 1
    span: Span | None = None
    chirality: Literal["left", "right"] | None = None  # a projector before it: ``P_R N``


@dataclass(frozen=True)
class Epsilon:
    """The Levi-Civita tensor ``eps``/``\\epsilon`` with its (possibly implicit) indices."""

    indices: tuple[Index, ...] = ()
    span: Span | None = None


@dataclass(frozen=True)
class Sigma:
    """Pauli four-vectors ``sigma^mu`` and ``sigmabar^mu`` (``\\bar\\sigma^\\mu``)."""

    bar: bool
    indices: tuple[Index, ...] = ()
    span: Span | None = None


@dataclass(frozen=True)
class Derivative:
    """``D_mu X`` (covariant) or ``partial_mu X`` (ordinary) acting on the next factor."""

    covariant: bool
    index: Index | None
    operand: Factor
    span: Span | None = None


@dataclass(frozen=True)
class Group:
    """A parenthesised product, contracted to a singlet on its own: ``(H^dagger H)^2``.

    A group with a derivative inside, such as ``(D_mu H)^dagger``, is a single object rather
    than a singlet; the engine decides which reading applies.  ``trace`` marks ``{\\rm
    Tr}(...)``: its fields are matrices multiplied in the written order and traced
    (``Tr[(\\Delta^\\dagger\\Delta)^2]`` is not ``[Tr(\\Delta^\\dagger\\Delta)]^2``).
    """

    factors: tuple[Factor, ...]
    conjugate: bool = False
    transpose: bool = False
    power: int = 1
    span: Span | None = None
    trace: bool = False


Factor = Symbol | Epsilon | Sigma | Derivative | Group


def nested_factors(factors: Iterable[Any]) -> Iterator[Any]:
    """Every factor of a product, and those inside its brackets and under its derivatives
    (in no particular order)."""
    stack = list(factors)
    while stack:
        factor = stack.pop()
        yield factor
        if isinstance(factor, Derivative):
            stack.append(factor.operand)
        elif isinstance(factor, Group):
            stack.extend(factor.factors)


def repeated_indices(factors: Iterable[Any]) -> set[str]:
    """The index names written twice or more anywhere in a product, a derivative's
    included: the contracted ones (``Q^c``'s ``c`` is a charge conjugation unless one is)."""
    names: list[str] = []
    for factor in nested_factors(factors):
        names.extend(i.name for i in getattr(factor, "indices", ()))
        if isinstance(factor, Derivative) and factor.index is not None:
            names.append(factor.index.name)
    return {n for n in names if names.count(n) > 1}


@dataclass(frozen=True)
class Number:
    """An exact numeric coefficient: ``2``, ``1/4``, ``\\frac{1}{2}``, ``0.5``."""

    value: Fraction
    span: Span | None = None


@dataclass(frozen=True)
class Term:
    """One summand of the Lagrangian.

    ``sign`` is the leading sign, ``numbers`` the numeric prefactors, ``imaginary`` whether an
    ``i`` multiplies it, ``factors`` everything else in order (couplings and fields alike, as
    the grammar cannot tell them apart), and ``hc`` whether ``+ h.c.`` follows it.
    """

    sign: int
    factors: tuple[Factor, ...]
    numbers: tuple[Number, ...] = ()
    imaginary: bool = False
    hc: bool = False
    span: Span | None = None
    hc_span: Span | None = None  # the ``+ h.c.`` that covers it (one may cover several terms)


@dataclass(frozen=True)
class FitBlock:
    """``fit NAME { data = "file.csv"; target = A0; inputs = pT, y; ... }`` for LLM-SR."""

    name: str
    settings: tuple[tuple[str, str], ...]
    span: Span | None = None


@dataclass
class Document:
    """A parsed document: declarations, terms and the syntax errors found on the way.

    ``syntax`` says which surface syntax the text was written in.  For a ``.tex`` file the
    spans point into the original file, not into the extracted math.
    """

    syntax: Literal["lag", "latex"]
    gauge: GaugeDecl | None = None
    fields: list[FieldDecl] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    fits: list[FitBlock] = field(default_factory=list)
    symmetries: list[SymmetryDecl] = field(default_factory=list)
    couplings: list[CouplingDecl] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)
    lagrangian_spans: list[Span] = field(default_factory=list)
