"""``lagrangian generate --format latex --notation``: the Lagrangian as a paper prints it.

The expected lines are the textbook ones (Peskin & Schroeder ch. 20, one generation):
the up Yukawa ``\\bar Q_L \\tilde H u_R``, the down and lepton ones ``\\bar Q_L H d_R``,
``\\bar L_L H e_R``, one h.c. for the three, the kinetic terms ``i \\bar\\psi \\slashed{D}
\\psi`` and the potential as ``V``; the type-I seesaw's Majorana mass is
``\\frac12 M \\overline{N_R^c} N_R``.  Each output must pass ``lagrangian check`` clean.
"""

from __future__ import annotations

import json
from pathlib import Path

from cli_process import ROOT, run

SM = (
    "scalar H (1,2,1/2); fermion Q_L (3,2,1/6) left; fermion u_R (3,1,2/3) right; "
    "fermion d_R (3,1,-1/3) right; fermion L_L (1,2,-1/2) left; fermion e_R (1,1,-1) right"
)


def generate(fields: str, *extra: str) -> str:
    result = run("generate", "--fields", fields, "--format", "latex", *extra)
    assert result.returncode == 0, result.stderr
    return result.stdout


def assert_checks_clean(text: str, tmp_path: Path) -> None:
    out = tmp_path / "generated.tex"
    out.write_text(text)
    check = run("check", str(out), "--format", "json")
    assert check.returncode == 0, check.stdout
    assert json.loads(check.stdout) == {"diagnostics": []}, text


def test_standard_model_in_dirac_notation(tmp_path: Path) -> None:
    text = generate(SM, "--notation", "four-component")
    rows = text.splitlines()
    assert rows[1] == "\\begin{align*}" and rows[-1] == "\\end{align*}"
    yukawa = text[text.index("\\rm Yukawa") : text.index("V &= ")]
    for bilinear in (
        "\\overline{Q_{L}} \\tilde{H} u_{R}",
        "\\overline{Q_{L}} H d_{R}",
        "\\overline{L_{L}} H e_{R}",
    ):
        assert bilinear in yukawa, text
    assert text.count("\\text{h.c.}") == 1, text  # one h.c. for the Yukawa group
    for fermion in ("Q_{L}", "u_{R}", "d_{R}", "L_{L}", "e_{R}"):
        assert f"i \\overline{{{fermion}}} \\slashed{{D}} {fermion}" in text
    potential = next(r for r in rows if r.startswith("V &= "))
    assert potential == "V &= m^{2} H^{\\dagger} H + \\lambda (H^{\\dagger} H)^{2}"
    assert_checks_clean(text, tmp_path)


def test_majorana_and_dirac_masses(tmp_path: Path) -> None:
    text = generate(
        f"{SM}; fermion N_R (1,1,0) right; fermion T (3,1,2/3) dirac",
        "--notation",
        "four-component",
    )
    mass = next(r for r in text.splitlines() if r.startswith("\\mathcal{L}_{\\rm mass}"))
    # the hermitian Dirac mass first, then T_L's mixing with u_R (same quantum numbers)
    # and the Majorana mass under one h.c.
    assert mass == (
        "\\mathcal{L}_{\\rm mass} &= - M_{1} \\overline{T} T "
        "- \\big[ M_{2} \\overline{T_{L}} u_{R} "
        "+ \\frac{1}{2} M_{3} \\overline{N_{R}^c} N_{R} + \\text{h.c.} \\big] \\\\"
    ), text
    assert "i \\overline{T} \\slashed{D} T" in text and "T_{L}} \\slashed" not in text
    assert "\\overline{L_{L}} \\tilde{H} N_{R}" in text, text
    assert "\\overline{Q_{L}} \\tilde{H} T_{R}" in text, text  # the top partner's Yukawa
    assert "fermion T (3, 1, 2/3) dirac" in text.splitlines()[0]
    assert_checks_clean(text, tmp_path)


def test_two_component_is_the_default() -> None:
    plain = generate(SM)
    assert generate(SM, "--notation", "two-component") == plain
    assert "\\begin{align}" in plain and "\\overline" not in plain


def test_generate_reads_the_fields_of_a_paper_with_notes() -> None:
    # a \dots in the paper's Lagrangian is a not-checked note, not a reason to refuse
    paper = ROOT / "tests" / "corpus" / "documents" / "singlet_dm_portal.tex"
    result = run("generate", str(paper), "--format", "latex", "--notation", "four-component")
    assert result.returncode == 0, result.stderr
    assert "\\begin{align*}" in result.stdout
