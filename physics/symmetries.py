"""Discrete (Z_N) and global U(1) symmetries imposed on a Lagrangian.

Model builders impose a Z2 to stabilise dark matter (scotogenic ``eta``, ``N``) or a
global lepton number; the terms they forbid must neither be generated nor offered as
completions, and a written term that breaks one is an error.  A symmetry is a charge per
field; a monomial is allowed when its charges (conjugates counting negatively) sum to zero,
modulo N for Z_N.  Everything is exact rational arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from lagrangian.grammar.ast import Diagnostic, Position, Span, SymmetryDecl


@dataclass(frozen=True)
class Symmetry:
    """A Z_N (``order`` N) or global U(1) (``order`` None): one charge per declared field."""

    name: str
    order: int | None
    charges: tuple[Fraction, ...]  # indexed like ``Model.fields``

    def reduce(self, total: Fraction) -> Fraction:
        """A charge sum as the symmetry sees it: modulo N for Z_N, exact for U(1)."""
        return total % self.order if self.order is not None else total

    def describe(self, total: Fraction) -> str:
        """``Z2 charge sum is 1 (mod 2), not 0``: why a monomial is forbidden."""
        modulo = f" (mod {self.order})" if self.order is not None else ""
        return f"{self.name} charge sum is {self.reduce(total)}{modulo}, not 0"


def symmetry_text(symmetry: Symmetry, names: Sequence[str]) -> str:
    """The statement back: ``symmetry Z2: eta -, N -``, ``symmetry U1[L]: L 1, e -1``."""
    entries = [
        f"{name} {'-' if symmetry.order == 2 else charge}"
        for name, charge in zip(names, symmetry.charges)
        if charge
    ]
    return f"symmetry {symmetry.name}: " + ", ".join(entries)


def charge_total(symmetry: Symmetry, occurrences: Iterable[tuple[int, bool]]) -> Fraction:
    """Sum of the charges of (field index, conjugate) occurrences, reduced."""
    total = sum(
        (-symmetry.charges[i] if conj else symmetry.charges[i] for i, conj in occurrences),
        Fraction(0),
    )
    return symmetry.reduce(total)


def violations(
    symmetries: Sequence[Symmetry], occurrences: Sequence[tuple[int, bool]]
) -> list[str]:
    """One ``describe`` line per symmetry the monomial breaks (empty: allowed)."""
    out = []
    for symmetry in symmetries:
        total = charge_total(symmetry, occurrences)
        if total:
            out.append(symmetry.describe(total))
    return out


def read_symmetries(
    decls: Iterable[SymmetryDecl], names: Sequence[str], real: Sequence[bool]
) -> tuple[tuple[Symmetry, ...], list[Diagnostic]]:
    """Symmetry statements against the declared fields (``names``, ``real`` per field).

    A field listed that is not declared is ``unknown-field``; one listed twice is ``syntax``;
    a real field can only carry a charge equal to its own negative (a Z2 parity), else
    ``bad-representation``.
    """
    symmetries: list[Symmetry] = []
    diagnostics: list[Diagnostic] = []
    for decl in decls:
        charges = [Fraction(0)] * len(names)
        seen: set[str] = set()
        ok = True
        for entry in decl.charges:
            problem: tuple[str, str] | None = None
            if entry.field in seen:
                problem = ("syntax", f"{entry.field} is listed twice in symmetry {decl.name}")
            elif entry.field not in names:
                problem = ("unknown-field", f"'{entry.field}' is not a declared field")
            else:
                index = names.index(entry.field)
                value = entry.charge
                if real[index] and value != (
                    (-value) % decl.order if decl.order is not None else -value
                ):
                    problem = (
                        "bad-representation",
                        f"{entry.field} is real, so its {decl.name} charge must equal its own "
                        f"negative; {value} does not",
                    )
                charges[index] = value
            seen.add(entry.field)
            if problem is not None:
                ok = False
                diagnostics.append(
                    Diagnostic(entry.span or decl.span or _NOWHERE, "error", *problem)
                )
        if ok:
            symmetries.append(Symmetry(decl.name, decl.order, tuple(charges)))
    return tuple(symmetries), diagnostics


_NOWHERE = Span(Position(0, 0, 0), Position(0, 0, 0))
