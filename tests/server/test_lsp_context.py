"""Completion contexts and text edits, without a server: the pure parts of the features."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lsp_client import apply_text_edits
from lsprotocol import types

from lagrangian.server.lsp import edits as lsp_edits
from lagrangian.server.lsp.completion import ClientFeatures, completion_items
from lagrangian.server.lsp.context import find_context
from lagrangian.server.lsp.documents import build_snapshot
from lagrangian.server.lsp.providers import ExactProvider
from lagrangian.server.lsp.tasks import Cancellation

DECLS = "scalar H (1, 2, 1/2)\nscalar Delta (1, 3, 1)\nfermion L (1, 2, -1/2) left\n"
TEX = (
    "\\documentclass{article}\n% lagrangian: scalar H (1,2,1/2); fermion L (1,2,-1/2) left\n"
    "\\begin{document}\n\\begin{align}\n\\mathcal{L} = (D_\\mu H)^\\dagger (D^\\mu H) |\n"
    "\\end{align}\n\\end{document}\n"
)


def context_at(marked: str, syntax: str = "lag") -> tuple[str, int, str]:
    """``(kind, start, word)`` at the ``|`` of ``marked``."""
    offset = marked.index("|")
    text = marked.replace("|", "", 1)
    uri = "file:///t.tex" if syntax == "latex" else "file:///t.lag"
    snapshot = build_snapshot(uri, 1, text, syntax)  # type: ignore[arg-type]
    context = find_context(snapshot, offset)
    return context.kind, context.start, context.word


@pytest.mark.parametrize(
    ("marked", "kind", "word"),
    [
        ("sca|", "statement", "sca"),
        ("|", "statement", ""),
        (DECLS + "L = |", "term_start", ""),
        (DECLS + "L = - m2 H^dagger H\n  + la|", "term_start", "la"),
        (DECLS + "L = - m2 H^dagger H |", "term_between", ""),
        (DECLS + "L = - m2 H^dagger H\n  |", "term_between", ""),
        (DECLS + "L = - m2 H^dagger De|", "term_factor", "De"),
        (DECLS + "L = - m2 H^|", "script", ""),
        (DECLS + "L = - m2 H^dagger H # a comment |", "none", ""),
        ("scalar X (1, |", "representation", ""),
        ("scalar X (1, 2, 1/2) r|", "flags", "r"),
        ("scalar |", "field_name", ""),
        ("gauge SU3 x |", "gauge_factor", ""),
        (DECLS + "L |", "none", ""),
    ],
)
def test_lag_contexts(marked: str, kind: str, word: str) -> None:
    found, _, typed = context_at(marked)
    assert (found, typed) == (kind, word)


def test_latex_contexts() -> None:
    assert context_at(TEX, "latex")[0] == "term_between"
    directive = TEX.replace("|", "").replace("% lagrangian: scalar", "% lagrangian: sc|alar")
    assert context_at(directive, "latex")[:1] == ("statement",)
    outside = TEX.replace("|", "").replace("\\begin{document}", "\\begin{document} te|xt")
    assert context_at(outside, "latex")[0] == "none"


def test_the_sign_typed_on_the_line_is_replaced_by_the_term_sign() -> None:
    text = DECLS + "L = (D_mu H)^dagger (D^mu H)\n  + "
    snapshot = build_snapshot("file:///t.lag", 1, text, "lag")
    context = find_context(snapshot, len(text))
    items = completion_items(
        snapshot, context, ExactProvider().propose(snapshot, Cancellation()), ClientFeatures()
    )
    mass = next(i for i in items if i.label.endswith("Delta^dagger Delta") and " " in i.label)
    assert mass.text_edit is not None
    assert mass.text_edit.new_text.startswith("- ")
    assert mass.filter_text == "+ " + mass.label
    edited = apply_text_edits(text, [mass.text_edit])  # type: ignore[list-item]
    again = build_snapshot("file:///t.lag", 2, edited, "lag")
    assert not [d for d in again.analysis.diagnostics if d.severity == "error"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([*"sHL()^,+-=_ \n#%$\\{}ab12/", "scalar ", "L = "])), st.data())
def test_any_text_and_cursor_gives_items_without_error(
    pieces: list[str], data: st.DataObject
) -> None:
    text = "".join(pieces)
    for syntax in ("lag", "latex"):
        snapshot = build_snapshot("file:///t", 1, DECLS + text, syntax)  # type: ignore[arg-type]
        offset = data.draw(st.integers(0, len(snapshot.text)))
        context = find_context(snapshot, offset)
        assert context.start <= context.offset
        items = completion_items(snapshot, context, [], ClientFeatures(snippets=True))
        ranges = {
            (r.start.line, r.start.character, r.end.line, r.end.character)
            for r in (i.text_edit.range for i in items if i.text_edit)
        }
        assert len(ranges) <= 1  # one range for all items
        for start_line, _, end_line, _ in ranges:
            assert start_line == end_line == snapshot.position(offset).line


def test_remove_term_keeps_the_rest_parsing() -> None:
    text = DECLS + "L = - a H^dagger H - b H^dagger H + c (H^dagger H)^2\n"
    snapshot = build_snapshot("file:///t.lag", 1, text, "lag")
    first, middle, _ = snapshot.document.terms
    for term, expected in (
        (first, "L = - b H^dagger H + c (H^dagger H)^2\n"),
        (middle, "L = - a H^dagger H + c (H^dagger H)^2\n"),
    ):
        edit = lsp_edits.remove_term(snapshot, term)
        assert edit is not None
        assert apply_text_edits(text, [edit]) == DECLS + expected


def test_terms_go_after_the_last_term_or_into_a_new_lagrangian() -> None:
    empty = build_snapshot("file:///t.lag", 1, DECLS, "lag")
    edit = lsp_edits.append_terms(empty, ["- m2 H^dagger H", "- lambda (H^dagger H)^2"])
    assert edit is not None
    assert apply_text_edits(DECLS, [edit]).endswith(
        "\nL = - m2 H^dagger H\n  - lambda (H^dagger H)^2\n"
    )
    text = DECLS + "L = - m2 H^dagger H # mass\n\n# done\n"
    snapshot = build_snapshot("file:///t.lag", 1, text, "lag")
    edit = lsp_edits.append_terms(snapshot, ["i L^dagger sigmabar^mu D_mu L"])
    assert edit is not None
    # the comment stays with the term it was written after
    assert "L = - m2 H^dagger H # mass\n  + i L^dagger sigmabar^mu D_mu L\n" in apply_text_edits(
        text, [edit]
    )


def test_latex_lagrangian_is_created_inside_the_document() -> None:
    text = (
        "\\documentclass{article}\n% lagrangian: scalar H (1,2,1/2)\n"
        "\\begin{document}\n\\end{document}\n"
    )
    snapshot = build_snapshot("file:///t.tex", 1, text, "latex")
    edit = lsp_edits.append_terms(snapshot, ["- m^{2} H^{\\dagger} H"])
    assert edit is not None
    result = apply_text_edits(text, [edit])
    assert (
        "\\begin{align}\n\\mathcal{L} = - m^{2} H^{\\dagger} H\n\\end{align}\n\\end{document}"
        in result
    )
    again = build_snapshot("file:///t.tex", 2, result, "latex")
    assert len(again.document.terms) == 1 and not again.analysis.diagnostics


@pytest.mark.parametrize("syntax", ["lag", "latex"])
def test_field_completions_read_back_as_their_fields(syntax: str) -> None:
    """A completed name is written so that a term reads it as that field: ``Psi_{1L}`` (not
    ``Psi_1L``, read as ``Psi_1`` times ``L``), ``Phi_{12}`` (LaTeX reads ``Phi_12`` as
    ``Phi_1`` times ``2``)."""
    decls = "fermion Psi_1 (1,2,-1/2) dirac; scalar Phi_12 (1,2,1/2); scalar Phi (1,1,0)"
    if syntax == "lag":
        head, tail = decls.replace("; ", "\n") + "\nL = - c ", "\n"
    else:
        head, tail = f"% lagrangian: {decls}\n\\[ \\mathcal{{L}} = - c ", " \\]\n"
    snapshot = build_snapshot("file:///t", 1, head + tail, syntax)  # type: ignore[arg-type]
    items = completion_items(snapshot, find_context(snapshot, len(head)), [], ClientFeatures())
    fields = {i.label for i in items if i.kind == types.CompletionItemKind.Field}
    assert {"Psi_{1L}", "Psi_{1R}", "Phi_{12}", "Phi"} <= fields
    for label in ("Psi_{1L}", "Psi_{1R}", "Phi_{12}", "Phi"):
        again = build_snapshot("file:///t", 2, head + label + tail, syntax)  # type: ignore[arg-type]
        (info,) = again.analysis.terms
        model = again.analysis.model
        assert [model.fields[u.occurrence.index].name for u in info.resolved.fields] == [
            label.replace("{", "").replace("}", "")
        ]
