"""A term above mass dimension 4 is decided by its dimension: no group theory runs for it.

The invariant count of a term grows exponentially with its number of fields (sixteen
doublets took minutes), and a nonrenormalizable term needs no count to be reported.
"""

from __future__ import annotations

import pytest

from lagrangian.grammar import parse_document
from lagrangian.physics import checks
from lagrangian.physics.paper import brackets as written_brackets

DECLARATIONS = "scalar H (1,2,1/2)\nscalar T (1,3,0) real\nfermion L (1,2,-1/2) left\n"


def term_codes(analysis: checks.Analysis) -> list[str]:
    """The terms' codes (a lone lepton doublet is anomalous: that warning is not at issue)."""
    return sorted(d.code for d in analysis.diagnostics if d.code != "anomaly")


@pytest.fixture
def no_group_theory(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("group theory ran for a term above dimension 4")

    monkeypatch.setattr(checks, "singlets", refuse)
    monkeypatch.setattr(written_brackets, "count_invariants", refuse)
    monkeypatch.setattr(checks.mono, "count", refuse)
    monkeypatch.setattr(checks.mono, "basis", refuse)


@pytest.mark.usefixtures("no_group_theory")
@pytest.mark.parametrize(
    "term, codes",
    [
        ("- c (H^dagger H)^2 T T", ["nonrenormalizable"]),
        ("- c H^dagger H H^dagger H H^dagger H H^dagger H T T T", ["nonrenormalizable"]),
        ("- c L L H H + h.c.", ["nonrenormalizable"]),  # the Weinberg operator
        ("- c H H H H H", ["nonrenormalizable", "hypercharge"]),  # charges stay checked
    ],
)
def test_terms_above_dimension_four_are_decided_by_the_dimension(term: str, codes: list[str]):
    analysis = checks.analyze(parse_document(f"{DECLARATIONS}L = {term}\n"))
    assert term_codes(analysis) == sorted(codes)


def test_renormalizable_terms_still_get_the_group_theory() -> None:
    analysis = checks.analyze(parse_document(f"{DECLARATIONS}L = - c H H T\n"))
    assert term_codes(analysis) == ["hypercharge"]
    analysis = checks.analyze(parse_document(f"{DECLARATIONS}L = - c T T T\n"))
    assert term_codes(analysis) == ["vanishes-by-symmetry"]
