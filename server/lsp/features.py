"""The LSP methods the server answers, each a thin async handler over a pure module.

``create_server()`` builds a fresh server with every feature registered: the command line
runs one over stdio or TCP, and the WebSocket endpoints make one per connection, so each
browser tab of the playground has its own documents and settings.
"""

from __future__ import annotations

import asyncio
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcRequestCancelled

from lagrangian.server.lsp.actions import ADD_MISSING_KIND
from lagrangian.server.lsp.completion import ClientFeatures
from lagrangian.server.lsp.documents import Snapshot
from lagrangian.server.lsp.semantic import LEGEND
from lagrangian.server.lsp.server import (
    DEBOUNCE_SECONDS,
    LagrangianServer,
    watch_parent,
)
from lagrangian.server.lsp.tasks import Cancellation, Cancelled, Progress
from lagrangian.server.lsp.trust import Policy

# A sign starts a new term: "+" and "-" open the list of missing terms at once.
TRIGGER_CHARACTERS = ["^", "(", ",", "+", "-"]


def create_server(policy: Policy | None = None) -> LagrangianServer:
    """A server with every feature; ``policy`` is trusted (stdio) unless given."""
    server = LagrangianServer(policy)
    _lifecycle(server)
    _documents(server)
    _completion(server)
    _views(server)
    _commands(server)
    return server


def _lifecycle(server: LagrangianServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(params: types.InitializeParams) -> None:
        server.settings, server.setting_problems = server.read_client_settings(
            params.initialization_options
        )
        server.parent_pid = params.process_id

    @server.feature(types.INITIALIZED)
    def initialized(params: types.InitializedParams) -> None:
        for problem in server.setting_problems:
            server.log(f"setting ignored: {problem}", types.MessageType.Warning)
        workspace = server.client_capabilities.workspace
        change = workspace.did_change_configuration if workspace else None
        if change is not None and change.dynamic_registration:
            registration = types.Registration(
                id="lagrangian/configuration",
                method=types.WORKSPACE_DID_CHANGE_CONFIGURATION,
                register_options={"section": "lagrangian"},
            )
            server.spawn(
                server.client_register_capability_async(
                    types.RegistrationParams(registrations=[registration])
                )
            )
        server.spawn(server.refresh_settings())
        server.spawn(server.warm_up())
        if server.settings.completion_source == "model":
            server.spawn(server.load_model())
        if server.parent_pid:
            server.spawn(watch_parent(server, server.parent_pid))

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def configuration_changed(params: types.DidChangeConfigurationParams) -> None:
        server.spawn(server.refresh_settings(params.settings))

    @server.feature(types.SHUTDOWN)
    def shutdown(params: None) -> None:
        server.shutdown_work()


def _documents(server: LagrangianServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def opened(params: types.DidOpenTextDocumentParams) -> None:
        if server.admit(params.text_document.uri):
            server.schedule_diagnostics(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def changed(params: types.DidChangeTextDocumentParams) -> None:
        if server.admit(params.text_document.uri):
            server.schedule_diagnostics(params.text_document.uri, DEBOUNCE_SECONDS)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def closed(params: types.DidCloseTextDocumentParams) -> None:
        server.forget(params.text_document.uri)


def _completion(server: LagrangianServer) -> None:
    from lagrangian.server.lsp import completion as lsp_completion
    from lagrangian.server.lsp.context import find_context

    def complete(
        snapshot: Snapshot, position: types.Position, features: ClientFeatures, cancel: Cancellation
    ) -> tuple[list[types.CompletionItem], list[Any]]:
        context = find_context(snapshot, snapshot.offset(position.line, position.character))
        wants_terms = context.kind in ("term_start", "term_between") or (
            context.kind == "statement" and context.after_lagrangian
        )
        proposals = server.propose(snapshot, cancel) if wants_terms and snapshot.active else []
        cancel.check()
        return lsp_completion.completion_items(snapshot, context, proposals, features), proposals

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=TRIGGER_CHARACTERS, resolve_provider=True),
    )
    async def completion(params: types.CompletionParams) -> types.CompletionList:
        uri = params.text_document.uri
        msg_id, cancel = server.protocol.register_cancellation()
        try:
            snapshot = await server.snapshot(uri)
            features = ClientFeatures.of(server.client_capabilities)
            items, proposals = await server.run(
                complete, snapshot, params.position, features, cancel
            )
        except (Cancelled, asyncio.CancelledError):
            cancel.cancel()
            raise JsonRpcRequestCancelled("completion cancelled") from None
        finally:
            server.protocol.cancellations.pop(msg_id, None)
        server.proposals[uri] = (snapshot.version, proposals)
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.COMPLETION_ITEM_RESOLVE)
    async def resolve(item: types.CompletionItem) -> types.CompletionItem:
        data = item.data if isinstance(item.data, dict) else {}
        uri, index = data.get("uri"), data.get("proposal")
        cached = server.proposals.get(uri) if isinstance(uri, str) else None
        if cached is None or cached[0] != data.get("version") or not isinstance(index, int):
            return item
        version, proposals = cached
        if not 0 <= index < len(proposals):
            return item
        snapshot = await server.snapshot(uri)
        if snapshot.version != version:
            return item
        text = await server.run(
            lsp_completion.proposal_documentation, snapshot, proposals[index], True
        )
        item.documentation = types.MarkupContent(kind=types.MarkupKind.Markdown, value=text)
        return item


