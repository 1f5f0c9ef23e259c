/**
 * Which process to start as the language server, decided from the user's settings.
 *
 * Kept free of the `vscode` module so the rules can be tested directly: the extension
 * passes in the settings, the workspace folder and a file-existence check.  The order is
 * "most explicit wins" so that a user who wrote a full command is never second-guessed:
 *
 * 1. `lagrangian.server.command` — the whole argv, used verbatim (after variable expansion);
 * 2. `lagrangian.server.pythonPath` — that interpreter running `-m lagrangian.server lsp`;
 * 3. a `lagrangian` script in the workspace's `.venv` — the common "cloned the repo,
 *    made a venv, opened the folder" case, where the script is not on `PATH`;
 * 4. `lagrangian lsp` from `PATH`.
 *
 * In an untrusted workspace (VS Code's Restricted Mode) nothing inside the workspace folder
 * is run: step 3 is skipped, a command from the settings that points into the folder (a
 * user-level `${workspaceFolder}/.venv/bin/python`, say) is refused, and the server does
 * not start in the folder, where `python -m` would import a planted `lagrangian/` package.
 * VS Code itself ignores workspace-level `lagrangian.server.*` values there (package.json
 * lists them under `restrictedConfigurations`).
 */

import * as path from "path";

/** The server settings that decide the process; empty values mean "not set". */
export interface ServerProcessSettings {
  command: readonly string[];
  pythonPath: string;
}

/** What the extension needs to know about its surroundings to resolve a command. */
export interface ResolutionContext {
  workspaceFolder?: string;
  homeDir: string;
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  /** Whether the user trusts the workspace (`vscode.workspace.isTrusted`). */
  trusted: boolean;
  fileExists(file: string): boolean;
}

/** A resolved server process, with the setting it came from (shown in errors). */
export interface ServerCommand {
  command: string;
  args: string[];
  source: "server.command" | "server.pythonPath" | "workspace venv" | "PATH";
}

/** The arguments that make the `lagrangian` CLI speak LSP over stdio. */
export const LSP_ARGS: readonly string[] = ["lsp"];
const PYTHON_MODULE_ARGS: readonly string[] = ["-m", "lagrangian.server", ...LSP_ARGS];

/**
 * Expands `${workspaceFolder}`, `${userHome}`, `${env:NAME}` and a leading `~`, the
 * variables users expect from VS Code's own settings.  An unknown `${…}` is an error
 * rather than passed through, because a literal `${workspaceFolder}` in a path only
 * ever produces a baffling "file not found" later.
 */
export function expandVariables(value: string, context: ResolutionContext): string {
  let expanded = value.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
    if (name === "workspaceFolder") {
      if (context.workspaceFolder === undefined) {
        throw new Error(`${whole} is used but no folder is open`);
      }
      return context.workspaceFolder;
    }
    if (name === "userHome") {
      return context.homeDir;
    }
    if (name.startsWith("env:")) {
      return context.env[name.slice(4)] ?? "";
    }
    throw new Error(`unknown variable ${whole} (known: \${workspaceFolder}, \${userHome}, \${env:NAME})`);
  });
  if (expanded === "~" || expanded.startsWith("~/") || expanded.startsWith("~\\")) {
    expanded = context.homeDir + expanded.slice(1);
  }
  return expanded;
}

/** The `lagrangian` console script inside `<folder>/.venv`, per platform. */
export function venvScript(folder: string, platform: NodeJS.Platform): string {
  const join = platform === "win32" ? path.win32.join : path.posix.join;
  return platform === "win32"
    ? join(folder, ".venv", "Scripts", "lagrangian.exe")
    : join(folder, ".venv", "bin", "lagrangian");
}

/**
 * Picks the server process; throws an `Error` with a readable message on bad settings, and
 * on a command inside an untrusted workspace.
 */
export function resolveServerCommand(
  settings: ServerProcessSettings,
  context: ResolutionContext,
): ServerCommand {
  const resolved = fromSettings(settings, context);
  if (resolved !== undefined && !context.trusted && insideWorkspace(resolved.command, context)) {
    throw new Error(
      `The workspace is not trusted, so the Lagrangian language server does not run \`${resolved.command}\` ` +
        `from it (from ${resolved.source}). Trust the workspace, or point the setting outside the folder.`,
    );
  }
  return resolved ?? fromSurroundings(context);
}

