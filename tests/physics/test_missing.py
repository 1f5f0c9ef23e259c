"""The terms a document lacks never take a coupling name the document already uses."""

from __future__ import annotations

from lagrangian.grammar import parse_document
from lagrangian.physics.checks import analyze
from lagrangian.physics.missing import missing_terms
from lagrangian.physics.resolve import coupling_name

TWO_HIGGS = """scalar H1 (1, 2, 1/2)
scalar H2 (1, 2, 1/2)
L = - m_3 H1^dagger H1 - lambda_5 (H1^dagger H1)^2 - lambda_1 (H2^dagger H2)^2
"""


def couplings(text: str) -> list[str]:
    analysis = analyze(parse_document(text))
    names = []
    for term in missing_terms(analysis):
        first = term.tree.factors[0]
        if term.term.kind not in ("kinetic", "gauge_kinetic"):
            names.append(coupling_name(first))
    return names


def test_missing_terms_take_free_coupling_names() -> None:
    names = couplings(TWO_HIGGS)
    # 2HDM: 3 mass terms (m_3 written) and 7 quartics (two written), each its own coupling
    assert len([n for n in names if n.startswith("m")]) == 2
    assert len([n for n in names if n.startswith("lambda")]) == 5
    assert not {"m_3", "lambda_5", "lambda_1"} & set(names)
    assert len(set(names)) == len(names)


def test_names_the_document_does_not_use_are_kept() -> None:
    names = couplings(
        "scalar H1 (1, 2, 1/2)\nscalar H2 (1, 2, 1/2)\nL = - lambda_9 (H1^dagger H1)^2\n"
    )
    assert sorted(n for n in names if n.startswith("lambda")) == [
        f"lambda_{k}" for k in range(2, 8)
    ]
