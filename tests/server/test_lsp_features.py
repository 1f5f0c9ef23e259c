"""End to end against ``python -m lagrangian.server lsp``: completion, diagnostics, hover,
code actions, symbols, tokens, inlay hints and commands, through a real client."""

from __future__ import annotations

import re

import pytest
from lsp_client import (
    EXAMPLES,
    RecordingClient,
    apply_text_edits,
    diagnostics_for,
    end_position,
    open_document,
    position_of,
    replace_all,
    workspace_edits,
)
from lsprotocol import types

pytestmark = pytest.mark.asyncio(loop_scope="module")

SEESAW_STARTER = """scalar  H     (1, 2, 1/2)
scalar  Delta (1, 3, 1)
fermion L     (1, 2, -1/2) left

L = (D_mu H)^dagger (D^mu H) + (D_mu Delta)^dagger (D^mu Delta)
  - m2 H^dagger H - lambda (H^dagger H)^2
  - y_Delta L L Delta + h.c.
  """

SM_WITHOUT_YUKAWAS = """gauge SU3 x SU2 x U1
scalar  H (1, 2, 1/2)
fermion Q (3, 2, 1/6)    left
fermion u (-3, 1, -2/3)  left
fermion d (-3, 1, 1/3)   left
fermion L (1, 2, -1/2)   left
fermion e (1, 1, 1)      left

L = - 1/4 G_{mu nu} G^{mu nu} - 1/4 W_{mu nu} W^{mu nu} - 1/4 B_{mu nu} B^{mu nu}
  + (D_mu H)^dagger (D^mu H)
  - m2 H^dagger H - lambda (H^dagger H)^2
  + """

PROBLEMS = """scalar H (1, 2, 1/2)
scalar h (1, 1, 1)
scalar Delta (1, 3, 1)
fermion L (1, 2, -1/2) left
L = - m2 H^dagger H - m2 H^dagger H
  - f h L L + h.c.
  - kappa Delta^dagger H H
  - c Hh^dagger H
  - g H^dagger H H
"""


def doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


def without_coupling(label: str) -> str:
    """A term's label with its coupling name dropped (the engine numbers couplings its own
    way); kinetic terms, which have none, are kept whole."""
    if label.startswith(("i ", "1/4 ", "(D_mu", "1/2 (D_mu")):
        return label
    return label.split(" ", 1)[1]


async def complete(
    client: RecordingClient, uri: str, position: types.Position
) -> list[types.CompletionItem]:
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc(uri), position=position)
    )
    assert isinstance(result, types.CompletionList)
    return list(result.items)


async def test_server_is_light_and_advertises_its_features(lsp: RecordingClient) -> None:
    status = await lsp.workspace_execute_command_async(
        types.ExecuteCommandParams(command="lagrangian.serverStatus")
    )
    assert status["heavyModules"] == {"torch": False, "transformers": False, "sympy": False}
    assert status["settings"]["completionSource"] == "exact"
    assert status["completionProviders"] == ["engine"]
    capabilities = lsp.server_capabilities
    assert capabilities is not None
    assert capabilities.position_encoding in (None, types.PositionEncodingKind.Utf16)
    assert capabilities.completion_provider is not None
    assert capabilities.completion_provider.resolve_provider
    assert capabilities.semantic_tokens_provider is not None
    assert capabilities.inlay_hint_provider
    assert capabilities.execute_command_provider is not None
    assert {
        "lagrangian.generateLagrangian",
        "lagrangian.completeLagrangian",
        "lagrangian.checkDocument",
        "lagrangian.fitEquation",
    } <= set(capabilities.execute_command_provider.commands)


