/**
 * The VS Code extension: starts `lagrangian lsp` and wires it to the editor.
 *
 * Everything with rules lives in the modules this file imports (command resolution,
 * settings, lifecycle, status); this file is only the glue to VS Code's API and to
 * vscode-languageclient, which does the protocol work (completion, hover, diagnostics,
 * code actions, semantic tokens, symbols, inlay hints, server commands).
 */

import * as fs from "fs";
import * as os from "os";
import * as vscode from "vscode";
import {
  DidOpenTextDocumentNotification,
  LanguageClient,
  State,
  type Executable,
  type LanguageClientOptions,
  type Middleware,
} from "vscode-languageclient/node";
import { Attachment, StartGate, requestGuards } from "./attachment";
import { CLIENT_COMMANDS, SERVER_READY_CONTEXT, commandArguments } from "./commands";
import { ServerController, type ClientState, type ManagedClient, type ServerStatus } from "./controller";
import { documentSelector } from "./documents";
import {
  RESTART_SECTIONS,
  SECTION,
  answerConfiguration,
  readLatexEnabled,
  readProcessSettings,
  readServerSettings,
  type ServerSettings,
} from "./settings";
import {
  assertExecutableExists,
  describeStartFailure,
  formatCommandLine,
  resolveServerCommand,
  serverWorkingDirectory,
  type ResolutionContext,
} from "./serverCommand";
import { StatusBarView } from "./status";

let controller: ServerController | undefined;

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, process.platform === "win32" ? fs.constants.F_OK : fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function resolutionContext(): ResolutionContext {
  return {
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    homeDir: os.homedir(),
    env: process.env,
    platform: process.platform,
    trusted: vscode.workspace.isTrusted,
    fileExists: isExecutableFile,
  };
}

function settingsFor(scopeUri: string | undefined): ServerSettings {
  const scope = scopeUri === undefined ? undefined : vscode.Uri.parse(scopeUri);
  return readServerSettings(vscode.workspace.getConfiguration(SECTION, scope)).settings;
}

/** Reports settings that were invalid and replaced by defaults, once per change. */
function reportSettingProblems(output: vscode.OutputChannel): void {
  const { problems } = readServerSettings(vscode.workspace.getConfiguration(SECTION));
  for (const problem of problems) {
    output.appendLine(`[settings] ${problem}`);
  }
  if (problems.length > 0) {
    void vscode.window.showWarningMessage(`Lagrangian: ${problems[0]}`);
  }
}

function toClientState(state: State): ClientState {
  return state === State.Running ? "running" : state === State.Starting ? "starting" : "stopped";
}

function createClient(output: vscode.OutputChannel): ManagedClient {
  const config = vscode.workspace.getConfiguration(SECTION);
  const context = resolutionContext();
  const command = resolveServerCommand(readProcessSettings(config), context);
  assertExecutableExists(command, context);
  output.appendLine(`Starting ${formatCommandLine(command)} (from ${command.source})`);

  const server: Executable = {
    command: command.command,
    args: command.args,
    options: { cwd: serverWorkingDirectory(context) },
  };
  const latexEnabled = readLatexEnabled(config);
  const attachment = new Attachment(latexEnabled);
  const options: LanguageClientOptions = {
    documentSelector: documentSelector(latexEnabled),
    initializationOptions: readServerSettings(config).settings,
    outputChannel: output,
    synchronize: { configurationSection: SECTION },
    middleware: {
      // LaTeX documents reach the server only while they hold a `% lagrangian:` directive.
      ...(requestGuards(attachment) as unknown as Middleware),
      didOpen: (document, next) => (attachment.didOpen(document) === "forward" ? next(document) : Promise.resolve()),
      didChange: (event, next) => {
        const action = attachment.didChange(event.document);
        if (action === "open") {
          const params = client.code2ProtocolConverter.asOpenTextDocumentParams(event.document);
          return client.sendNotification(DidOpenTextDocumentNotification.type, params);
        }
        return action === "forward" ? next(event) : Promise.resolve();
      },
      didClose: (document, next) => (attachment.didClose(document) === "forward" ? next(document) : Promise.resolve()),
      didSave: (document, next) => (attachment.isOpen(document) ? next(document) : Promise.resolve()),
      willSave: (event, next) => (attachment.isOpen(event.document) ? next(event) : Promise.resolve()),
      willSaveWaitUntil: (event, next) => (attachment.isOpen(event.document) ? next(event) : Promise.resolve([])),
      executeCommand: (name, args, next) =>
        next(name, commandArguments(name, args, vscode.window.activeTextEditor?.document.uri.toString())),
      workspace: {
        configuration: async (params, token, next) => {
          const fallback = await next(params, token);
          return Array.isArray(fallback) ? answerConfiguration(params.items, fallback, settingsFor) : fallback;
        },
      },
    },
  };
  const client = new LanguageClient(SECTION, "Lagrangian Language Server", server, options);
  return {
    start: () => client.start(),
    stop: () => client.stop(),
    onStateChange: (listener) => client.onDidChangeState((event) => listener(toClientState(event.newState))),
    describeFailure: (error) => describeStartFailure(command, error),
  };
}

