"""``generate --format latex`` in both notations reads back, on random field contents.

Random contents from the enriched sampler (trilinears, Yukawas, multi-invariant quartics),
renamed the way papers name fields (``Phi_1``, ``Q_L``, ``N_R``, ``\\Sigma``, ``S'``,
``Psi_{12}``, ``T_{1'}``) and with one fermion made a ``dirac`` field (its two Weyl
components share a kinetic term and a Dirac mass ``M \\overline{T} T``), are generated as
paper-style LaTeX and checked back: no diagnostic, the engine's terms, each multi-invariant
monomial its own basis element (``tests/read_back.py``).  The ``.lag`` text reads back the
same way, and JSON names the components.
"""

from __future__ import annotations

import json
import random
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from read_back import assert_reads_back, generated

from lagrangian.grammar import parse_document, parse_tex
from lagrangian.physics.api import engine_terms
from lagrangian.physics.checks import analyze
from lagrangian.physics.fields import dirac_components
from lagrangian.server.cli.sources import load_model
from lagrangian.server.output import render_generated
from lagrangian.training.sampling import SamplingConfig, declarations, sample_fields

CONFIG = SamplingConfig(min_fields=1, max_fields=4)
BASES = ["Phi", "Q", "N", "Sigma", "chi", "H", "psi", "T", "S", "Psi"]
SUBSCRIPTS = ["1", "2", "12", "L", "R", "u", "ab", "1'", "uL"]


@st.composite
def field_names(draw: st.DrawFn, count: int) -> list[str]:
    """``count`` distinct names as papers write them: a base, primes, a subscript."""
    name = st.builds(
        lambda base, primes, sub: base + "'" * primes + (f"_{sub}" if sub else ""),
        st.sampled_from(BASES),
        st.integers(0, 2),
        st.sampled_from(["", *SUBSCRIPTS]),
    )
    return draw(st.lists(name, min_size=count, max_size=count, unique=True))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, 10**9),
    st.sampled_from(["two-component", "four-component"]),
    st.booleans(),
    st.data(),
)
def test_generated_paper_latex_reads_back(seed, notation, dirac, data) -> None:
    fields = sample_fields(random.Random(seed), CONFIG, "enriched")
    names = data.draw(field_names(len(fields)))
    fields = [replace(f, name=n) for f, n in zip(fields, names)]
    if dirac:
        fermions = [k for k, f in enumerate(fields) if f.kind == "fermion"]
        if fermions:
            k = data.draw(st.sampled_from(fermions))
            fields[k] = replace(fields[k], helicity="dirac")  # type: ignore[arg-type]
            # a component named like another field is a duplicate-field error (tested below)
            assume(not set(dirac_components(fields[k].name)) & set(names))
    model = load_model(None, declarations(fields))
    text, terms = generated(model, notation)
    assert_reads_back(text, terms)
    plain = render_generated(model, terms, "text")
    analysis = analyze(parse_document(plain))
    assert [d.message for d in analysis.diagnostics if d.code != "anomaly"] == [], plain
    assert len(analysis.terms) == len(terms), plain


DIRAC_NAMES = [
    # declared, its components
    ("Psi", ("Psi_L", "Psi_R")),
    ("Psi'", ("Psi'_L", "Psi'_R")),
    ("Psi_1", ("Psi_1L", "Psi_1R")),
    ("Psi_{12}", ("Psi_12L", "Psi_12R")),
    ("T_L", ("T_LL", "T_LR")),
    ("H_{u}", ("H_uL", "H_uR")),
    ("Psi_{1'}", ("Psi_1'L", "Psi_1'R")),
]


def _lepton_model(name: str) -> str:
    # a vector-like lepton doublet beside a right-handed e: its left component has the
    # lepton Yukawa with e (two right-handed spinors close), its right component none
    return f"scalar H (1,2,1/2); fermion {name} (1,2,-1/2) dirac; fermion e (1,1,-1) right"


@pytest.mark.parametrize(("declared", "components"), DIRAC_NAMES)
def test_dirac_components_are_named_from_the_declared_name(declared, components) -> None:
    model = load_model(None, _lepton_model(declared))
    written = declared.replace("{", "").replace("}", "")
    assert model.components(written) == components
    assert [f.name for f in model.fields if f.is_fermion] == [*components, "e"]