async def test_sm_completion_offers_the_yukawas_as_snippets(lsp: RecordingClient) -> None:
    uri = "file:///tests/sm_completion.lag"
    open_document(lsp, uri, SM_WITHOUT_YUKAWAS)
    items = await complete(lsp, uri, end_position(SM_WITHOUT_YUKAWAS))
    terms = [i for i in items if i.kind == types.CompletionItemKind.Snippet]
    bodies = [without_coupling(i.label) for i in terms]
    assert sorted(bodies) == sorted(
        [
            "Q u H + h.c.",
            "Q d H^dagger + h.c.",
            "L e H^dagger + h.c.",
            *(f"i {f}^dagger sigmabar^mu D_mu {f}" for f in "QudLe"),
        ]
    )
    yukawa = terms[bodies.index("Q u H + h.c.")]
    coupling = yukawa.label.split(" ")[0]
    assert yukawa.detail is not None and yukawa.detail.startswith("Yukawa coupling")
    assert "Q (3, 2, 1/6)" in yukawa.detail
    assert yukawa.insert_text_format == types.InsertTextFormat.Snippet
    assert isinstance(yukawa.text_edit, types.TextEdit)
    # typed "+ " is replaced by the term's own sign; the coupling is the first tab stop
    assert yukawa.text_edit.new_text == f"- ${{1:{coupling}}} Q u H + h.c.$0"
    assert yukawa.text_edit.range.start.character == 2
    assert isinstance(yukawa.documentation, types.MarkupContent)
    assert "Q u H + \\mathrm{h.c.}\n```" in yukawa.documentation.value
    assert yukawa.documentation.value.count("```latex") == 1
    kinetic = terms[bodies.index("i Q^dagger sigmabar^mu D_mu Q")]
    assert kinetic.sort_text < yukawa.sort_text  # kinetic terms first
    resolved = await lsp.completion_item_resolve_async(yukawa)
    assert isinstance(resolved.documentation, types.MarkupContent)
    assert "BART-L tokens" in resolved.documentation.value
    assert "FIELD SPIN 1 / 2 SU3 3 SU2 2 U1 1 / 6" in resolved.documentation.value


async def test_seesaw_completion_lists_exactly_what_is_missing(lsp: RecordingClient) -> None:
    uri = "file:///tests/seesaw_completion.lag"
    open_document(lsp, uri, SEESAW_STARTER)
    items = await complete(lsp, uri, end_position(SEESAW_STARTER))
    bodies = {
        without_coupling(i.label) for i in items if i.kind == types.CompletionItemKind.Snippet
    }
    # The starter has both kinetic scalar terms, the Higgs mass and quartic and the Yukawa;
    # what is left are the gauge and lepton kinetic terms, the triplet mass, the trilinear
    # and the four other quartics (the type-II seesaw has five).
    assert bodies == {
        "1/4 W_{mu nu} W^{mu nu}",
        "1/4 B_{mu nu} B^{mu nu}",
        "i L^dagger sigmabar^mu D_mu L",
        "Delta^dagger Delta",
        "Delta^dagger H H + h.c.",
        "(H^dagger H) (Delta^dagger Delta)",
        "H^dagger_j Delta^dagger_{ik} H^i Delta^{jk}",
        "(Delta^dagger Delta)^2",
        "Delta^dagger_{ik} Delta^dagger_{jl} Delta^{ij} Delta^{kl}",
    }
    fields = {i.label for i in items if i.kind == types.CompletionItemKind.Field}
    assert {"H", "H^dagger", "Delta", "Delta^dagger", "L", "L^dagger"} <= fields


async def test_declaration_completion(lsp: RecordingClient) -> None:
    uri = "file:///tests/declare.lag"
    text = "scalar H (1, 2, 1/2)\nfermion Q (3, "
    open_document(lsp, uri, text)
    items = await complete(lsp, uri, end_position(text))
    assert [i.label for i in items] == ["1", "2", "3", "4", "5"]
    assert items[1].detail == "SU(2) irrep of dimension 2"
    text2 = "scalar H (1, 2, 1/2)\nfermion Q (3, 2, 1/6) "
    replace_all(lsp, uri, text2, 2)
    assert {i.label for i in await complete(lsp, uri, end_position(text2))} == {"left", "right"}
    text3 = "scalar H (1, 2, 1/2)\nfer"
    replace_all(lsp, uri, text3, 3)
    items = await complete(lsp, uri, end_position(text3))
    fermion = next(i for i in items if i.label == "fermion")
    assert isinstance(fermion.text_edit, types.TextEdit)
    assert fermion.text_edit.new_text == "fermion ${1:psi} (${2:1}, ${3:1}, ${4:0}) ${5:left}"


