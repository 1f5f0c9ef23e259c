"""Paper notation checked against the physics, with expectations derived by hand.

Hypercharges: H (1,2,1/2), Q_L (3,2,1/6), u_R (3,1,2/3), d_R (3,1,-1/3), L (1,2,-1/2),
e_R (1,1,-1), N (1,1,0).  For a left-handed Weyl Q_L and right-handed u_R, \\bar Q_L is
Q_L^dagger (right-handed): \\bar Q_L \\tilde H u_R has Y = -1/6 - 1/2 + 2/3 = 0 and two
right-handed spinors, the up Yukawa; with H instead of \\tilde H, Y = -1/6 + 1/2 + 2/3 = 1.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lagrangian.grammar import parse_tex, print_term
from lagrangian.physics.checks import Analysis, analyze
from lagrangian.physics.fields import build_model
from lagrangian.physics.paper.weyl import weyl_terms

SM = (
    "% lagrangian: scalar H (1,2,1/2); fermion Q_L (3,2,1/6) left; "
    "fermion u_R (3,1,2/3) right; fermion d_R (3,1,-1/3) right\n"
    "% lagrangian: fermion L (1,2,-1/2) left; fermion e_R (1,1,-1) right; "
    "fermion N (1,1,0) right; fermion Psi (1,1,0) dirac; scalar S (1,1,0) real\n"
)


def _check(math: str, declarations: str = SM) -> Analysis:
    return analyze(parse_tex(declarations + f"\\begin{{equation}}\n{math}\n\\end{{equation}}\n"))


def _codes(math: str, declarations: str = SM) -> list[str]:
    return sorted({d.code for d in _check(math, declarations).diagnostics})


@pytest.mark.parametrize(
    "math",
    [
        r"\mathcal{L} \supset - y_u \bar Q_L \tilde H u_R + \text{h.c.}",
        r"\mathcal{L} \supset - y_d \overline{Q}_L H d_R - y_e \overline{L} H e_R + {\rm h.c.}",
        r"\mathcal{L} = \bar Q_L i\gamma^\mu D_\mu Q_L + \bar u_R i\slashed{D} u_R",
        r"\mathcal{L} = \overline{e_R}\, i \not\!\!D\, e_R",
        r"-\mathcal{L} = \frac12 M \overline{N^c} N + y_\nu \bar L \tilde H N + \text{h.c.}",
        r"\mathcal{L} = \overline{\Psi}(i\slashed{D} - M)\Psi",
        r"\mathcal{L} = - \kappa\, \bar\Psi P_R N + \text{h.c.}",
        r"\mathcal{L} = - \kappa\, \bar\Psi \frac{1+\gamma_5}{2} N + \text{h.c.}",
        r"\mathcal{L} = - y\, \overline{\Psi_L} N + \text{h.c.}",
    ],
)
def test_standard_four_component_terms_are_clean(math: str) -> None:
    analysis = _check(math)
    assert analysis.diagnostics == []


def test_the_up_yukawa_needs_the_tilde() -> None:
    assert _codes(r"\mathcal{L} = - y \bar Q_L H u_R + \text{h.c.}") == ["hypercharge"]


def test_a_bar_flips_the_chirality_of_the_written_spinor() -> None:
    # \bar Q_L Q_L: a right- and a left-handed spinor without gamma^mu do not close.
    assert _codes(r"\mathcal{L} = - m \bar Q_L Q_L") == ["lorentz"]
    # \bar N N for a right-handed Weyl N: likewise; the Majorana mass is \overline{N^c} N.
    assert _codes(r"\mathcal{L} = - M \bar N N") == ["lorentz"]


def test_a_projector_on_the_wrong_chirality_kills_the_field() -> None:
    (message,) = [d.message for d in _check(r"\mathcal{L} = x \bar\Psi P_L N").diagnostics]
    assert message == "N is right-handed: its left-handed projection vanishes"


def test_a_dirac_mass_is_one_invariant_with_its_conjugate() -> None:
    analysis = _check(r"\mathcal{L} = - M \bar\Psi\Psi")
    (term,) = analysis.terms
    assert term.kind == "fermion_mass" and term.term.hc
    assert analysis.diagnostics == []


def test_a_dirac_kinetic_term_is_two_weyl_kinetic_terms() -> None:
    analysis = _check(r"\mathcal{L} = \bar\Psi i\slashed{D}\Psi")
    assert [t.kind for t in analysis.terms] == ["kinetic", "kinetic"]
    assert {t.resolved.fields[0].occurrence.index for t in analysis.terms} == {
        analysis.model.fields.index(analysis.model.field("Psi_L")),
        analysis.model.fields.index(analysis.model.field("Psi_R")),
    }


def test_names_with_subscripts_reach_their_fields() -> None:
    decls = "% lagrangian: scalar Phi_1 (1,2,1/2); scalar Phi_2 (1,2,1/2)\n"
    math = (
        r"V = m_{11}^2 \Phi_1^\dagger\Phi_1 + \lambda_3 (\Phi_{1}^\dagger\Phi_1)"
        r"({\Phi}_2^\dagger\Phi_2) - \left[ m_{12}^2 \Phi_1^\dagger\Phi_2 + {\rm h.c.}\right]"
    )
    analysis = _check(math, decls)
    assert analysis.diagnostics == []
    assert [t.kind for t in analysis.terms] == ["scalar_mass", "quartic", "scalar_mass"]


def test_the_2hdm_bracket_form() -> None:
    decls = "% lagrangian: scalar Phi_1 (1,2,1/2); scalar Phi_2 (1,2,1/2)\n"
    math = (
        r"V \supset \left[\lambda_6 (\Phi_1^\dagger\Phi_1) + \lambda_7 (\Phi_2^\dagger\Phi_2)"
        r"\right] (\Phi_1^\dagger\Phi_2) + {\rm h.c.}"
    )
    analysis = _check(math, decls)
    assert analysis.diagnostics == []
    assert len({t.monomial for t in analysis.terms}) == 2


@pytest.mark.parametrize(
    ("math", "name", "suggestion"),
    [
        (r"\mathcal{L} = y_u Q_L u_R Htilde", "Htilde", "H"),
        (r"\mathcal{L} = \kappa S Ss H^\dagger H", "Ss", "S"),
        (r"\mathcal{L} = -\frac14 Z_{\mu\nu} Z^{\mu\nu}", "Z_mu", None),
        # an upper-case Greek name among the fields is a field (Psi is a declared dirac)
        (r"\mathcal{L} = - y \bar Q_L \Phi u_R + \text{h.c.}", "Phi", "Psi"),
    ],
)
def test_unknown_names_among_fields(math: str, name: str, suggestion: str | None) -> None:
    unknown = [d for d in _check(math).diagnostics if d.code == "unknown-field"]
    assert unknown and unknown[0].message.startswith(f"'{name}")
    if suggestion:
        assert unknown[0].message.endswith(f"did you mean '{suggestion}'?")


def test_lower_case_greek_and_lambda_among_the_fields_stay_couplings() -> None:
    # a trilinear coupling written after its fields, kappa or the scale Lambda
    assert _codes(r"\mathcal{L} = - H^\dagger H S \kappa") == []
    assert _codes(r"\mathcal{L} = - H^\dagger H S \Lambda") == []


def test_couplings_keep_their_indices_and_conjugates() -> None:
    math = (
        r"\mathcal{L} = - (Y_u)_{ij} \bar Q_L \tilde H u_R - y^d_{ij}\bar Q_L H d_R"
        r" - \lambda_5^* S S H^\dagger H + \text{h.c.}"
    )
    assert _codes(math) == []


def test_fields_named_like_field_strengths() -> None:
    decls = "% lagrangian: fermion B (3,1,-1/3) dirac; scalar W (1,1,0) real\n"
    analysis = _check(r"\mathcal{L} = \bar B i\slashed{D} B + \frac12 \mu^2 W^2", decls)
    notes = [d for d in analysis.diagnostics if d.code == "strength-renamed"]
    assert [n.severity for n in notes] == ["information", "information"]
    assert [d for d in analysis.diagnostics if d.severity == "error"] == []


def test_a_b_minus_l_violation_names_its_u1() -> None:
    decls = (
        r"% lagrangian: gauge SU(3)_c \times SU(2)_L \times U(1)_Y \times U(1)_{B-L}"
        "\n% lagrangian: fermion N (1,1,0,-1) right; scalar chi (1,1,0,2)\n"
    )
    messages = [  # (a lone N_R is anomalous under U(1)_{B-L}: those notes are not at issue)
        d.message
        for d in _check(r"\mathcal{L} = y N N \chi + \text{h.c.}", decls).diagnostics
        if d.code != "anomaly"
    ]
    # B-L: -1 - 1 + 2 = 0 for N N chi; with chi^* it is -4
    assert messages == []
    messages = [
        d.message
        for d in _check(r"\mathcal{L} = y N N \chi^* + \text{h.c.}", decls).diagnostics
        if d.code != "anomaly"
    ]
    assert messages == ["U(1)_{B-L} charge sum is -4, not 0"]


def test_an_h_c_over_self_conjugate_terms_only_is_hinted() -> None:
    analysis = _check(r"\mathcal{L} = - m^2 H^\dagger H + \text{h.c.}")
    assert [d.code for d in analysis.diagnostics] == ["redundant-hc"]
    # a line of kinetic terms and Yukawas under one h.c.: the usual way, no hint
    mixed = r"\mathcal{L} = \bar u_R i\slashed{D} u_R - y \bar Q_L \tilde H u_R + \text{h.c.}"
    assert _codes(mixed) == []


def test_one_hint_per_redundant_h_c_and_none_when_the_term_it_is_for_has_an_error() -> None:
    decls = "% lagrangian: scalar H (1,2,1/2); scalar eta (1,2,1/2); symmetry Z2: eta -1\n"
    potential = r"V = m^2 H^\dagger H + \lambda (H^\dagger H)^2"
    # both terms are hermitian: the h.c. doubles them, said once at the h.c.
    hints = [d for d in _check(potential + r" + \text{h.c.}", decls).diagnostics]
    assert [d.code for d in hints] == ["redundant-hc"]
    assert "the 2 terms" in hints[0].message
    # mu H^dagger eta is odd under the Z2 (an error) and is what the h.c. is for: no hint
    soft = potential + r" + \mu H^\dagger \eta + \text{h.c.}"
    assert _codes(soft, decls) == ["symmetry"]


def test_generators_with_triplets() -> None:
    decls = "% lagrangian: scalar H (1,2,1/2); scalar Sigma (1,3,0) real\n"
    assert _codes(r"V \supset \kappa\, H^\dagger \sigma^a H\, \Sigma^a", decls) == []
    assert _codes(r"V \supset \kappa\, H^\dagger \tau^a H\, \Sigma^a", decls) == []


def test_dots_are_noted_not_checked() -> None:
    analysis = _check(r"\mathcal{L} = - m^2 H^\dagger H + \dots")
    assert [(d.code, d.severity) for d in analysis.diagnostics] == [("not-checked", "information")]


def test_doublets_read_as_matrices_multiply_left_to_right() -> None:
    """(P1^+ P1)(P2^+ P2) and (P1^+ P2)(P2^+ P1) are the 2HDM's lambda_3 and lambda_4."""
    decls = "% lagrangian: scalar Phi_1 (1,2,1/2); scalar Phi_2 (1,2,1/2)\n"
    math = (
        r"V \supset \lambda_3\, \Phi_1^\dagger\Phi_1\, \Phi_2^\dagger\Phi_2"
        r" + \lambda_4\, \Phi_1^\dagger\Phi_2\, \Phi_2^\dagger\Phi_1"
    )
    analysis = _check(math, decls)
    assert analysis.diagnostics == []
    first, second = (t.coefficients for t in analysis.terms)
    assert first is not None and second is not None and not (abs(first - second) < 1e-6).all()


CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "documents"


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.tex")), ids=lambda p: p.stem)
def test_the_weyl_reading_is_complete_in_one_pass(path: Path) -> None:
    """Reading a term twice changes nothing: each step (names, chains, Dirac components)
    sees what the others made of it.  The check reads each term once, so a reading that
    needed a second pass, as the doublet chains of subscripted names once did, would be
    lost."""
    document = parse_tex(path.read_text(encoding="utf-8"))
    model, _ = build_model(document.gauge, document.fields)
    for term in document.terms:
        for weyl in weyl_terms(model, term):
            assert weyl_terms(model, weyl) == [weyl], print_term(term, "text")


def test_adjoint_indices_and_powers_of_sums() -> None:
    decls = "% lagrangian: scalar H (1,2,1/2); scalar Sigma (1,3,0) real\n"
    math = (
        r"V = \frac{\mu^2}{2} \Sigma^a\Sigma^a + \frac{b_4}{4} (\Sigma^a\Sigma^a)^2"
        r" + \lambda \left( |H|^2 - \frac{v^2}{2} \right)^2"
    )
    analysis = _check(math, decls)
    assert analysis.diagnostics == []
    # (|H|^2 - v^2/2)^2 = |H|^4 - v^2 |H|^2 + v^4/4: a quartic, a mass and a constant
    assert [t.kind for t in analysis.terms][2:4] == ["quartic", "scalar_mass"]


