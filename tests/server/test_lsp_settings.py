"""Settings: the shapes clients send, bad values, and changes while the server runs."""

from __future__ import annotations

import importlib.util

import pytest
from lsp_client import capabilities, end_position, open_document, start, stop, wait_until
from lsprotocol import types

from lagrangian.server.lsp.providers import MODEL_PIPELINE
from lagrangian.server.lsp.settings import Settings, as_json, read_settings


def test_defaults_match_the_vscode_extension() -> None:
    assert as_json(Settings()) == {
        "completionSource": "exact",
        "modelServerUrl": "",
        "device": "auto",
        "inlayHints": {"enabled": True},
        "fit": {"llm": "builtin", "allowOutsideWorkspace": False},
        "maxDimension": 4,
    }


@pytest.mark.parametrize(
    "raw",
    [
        {"completionSource": "exact", "inlayHints": {"enabled": False}},
        {"lagrangian": {"completionSource": "exact", "inlayHints": {"enabled": False}}},
        {"completionSource": "exact", "inlayHints.enabled": False},
    ],
)
def test_every_client_shape_is_read(raw: dict) -> None:
    settings, problems = read_settings(raw)
    assert problems == []
    assert settings.completion_source == "exact"
    assert settings.inlay_hints is False


def test_bad_values_keep_the_current_ones_and_say_why() -> None:
    base = Settings(completion_source="exact", device="cpu")
    settings, problems = read_settings(
        {
            "completionSource": "bart",
            "device": "tpu",
            "modelServerUrl": "ftp://x",
            "inlayHints": {"enabled": "yes"},
            "fit": {"llm": 3},
        },
        base,
    )
    assert settings == base
    assert len(problems) == 5
    assert 'expected one of "model", "exact"' in problems[0]
    assert "not an http(s) URL" in problems[1]


@pytest.mark.parametrize("value", [3, 9, "6", 6.5, True])
def test_max_dimension_outside_4_to_8_is_refused(value: object) -> None:
    settings, problems = read_settings({"maxDimension": value})
    assert settings.max_dimension == 4
    assert problems == [f"lagrangian.maxDimension is {value!r}; expected an integer from 4 to 8"]


def test_max_dimension_is_read() -> None:
    assert read_settings({"lagrangian": {"maxDimension": 6}})[0].max_dimension == 6


def test_unset_keys_and_junk_keep_the_base() -> None:
    base = Settings(model_server_url="http://127.0.0.1:8765")
    assert read_settings(None, base) == (base, [])
    assert read_settings([1, 2], base) == (base, [])
    settings, _ = read_settings({"modelServerUrl": " http://gpu:9000 "}, base)
    assert settings.model_server_url == "http://gpu:9000"


@pytest.mark.asyncio
async def test_initialization_options_then_configuration_changes() -> None:
    caps = capabilities()
    assert caps.text_document and caps.text_document.completion
    item = caps.text_document.completion.completion_item
    assert item is not None
    item.snippet_support = False
    client, _ = await start(
        {"completionSource": "exact", "inlayHints": {"enabled": False}, "device": "tpu"},
        caps=caps,
        configuration={"": {}},
    )
    try:
        uri = "file:///settings/sm.lag"
        text = "scalar H (1, 2, 1/2)\nL = - m2 H^dagger H\n  "
        open_document(client, uri, text)
        whole = types.Range(start=types.Position(line=0, character=0), end=end_position(text))
        hint_params = types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=whole
        )
        hints = await client.text_document_inlay_hint_async(hint_params)
        assert hints is not None and list(hints) == []
        assert any("device" in m.message for m in client.log_messages)
        result = await client.text_document_completion_async(
            types.CompletionParams(
                text_document=types.TextDocumentIdentifier(uri=uri), position=end_position(text)
            )
        )
        assert isinstance(result, types.CompletionList)
        quartic = next(i for i in result.items if i.label.endswith("(H^dagger H)^2"))
        assert quartic.insert_text_format == types.InsertTextFormat.PlainText
        assert isinstance(quartic.text_edit, types.TextEdit)
        assert "$" not in quartic.text_edit.new_text

        logged = len(client.log_messages)
        client.set_configuration(
            {"completionSource": "exact", "inlayHints": {"enabled": True}}, section="lagrangian"
        )
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
        # The server logs the settings it applied: wait for that, not for a time.
        await wait_until(
            client,
            lambda: any(m.message.startswith("settings:") for m in client.log_messages[logged:]),
            "the re-read settings",
        )
        status = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="lagrangian.serverStatus")
        )
        assert status["settings"]["inlayHints"] == {"enabled": True}
        assert status["settings"]["device"] == "auto"
        hints = await client.text_document_inlay_hint_async(hint_params)
        assert hints is not None and [h.label for h in hints] == ["Y = 0 · dim 2"]
    finally:
        await stop(client)


@pytest.mark.asyncio
async def test_model_source_falls_back_to_the_exact_engine_without_torch() -> None:
    client, _ = await start({"completionSource": "model"})
    try:
        # Loading ends with one log line, ready or the fallback, however long it takes.
        await wait_until(
            client,
            lambda: any(_loading_ended(m.message) for m in client.log_messages),
            "the model's loading",
        )
        status = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="lagrangian.serverStatus")
        )
        note = status["providerNote"]
        if note.startswith("model ready"):
            assert status["completionProviders"] == ["model", "engine"]
        else:
            assert status["completionProviders"] == ["engine"]
            assert note.endswith("using the exact engine")
        if importlib.util.find_spec(MODEL_PIPELINE) is None:
            assert "not available" in note
    finally:
        await stop(client)


def _loading_ended(message: str) -> bool:
    return message.startswith("model ready") or message.endswith("using the exact engine")
