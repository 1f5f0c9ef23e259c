/**
 * The playground page: one `.lag` document in CodeMirror, connected over WebSocket to the
 * same language server the editors use, with the field table, the document's own terms
 * and the complete Lagrangian rendered by KaTeX, and the diagnostics list.
 */

import "katex/dist/katex.min.css";
import "./style.css";

import {
  LSPClient,
  LSPPlugin,
  hoverTooltips,
  serverCompletion,
  serverDiagnostics,
  type LSPClientExtension,
} from "@codemirror/lsp-client";
import type { EditorView } from "@codemirror/view";
import type * as lsp from "vscode-languageserver-protocol";
import examples from "virtual:examples";
import { Connection, lspSocketUrl } from "./connection";
import { diagnosticRows, type DiagnosticRow } from "./diagnostics";
import { editsForUri, toChanges, touchesOtherDocuments } from "./edits";
import { createEditor } from "./editor";
import { fieldRows } from "./fields";
import { COMPLETE_COMMAND, generateParams, readGenerated } from "./generate";
import { showDiagnostics, showFields, showLagrangian, showPanelError } from "./panels";
import { ProgressTracker, describeTask } from "./progress";
import { RefreshScheduler } from "./refresh";
import starter from "./starter.lag";

const DOCUMENT_URI = "file:///playground/playground.lag";
const LANGUAGE_ID = "lagrangian";

function byId<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) {
    throw new Error(`index.html lacks #${id}`);
  }
  return found as T;
}

const ui = {
  status: byId("status"),
  complete: byId<HTMLButtonElement>("complete"),
  examples: byId<HTMLSelectElement>("examples"),
  editor: byId("editor"),
  fields: byId<HTMLTableElement>("fields"),
  documentMath: byId("document-math"),
  documentCount: byId("document-count"),
  generatedMath: byId("generated-math"),
  generatedCount: byId("generated-count"),
  diagnostics: byId("diagnostics"),
  diagnosticsSummary: byId("diagnostics-summary"),
};

const progress = new ProgressTracker();
let connectionState = "Connecting to the language server…";
let connectionClass = "connecting";

function drawStatus(): void {
  const task = progress.current;
  ui.status.textContent = task === undefined ? connectionState : describeTask(task);
  ui.status.className = `status ${task === undefined ? connectionClass : "busy"}`;
}

function setConnection(state: string, className: string): void {
  connectionState = state;
  connectionClass = className;
  ui.complete.disabled = className !== "ready";
  drawStatus();
}

/** Offsets in the current editor text for a position the server computed. */
function offsetOf(view: EditorView, position: lsp.Position): number {
  const plugin = LSPPlugin.get(view);
  if (plugin === null) {
    throw new Error("the editor is not attached to the language server");
  }
  return plugin.unsyncedChanges.mapPos(plugin.fromPosition(position, plugin.syncedDoc));
}

let view: EditorView;

function applyEdit(params: lsp.ApplyWorkspaceEditParams): lsp.ApplyWorkspaceEditResult {
  if (touchesOtherDocuments(params.edit, DOCUMENT_URI)) {
    return { applied: false, failureReason: "the playground has only its one document open" };
  }
  const changes = toChanges(editsForUri(params.edit, DOCUMENT_URI), (position) => offsetOf(view, position));
  view.dispatch({ changes, scrollIntoView: true, userEvent: "input" });
  return { applied: true };
}

function selectDiagnostic(row: DiagnosticRow): void {
  view.dispatch({
    selection: { anchor: offsetOf(view, row.range.start), head: offsetOf(view, row.range.end) },
    scrollIntoView: true,
  });
  view.focus();
}

/** Capabilities and handlers the page adds to the LSP client's defaults. */
const playgroundProtocol: LSPClientExtension = {
  clientCapabilities: {
    workspace: { applyEdit: true, workspaceEdit: { documentChanges: true } },
    window: { workDoneProgress: true },
  },
  notificationHandlers: {
    "$/progress": (_client, params: { token: lsp.ProgressToken; value: unknown }) => {
      progress.update(params);
      drawStatus();
      return true;
    },
  },
};

