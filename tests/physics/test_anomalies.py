"""Anomaly coefficients against numbers worked out by hand.

Per SM generation (left-handed Q, u^c, d^c, L, e^c): [SU3]^3 = 2 - 1 - 1 = 0; [SU3]^2 U1 =
1/2 (2/6 - 2/3 + 1/3) = 0; [SU2]^2 U1 = 1/2 (3/6 - 1/2) = 0; U1^3 = 6/216 - 3·8/27 + 3/27 -
2/8 + 1 = 0, of which e^c gives +1; gravity: 1 - 2 + 1 - 1 + 1 = 0, of which e^c gives +1.
B-L per generation without nu^c: U1'^3 = 6/27 - 3/27 - 3/27 - 2 + 1 = -1, gravity 2 - 1 - 1 -
2 + 1 = -1; nu^c adds +1 to both.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from declared import model_of

from lagrangian.grammar import parse_document
from lagrangian.physics.anomalies import anomalies
from lagrangian.physics.checks import analyze

SM = (
    "fermion Q (3,2,1/6) left; fermion u (3,1,2/3) right; fermion d (3,1,-1/3) right; "
    "fermion L (1,2,-1/2) left; fermion e (1,1,-1) right"
)


def table(text: str) -> dict[str, Fraction]:
    return {a.name: a.value for a in anomalies(model_of(text))}


def test_standard_model_generation_is_anomaly_free():
    assert table(SM) == {
        "[SU3]^3": 0,
        "[SU3]^2 U1": 0,
        "[SU2]^2 U1": 0,
        "[U1]^3": 0,
        "gravity^2 U1": 0,
        "Witten SU2": 4,  # 3 colours of Q and one L: even
    }
    assert all(a.cancels for a in anomalies(model_of(SM)))


def test_without_the_electron_u1_cubed_and_gravity_fail():
    values = table(SM.replace("; fermion e (1,1,-1) right", ""))
    assert values["[U1]^3"] == -1 and values["gravity^2 U1"] == -1
    assert values["[SU3]^3"] == values["[SU2]^2 U1"] == 0


def test_flavours_multiply():
    three = SM.replace("left", "left x3").replace("right", "right x3")
    assert all(v == 0 for k, v in table(three).items() if k != "Witten SU2")
    assert table(three)["Witten SU2"] == 12
    broken = table(three.replace("; fermion e (1,1,-1) right x3", ""))
    assert broken["[U1]^3"] == -3


B_MINUS_L = (
    "gauge SU3 x SU2 x U1 x U1[X]; fermion Q (3,2,1/6,1/3) left x3; "
    "fermion u (3,1,2/3,1/3) right x3; fermion d (3,1,-1/3,1/3) right x3; "
    "fermion L (1,2,-1/2,-1) left x3; fermion e (1,1,-1,-1) right x3"
)


def test_gauged_b_minus_l_needs_three_right_handed_neutrinos():
    values = table(B_MINUS_L)
    assert values["[U1[X]]^3"] == -3
    assert values["gravity^2 U1[X]"] == -3
    assert values["[U1[B]]^3"] == 0
    complete = table(B_MINUS_L + "; fermion nu (1,1,0,-1) right x3")
    assert all(v == 0 for k, v in complete.items() if k != "Witten SU2")
    # mixed U1 U1 U1' and U1 U1' U1' are among them and vanish too
    assert {"U1[B] U1[B] U1[X]", "U1[B] U1[X] U1[X]"} <= set(complete)


@pytest.mark.parametrize(
    ("irrep", "cubic", "index"),
    [("3", 1, Fraction(1, 2)), ("-3", -1, Fraction(1, 2)), ("6", 7, Fraction(5, 2)),
     ("8", 0, 3), ("10", 27, Fraction(15, 2)), ("15", 14, 10), ("15'", 77, Fraction(35, 2))],
)  # fmt: skip
def test_su3_cubic_anomaly_and_dynkin_index(irrep, cubic, index):
    values = table(f"fermion X ({irrep},1,1) left")
    assert values["[SU3]^3"] == cubic
    assert values["[SU3]^2 U1"] == index


def test_su5_generation_cancels():
    values = table("gauge SU5; fermion F (5bar) left; fermion T (10) left")
    assert values == {"[SU5]^3": 0}
    assert table("gauge SU5; fermion T (10) left") == {"[SU5]^3": 1}


@pytest.mark.parametrize(("dim", "odd"), [(2, True), (3, False), (4, False), (6, True)])
def test_witten_counts_irreps_of_dimension_two_mod_four(dim, odd):
    (witten,) = [a for a in anomalies(model_of(f"fermion X (1,{dim},0) left")) if a.global_]
    assert witten.cancels is not odd


def test_lone_doublet_warns_on_its_declaration():
    analysis = analyze(parse_document("scalar H (1,2,1/2)\nfermion X (1,2,0) left\n"))
    (warning,) = analysis.diagnostics
    assert (warning.code, warning.severity, warning.span.start.line) == (
        "anomaly",
        "information",
        1,
    )
    assert "Witten SU2" in warning.message and "odd" in warning.message


def test_anomaly_free_and_fermionless_models_have_no_warning():
    assert not analyze(parse_document(SM.replace("; ", "\n"))).diagnostics
    assert anomalies(model_of("scalar H (1,2,1/2)")) == []
