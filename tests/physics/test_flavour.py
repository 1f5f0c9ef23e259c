"""Flavoured fields: couplings split by permutation symmetry, against hand-worked numbers.

Counts by hand (N flavours): a symmetric coupling of two identical fields has N(N+1)/2
components, an antisymmetric one N(N-1)/2, a coupling of distinct fields the product.
Zee–Babu, N = 3: f_{ab} h L^a L^b needs the SU(2) ε (antisymmetric) and the Lorentz ε
(antisymmetric) times Fermi statistics, so f is antisymmetric: 3; g_{ab} e^c e^c k is
symmetric: 6.  Type II: the SU(2) triplet in L L is symmetric, so Y_Δ is symmetric: 6.
Type I: M_{ab} N N symmetric: 6.  2HDM as H x2: m^2_{ab} is a 2x2 hermitian matrix, 4 real;
the quartic λ_{ab,cd} (H^†_a H_c)(H^†_b H_d) splits into the pair-symmetric part (3 x 3 = 9
real after hermiticity) and the pair-antisymmetric one (1): 10, the textbook λ1…λ4 real and
λ5, λ6, λ7 complex.  SM with three generations: three 3x3 complex Yukawa matrices, 27.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from declared import model_of
from hypothesis import given, settings
from hypothesis import strategies as st

from lagrangian.grammar import parse_document, print_term
from lagrangian.physics.api import engine_terms, parameter_summary
from lagrangian.physics.checks import analyze
from lagrangian.physics.counting import Rep, count_invariants
from lagrangian.physics.fields import Model
from lagrangian.physics.flavour import components
from lagrangian.physics.groups import GaugeGroup, parse_su_irrep
from lagrangian.physics.young import character, gl_dimension, partitions

SM = GaugeGroup.standard_model()


def rows(model: Model, kind: str) -> list[tuple[str, bool, int, dict[str, str]]]:
    """(text, hc, couplings, flavour) of every engine term of a kind."""
    out = []
    for t in engine_terms(model):
        if t.term.kind == kind:
            record = t.record(model)
            out.append((record["text"], record["hc"], record["couplings"], record["flavour"]))
    return out


def test_symmetric_group_characters_and_gl_dimensions():
    for k in range(1, 6):
        shapes = list(partitions(k))
        identity = (1,) * k
        assert sum(character(s, identity) ** 2 for s in shapes) == len(
            list(itertools.permutations(range(k)))
        )
    assert character((2, 1), (3,)) == -1 and character((2, 2), (2, 2)) == 2
    assert [gl_dimension(s, 3) for s in [(2,), (1, 1), (2, 1), (3,), (1, 1, 1)]] == [6, 3, 8, 10, 1]
    assert gl_dimension((1, 1, 1), 2) == 0 and gl_dimension((2, 2), 2) == 1


def test_zee_babu_with_three_generations():
    model = model_of(
        "scalar H (1,2,1/2); scalar h (1,1,1); scalar k (1,1,2); "
        "fermion L (1,2,-1/2) left x3; fermion e (1,1,-1) right x3"
    )
    assert rows(model, "yukawa") == [
        ("- y_{1 a b} L^a L^b h + h.c.", True, 3, {"L": "antisymmetric"}),
        ("- y_{2 a b} L^a e^dagger^b H^dagger + h.c.", True, 9, {}),
        ("- y_{3 a b} e^dagger^a e^dagger^b k^dagger + h.c.", True, 6, {"e^dagger": "symmetric"}),
    ]


def test_one_generation_still_has_no_h_L_L():
    model = model_of("scalar h (1,1,1); fermion L (1,2,-1/2) left")
    assert rows(model, "yukawa") == []


def test_type_two_and_type_one_seesaw():
    model = model_of("scalar H (1,2,1/2); scalar Delta (1,3,1); fermion L (1,2,-1/2) left x3")
    ((_, hc, couplings, symmetry),) = rows(model, "yukawa")
    assert (hc, couplings, symmetry) == (True, 6, {"L": "symmetric"})
    model = model_of("scalar H (1,2,1/2); fermion L (1,2,-1/2) left x3; fermion N (1,1,0) left x3")
    assert [r[1:] for r in rows(model, "fermion_mass")] == [(True, 6, {"N": "symmetric"})]
    assert [r[1:] for r in rows(model, "yukawa")] == [(True, 9, {})]


def test_two_higgs_doublets_as_one_flavoured_doublet():
    model = model_of("scalar H (1,2,1/2) x2")
    summary = parameter_summary(engine_terms(model))
    assert summary == {
        "scalar_mass": {"complex": 0, "real": 4},
        "quartic": {"complex": 0, "real": 10},
    }
    assert [r[2:] for r in rows(model, "quartic")] == [
        (9, {"H": "symmetric", "H^dagger": "symmetric"}),
        (1, {"H": "antisymmetric", "H^dagger": "antisymmetric"}),
    ]


def test_standard_model_with_three_generations_has_27_complex_yukawas():
    model = model_of(
        "scalar H (1,2,1/2); fermion Q (3,2,1/6) left x3; fermion u (3,1,2/3) right x3; "
        "fermion d (3,1,-1/3) right x3; fermion L (1,2,-1/2) left x3; fermion e (1,1,-1) right x3"
    )
    summary = parameter_summary(engine_terms(model))
    assert summary["yukawa"] == {"complex": 27, "real": 0}
    assert summary["quartic"] == {"complex": 0, "real": 1}


def test_scotogenic_with_three_generations():
    """λ1…λ5 unchanged; h_{ij} L_i η N_j is a general 3x3 matrix; M_N symmetric."""
    model = model_of(
        "scalar H (1,2,1/2); scalar eta (1,2,1/2); fermion L (1,2,-1/2) left x3; "
        "fermion e (1,1,-1) right x3; fermion N (1,1,0) left x3; symmetry Z2: eta -, N -"
    )
    assert len(rows(model, "quartic")) == 5
    assert [r[:3] for r in rows(model, "yukawa")] == [
        ("- y_{1 a b} L^a e^dagger^b H^dagger + h.c.", True, 9),
        ("- y_{2 a b} L^a N^b eta + h.c.", True, 9),
    ]
    assert [r[1:] for r in rows(model, "fermion_mass")] == [(True, 6, {"N": "symmetric"})]


def test_flavoured_output_checks_back_without_errors():
    text = (
        "scalar H (1,2,1/2) x2\nscalar h (1,1,1)\nscalar S (1,1,0) real x3\n"
        "fermion L (1,2,-1/2) left x3\nfermion N (1,1,0) left x2\n"
    )
    model = model_of(text.replace("\n", "; ").rstrip("; "))
    first, *rest = (print_term(t.tree) for t in engine_terms(model))
    body = "".join(f"\n  {x}" if x[0] in "+-" else f"\n  + {x}" for x in rest)
    analysis = analyze(parse_document(f"{text}L = {first}{body}\n"))
    assert [(d.code, d.message) for d in analysis.diagnostics if d.code != "anomaly"] == []


def test_written_flavour_indices_are_not_gauge_indices():
    base = "scalar h (1,1,1)\nfermion L (1,2,-1/2) left{}\nL = - f_{{ab}} h L^a L^b + h.c.\n"
    flavoured = analyze(parse_document(base.format(" x3"))).diagnostics
    assert [d.code for d in flavoured if d.severity == "error"] == []
    single = analyze(parse_document(base.format(""))).diagnostics
    assert [d.code for d in single if d.severity == "error"] == ["vanishes-by-symmetry"]


# -- the split against the total, on random flavoured monomials ---------------------------

IRREPS3 = ["1", "3", "-3", "6", "8"]
IRREPS2 = ["1", "2", "3"]
LORENTZ = [(0, 0), (1, 0), (0, 1)]


@st.composite
def flavoured_parts(draw: st.DrawFn) -> list[tuple[Rep, int, int]]:
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        lorentz = draw(st.sampled_from(LORENTZ))
        rep = Rep(
            (
                parse_su_irrep(draw(st.sampled_from(IRREPS3)), 3),
                parse_su_irrep(draw(st.sampled_from(IRREPS2)), 2),
                Fraction(draw(st.integers(-1, 1)), 2),
            ),
            lorentz,
            fermion=lorentz != (0, 0),
        )
        power = draw(st.integers(1, 4 if lorentz == (0, 0) else 3))
        parts.append((rep, power, draw(st.integers(1, 3))))
    return parts


def distinct_copies(parts: list[tuple[Rep, int, int]]) -> int:
    """Invariants of ⊗ Sym^k/Λ^k(V ⊗ C^N) with each flavour a distinct field: the sum over
    every way of sharing the k copies among the N flavours."""
    per_part = []
    for rep, power, n in parts:
        per_part.append(
            [[(rep, c) for c in split] for split in itertools.product(range(power + 1), repeat=n)
             if sum(split) == power]
        )  # fmt: skip
    return sum(
        count_invariants(SM, [p for chosen in choice for p in chosen])
        for choice in itertools.product(*per_part)
    )


@settings(max_examples=300, deadline=None)
@given(flavoured_parts())
def test_split_couplings_add_up_to_the_flavoured_character_count(parts):
    split = components(SM, parts)
    assert sum(c.invariants * c.couplings for c in split) == distinct_copies(parts)


def test_a_coupling_may_carry_upper_flavour_indices():
    base = "scalar H (1,2,1/2)\nscalar h (1,1,1)\nfermion L (1,2,-1/2) left x3\nL = {}\n"
    written = analyze(parse_document(base.format("- y^{ab} h L_a L_b + h.c.")))
    assert [d.code for d in written.diagnostics if d.code != "anomaly"] == []
    assert written.terms[0].resolved.couplings == ["y^ab"]
    typo = analyze(parse_document(base.format("- m Hx^i H_i")))  # H has one flavour
    assert [d.code for d in typo.diagnostics if d.code != "anomaly"] == ["unknown-field"]


def test_declared_coupling_symmetry_is_checked_against_what_survives():
    base = (
        "scalar h (1,1,1)\nscalar H (1,2,1/2) x2\nfermion L (1,2,-1/2) left x3\n"
        "coupling f {}\nL = - f_{{ab}} h L^a L^b + h.c.\n"
    )
    right = analyze(parse_document(base.format("antisymmetric")))
    assert [d.code for d in right.diagnostics if d.code != "anomaly"] == []
    wrong = analyze(parse_document(base.format("symmetric")))
    (error,) = [d for d in wrong.diagnostics if d.code != "anomaly"]
    assert (error.code, error.severity, error.span.start.line) == ("flavour-symmetry", "error", 4)
    assert error.message == (
        "coupling f is declared symmetric, but in the flavour indices of L only the "
        "antisymmetric (3 couplings) part survives"
    )
    quartic = analyze(parse_document(base.format("[2,1]") + "  - f (H^dagger H)^2\n"))
    messages = [d.message for d in quartic.diagnostics if d.span.start.line == 5]
    assert messages[0].endswith(
        "of H only the symmetric (9 couplings) and antisymmetric (1 coupling) parts survive"
    )