function fromSettings(settings: ServerProcessSettings, context: ResolutionContext): ServerCommand | undefined {
  const argv = settings.command.filter((part) => part.trim() !== "");
  if (argv.length > 0) {
    const [command, ...args] = argv.map((part) => expandVariables(part, context));
    return { command, args, source: "server.command" };
  }
  const python = settings.pythonPath.trim();
  if (python !== "") {
    return {
      command: expandVariables(python, context),
      args: [...PYTHON_MODULE_ARGS],
      source: "server.pythonPath",
    };
  }
  return undefined;
}

function fromSurroundings(context: ResolutionContext): ServerCommand {
  if (context.workspaceFolder !== undefined && context.trusted) {
    const script = venvScript(context.workspaceFolder, context.platform);
    if (context.fileExists(script)) {
      return { command: script, args: [...LSP_ARGS], source: "workspace venv" };
    }
  }
  return { command: "lagrangian", args: [...LSP_ARGS], source: "PATH" };
}

function insideWorkspace(file: string, context: ResolutionContext): boolean {
  if (context.workspaceFolder === undefined) {
    return false;
  }
  const lib = context.platform === "win32" ? path.win32 : path.posix;
  const relative = lib.relative(context.workspaceFolder, lib.resolve(context.workspaceFolder, file));
  return /[\\/]/.test(file) && !relative.startsWith("..") && !lib.isAbsolute(relative);
}

/**
 * Where the server process starts: the workspace folder when it is trusted (relative paths
 * in its messages then read naturally), the home directory otherwise.
 */
export function serverWorkingDirectory(context: ResolutionContext): string | undefined {
  return context.trusted ? context.workspaceFolder : context.homeDir;
}

/** The command as a user would type it in a shell, for messages and the output channel. */
export function formatCommandLine(command: ServerCommand): string {
  const quote = (part: string): string => (/^[\w@%+=:,./-]+$/.test(part) ? part : JSON.stringify(part));
  return [command.command, ...command.args].map(quote).join(" ");
}

const FIX =
  "Set `lagrangian.server.pythonPath` to the Python interpreter that has the `lagrangian` " +
  "package installed, or `lagrangian.server.command` to the full server command.";

function notFoundMessage(command: ServerCommand): string {
  return `Could not start the Lagrangian language server: \`${command.command}\` was not found (from ${command.source}). ${FIX}`;
}

/**
 * Where the executable would be found: the path itself when it names a directory, else
 * the first match on `PATH` (with `PATHEXT` on Windows).  Checking before spawning lets
 * the extension say precisely what is missing, instead of the language client's generic
 * "Launching server … failed".
 */
export function locateExecutable(command: ServerCommand, context: ResolutionContext): string | undefined {
  const lib = context.platform === "win32" ? path.win32 : path.posix;
  const extensions =
    context.platform === "win32" ? ["", ...(context.env.PATHEXT ?? ".COM;.EXE;.BAT;.CMD").split(";")] : [""];
  const candidates = /[\\/]/.test(command.command)
    ? extensions.map((ext) => command.command + ext)
    : (context.env.PATH ?? context.env.Path ?? "")
        .split(lib.delimiter)
        .filter((dir) => dir !== "")
        .flatMap((dir) => extensions.map((ext) => lib.join(dir, command.command + ext)));
  return candidates.find((candidate) => context.fileExists(candidate));
}

/** Throws the user-facing "not found" error when the executable does not exist. */
export function assertExecutableExists(command: ServerCommand, context: ResolutionContext): void {
  if (locateExecutable(command, context) === undefined) {
    throw new Error(notFoundMessage(command));
  }
}

/**
 * A one-paragraph explanation of why the server did not start, naming the setting to
 * change; a missing executable gets the same wording as `assertExecutableExists`.
 */
export function describeStartFailure(command: ServerCommand, error: unknown): string {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  const reason = error instanceof Error ? error.message : String(error);
  // vscode-languageclient rejects a failed spawn with a plain string ending in "spawn X ENOENT".
  if (code === "ENOENT" || /\bENOENT\b/.test(reason)) {
    return notFoundMessage(command);
  }
  return `The Lagrangian language server (\`${formatCommandLine(command)}\`, from ${command.source}) failed to start: ${reason}. ${FIX}`;
}
