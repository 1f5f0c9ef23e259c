"""Effective operators as the command line and the editor list them: classes with counts,
and explicit terms where the existing basis machinery writes them.

A *class* is one field content with a number of derivatives, named as in the SMEFT
literature (Grzadkowski et al., arXiv:1008.4884): fermions ``psi``, field strengths ``X``,
scalars ``phi``, covariant derivatives ``D``, in that order (``psi2phi2D``, ``X2phi2``,
``phi4D2``, ``psi4``).  A content and its hermitian conjugate are one entry with ``+ h.c.``,
as in the renormalizable Lagrangian; the literature's "counted with h.c. separately"
totals count both.

Explicit forms come from the same engine as the renormalizable terms: every
non-derivative operator without field strengths and with at most two fermions
(``phi^n``, ``psi^2 phi^n``: the Weinberg operator, ``(H^dagger H)^3``, ``Q u H (H^dagger
H)``) is a monomial of fields whose gauge contractions the basis machinery writes, and
whose Lorentz structure is the single spinor bilinear, as long as its tensors stay small
(``EXPLICIT_FIELDS``, ``EXPLICIT_TENSOR_LIMIT``).  Operators with derivatives, field
strengths or four fermions have several Lorentz structures; they are listed by class with
their exact numbers (the basis of their explicit forms is a choice, e.g. Warsaw at
dimension six, and is not written out).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from math import prod
from typing import Any

from lagrangian.physics import flavour
from lagrangian.physics.eft.generators import Letter, conjugate_letter, letters
from lagrangian.physics.eft.hilbert import Content, EFTError, hilbert_counts
from lagrangian.physics.fields import Model
from lagrangian.physics.groups import SUIrrep
from lagrangian.physics.lagrangian import LagrangianTerm, canonical_monomial, complete_lagrangian
from lagrangian.physics.monomials import Occurrence

# Highest dimension generate accepts: SMEFT at dimension 12 (261,485 operators) takes about
# ten seconds; the number of contents grows exponentially with the dimension beyond that.
MAX_DIMENSION = 12
# Explicit contractions are found by evaluating candidate patterns on random tensors, a
# cost exponential in the number of fields: up to eight fields ((H^dagger H)^4 at once,
# (H^dagger H)^6 would need 100 GiB) whose gauge dimensions multiply to at most 8^6 (six
# colour octets, two seconds; seven take sixteen) are written out, larger ones are left as
# classes with their counts.
EXPLICIT_FIELDS = 8
EXPLICIT_TENSOR_LIMIT = 8**6


@dataclass(frozen=True)
class OperatorClass:
    """Independent operators of one field content with ``derivatives`` derivatives.

    ``count`` is the number of independent operators with flavours multiplied out (complex
    ones, each with its own ``+ h.c.``, when ``hc``); ``explicit`` says whether the terms
    are written out by ``effective_terms``.
    """

    content: Content
    derivatives: int
    dimension: int
    count: int
    hc: bool

    @property
    def name(self) -> str:
        families = Counter[str]()
        for letter, k in self.content:
            families[letter.family] += k
        return class_name(families["psi"], families["X"], families["phi"], self.derivatives)

    @property
    def explicit(self) -> bool:
        fermions = sum(k for letter, k in self.content if letter.family == "psi")
        strengths = any(letter.family == "X" for letter, _ in self.content)
        fields = sum(k for _, k in self.content)
        size = prod(_gauge_dimension(letter) ** k for letter, k in self.content)
        return (
            self.derivatives == 0
            and not strengths
            and fermions <= 2
            and fields <= EXPLICIT_FIELDS
            and size <= EXPLICIT_TENSOR_LIMIT
        )

    def fields_text(self) -> str:
        """``Q^dagger Q H^dagger H D``: the letters with their powers and the derivatives."""
        words = [_power(letter.name, k) for letter, k in self.content]
        if self.derivatives:
            words.append("D" + (f"^{self.derivatives}" if self.derivatives > 1 else ""))
        return " ".join(words)

    def operators(self) -> int:
        """Operators counted with hermitian conjugates separately."""
        return self.count * (2 if self.hc else 1)


def class_name(fermions: int, strengths: int, scalars: int, derivatives: int) -> str:
    """``psi2phi2D``: each family with its power (omitted when 1), absent ones dropped."""
    parts = [("psi", fermions), ("X", strengths), ("phi", scalars), ("D", derivatives)]
    return "".join(name + (str(k) if k > 1 else "") for name, k in parts if k)


def operator_classes(model: Model, max_dimension: int) -> list[OperatorClass]:
    """Every class of operators of dimension 5 to ``max_dimension``, one entry per pair of
    conjugate contents, by dimension and then by class name."""
    if max_dimension > MAX_DIMENSION:
        raise EFTError(
            f"--max-dimension {max_dimension} is above the supported {MAX_DIMENSION}: "
            "the number of field contents grows exponentially with the dimension"
        )
    alphabet = letters(model)
    partner = {letter: conjugate_letter(letter, alphabet) for letter in alphabet}
    found = []
    for entry in hilbert_counts(model, max_dimension):
        mirror = tuple(sorted((partner[letter], k) for letter, k in entry.content))
        if mirror != entry.content and _canonical_key(mirror) < _canonical_key(entry.content):
            continue
        found.append(
            OperatorClass(
                entry.content,
                entry.derivatives,
                entry.dimension,
                entry.count,
                hc=mirror != entry.content,
            )
        )
    return sorted(found, key=lambda c: (c.dimension, c.name, _canonical_key(c.content)))


def _canonical_key(content: Content) -> tuple:
    """Of a content and its conjugate, the one with fewer right-handed letters (``psi^dagger``
    of left-handed fields, ``X_R``), then fewer conjugated fields: ``L L H H``, not its
    conjugate, as the renormalizable Lagrangian writes ``Q u H``."""
    right = sum(k for letter, k in content if letter.rep.lorentz[1] > letter.rep.lorentz[0])
    daggers = sum(k for letter, k in content if letter.conjugate)
    return (right, daggers, tuple((letter.name, k) for letter, k in content))


def effective_terms(model: Model, classes: list[OperatorClass]) -> list[LagrangianTerm]:
    """Explicit terms of the ``explicit`` classes, one per independent invariant.

    Their couplings add up to the class's Hilbert-series count: two independent methods
    (plethysm of letters, explicit contractions) that must agree.
    """
    terms = []
    for entry in classes:
        if not entry.explicit:
            continue
        occs = canonical_monomial(model, tuple(sorted(_occurrences(entry.content))))
        pieces = flavour.entries(model, occs)
        for pattern, component in pieces:
            groups = flavour.grouped(occs)
            symmetries = tuple(
                (o, shape)
                for (o, k), shape in zip(groups, component.shapes)
                if k > 1 and model.fields[o.index].flavours > 1
            )
            terms.append(
                LagrangianTerm(
                    "effective",
                    occs,
                    entry.hc,
                    pattern,
                    multiplicity=len(pieces),
                    couplings=component.couplings,
                    flavour=symmetries,
                )
            )
        written = sum(component.couplings for _, component in pieces)
        if written != entry.count:  # pragma: no cover - the two methods disagree
            raise ArithmeticError(
                f"{entry.fields_text()}: {written} explicit operators, Hilbert series {entry.count}"
            )
    return terms


def _occurrences(content: Content) -> list[Occurrence]:
    return [
        Occurrence(letter.index, letter.conjugate)
        for letter, k in content
        if letter.index is not None
        for _ in range(k)
    ]


def term_class(model: Model, term: LagrangianTerm) -> tuple[int, str]:
    """Mass dimension and class name of any engine term, renormalizable ones included
    (``(4, "psi2phi")`` for a Yukawa, ``(4, "X2")`` for a gauge kinetic term)."""
    if term.kind == "gauge_kinetic":
        return 4, "X2"
    fermions = sum(model.fields[o.index].is_fermion for o in term.occurrences)
    scalars = len(term.occurrences) - fermions
    if term.kind == "kinetic":
        return (4, "psi2D") if fermions else (4, "phi2D2")
    dimension = scalars + 3 * fermions // 2
    return dimension, class_name(fermions, 0, scalars, 0)


def _gauge_dimension(letter: Letter) -> int:
    return prod(g.dim for g in letter.rep.gauge if isinstance(g, SUIrrep))


def _power(name: str, k: int) -> str:
    """``H^2``, ``(u^dagger)^2``: a letter to a power, parenthesised when it has a dagger."""
    if k == 1:
        return name
    return f"({name})^{k}" if "^" in name else f"{name}^{k}"


@dataclass(frozen=True)
class EffectiveOperators:
    """The operators of dimension 5 to ``max_dimension`` of a model, as ``generate`` and
    the editor report them: every class with its count; explicit terms come separately
    (``effective_terms``) because their couplings are numbered with the whole Lagrangian."""

    max_dimension: int
    classes: tuple[OperatorClass, ...]

    def per_dimension(self) -> dict[int, int]:
        """Operators per dimension, hermitian conjugates counted separately (the numbers
        of the literature: 2, 84, 30, 993 for one-generation SMEFT)."""
        totals = dict.fromkeys(range(5, self.max_dimension + 1), 0)
        for entry in self.classes:
            totals[entry.dimension] += entry.operators()
        return totals

    def records(self, model: Model) -> list[dict[str, Any]]:
        """The ``operator_classes`` entries of ``generate --format json``."""
        return [
            {
                "class": entry.name,
                "dimension": entry.dimension,
                "fields": [
                    _letter_record(model, letter) for letter, k in entry.content for _ in range(k)
                ],
                "derivatives": entry.derivatives,
                "text": entry.fields_text(),
                "hc": entry.hc,
                "couplings": entry.count,
                "explicit": entry.explicit,
            }
            for entry in self.classes
        ]


def effective_operators(model: Model, max_dimension: int) -> EffectiveOperators:
    return EffectiveOperators(max_dimension, tuple(operator_classes(model, max_dimension)))


def lagrangian_terms(
    model: Model, max_dimension: int
) -> tuple[list[LagrangianTerm], EffectiveOperators | None]:
    """The complete Lagrangian's explicit terms up to ``max_dimension`` (renormalizable ones
    first, then the effective ones by dimension), and the classes when it is above 4."""
    terms = complete_lagrangian(model)
    if max_dimension <= 4:
        return terms, None
    operators = effective_operators(model, max_dimension)
    return terms + effective_terms(model, list(operators.classes)), operators


def _letter_record(model: Model, letter: Letter) -> dict[str, Any]:
    if letter.strength is not None:
        side = "left" if letter.rep.lorentz[0] else "right"
        return {"name": model.strengths[letter.strength], "strength": side}
    assert letter.index is not None
    return {"name": model.fields[letter.index].name, "conjugate": letter.conjugate}