const client = new LSPClient({
  rootUri: "file:///playground",
  // Generating with the model can take several seconds on a CPU.
  timeout: 60_000,
  extensions: [serverCompletion({ override: true }), hoverTooltips(), serverDiagnostics(), playgroundProtocol],
  notificationHandlers: {
    // Seen before the lint extension handles it (returning false passes it on).
    "textDocument/publishDiagnostics": (_client, params: lsp.PublishDiagnosticsParams) => {
      const file = client.workspace.getFile(DOCUMENT_URI);
      const current = params.version === undefined || params.version === null || params.version === file?.version;
      if (params.uri === DOCUMENT_URI && current) {
        showDiagnostics(ui.diagnostics, ui.diagnosticsSummary, diagnosticRows(params.diagnostics), selectDiagnostic);
        refresher.request();
      }
      return false;
    },
  },
});

async function generate(documentTerms: boolean, math: HTMLElement, count: HTMLElement): Promise<void> {
  try {
    const result = await client.request<lsp.ExecuteCommandParams, unknown>(
      "workspace/executeCommand",
      generateParams(DOCUMENT_URI, documentTerms),
    );
    showLagrangian(math, count, readGenerated(result));
  } catch (error) {
    showPanelError(math, count, errorMessage(error));
  }
}

async function refreshFields(): Promise<void> {
  try {
    const symbols = await client.request<lsp.DocumentSymbolParams, lsp.DocumentSymbol[] | lsp.SymbolInformation[] | null>(
      "textDocument/documentSymbol",
      { textDocument: { uri: DOCUMENT_URI } },
    );
    showFields(ui.fields, fieldRows(symbols));
  } catch (error) {
    showFields(ui.fields, []);
    console.warn("[playground] document symbols failed:", error);
  }
}

function errorMessage(error: unknown): string {
  if (typeof error === "object" && error !== null && "message" in error) {
    return String((error as { message: unknown }).message);
  }
  return String(error);
}

const refresher = new RefreshScheduler(
  async () => {
    client.sync();
    await Promise.all([
      refreshFields(),
      generate(true, ui.documentMath, ui.documentCount),
      generate(false, ui.generatedMath, ui.generatedCount),
    ]);
  },
  250,
  (error) => console.warn("[playground] refresh failed:", error),
);

const connection = new Connection(
  lspSocketUrl(window.location),
  {
    "workspace/applyEdit": (params) => applyEdit(params as lsp.ApplyWorkspaceEditParams),
    "window/workDoneProgress/create": () => null,
    "window/showMessageRequest": (params) => {
      setConnection((params as lsp.ShowMessageRequestParams).message, connectionClass);
      return null;
    },
  },
  {
    connected(transport) {
      setConnection("Starting the language server…", "connecting");
      client.connect(transport);
      client.initializing.then(
        () => {
          setConnection("Connected", "ready");
          refresher.request();
        },
        (error: unknown) => setConnection(`The language server failed to start: ${errorMessage(error)}`, "error"),
      );
    },
    disconnected(reason, retryInMs) {
      client.disconnect();
      progress.clear();
      refresher.cancel();
      setConnection(`${reason}; retrying in ${Math.round(retryInMs / 100) / 10} s`, "error");
    },
  },
);

function loadExamples(): void {
  const choices = [{ name: "Starter: type-II seesaw with missing terms", text: starter }, ...examples];
  for (const [index, example] of choices.entries()) {
    const option = document.createElement("option");
    option.value = String(index);
    option.textContent = example.name;
    ui.examples.append(option);
  }
  ui.examples.addEventListener("change", () => {
    const chosen = choices[Number(ui.examples.value)];
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: chosen.text } });
    view.focus();
  });
}

ui.complete.addEventListener("click", () => {
  client.sync();
  client
    .request<lsp.ExecuteCommandParams, unknown>("workspace/executeCommand", {
      command: COMPLETE_COMMAND,
      arguments: [{ uri: DOCUMENT_URI }],
    })
    .catch((error: unknown) => setConnection(`Completing failed: ${errorMessage(error)}`, connectionClass));
});

view = createEditor(ui.editor, starter, client.plugin(DOCUMENT_URI, LANGUAGE_ID));
loadExamples();
showFields(ui.fields, []);
setConnection(connectionState, connectionClass);
connection.start();
