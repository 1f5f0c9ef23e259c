/**
 * The extension as VS Code runs it: `activate` starts a real server process over stdio
 * (a small fake language server, test/fixtures/fakeLanguageServer.js) through the real
 * vscode-languageclient, with the `vscode` API faked.  This covers the glue in
 * extension.ts that the unit tests cannot: the command resolution reaching the spawn,
 * settings reaching the server, the palette middleware, and the status bar following.
 */

import * as assert from "assert";
import * as path from "path";
import * as extension from "../src/extension";
import { SERVER_READY_CONTEXT } from "../src/commands";
import { recorded, reset, settings, window, workspace } from "./fakeVscode";

const fixture = path.resolve(__dirname, "..", "..", "test", "fixtures", "fakeLanguageServer.js");
const context = () => ({ subscriptions: [] as { dispose(): unknown }[] }) as never;

// Waits for a condition, however long a busy machine takes; the limit only stops a hang.
const SAFETY_MS = 300_000;

async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = SAFETY_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) {
      return value;
    }
    if (Date.now() > deadline) {
      assert.fail(`timed out waiting for ${what}; output so far:\n${recorded.output.join("")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const statusText = () => recorded.statusBarItems.at(-1)?.text;

describe("activation against a real server process", function () {
  this.timeout(2 * SAFETY_MS);

  const document = (name: string, languageId: string, text: string) => ({
    uri: { toString: () => `file:///work/${name}` },
    languageId,
    version: 1,
    getText: () => text,
  });

  beforeEach(() => {
    reset();
    workspace.textDocuments.push(document("seesaw.lag", "lagrangian", "scalar H (1,2,1/2)"));
  });
  afterEach(async () => {
    await extension.deactivate();
  });

  it("starts the configured command, becomes ready and passes settings and the document", async () => {
    settings.set("server.command", [process.execPath, fixture]);
    settings.set("completionSource", "exact");
    settings.set("inlayHints.enabled", false);
    extension.activate(context());
    assert.strictEqual(statusText(), "$(sync~spin) Lagrangian");

    await waitFor(() => statusText() === "$(check) Lagrangian", "the ready status");
    assert.deepStrictEqual(recorded.executed.at(-1), ["setContext", SERVER_READY_CONTEXT, true]);
    assert.match(recorded.output.join(""), /Starting .*fakeLanguageServer\.js \(from server\.command\)/);

    // The client registered the server's command; run it as the palette would: no arguments.
    const command = await waitFor(() => recorded.commands.get("lagrangian.checkDocument"), "the server command");
    window.activeTextEditor = { document: { uri: { toString: () => "file:///work/seesaw.lag" } } };
    // The server asks for workspace/configuration after `initialized`; on a busy machine the
    // command can overtake that exchange, so ask again until the answer has arrived.
    const deadline = Date.now() + SAFETY_MS;
    let echo = (await command()) as Record<string, unknown>;
    while (echo.configuration === null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      echo = (await command()) as Record<string, unknown>;
    }
    assert.deepStrictEqual(echo.arguments, [{ uri: "file:///work/seesaw.lag" }]);
    assert.deepStrictEqual(echo.initializationOptions, {
      completionSource: "exact",
      modelServerUrl: "",
      device: "auto",
      inlayHints: { enabled: false },
      fit: { llm: "builtin", allowOutsideWorkspace: false },
      maxDimension: 4,
    });
    assert.deepStrictEqual(echo.configuration, [echo.initializationOptions, false]);
    assert.deepStrictEqual(echo.opened, ["file:///work/seesaw.lag"]);

    await extension.deactivate();
    assert.strictEqual(statusText(), "$(circle-slash) Lagrangian");
  });

  it("starts no server for a LaTeX file without a directive, and one for a file with it", async () => {
    settings.set("server.command", [process.execPath, fixture]);
    workspace.textDocuments.length = 0;
    workspace.textDocuments.push(document("paper.tex", "latex", "\\section{The Higgs}\n"));
    extension.activate(context());
    assert.doesNotMatch(recorded.output.join(""), /Starting/);
    assert.notStrictEqual(statusText(), "$(sync~spin) Lagrangian");
    await extension.deactivate();

    reset();
    settings.set("server.command", [process.execPath, fixture]);
    workspace.textDocuments.push(document("paper.tex", "latex", "\\section{The Higgs}\n"));
    workspace.textDocuments.push(document("model.tex", "latex", "% lagrangian: scalar H (1,2,1/2)\n"));
    extension.activate(context());
    await waitFor(() => statusText() === "$(check) Lagrangian", "the ready status");
    const command = await waitFor(() => recorded.commands.get("lagrangian.checkDocument"), "the server command");
    const echo = (await command({ uri: "file:///work/model.tex" })) as { opened: string[] };
    assert.deepStrictEqual(echo.opened, ["file:///work/model.tex"]);  // never the paper
  });

  it("says which executable is missing and which setting to change", async () => {
    settings.set("server.command", ["/nonexistent/bin/lagrangian", "lsp"]);
    extension.activate(context());
    await waitFor(() => statusText() === "$(error) Lagrangian", "the error status");
    assert.match(recorded.statusBarItems.at(-1)!.tooltip!, /`\/nonexistent\/bin\/lagrangian` was not found \(from server\.command\)/);
    assert.match(recorded.errors.join("\n"), /Set `lagrangian\.server\.pythonPath`/);
  });

  it("reports a server that fails to initialize", async () => {
    settings.set("server.command", [process.execPath, fixture, "--fail-initialize"]);
    extension.activate(context());
    await waitFor(() => statusText() === "$(error) Lagrangian", "the error status");
    const tooltip = await waitFor(
      () => (/failed to start/.test(recorded.statusBarItems.at(-1)!.tooltip ?? "") ? recorded.statusBarItems.at(-1)!.tooltip : undefined),
      "the failure message",
    );
    assert.match(tooltip, /fakeLanguageServer\.js --fail-initialize`, from server\.command\) failed to start/);
  });

  it("warns about invalid settings instead of passing them on", async () => {
    settings.set("server.command", [process.execPath, fixture]);
    settings.set("device", "tpu");
    extension.activate(context());
    assert.match(recorded.warnings.join("\n"), /`lagrangian\.device` is "tpu"/);
    await waitFor(() => statusText() === "$(check) Lagrangian", "the ready status");
  });
});
