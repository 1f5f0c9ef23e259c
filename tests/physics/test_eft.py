"""Operators beyond dimension four: Hilbert-series counts against the literature, hand
derivations and an independent method.

Literature (every count with hermitian conjugates separately):

* SMEFT, Henning, Lu, Melia, Murayama, "2, 84, 30, 993, …: Higher dimension operators in
  the SM EFT", arXiv:1512.03433, Table 1: one generation 2, 84, 30, 993, 560, 15456 at
  dimensions 5-10; three generations 12, 3045, 1542, 44807 at 5-8.
* Warsaw basis, Grzadkowski et al., arXiv:1008.4884, Tables 2-3, one generation, counted
  by class: X^3 4 (G, G~, W, W~); phi^6 1; phi^4 D^2 2; X^2 phi^2 8; psi^2 phi^3 3 complex;
  psi^2 X phi 8 complex; psi^2 phi^2 D 7 real + 1 complex (O_Hud); psi^4 20 real +
  5 complex (ledq, quqd1/8, lequ1/3) + 4 complex baryon-number violating.
* nu-SMEFT (SM + right-handed neutrinos N), operators containing N: Liao and Ma,
  arXiv:1612.04527 (29 and 80 at dimensions 6 and 7 for one generation, 1614 and 4206 for
  three), Li, Ren, Xiao, Yu, Zheng, arXiv:2105.09329 (2 and 18 at dimension 5, 323 at
  dimension 8 for one generation).

By hand:

* A real scalar with no gauge charges: 4-point operators ``phi^4 D^{2m}`` are the contact
  amplitudes, symmetric polynomials of degree m in s, t, u with s + t + u = 0, generated
  by s^2+t^2+u^2 and stu: 0, 1, 1, 1 for m = 1..4.  Any 3-point amplitude of massless
  scalars is a constant, so ``phi^3 D^{2m}`` vanish, and ``(sum p)^2 = 0`` kills
  ``phi^n D^2`` for every n.
* SM + a real singlet S at dimension 5: S^5, S^3 H^dagger H, S (H^dagger H)^2 (3 real);
  S X X~-type S G_L^2, S G_R^2 for G, W, B (6); S times each Yukawa (3 complex, 6); the
  Weinberg operator (2).  Derivative operators vanish by EOM/IBP (phi^3 D^2 as above,
  d_mu S psi^dagger sigma^mu psi integrates to the Dirac equation): 17.
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

import pytest
from declared import model_of
from eft_direct import direct_count
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lagrangian.physics.counting import Rep, count_invariants
from lagrangian.physics.eft.generators import Letter, letters
from lagrangian.physics.eft.hilbert import count_content, hilbert_counts
from lagrangian.physics.eft.operators import (
    MAX_DIMENSION,
    EFTError,
    effective_terms,
    operator_classes,
)
from lagrangian.physics.fields import Model
from lagrangian.physics.groups import GaugeGroup, SUIrrep

SM_FIELDS = (
    "scalar H (1,2,1/2); fermion Q (3,2,1/6) left{f}; fermion u (3,1,2/3) right{f}; "
    "fermion d (3,1,-1/3) right{f}; fermion L (1,2,-1/2) left{f}; fermion e (1,1,-1) right{f}"
)
NU = "; fermion N (1,1,0) right{f}"


def smeft(generations: int = 1, extra: str = "") -> Model:
    flavours = f" x{generations}" if generations > 1 else ""
    return model_of((SM_FIELDS + extra).format(f=flavours))


def per_dimension(model: Model, max_dimension: int) -> dict[int, int]:
    totals: Counter[int] = Counter()
    for entry in hilbert_counts(model, max_dimension):
        totals[entry.dimension] += entry.count
    return dict(sorted(totals.items()))


def test_smeft_one_generation() -> None:
    assert per_dimension(smeft(), 8) == {5: 2, 6: 84, 7: 30, 8: 993}


def test_smeft_three_generations() -> None:
    assert per_dimension(smeft(3), 6) == {5: 12, 6: 3045}


@pytest.mark.slow
def test_smeft_further_dimensions() -> None:
    counts = per_dimension(smeft(), 10)
    assert (counts[9], counts[10]) == (560, 15456)
    assert per_dimension(smeft(3), 8) == {5: 12, 6: 3045, 7: 1542, 8: 44807}


def test_warsaw_classes_one_generation() -> None:
    by_class: Counter[str] = Counter()
    for entry in operator_classes(smeft(), 6):
        if entry.dimension == 6:
            by_class[entry.name] += entry.operators()
    assert by_class == {
        "X3": 4,
        "phi6": 1,
        "phi4D2": 2,
        "X2phi2": 8,
        "psi2phi3": 6,
        "psi2Xphi": 16,
        "psi2phi2D": 9,
        "psi4": 20 + 2 * 5 + 2 * 4,
    }


def test_weinberg_operator() -> None:
    (one,) = [c for c in operator_classes(smeft(), 5)]
    assert (one.name, one.fields_text(), one.count, one.hc) == ("psi2phi2", "H^2 L^2", 1, True)
    (three,) = operator_classes(smeft(3), 5)
    assert three.count == 6  # symmetric in the two lepton flavours: 3 * 4 / 2
    (term,) = effective_terms(smeft(3), [three])
    assert term.couplings == 6 and term.hc


@pytest.mark.parametrize(
    ("generations", "max_dimension", "expected"),
    [(1, 8, {5: 2, 6: 29, 7: 80, 8: 323}), (3, 7, {5: 18, 6: 1614, 7: 4206})],
)
def test_nu_smeft_operators_with_sterile_neutrinos(
    generations: int, max_dimension: int, expected: dict[int, int]
) -> None:
    with_n = per_dimension(smeft(generations, NU), max_dimension)
    without = per_dimension(smeft(generations), max_dimension)
    assert {d: with_n[d] - without.get(d, 0) for d in with_n} == expected


def test_singlet_scalar_extension_dimension_five() -> None:
    model = smeft(extra="; scalar S (1,1,0) real")
    assert per_dimension(model, 5) == {5: 17}


def _content(model: Model, *spec: tuple[str, int]) -> tuple[tuple[Letter, int], ...]:
    by_name = {letter.name: letter for letter in letters(model)}
    return tuple(sorted((by_name[name], k) for name, k in spec))


@pytest.mark.parametrize(("power", "derivatives", "expected"), [
    (4, 2, 0), (4, 4, 1), (4, 6, 1), (4, 8, 1), (3, 2, 0), (3, 4, 0), (5, 2, 0), (6, 2, 0),
])  # fmt: skip
def test_real_scalar_amplitudes(power: int, derivatives: int, expected: int) -> None:
    model = model_of("scalar S (1,1,0) real")
    assert count_content(model.group, _content(model, ("S", power)), derivatives) == expected


def test_explicit_operators_match_the_counts() -> None:
    """Non-derivative operators written out by the basis machinery: as many couplings as
    the Hilbert series counts (effective_terms raises otherwise), and they are the ones
    expected: Weinberg, (H^dagger H)^3, the three Yukawas times H^dagger H."""
    model = smeft()
    classes = operator_classes(model, 6)
    terms = effective_terms(model, classes)
    names = Counter(
        " ".join(sorted(model.fields[o.index].name for o in t.occurrences)) for t in terms
    )
    assert names == {
        "H H L L": 1,
        "H H H H H H": 1,
        "H H H Q u": 1,
        "H H H L e": 1,
        "H H H Q d": 1,
    }


def test_dimension_is_bounded() -> None:
    with pytest.raises(EFTError, match=f"above the supported {MAX_DIMENSION}"):
        operator_classes(smeft(), MAX_DIMENSION + 1)


# Random small models: SU(2) x U(1) letters, compared with the independent direct count.
_IRREPS = st.sampled_from([(0,), (1,), (2,)])
_CHARGES = st.sampled_from([Fraction(0), Fraction(1, 2), Fraction(-1, 2), Fraction(1)])
_GROUP = GaugeGroup(names=("SU2", "U1"), ns=(2, 1))


@st.composite
def _contents(draw: st.DrawFn) -> tuple[tuple[tuple[Letter, int], ...], int]:
    families = draw(st.lists(st.sampled_from(["phi", "psi", "X"]), min_size=1, max_size=3))
    content = []
    for i, family in enumerate(families):
        lorentz = {"phi": (0, 0), "psi": draw(st.sampled_from([(1, 0), (0, 1)])), "X": (2, 0)}
        gauge = (
            (SUIrrep(2, (2,)), Fraction(0))
            if family == "X"
            else (SUIrrep(2, draw(_IRREPS)), draw(_CHARGES))
        )
        rep = Rep(gauge, lorentz[family], family == "psi")
        flavours = 1 if family == "X" else draw(st.integers(1, 2))
        letter = Letter(family, f"f{i}", rep, flavours, index=i)
        content.append((letter, draw(st.integers(1, 2 if family == "X" else 3))))
    return tuple(sorted(content)), draw(st.integers(0, 3))


@settings(max_examples=200)
@given(_contents())
def test_hilbert_series_matches_direct_sum_over_generators(case) -> None:
    content, derivatives = case
    dimension = sum(letter.dimension * k for letter, k in content) + derivatives
    assume(dimension >= 5)  # below, ΔH: the coefficient is exact from dimension 5 on
    assert count_content(_GROUP, content, derivatives) == direct_count(_GROUP, content, derivatives)


@settings(max_examples=40)
@given(_contents())
def test_no_derivatives_is_the_plain_invariant_count(case) -> None:
    """Without derivatives 1/P contributes only its constant term: the count is that of the
    monomial (flavours: each letter split into its flavours as distinct fields)."""
    content, _ = case
    single = tuple((letter, k) for letter, k in content if letter.flavours == 1)
    parts = [(letter.rep, k) for letter, k in single]
    assert count_content(_GROUP, single, 0) == count_invariants(_GROUP, parts)


def test_too_many_contents_are_refused_before_any_work() -> None:
    # nu-SMEFT at dimension 12: 1,606,966 multisets of its 20 letters, over the limit.
    with pytest.raises(EFTError, match="1,606,966 candidate field contents"):
        operator_classes(smeft(extra=NU), 12)


def test_large_monomials_stay_classes() -> None:
    """Six colour octets are written out (as many couplings as the count), seven (8^7
    tensor entries) are only counted."""
    model = model_of("scalar S (8,1,0) real")
    by_power = {c.content[0][1]: c for c in operator_classes(model, 7) if c.derivatives == 0}
    assert by_power[6].explicit and not by_power[7].explicit
    assert sum(t.couplings for t in effective_terms(model, [by_power[6]])) == by_power[6].count
