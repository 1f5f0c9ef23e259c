"""Gauge and gravitational anomalies of the declared Weyl fermions.

A chiral gauge theory is consistent only if its fermions cancel every triangle anomaly
(and, for SU(2), Witten's global anomaly), so a model builder wants to know at once when a
field content fails.  Every fermion is written left-handed first: a right-handed field in
``R`` counts as a left-handed one in the conjugate ``R̄`` (charges negated).  Each field
counts once per flavour and once per component of the factors it is not probed by.

Group theory, all exact from the weights of the irreps:

* ``[SU(N)]^3`` (N >= 3): the cubic anomaly coefficient ``A(R) = tr_R(H^3) / tr_F(H^3)`` for
  ``H = diag(1, 1, -2, 0, ...)``; the symmetric invariant ``d^{abc}`` is unique up to
  normalisation, so one Cartan element fixes it (``A(3) = 1``, ``A(6) = 7``, ``A(8) = 0``).
* ``[SU(N)]^2 U(1)``: the Dynkin index ``T(R) = tr_R(H^2) / tr_F(H^2) / 2`` for
  ``H = diag(1, -1, 0, ...)`` (``T(fundamental) = 1/2``) times the charge.
* ``U(1)^3`` and mixed ``U(1) U(1)' U(1)''``: sums of charge products; gravitational
  ``U(1)``: the sum of charges.
* Witten's SU(2) anomaly: the number of doublets, more precisely the sum of ``2 T(R)``
  (odd exactly for the irreps of dimension 2 mod 4), must be even.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from itertools import combinations_with_replacement

from lagrangian.grammar.ast import Diagnostic, Position, Span
from lagrangian.physics.characters import su_weights
from lagrangian.physics.fields import Field, Model
from lagrangian.physics.groups import SUIrrep

Gauge = tuple[SUIrrep | Fraction, ...]


@dataclass(frozen=True)
class Anomaly:
    """One anomaly coefficient: what it is, its exact value, and whether it must vanish.

    ``value`` is the coefficient itself; for Witten's anomaly it is the number of
    doublet-like irreps (the sum of ``2 T(R)``), which must be even rather than zero.
    ``fields`` lists the fermions that contribute to it.
    """

    name: str
    value: Fraction
    global_: bool = False
    fields: tuple[str, ...] = ()

    @property
    def cancels(self) -> bool:
        return self.value % 2 == 0 if self.global_ else self.value == 0


def anomalies(model: Model) -> list[Anomaly]:
    """Every anomaly coefficient of the model's fermions (an empty list without fermions)."""
    fermions = [f for f in model.fields if f.is_fermion]
    if not fermions:
        return []
    names = factor_labels(model)
    su = list(model.group.su_factors)
    u1 = [f for f, n in enumerate(model.group.ns) if n == 1]
    out: list[Anomaly] = []
    for a in su:
        if model.group.ns[a] >= 3:
            out.append(_sum(f"[{names[a]}]^3", fermions, model, lambda g, a=a: _cubic(g[a]), (a,)))
    for a in su:
        for b in u1:
            out.append(
                _sum(
                    f"[{names[a]}]^2 {names[b]}",
                    fermions,
                    model,
                    lambda g, a=a, b=b: _index(g[a]) * _charge(g[b]),
                    (a,),
                )
            )
    for triple in combinations_with_replacement(u1, 3):
        label = " ".join(names[i] for i in triple) if len(set(triple)) > 1 else None
        out.append(
            _sum(
                label or f"[{names[triple[0]]}]^3",
                fermions,
                model,
                lambda g, t=triple: _charge(g[t[0]]) * _charge(g[t[1]]) * _charge(g[t[2]]),
                (),
            )
        )
    for b in u1:
        out.append(_sum(f"gravity^2 {names[b]}", fermions, model, lambda g, b=b: _charge(g[b]), ()))
    for a in su:
        if model.group.ns[a] == 2:
            witten = _sum(
                f"Witten {names[a]}", fermions, model, lambda g, a=a: 2 * _index(g[a]), (a,)
            )
            out.append(Anomaly(witten.name, witten.value, True, witten.fields))
    return out


