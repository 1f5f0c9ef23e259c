"""Semantic tokens, symbols, hover and inlay hints on snapshots, without a server."""

from __future__ import annotations

from lsprotocol import types

from lagrangian.server.lsp.actions import code_actions
from lagrangian.server.lsp.documents import build_snapshot
from lagrangian.server.lsp.hover import hover
from lagrangian.server.lsp.semantic import TOKEN_MODIFIERS, TOKEN_TYPES, semantic_tokens
from lagrangian.server.lsp.symbols import document_symbols, inlay_hints

TEXT = """scalar H (1, 2, 1/2)
fermion L (1, 2, -1/2) left
fermion e (1, 1, 1) left
L = - 1/4 W_{mu nu} W^{mu nu} - lambda (H^dagger H)^2
  - y L e H^dagger + h.c.
"""


def decoded(text: str) -> list[tuple[str, str, list[str]]]:
    """``(token text, type, modifiers)`` for each semantic token of ``text``."""
    snapshot = build_snapshot("file:///v.lag", 1, text, "lag")
    data = semantic_tokens(snapshot).data
    lines = text.split("\n")
    out, line, column = [], 0, 0
    for i in range(0, len(data), 5):
        delta_line, delta_start, length, kind, modifiers = data[i : i + 5]
        line += delta_line
        column = column + delta_start if delta_line == 0 else delta_start
        names = [m for bit, m in enumerate(TOKEN_MODIFIERS) if modifiers & (1 << bit)]
        out.append((lines[line][column : column + length], TOKEN_TYPES[kind], names))
    return out


def test_semantic_tokens_tell_fields_couplings_and_strengths_apart() -> None:
    tokens = decoded(TEXT)
    assert ("scalar", "keyword", []) in tokens
    assert ("H", "variable", ["declaration"]) in tokens
    assert ("1/2", "number", []) in tokens
    assert ("2", "type", []) in tokens
    assert ("left", "keyword", []) in tokens
    assert ("L", "keyword", []) in tokens  # the head of the Lagrangian
    assert ("W", "variable", ["readonly"]) in tokens
    assert ("lambda", "parameter", []) in tokens
    assert ("y", "parameter", []) in tokens
    assert ("h.c.", "keyword", []) in tokens
    assert ("1/4", "number", []) in tokens


def test_semantic_tokens_in_latex() -> None:
    text = (
        "% lagrangian: scalar H (1,2,1/2)\n\\begin{equation}\n"
        "\\mathcal{L} = - \\lambda (H^\\dagger H)^2 + \\text{h.c.}\n\\end{equation}\n"
    )
    snapshot = build_snapshot("file:///v.tex", 1, text, "latex")
    data = semantic_tokens(snapshot).data
    assert len(data) % 5 == 0 and data
    plain = build_snapshot("file:///w.tex", 1, "$\\mathcal{L} = x$", "latex")
    assert semantic_tokens(plain).data == []


def test_symbols_group_terms_by_kind() -> None:
    snapshot = build_snapshot("file:///v.lag", 1, TEXT, "lag")
    symbols = document_symbols(snapshot)
    assert [(s.name, s.kind) for s in symbols] == [
        ("H", types.SymbolKind.Field),
        ("L", types.SymbolKind.Field),
        ("e", types.SymbolKind.Field),
        ("L", types.SymbolKind.Namespace),
    ]
    groups = symbols[-1].children or []
    assert [g.name for g in groups] == ["gauge kinetic term", "Yukawa coupling", "quartic coupling"]
    assert groups[1].children and groups[1].children[0].name == "- y L e H^dagger + h.c."


def test_hover_on_a_conjugated_occurrence_leads_with_the_conjugate() -> None:
    snapshot = build_snapshot("file:///v.lag", 1, TEXT, "lag")
    offset = TEXT.index("H^dagger + h.c.")
    result = hover(snapshot, offset)
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    text = result.contents.value
    assert text.startswith("**H^†** — the conjugate of H")
    assert "| 1 | 2 | -1/2 |" in text
    assert "Its conjugate is H (1, 2, 1/2)." in text
    assert hover(snapshot, TEXT.index("W_{mu")) is not None


def test_inlay_hints_show_charge_sums_and_dimensions() -> None:
    text = TEXT + "  - c H H\n"
    snapshot = build_snapshot("file:///v.lag", 1, text, "lag")
    labels = [h.label for h in inlay_hints(snapshot, 0, len(text))]
    assert labels == ["Y = 0 · dim 4", "Y = 0 · dim 4", "Y = 0 · dim 4", "Y = 1 · dim 2"]


DIRAC = """scalar H (1, 2, 1/2)
fermion Psi_1 (1, 2, -1/2) dirac
fermion e (1, 1, -1) right
L = - M Psi_{1L}^dagger Psi_{1R} + h.c.
"""


def test_hover_names_the_components_of_a_subscripted_dirac_fermion() -> None:
    snapshot = build_snapshot("file:///d.lag", 1, DIRAC, "lag")
    declared = hover(snapshot, DIRAC.index("Psi_1 "))
    assert declared is not None and isinstance(declared.contents, types.MarkupContent)
    text = declared.contents.value
    assert text.startswith("**Psi_1** — a Dirac fermion: the Weyl fields Psi_1L (left)")
    assert "written `Psi_{1L}` and `Psi_{1R}` in a term" in text
    assert "| 1 | 2 | -1/2 |" in text
    used = hover(snapshot, DIRAC.index("Psi_{1R}"))
    assert used is not None and isinstance(used.contents, types.MarkupContent)
    assert used.contents.value.startswith("**Psi_1R**")
    assert "The right component of the Dirac fermion Psi_1." in used.contents.value


def test_the_quick_fix_for_a_misspelt_component_writes_it_so_that_it_reads_back() -> None:
    text = DIRAC + "  - y H^dagger Psi1L e^dagger + h.c.\n"
    snapshot = build_snapshot("file:///d.lag", 1, text, "lag")
    at = text.index("Psi1L")
    (unknown,) = [d for d in snapshot.analysis.diagnostics if d.code == "unknown-field"]
    assert unknown.message.endswith("did you mean 'Psi_{1L}'?")
    titles = [a.title for a in code_actions(snapshot, at, at + 5, None)]
    assert "Change 'Psi1L' to 'Psi_{1L}'" in titles
    fixed = build_snapshot("file:///d.lag", 2, text.replace("Psi1L", "Psi_{1L}"), "lag")
    assert [d.code for d in fixed.analysis.diagnostics] == ["anomaly"]  # a lone doublet


def test_hover_on_a_term_written_on_the_conjugate_fields_names_its_conjugate() -> None:
    """(H2†H1)(H4†H3) is the hermitian conjugate of the engine's (H1†H2)(H3†H4), one of the
    two invariants of H1† H2 H3† H4 (the other is (H1†H4)(H3†H2))."""
    text = "".join(f"scalar H{k} (1, 2, 1/2)\n" for k in range(1, 5))
    text += "L = - b (H2^dagger H1)(H4^dagger H3) + h.c.\n"
    result = hover(build_snapshot("file:///c.lag", 1, text, "lag"), text.index("b ("))
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    value = result.contents.value
    assert "one of 2 independent invariants of these fields: the hermitian conjugate of " in value
    assert "(H1^dagger H2) (H3^dagger H4)" in value
