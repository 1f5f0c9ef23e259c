"""The editor with generations, symmetries and anomalies: hover, completions, diagnostics."""

from __future__ import annotations

from lsprotocol import types

from lagrangian.server.lsp.completion import proposal_documentation
from lagrangian.server.lsp.documents import build_snapshot
from lagrangian.server.lsp.hover import hover
from lagrangian.server.lsp.providers import Proposal

DECLARATIONS = """scalar H (1, 2, 1/2)
scalar h (1, 1, 1)
scalar k (1, 1, 2)
fermion L (1, 2, -1/2) left x3
fermion e (1, 1, -1) right x3
"""
TEXT = DECLARATIONS + "L = - f_{ab} h L^a L^b + h.c.\n"


def test_hover_names_the_coupling_symmetry() -> None:
    snapshot = build_snapshot("file:///zb.lag", 1, TEXT, "lag")
    result = hover(snapshot, TEXT.index("f_{ab}"))
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    assert "antisymmetric in a b (L); 3 complex couplings" in result.contents.value


def test_completions_carry_the_symmetry_and_respect_symmetries() -> None:
    snapshot = build_snapshot("file:///zb.lag", 1, TEXT, "lag")
    notes = [t.note for t in snapshot.missing() if t.term.kind == "yukawa"]
    assert notes == [
        "y_2: 9 complex couplings",
        "y_3: symmetric in a b (e^dagger); 6 complex couplings",
    ]
    (ee_k,) = [t for t in snapshot.missing() if t.note and "e^dagger" in t.note]
    documentation = proposal_documentation(snapshot, Proposal(ee_k, "engine"), full=False)
    assert "symmetric in a b (e^dagger); 6 complex couplings" in documentation
    odd = TEXT.replace("scalar k (1, 1, 2)\n", "scalar k (1, 1, 2)\nsymmetry Z2: k -\n")
    guarded = build_snapshot("file:///zb2.lag", 1, odd, "lag")
    assert [t.note for t in guarded.missing() if t.term.kind == "yukawa"] == [
        "y_2: 9 complex couplings"
    ]


def test_one_anomaly_note_sits_on_the_declarations() -> None:
    snapshot = build_snapshot("file:///zb.lag", 1, TEXT, "lag")
    (note,) = [d for d in snapshot.analysis.diagnostics if d.code == "anomaly"]
    assert note.severity == "information"
    assert note.span.start.line == 3  # fermion L, the first contributor
    assert "Witten" in note.message and "[U1]^3" in note.message


def test_changing_a_declaration_rechecks_unchanged_terms() -> None:
    """Checked terms are reused across versions by model key: symmetries and coupling
    declarations are part of it, so editing them re-checks the terms below."""
    first = build_snapshot("file:///c.lag", 1, "coupling f antisymmetric\n" + TEXT, "lag")
    assert not [d for d in first.analysis.diagnostics if d.severity == "error"]
    second = build_snapshot("file:///c.lag", 2, "coupling f symmetric\n" + TEXT, "lag")
    assert [d.code for d in second.analysis.diagnostics if d.severity == "error"] == [
        "flavour-symmetry"
    ]
    third = build_snapshot("file:///c.lag", 3, "symmetry Z2: h -\n" + TEXT, "lag")
    assert [d.code for d in third.analysis.diagnostics if d.severity == "error"] == ["symmetry"]