async def test_diagnostics_codes_and_ranges(lsp: RecordingClient) -> None:
    uri = "file:///tests/problems.lag"
    open_document(lsp, uri, PROBLEMS)
    diagnostics = await diagnostics_for(lsp, uri, 1)
    found = {(d.code, d.range.start.line, d.range.start.character) for d in diagnostics}
    assert ("duplicate-term", 4, 20) in found
    assert ("missing-hc", 6, 2) in found  # after the h.c. of line 5, which covers up to it
    assert ("vanishes-by-symmetry", 5, 2) in found
    assert ("unknown-field", 7, 6) in found
    assert ("hypercharge", 8, 2) in found
    duplicate = next(d for d in diagnostics if d.code == "duplicate-term")
    assert duplicate.range.end == types.Position(line=4, character=35)
    assert duplicate.severity == types.DiagnosticSeverity.Warning
    assert types.DiagnosticTag.Unnecessary in (duplicate.tags or [])
    assert all(d.source == "lagrangian" for d in diagnostics)


async def test_hover_on_fields_and_terms(lsp: RecordingClient) -> None:
    uri = "file:///tests/hover.lag"
    text = (EXAMPLES / "type2_seesaw.lag").read_text()
    open_document(lsp, uri, text)
    hover = await lsp.text_document_hover_async(
        types.HoverParams(text_document=doc(uri), position=position_of(text, "Delta (1, 3"))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "| 1 | 3 | 1 |" in hover.contents.value
    assert "Mass dimension 1" in hover.contents.value
    assert "(1, 3, -1)" in hover.contents.value  # the conjugate
    line = next(i for i, x in enumerate(text.splitlines()) if x.strip().startswith("- y_Delta"))
    column = text.splitlines()[line].index("L L") + 2
    hover = await lsp.text_document_hover_async(
        types.HoverParams(
            text_document=doc(uri), position=types.Position(line=line, character=column)
        )
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "Left-handed Weyl spinor" in hover.contents.value
    assert "Mass dimension 3/2" in hover.contents.value
    hover = await lsp.text_document_hover_async(
        types.HoverParams(text_document=doc(uri), position=position_of(text, "lambda_1 ("))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    value = hover.contents.value
    assert value.startswith("**quartic coupling** · mass dimension 4 · hypercharge sum 0")
    assert "one of 2 independent invariants" in value


async def test_quick_fixes_apply_cleanly(lsp: RecordingClient) -> None:
    uri = "file:///tests/fixes.lag"
    open_document(lsp, uri, PROBLEMS)
    before = await diagnostics_for(lsp, uri, 1)
    everything = types.Range(start=types.Position(line=0, character=0), end=end_position(PROBLEMS))
    actions = await lsp.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc(uri),
            range=everything,
            context=types.CodeActionContext(
                diagnostics=before, only=[types.CodeActionKind.QuickFix]
            ),
        )
    )
    assert actions is not None
    titles = [a.title for a in actions if isinstance(a, types.CodeAction)]
    assert "Add '+ h.c.'" in titles
    assert "Remove the duplicate term" in titles
    assert "Remove the vanishing term" in titles
    assert "Change 'Hh' to 'H'" in titles
    version = 1
    for title, code in (
        ("Add '+ h.c.'", "missing-hc"),
        ("Remove the duplicate term", "duplicate-term"),
        ("Remove the vanishing term", "vanishes-by-symmetry"),
        ("Change 'Hh' to 'H'", "unknown-field"),
    ):
        action = next(a for a in actions if isinstance(a, types.CodeAction) and a.title == title)
        assert action.edit is not None
        fixed = apply_text_edits(PROBLEMS, workspace_edits(action.edit, uri))
        version += 1
        replace_all(lsp, uri, fixed, version)
        after = await diagnostics_for(lsp, uri, version)
        codes = [d.code for d in after]
        assert code not in codes, (title, fixed, codes)
        assert "syntax" not in codes


async def test_keyword_typo_fix(lsp: RecordingClient) -> None:
    uri = "file:///tests/typo.lag"
    text = "scalr H (1, 2, 1/2)\nL = - m2 H^dagger H\n"
    open_document(lsp, uri, text)
    diagnostics = await diagnostics_for(lsp, uri, 1)
    actions = await lsp.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc(uri),
            range=types.Range(
                start=types.Position(line=0, character=1), end=types.Position(line=0, character=1)
            ),
            context=types.CodeActionContext(diagnostics=diagnostics),
        )
    )
    assert actions is not None
    fix = next(
        a
        for a in actions
        if isinstance(a, types.CodeAction) and a.title == "Change 'scalr' to 'scalar'"
    )
    assert fix.edit is not None
    fixed = apply_text_edits(text, workspace_edits(fix.edit, uri))
    assert fixed.startswith("scalar H (1, 2, 1/2)")
    replace_all(lsp, uri, fixed, 2)
    assert await diagnostics_for(lsp, uri, 2) == []


