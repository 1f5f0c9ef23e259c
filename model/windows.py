"""Field windows: the model answers for every few fields at a time, and the answers vote.

A renormalizable term has at most four fields, so every monomial of a Lagrangian lies in the
Lagrangian of some four of its fields.  With a window of ``w >= 4`` fields, a field set of
``n > w`` fields is answered by running the model on each of its ``C(n, w)`` subsets (one
batch) and merging:

* a monomial's multiplicity is the one most windows containing its fields claim (absence
  counts as a claim of 0; ties go to the larger count, which verification then checks);
* a field's kinetic term likewise, over the windows containing that field;
* a gauge kinetic term is kept when, for some field, most windows containing it claim it.

Why: the model is most accurate on few fields (short outputs), a monomial of fewer than
``w`` fields is written by several windows so one window's slip is outvoted, and a
checkpoint trained on up to six fields still answers for eight without outputs longer than
its context.  The merged answer is an ordinary operators target over the full field set,
verified like any other.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import combinations
from typing import TYPE_CHECKING

from lagrangian.model.codec.operators import OperatorTerm

if TYPE_CHECKING:
    from lagrangian.physics.fields import Model

Objects = tuple[tuple[int, bool], ...]
SMALLEST_WINDOW = 4  # the most fields a renormalizable term has


def windows(n: int, size: int) -> list[tuple[int, ...]]:
    """The field subsets the model is run on: all of them at once when ``n <= size``."""
    if size < SMALLEST_WINDOW:
        raise ValueError(f"a window needs at least {SMALLEST_WINDOW} fields (quartics of four)")
    return [tuple(range(n))] if n <= size else list(combinations(range(n), size))


def sub_model(model: Model, indices: Sequence[int]) -> Model:
    """The same gauge group with only the fields at ``indices`` (in that order)."""
    from lagrangian.physics.fields import Model

    return Model(model.group, tuple(model.fields[i] for i in indices), model.strengths)


def _claim(
    window_answers: list[tuple[tuple[int, ...], Counter[object]]], needed: set[int], key: object
) -> int:
    """The multiplicity most windows holding all ``needed`` fields claim (ties: larger)."""
    votes = Counter(c[key] for w, c in window_answers if needed <= set(w))
    if not votes:
        return 0
    return max(votes, key=lambda claim: (votes[claim], claim))


def merge(
    answers: Sequence[tuple[tuple[int, ...], Sequence[OperatorTerm]]],
) -> list[OperatorTerm]:
    """One answer over the full field set from the answers of its windows.

    ``answers``: per window, its field indices and its decoded terms, whose positions refer
    to the window's own fields (0 = the window's first)."""
    window_answers: list[tuple[tuple[int, ...], Counter[object]]] = []
    monomials: set[Objects] = set()
    groups: list[str] = []
    fields: set[int] = set()
    for window, terms in answers:
        fields.update(window)
        claims: Counter[object] = Counter()
        for term in terms:
            objects = tuple(sorted((window[i], dagger) for i, dagger in term.objects))
            if term.kind == "gauge_kinetic":
                claims[("gauge", term.group)] = 1
                if term.group not in groups:
                    groups.append(term.group)  # type: ignore[arg-type]
            elif term.kind == "kinetic":
                claims[("kinetic", objects[0][0])] = 1
            else:
                claims[objects] += 1
                monomials.add(objects)
        window_answers.append((window, claims))

    merged = [
        OperatorTerm("kinetic", ((k, False),))
        for k in sorted(fields)
        if _claim(window_answers, {k}, ("kinetic", k))
    ]
    merged += [
        OperatorTerm("gauge_kinetic", group=group)
        for group in groups
        if any(_claim(window_answers, {k}, ("gauge", group)) for k in fields)
    ]
    for objects in sorted(monomials, key=lambda m: (len(m), m)):
        count = _claim(window_answers, {i for i, _ in objects}, objects)
        merged += [OperatorTerm("potential", objects, k) for k in range(count)]
    return merged