async function showServerActions(server: ServerController, output: vscode.OutputChannel): Promise<void> {
  const running = server.status.state === "ready" || server.status.state === "starting";
  const actions: { label: string; run: () => unknown }[] = [
    { label: "$(debug-restart) Restart Server", run: () => server.restart() },
    running
      ? { label: "$(debug-stop) Stop Server", run: () => server.stop() }
      : { label: "$(play) Start Server", run: () => server.start() },
    { label: "$(output) Show Output", run: () => output.show(true) },
    { label: "$(settings-gear) Open Settings", run: () => openSettings() },
  ];
  const picked = await vscode.window.showQuickPick(actions, { placeHolder: "Lagrangian language server" });
  await picked?.run();
}

function openSettings(): Thenable<unknown> {
  return vscode.commands.executeCommand("workbench.action.openSettings", `@ext:lagrangian.lagrangian`);
}

function statusChanged(status: ServerStatus, view: StatusBarView, output: vscode.OutputChannel): void {
  view.update(status);
  void vscode.commands.executeCommand("setContext", SERVER_READY_CONTEXT, status.state === "ready");
  if (status.state !== "error" || status.message === undefined) {
    return;
  }
  output.appendLine(`[error] ${status.message}`);
  void vscode.window.showErrorMessage(status.message, "Open Settings", "Show Output").then((choice) => {
    if (choice === "Open Settings") {
      void openSettings();
    } else if (choice === "Show Output") {
      output.show(true);
    }
  });
}

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel("Lagrangian");
  const view = new StatusBarView();
  const server = new ServerController(
    () => createClient(output),
    (status) => statusChanged(status, view, output),
  );
  controller = server;
  context.subscriptions.push(
    output,
    view,
    vscode.commands.registerCommand(CLIENT_COMMANDS.restartServer, () => server.restart()),
    vscode.commands.registerCommand(CLIENT_COMMANDS.showOutput, () => output.show(true)),
    vscode.commands.registerCommand(CLIENT_COMMANDS.serverActions, () => showServerActions(server, output)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (RESTART_SECTIONS.some((section) => event.affectsConfiguration(section))) {
        void server.restart();
      } else if (event.affectsConfiguration(SECTION)) {
        reportSettingProblems(output);
      }
    }),
  );
  // Started for the first document it serves, not merely because a LaTeX file activated us.
  const gate = new StartGate(
    () => void server.start(),
    () => readLatexEnabled(vscode.workspace.getConfiguration(SECTION)),
  );
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument((document) => gate.offer(document)),
    vscode.workspace.onDidChangeTextDocument((event) => gate.offer(event.document)),
    // Trust changes which executable may run (serverCommand.ts): start afresh.
    vscode.workspace.onDidGrantWorkspaceTrust(() => (gate.wanted ? void server.restart() : undefined)),
  );
  reportSettingProblems(output);
  for (const document of vscode.workspace.textDocuments) {
    gate.offer(document);
  }
}

export function deactivate(): Promise<void> | undefined {
  return controller?.stop();
}