async def test_add_missing_terms_action_completes_the_document(lsp: RecordingClient) -> None:
    uri = "file:///tests/add_missing.lag"
    open_document(lsp, uri, SEESAW_STARTER)
    await diagnostics_for(lsp, uri, 1)
    actions = await lsp.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc(uri),
            range=types.Range(
                start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)
            ),
            context=types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.Source]),
        )
    )
    assert actions is not None
    (action,) = [a for a in actions if isinstance(a, types.CodeAction)]
    assert action.kind == "source.addMissingTerms"
    assert action.edit is not None
    completed = apply_text_edits(SEESAW_STARTER, workspace_edits(action.edit, uri))
    replace_all(lsp, uri, completed, 2)
    errors = [
        d
        for d in await diagnostics_for(lsp, uri, 2)
        if d.severity == types.DiagnosticSeverity.Error
    ]
    assert errors == []
    items = await complete(lsp, uri, end_position(completed))
    assert [i.label for i in items if i.kind == types.CompletionItemKind.Snippet] == []


async def test_commands_generate_complete_check_with_progress(lsp: RecordingClient) -> None:
    uri = "file:///tests/commands.lag"
    text = SM_WITHOUT_YUKAWAS.removesuffix("  + ")
    open_document(lsp, uri, text)
    tokens_before = set(lsp.progress_reports)
    generated = await lsp.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="lagrangian.generateLagrangian",
            arguments=[{"uri": uri, "format": "latex", "insert": False}],
        )
    )
    assert len(generated["terms"]) == 14
    assert generated["latex"].startswith("\\mathcal{L} = ")
    assert " Q u H + \\mathrm{h.c.}" in generated["latex"]
    assert generated["text"].startswith("L = ")
    assert {t["source"] for t in generated["terms"]} == {"engine"}
    own = await lsp.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="lagrangian.generateLagrangian",
            arguments=[{"uri": uri, "format": "latex", "insert": False, "source": "document"}],
        )
    )
    assert [t["kind"] for t in own["terms"]][:3] == ["gauge_kinetic"] * 3
    assert own["latex"].startswith("\\mathcal{L} = - \\frac{1}{4} G_{\\mu\\nu} G^{\\mu\\nu}")
    new_tokens = set(lsp.progress_reports) - tokens_before
    assert len(new_tokens) == 2
    for token in new_tokens:
        kinds = [type(v).__name__ for v in lsp.progress_reports[token]]
        assert kinds[0] == "WorkDoneProgressBegin" and kinds[-1] == "WorkDoneProgressEnd"
    applied = len(lsp.applied)
    result = await lsp.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="lagrangian.completeLagrangian", arguments=[{"uri": uri}]
        )
    )
    assert result["added"] >= 3
    assert len(lsp.applied) == applied + 1
    edit = lsp.applied[-1].edit
    document_change = (edit.document_changes or [None])[0]
    assert isinstance(document_change, types.TextDocumentEdit)
    assert document_change.text_document.version == 1
    completed = apply_text_edits(text, workspace_edits(edit, uri))
    assert re.search(r"\n  - \w+ Q u H \+ h\.c\.\n", completed)
    replace_all(lsp, uri, completed, 2)
    summary = await lsp.workspace_execute_command_async(
        types.ExecuteCommandParams(command="lagrangian.checkDocument", arguments=[{"uri": uri}])
    )
    assert summary["version"] == 2
    assert summary["errors"] == 0
    assert summary["terms"] == 6 + result["added"]


