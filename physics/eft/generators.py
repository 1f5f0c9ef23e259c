"""The letters of an effective operator: fields, conjugates and field-strength halves.

The Hilbert-series method (Henning, Lu, Melia, Murayama, arXiv:1512.03433, 1706.08520) builds
operators from *single-particle modules*: a field together with all its covariant
derivatives, with the equation of motion removed.  In the representations of the Lorentz
group SU(2)_L x SU(2)_R (labels ``(2 j_L, 2 j_R)``) a letter of spin ``(a, b)`` and mass
dimension ``d`` contributes, at derivative order ``n``, the single irrep ``(a + n, b + n)``
at dimension ``d + n``:

* scalar ``(0, 0)``, d = 1: ``(n, n)``, the traceless symmetric ``D^n phi`` (``D^2 phi`` is
  removed by the Klein-Gordon equation);
* left Weyl spinor ``(1, 0)``, d = 3/2: ``(n + 1, n)`` (the Dirac equation removes the rest);
* self-dual field strength ``X_L = (F + i F~)/2``, ``(2, 0)``, d = 2, in the adjoint:
  ``(n + 2, n)`` (the Bianchi identity and the Yang-Mills equation remove the rest);

and the mirror images for right-handed spinors and ``X_R``.  Gauge fields enter only
through field strengths and covariant derivatives, so a letter's gauge representation
never changes with n.  Each letter therefore needs only its Lorentz label at n = 0, its
dimension and its statistics; ``hilbert`` does the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from lagrangian.physics.counting import Rep
from lagrangian.physics.fields import Model
from lagrangian.physics.groups import SUIrrep

Family = Literal["phi", "psi", "X"]


@dataclass(frozen=True, order=True)
class Letter:
    """One letter: a field (``index`` into ``model.fields``), its conjugate, or the
    left/right half of the field strength of gauge factor ``strength``.

    ``rep`` is the full gauge x Lorentz representation at derivative order 0 and
    ``flavours`` the number of generations (1 for field strengths).
    """

    family: Family
    name: str
    rep: Rep
    flavours: int = 1
    index: int | None = None
    conjugate: bool = False
    strength: int | None = None

    @property
    def dimension(self) -> Fraction:
        return {"phi": Fraction(1), "psi": Fraction(3, 2), "X": Fraction(2)}[self.family]


def adjoint(n: int) -> SUIrrep:
    """The adjoint irrep of SU(n): Dynkin labels (2) for SU(2), (1, 0, ..., 0, 1) above."""
    return SUIrrep(2, (2,)) if n == 2 else SUIrrep(n, (1,) + (0,) * (n - 3) + (1,))


def gauged_factors(model: Model) -> list[int]:
    """Gauge factors with a dynamical field strength: those some field is charged under
    (the renormalizable Lagrangian has their kinetic terms for the same reason)."""
    return [
        factor
        for factor in range(len(model.group.ns))
        if any(f.charged_under(factor) for f in model.fields)
    ]


def letters(model: Model) -> tuple[Letter, ...]:
    """Every letter of the model, sorted, conjugates included (a real scalar is one letter).

    Operators and their hermitian conjugates are both counted, as in the literature's
    "counted with h.c. separately" numbers (84 at dimension six for one generation).
    """
    found: list[Letter] = []
    for index, field in enumerate(model.fields):
        family: Family = "psi" if field.is_fermion else "phi"
        conjugates = (False,) if field.real else (False, True)
        for conj in conjugates:
            found.append(
                Letter(
                    family,
                    field.name + ("^dagger" if conj else ""),
                    field.rep_for(conj),
                    field.flavours,
                    index=index,
                    conjugate=conj,
                )
            )
    for factor in gauged_factors(model):
        gauge = tuple(
            (adjoint(m) if f == factor else SUIrrep.trivial(m)) if m > 1 else Fraction(0)
            for f, m in enumerate(model.group.ns)
        )
        name = model.strengths[factor]
        found.append(Letter("X", f"{name}_L", Rep(gauge, (2, 0)), strength=factor))
        found.append(Letter("X", f"{name}_R", Rep(gauge, (0, 2)), strength=factor))
    return tuple(sorted(found))


def conjugate_letter(letter: Letter, alphabet: tuple[Letter, ...]) -> Letter:
    """The letter of the hermitian conjugate (``X_L <-> X_R``; a real scalar is its own)."""
    target = letter.rep.conjugate()
    for other in alphabet:
        same_source = (other.index, other.strength) == (letter.index, letter.strength)
        if same_source and other.rep == target and other.family == letter.family:
            return other
    raise ValueError(f"no conjugate of {letter.name} among the letters")  # pragma: no cover
