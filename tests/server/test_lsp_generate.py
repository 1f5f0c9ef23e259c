"""``lagrangian.generateLagrangian`` keeps what the user wrote, names included."""

from __future__ import annotations

import pytest
from lsp_client import RecordingClient, apply_text_edits, open_document, workspace_edits
from lsprotocol import types

from lagrangian.grammar import parse_document
from lagrangian.physics.checks import analyze

WRITTEN = """scalar H1 (1, 2, 1/2)
scalar H2 (1, 2, 1/2)
L = - mu_a H1^dagger H1 - lambda_5 (H1^dagger H1)^2   # my own names
"""


async def generate(lsp: RecordingClient, uri: str) -> str:
    applied = len(lsp.applied)
    await lsp.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="lagrangian.generateLagrangian", arguments=[{"uri": uri}]
        )
    )
    assert len(lsp.applied) == applied + 1
    return lsp.applied[-1].edit


@pytest.mark.asyncio(loop_scope="module")
async def test_generate_keeps_the_users_terms_and_coupling_names(lsp: RecordingClient) -> None:
    uri = "file:///generate/own-names.lag"
    open_document(lsp, uri, WRITTEN)
    generated = apply_text_edits(WRITTEN, workspace_edits(await generate(lsp, uri), uri))
    assert generated.startswith(WRITTEN.rstrip("\n"))  # untouched, comment included
    analysis = analyze(parse_document(generated))
    assert analysis.diagnostics == []
    couplings = [name for info in analysis.terms for name in info.resolved.couplings]
    assert couplings.count("lambda_5") == 1 and couplings.count("mu_a") == 1
    quartics = [info for info in analysis.terms if info.kind == "quartic"]
    assert len(quartics) == 7  # the 2HDM potential: the written one and six more


@pytest.mark.asyncio(loop_scope="module")
async def test_generate_writes_a_lagrangian_where_there_is_none(lsp: RecordingClient) -> None:
    uri = "file:///generate/empty.lag"
    text = "scalar H (1, 2, 1/2)\n"  # colourless: W and B kinetic terms, no gluons
    open_document(lsp, uri, text)
    generated = apply_text_edits(text, workspace_edits(await generate(lsp, uri), uri))
    analysis = analyze(parse_document(generated))
    assert analysis.diagnostics == []
    assert sorted(info.kind for info in analysis.terms) == sorted(
        ["gauge_kinetic"] * 2 + ["kinetic", "scalar_mass", "quartic"]
    )


def test_a_latex_comment_after_the_last_term_stays_with_it() -> None:
    from lagrangian.server.lsp.documents import build_snapshot
    from lagrangian.server.lsp.edits import append_terms

    text = (
        "% lagrangian: scalar H (1,2,1/2)\n"
        "\\begin{align}\n"
        "\\mathcal{L} &= - m^2 H^\\dagger H \\\\\n"
        "  & - \\lambda (H^\\dagger H)^2 % the quartic\n"
        "\\end{align}\n"
    )
    snapshot = build_snapshot("file:///c.tex", 1, text, "latex")
    edit = append_terms(snapshot, ["(D_\\mu H)^\\dagger (D^\\mu H)"])
    assert edit is not None
    result = apply_text_edits(text, [edit])
    assert "(H^\\dagger H)^2 \\\\ % the quartic\n  & + (D_\\mu H)" in result
    analysis = build_snapshot("file:///c.tex", 2, result, "latex").analysis
    assert [d.code for d in analysis.diagnostics] == []
    assert len(analysis.terms) == 3