def test_a_partial_derivative_of_a_singlet_is_covariant() -> None:
    analysis = _check(r"\mathcal{L} \supset \frac{c}{\Lambda^2} (H^\dagger H) \Box (H^\dagger H)")
    assert [d.code for d in analysis.diagnostics] == ["nonrenormalizable"]


@pytest.mark.parametrize(
    "math",
    [
        # Zee-Babu: e^c e k^{++}, Y = (-1) + (-1) + 2 = 0 (the bar of e_R^c is e_R itself)
        r"\mathcal{L} = g_{ab}\, \overline{e_{Ra}^c}\, e_{Rb}\, k^{++} + \text{h.c.}",
        # Q_{Li}: the chirality of the fermion Q and the flavour index i in one subscript
        r"-\mathcal{L} = Y^u_{ij}\, \overline{Q_{Li}}\, \tilde H\, u_{Rj} + \text{h.c.}",
    ],
)
def test_a_subscript_runs_name_and_flavour_index_together(math: str) -> None:
    decls = (
        "% lagrangian: scalar H (1,2,1/2); scalar k (1,1,2); fermion e_R (1,1,-1) right x3\n"
        "% lagrangian: fermion Q (3,2,1/6) left x3; fermion u (3,1,2/3) right x3\n"
        "% lagrangian: coupling g symmetric\n"
    )
    assert [d.code for d in _check(math, decls).diagnostics if d.code != "anomaly"] == []
