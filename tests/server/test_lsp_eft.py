"""The editor above dimension four: completion up to ``maxDimension``, hover's class.

By hand: with a Higgs doublet and a lepton doublet the only dimension-5 operator is the
Weinberg operator L L H H (+ h.c.); at dimension 6 the non-derivative ones without field
strengths are (H^dagger H)^3 alone (L e H^dagger needs e), so maxDimension 6 offers two
effective operators, and none once they are written.
"""

from __future__ import annotations

from lagrangian.server.lsp.documents import build_snapshot
from lagrangian.server.lsp.hover import hover
from lagrangian.server.lsp.providers import ExactProvider
from lagrangian.server.lsp.tasks import Cancellation

DECLARATIONS = "scalar H (1, 2, 1/2)\nfermion L (1, 2, -1/2) left\n"


def effective(text: str, max_dimension: int) -> list[str]:
    snapshot = build_snapshot("file:///eft.lag", 1, text, "lag")
    proposals = ExactProvider(max_dimension).propose(snapshot, Cancellation())
    return [
        " ".join(
            sorted(snapshot.analysis.model.fields[o.index].name for o in p.term.term.occurrences)
        )
        for p in proposals
        if p.term.term.kind == "effective"
    ]


def test_completion_offers_effective_operators_up_to_the_setting() -> None:
    document = DECLARATIONS + "L = - m2 H^dagger H\n"
    assert effective(document, 4) == []
    assert effective(document, 5) == ["H H L L"]
    assert effective(document, 6) == ["H H L L", "H H H H H H"]


def test_written_operators_are_not_offered_again() -> None:
    document = DECLARATIONS + "L = - m2 H^dagger H + c L L H H + h.c. + c6 (H^dagger H)^3\n"
    assert effective(document, 6) == []


def test_hover_shows_class_and_dimension() -> None:
    text = DECLARATIONS + "L = c L L H H + h.c. + i L^dagger sigmabar^mu D_mu L\n"
    snapshot = build_snapshot("file:///eft.lag", 1, text, "lag")
    weinberg = hover(snapshot, text.index("c L L"))
    assert weinberg is not None
    assert "mass dimension 5 · hypercharge sum 0 · class psi2phi2" in weinberg.contents.value
    kinetic = hover(snapshot, text.index("i L^dagger"))
    assert kinetic is not None and "mass dimension 4 · hypercharge sum 0 · class psi2D" in (
        kinetic.contents.value
    )