def _views(server: LagrangianServer) -> None:
    from lagrangian.server.lsp import actions as lsp_actions
    from lagrangian.server.lsp import fit as lsp_fit
    from lagrangian.server.lsp import hover as lsp_hover
    from lagrangian.server.lsp import semantic as lsp_semantic
    from lagrangian.server.lsp import symbols as lsp_symbols

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(params: types.HoverParams) -> types.Hover | None:
        snapshot = await server.snapshot(params.text_document.uri)
        offset = snapshot.offset(params.position.line, params.position.character)
        results = server.fit_results.get(snapshot.uri, {})
        fitted = lsp_fit.fit_hover(snapshot, offset, results)
        return fitted or await server.run(lsp_hover.hover, snapshot, offset)

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS)
    async def code_lens(params: types.CodeLensParams) -> list[types.CodeLens]:
        snapshot = await server.snapshot(params.text_document.uri)
        return lsp_fit.code_lenses(snapshot, server.fit_results.get(snapshot.uri, {}))

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, ADD_MISSING_KIND]
        ),
    )
    async def code_action(params: types.CodeActionParams) -> list[types.CodeAction]:
        snapshot = await server.snapshot(params.text_document.uri)
        start = snapshot.offset(params.range.start.line, params.range.start.character)
        end = snapshot.offset(params.range.end.line, params.range.end.character)
        only = [str(kind) for kind in params.context.only] if params.context.only else None
        return await server.run(lsp_actions.code_actions, snapshot, start, end, only)

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, LEGEND)
    async def semantic_tokens(params: types.SemanticTokensParams) -> types.SemanticTokens:
        snapshot = await server.snapshot(params.text_document.uri)
        return await server.run(lsp_semantic.semantic_tokens, snapshot)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    async def symbols(params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
        snapshot = await server.snapshot(params.text_document.uri)
        return await server.run(lsp_symbols.document_symbols, snapshot)

    @server.feature(types.TEXT_DOCUMENT_INLAY_HINT)
    async def inlay_hints(params: types.InlayHintParams) -> list[types.InlayHint]:
        if not server.settings.inlay_hints:
            return []
        snapshot = await server.snapshot(params.text_document.uri)
        start = snapshot.offset(params.range.start.line, params.range.start.character)
        end = snapshot.offset(params.range.end.line, params.range.end.character)
        return await server.run(lsp_symbols.inlay_hints, snapshot, start, end)


def _commands(server: LagrangianServer) -> None:
    from lagrangian.server.lsp import commands as lsp_commands
    from lagrangian.server.lsp import diagnostics as lsp_diagnostics
    from lagrangian.server.lsp import edits as lsp_edits
    from lagrangian.server.lsp import fit as lsp_fit

    @server.command("lagrangian.generateLagrangian")
    async def generate(ls: LagrangianServer, *args: object) -> dict[str, Any]:
        async def body(cancel: Cancellation, progress: Progress) -> dict[str, Any]:
            options = lsp_commands.generate_arguments(args)
            progress.report("checking the document", 10)
            snapshot = await server.snapshot(options.uri)
            cancel.check()
            progress.report("building every invariant", 40)
            result = await server.run(lsp_commands.generated, snapshot, options.source)
            cancel.check()
            if options.insert and options.source == "engine":
                edit = await server.run(lsp_commands.generate_edit, snapshot, options.format)
                progress.report("inserting", 90)
                if edit is not None:
                    changes = lsp_edits.workspace_edit(snapshot, [edit])
                    await server.apply(changes, "Generate the complete Lagrangian")
            return result

        return await server.run_command("Generating the Lagrangian", body)

    @server.command("lagrangian.completeLagrangian")
    async def complete(ls: LagrangianServer, *args: object) -> dict[str, Any]:
        async def body(cancel: Cancellation, progress: Progress) -> dict[str, Any]:
            uri = lsp_commands.document_uri(args, "lagrangian.completeLagrangian")
            progress.report("checking the document", 10)
            snapshot = await server.snapshot(uri)
            cancel.check()
            progress.report("finding the missing terms", 40)
            edit, records = await server.run(lsp_commands.complete_edit, snapshot)
            cancel.check()
            if edit is not None:
                progress.report(f"adding {len(records)} terms", 90)
                changes = lsp_edits.workspace_edit(snapshot, [edit])
                await server.apply(changes, "Add the missing terms")
            return {"added": len(records), "terms": records}

        return await server.run_command("Completing the Lagrangian", body)

    @server.command("lagrangian.checkDocument")
    async def check(ls: LagrangianServer, *args: object) -> dict[str, Any]:
        async def body(cancel: Cancellation, progress: Progress) -> dict[str, Any]:
            uri = lsp_commands.document_uri(args, "lagrangian.checkDocument")
            progress.report("checking every term", 20)
            snapshot = await server.snapshot(uri)
            cancel.check()
            if uri in server.workspace.text_documents:
                server.schedule_diagnostics(uri, 0)
            return await server.run(lsp_diagnostics.summary, snapshot)

        return await server.run_command("Checking the document", body)

    @server.command("lagrangian.fitEquation")
    async def fit(ls: LagrangianServer, *args: object) -> dict[str, Any]:
        async def body(cancel: Cancellation, progress: Progress) -> dict[str, Any]:
            uri = lsp_commands.document_uri(args, "lagrangian.fitEquation")
            options = args[0] if args and isinstance(args[0], dict) else {}
            name = options.get("name")
            snapshot = await server.snapshot(uri)
            scope = lsp_fit.scope_of(server, uri)
            with server.fit_slot():
                result = await server.run(
                    lsp_fit.run_fit, snapshot, name, scope, progress.report, cancel
                )
            server.fit_results.setdefault(uri, {})[result["name"]] = result
            position = options.get("position")
            if isinstance(position, dict) and options.get("insert", True):
                at = types.Position(
                    line=int(position["line"]), character=int(position["character"])
                )
                text = lsp_fit.result_text(result, snapshot.syntax)
                edit = types.TextEdit(range=types.Range(start=at, end=at), new_text=text)
                await server.apply(lsp_edits.workspace_edit(snapshot, [edit]), "Insert the fit")
            workspace = server.client_capabilities.workspace
            if workspace and workspace.code_lens and workspace.code_lens.refresh_support:
                server.spawn(server.workspace_code_lens_refresh_async(None))
            return result

        return await server.run_command("Fitting an equation (LLM-SR)", body)

    @server.command("lagrangian.serverStatus")
    def status(ls: LagrangianServer, *args: object) -> dict[str, Any]:
        return server.status()