@pytest.mark.parametrize(("declared", "components"), DIRAC_NAMES)
@pytest.mark.parametrize("fmt", ["text", "latex two-component", "latex four-component", "json"])
def test_every_output_of_generate_reads_back(declared, components, fmt) -> None:
    model = load_model(None, _lepton_model(declared))
    terms = engine_terms(model)
    # by hand: kinetic terms of H, the two components and e (4), the W and B field
    # strengths (2; nothing is coloured), m^2 and lambda (2), the Dirac mass of the pair and
    # the Yukawa of the left component with e: 10 terms
    assert len(terms) == 10
    kind, _, notation = fmt.partition(" ")
    text = render_generated(model, terms, kind, notation=notation or "two-component")
    if kind == "json":
        names = [f["name"] for f in json.loads(text)["fields"]]
        assert names == ["H", *components, "e"]
        return
    analysis = analyze(parse_tex(text) if kind == "latex" else parse_document(text))
    assert [d.message for d in analysis.diagnostics if d.code != "anomaly"] == [], text
    assert sorted(i.kind for i in analysis.terms) == sorted(t.term.kind for t in terms), text


@pytest.mark.parametrize(
    "written",
    [
        "M \\overline{\\Psi_{1L}} \\Psi_{1R}",
        "M \\overline{\\Psi_{1,L}} \\Psi_{1 R}",
        "M \\bar\\Psi_1 P_R \\Psi_1",
        "M \\Psi_{1L}^\\dagger \\Psi_1{}_R",
    ],
)
def test_subscripted_dirac_components_are_reached_as_papers_write_them(written) -> None:
    decls = "% lagrangian: fermion Psi_1 (1,2,-1/2) dirac\n"
    analysis = analyze(parse_tex(decls + f"\\[ \\mathcal{{L}} = - {written} + \\text{{h.c.}} \\]"))
    assert [d.message for d in analysis.diagnostics if d.code != "anomaly"] == []
    (info,) = analysis.terms
    model = analysis.model
    assert info.kind == "fermion_mass"
    assert sorted(model.fields[o.index].name for o in info.monomial) == ["Psi_1L", "Psi_1R"]


@pytest.mark.parametrize(
    ("document", "line", "message"),
    [
        (
            "fermion Psi (1,2,-1/2) dirac\nfermion Psi_L (1,2,-1/2) left\n",
            1,
            "field 'Psi_L' is the left component of the dirac fermion 'Psi'",
        ),
        (
            "fermion Psi_1R (1,2,-1/2) right\nfermion Psi_1 (1,2,-1/2) dirac\n",
            1,
            "the dirac fermion 'Psi_1' has the right component 'Psi_1R', which is declared already",
        ),
    ],
)
def test_a_component_name_declared_twice_is_one_error_on_the_later(document, line, message):
    analysis = analyze(parse_document(document))
    problems = [d for d in analysis.diagnostics if d.code != "anomaly"]
    assert [(d.code, d.span.start.line, d.span.start.character, d.message) for d in problems] == [
        ("duplicate-field", line, 8, message)
    ]


def test_a_subscripted_name_beside_its_declared_base_is_its_own_field() -> None:
    """``\\Phi_1`` is the declared ``Phi_1`` even beside a declared ``Phi``, and its 1 is no
    adjoint index: ``\\Phi^\\dagger_1 \\Phi_1`` with an SU(2) triplet ``Phi`` is not the
    triplet's ``\\Sigma^a \\Sigma^a`` but the mass term of the colour triplet ``Phi_1``."""
    text = (
        "% lagrangian: fermion Phi (1, 3, 3/4) left; scalar Phi_1 (3, 1, 1/2)\n"
        "\\[ \\mathcal{L} = - m^2 \\Phi^\\dagger_1 \\Phi_1\n"
        "  - \\lambda (\\Phi^\\dagger_{1} \\Phi_1)^2 \\]"
    )
    analysis = analyze(parse_tex(text))
    assert [d.message for d in analysis.diagnostics if d.code != "anomaly"] == []
    names = [[analysis.model.fields[o.index].name for o in i.monomial] for i in analysis.terms]
    assert [i.kind for i in analysis.terms] == ["scalar_mass", "quartic"]
    assert names == [["Phi_1", "Phi_1"], ["Phi_1", "Phi_1", "Phi_1", "Phi_1"]]