async def test_commands_report_bad_arguments(lsp: RecordingClient) -> None:
    with pytest.raises(Exception, match=r"needs an argument \{\"uri\""):
        await lsp.workspace_execute_command_async(
            types.ExecuteCommandParams(command="lagrangian.completeLagrangian", arguments=[])
        )
    with pytest.raises(Exception, match="neither open in the editor nor readable"):
        await lsp.workspace_execute_command_async(
            types.ExecuteCommandParams(
                command="lagrangian.checkDocument",
                arguments=[{"uri": "file:///nonexistent/nowhere.lag"}],
            )
        )
    uri = "file:///tests/nofit.lag"
    open_document(lsp, uri, "scalar H (1, 2, 1/2)\n")
    with pytest.raises(Exception, match="no fit block"):
        await lsp.workspace_execute_command_async(
            types.ExecuteCommandParams(command="lagrangian.fitEquation", arguments=[{"uri": uri}])
        )


async def test_symbols_tokens_and_inlay_hints(lsp: RecordingClient) -> None:
    uri = "file:///tests/outline.lag"
    text = (EXAMPLES / "standard_model.lag").read_text()
    open_document(lsp, uri, text)
    symbols = await lsp.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=doc(uri))
    )
    assert symbols is not None
    fields = [s for s in symbols if s.kind == types.SymbolKind.Field]
    assert [(s.name, s.detail) for s in fields][:2] == [
        ("H", "scalar (1, 2, 1/2)"),
        ("Q", "fermion (3, 2, 1/6) left"),
    ]
    (lagrangian,) = [
        s
        for s in symbols
        if isinstance(s, types.DocumentSymbol)
        and s.name == "L"
        and s.kind == types.SymbolKind.Namespace
    ]
    groups = [g.name for g in lagrangian.children or []]
    assert groups[0] == "kinetic term" and "Yukawa coupling" in groups
    tokens = await lsp.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=doc(uri))
    )
    assert tokens is not None and len(tokens.data) % 5 == 0 and tokens.data
    hints = await lsp.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=doc(uri),
            range=types.Range(start=types.Position(line=0, character=0), end=end_position(text)),
        )
    )
    assert hints is not None
    labels = [h.label for h in hints]
    assert "Y = 0 · dim 4" in labels
    assert len(labels) >= 10


async def test_latex_documents(lsp: RecordingClient) -> None:
    uri = "file:///tests/sm.tex"
    # a blank after the last factor: a new term may start here
    text = (
        (EXAMPLES / "standard_model.tex")
        .read_text()
        .replace("H^\\dagger H\n", "H^\\dagger H \n", 1)
    )
    open_document(lsp, uri, text, language="latex")
    diagnostics = await diagnostics_for(lsp, uri, 1)
    assert all(d.code != "syntax" for d in diagnostics)
    items = await complete(lsp, uri, position_of(text, "- m^2 H^\\dagger H ", after=True))
    labels = [i.label for i in items]
    assert "i u^{\\dagger} \\bar{\\sigma}^{\\mu} D_{\\mu} u" in labels
    assert "\\lambda" in labels and "\\bar\\sigma^\\mu" in labels
    directive = position_of(text, "% lagrangian: ", after=True)
    items = await complete(lsp, uri, directive)
    assert [i.label for i in items] == ["scalar", "fermion", "gauge"]
    plain = "file:///tests/plain.tex"
    other = (
        "\\documentclass{article}\n\\begin{document}\n"
        "$E = mc^2$ and $\\mathcal{L} = x$\n\\end{document}\n"
    )
    open_document(lsp, plain, other, language="latex")
    assert await diagnostics_for(lsp, plain, 1) == []