def factor_labels(model: Model) -> tuple[str, ...]:
    """Factor names as written, with the field strength added where a name repeats
    (``U1[B]``, ``U1[X]``) so every row of the table says which factor it probes."""
    names = model.group.names
    return tuple(
        f"{name}[{strength}]" if names.count(name) > 1 else name
        for name, strength in zip(names, model.strengths)
    )


def describe(anomaly: Anomaly) -> str:
    """One line for a diagnostic: what does not cancel and which fermions feed it."""
    who = ", ".join(anomaly.fields)
    if anomaly.global_:
        return (
            f"{anomaly.name} global anomaly: the fermions hold {anomaly.value} doublet-like "
            f"irreps (sum of 2T(R)), an odd number ({who})"
        )
    return f"gauge anomaly {anomaly.name} = {anomaly.value} does not cancel ({who})"


def _sum(
    name: str,
    fermions: list[Field],
    model: Model,
    per_field: Callable[[Gauge], Fraction],
    probed: tuple[int, ...],
) -> Anomaly:
    """Σ over left-handed fermions of ``per_field(gauge)`` × flavours × the dimensions of the
    SU(N) factors not in ``probed`` (each component of those is a separate copy)."""
    total = Fraction(0)
    contributing: list[str] = []
    for field in fermions:
        gauge = _left_handed(field)
        copies = field.flavours
        for f in model.group.su_factors:
            if f not in probed:
                irrep = gauge[f]
                assert isinstance(irrep, SUIrrep)
                copies *= irrep.dim
        value = per_field(gauge) * copies
        if value:
            contributing.append(field.name)
        total += value
    return Anomaly(name, total, fields=tuple(contributing))


def _left_handed(field: Field) -> Gauge:
    """The gauge quantum numbers of the field as a left-handed spinor."""
    return field.rep_for(field.helicity == "right").gauge


def _charge(entry: SUIrrep | Fraction) -> Fraction:
    assert isinstance(entry, Fraction)
    return entry


def _cubic(irrep: SUIrrep | Fraction) -> Fraction:
    assert isinstance(irrep, SUIrrep)
    return _trace_ratio(irrep.n, irrep.dynkin, (1, 1, -2), 3)


def _index(irrep: SUIrrep | Fraction) -> Fraction:
    assert isinstance(irrep, SUIrrep)
    return _trace_ratio(irrep.n, irrep.dynkin, (1, -1), 2) / 2


@cache
def _trace_ratio(n: int, dynkin: tuple[int, ...], h: tuple[int, ...], power: int) -> Fraction:
    """``tr_R(H^power) / tr_F(H^power)`` for the diagonal traceless ``H`` starting with ``h``."""
    diagonal = (*h, *(0,) * (n - len(h)))
    partial = [sum(diagonal[: i + 1]) for i in range(n - 1)]  # <omega_i, H>

    def trace(labels: tuple[int, ...]) -> int:
        return sum(
            mult * sum(w * p for w, p in zip(weight, partial)) ** power
            for weight, mult in su_weights(n, labels).items()
        )

    fundamental = (1,) + (0,) * (n - 2)
    return Fraction(trace(dynkin), trace(fundamental))


def nonzero(model: Model) -> Iterator[Anomaly]:
    """The anomalies that do not cancel."""
    return (a for a in anomalies(model) if not a.cancels)


def anomaly_notes(model: Model) -> list[Diagnostic]:
    """One ``anomaly`` note listing every coefficient that does not cancel, at the
    declaration of the first fermion feeding the first of them.

    A note (severity information), not a warning, and one per document, not one per
    coefficient: a document declares the fields its terms use, which is often part of a
    model (a paper's seesaw sector declares L, N and H, not the quarks), and only the whole
    model must be anomaly free.  ``lagrangian anomalies`` prints the table and says, with
    its exit status, whether a declared content cancels.
    """
    failing = list(nonzero(model))
    if not failing:
        return []
    first = model.field(failing[0].fields[0])
    span = first.span if first is not None and first.span is not None else _NOWHERE
    listed = "; ".join(describe(anomaly) for anomaly in failing)
    message = (
        f"{listed}. If these are all of the model's fermions, it is anomalous "
        "(`lagrangian anomalies` prints the table)"
    )
    return [Diagnostic(span, "information", "anomaly", message)]


_NOWHERE = Span(Position(0, 0, 0), Position(0, 0, 0))
