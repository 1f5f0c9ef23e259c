"""``lagrangian.fitEquation`` through the server: LLM-SR on a fit block, with progress and
both ways of cancelling (the request, and the progress bar's cancel button)."""

from __future__ import annotations

import asyncio
import importlib.util

import pytest
from lsp_client import RecordingClient, open_document, wait_until
from lsprotocol import types
from pygls.exceptions import JsonRpcRequestCancelled

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.slow,
    pytest.mark.skipif(
        importlib.util.find_spec("lagrangian.llmsr.api") is None, reason="LLM-SR not installed"
    ),
]

TITLE = "Fitting an equation (LLM-SR)"


def fit_document(budget: int) -> str:
    return f"# Drell-Yan toy benchmark\nfit qed {{\n  benchmark = qed\n  budget = {budget}\n}}\n"


def fit_params(uri: str) -> types.ExecuteCommandParams:
    return types.ExecuteCommandParams(command="lagrangian.fitEquation", arguments=[{"uri": uri}])


async def fit_token(client: RecordingClient, known: set) -> str:
    """The progress token of the fit that started after ``known`` tokens existed, once the
    search has reported at least once."""

    def reported() -> str | None:
        for token, reports in client.progress_reports.items():
            if token in known or len(reports) < 2:
                continue
            begin = reports[0]
            if isinstance(begin, types.WorkDoneProgressBegin) and begin.title == TITLE:
                return str(token)
        return None

    return await wait_until(client, reported, "the fit's progress")


async def test_fit_block_runs_with_progress(lsp: RecordingClient) -> None:
    uri = "file:///fits/small.lag"
    open_document(lsp, uri, fit_document(4))
    known = set(lsp.progress_reports)
    result = await lsp.workspace_execute_command_async(fit_params(uri))
    assert result["name"] == "qed"
    assert result["candidates"] == 4 and result["cancelled"] is False
    assert result["best"]["expression"]
    token = await fit_token(lsp, known)
    messages = [r.message for r in lsp.progress_reports[token][1:-1]]
    assert any(m and "programs" in m for m in messages)


async def test_cancel_button_stops_the_search_and_keeps_the_best_so_far(
    lsp: RecordingClient,
) -> None:
    uri = "file:///fits/cancel-progress.lag"
    open_document(lsp, uri, fit_document(400))
    known = set(lsp.progress_reports)
    running = asyncio.ensure_future(lsp.workspace_execute_command_async(fit_params(uri)))
    token = await fit_token(lsp, known)
    lsp.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
    result = await running
    assert result["cancelled"] is True
    assert 0 < result["candidates"] < 400


async def test_cancel_request_answers_at_once(lsp: RecordingClient) -> None:
    uri = "file:///fits/cancel-request.lag"
    open_document(lsp, uri, fit_document(400))
    known = set(lsp.progress_reports)
    request = lsp.protocol.send_request(
        types.WORKSPACE_EXECUTE_COMMAND, fit_params(uri), msg_id="fit-to-cancel"
    )
    token = await fit_token(lsp, known)
    lsp.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="fit-to-cancel"))
    with pytest.raises(JsonRpcRequestCancelled):
        await asyncio.wrap_future(request)
    await wait_until(  # the search itself stops: its progress ends
        lsp,
        lambda: isinstance(lsp.progress_reports[token][-1], types.WorkDoneProgressEnd),
        "the end of the cancelled fit's progress",
    )


async def test_code_lens_hover_and_insertion(lsp: RecordingClient) -> None:
    uri = "file:///fits/lens.lag"
    text = fit_document(4) + "\n"
    open_document(lsp, uri, text)
    ident = types.TextDocumentIdentifier(uri=uri)
    (lens,) = await lsp.text_document_code_lens_async(types.CodeLensParams(text_document=ident))
    assert lens.command.title == "Fit with LLM-SR"
    assert lens.command.command == "lagrangian.fitEquation"
    assert list(lens.command.arguments) == [{"uri": uri, "name": "qed"}]
    hover_params = types.HoverParams(
        text_document=ident, position=types.Position(line=1, character=2)
    )
    before = await lsp.text_document_hover_async(hover_params)
    assert "Not fitted yet" in before.contents.value
    end = types.Position(line=text.count("\n"), character=0)
    arguments = [{"uri": uri, "name": "qed", "position": {"line": end.line, "character": 0}}]
    result = await lsp.workspace_execute_command_async(
        types.ExecuteCommandParams(command="lagrangian.fitEquation", arguments=arguments)
    )
    after = await lsp.text_document_hover_async(hover_params)
    assert result["best"]["expression"] in after.contents.value
    assert "$$" in after.contents.value  # the formula in LaTeX
    lenses = await lsp.text_document_code_lens_async(types.CodeLensParams(text_document=ident))
    assert any(x.command.title.startswith("last fit:") for x in lenses)
    assert lsp.code_lens_refreshes >= 1
    inserted = [
        text_edit.new_text
        for applied in lsp.applied
        for change in applied.edit.document_changes or []
        for text_edit in change.edits
        if change.text_document.uri == uri
    ]
    assert inserted and inserted[-1].startswith("# fit qed: "), inserted
