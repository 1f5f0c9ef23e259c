/**
 * The server's commands as the command palette offers them.
 *
 * vscode-languageclient registers every command the server lists in
 * `executeCommandProvider`, but a command run from the palette arrives with no
 * arguments, and the server needs to know which document to act on.  The middleware
 * therefore adds `{uri}` of the active editor when, and only when, the caller gave no
 * arguments; code actions and other callers that pass their own arguments are untouched.
 */

/** Commands the server implements; contributed to the palette by package.json. */
export const SERVER_COMMANDS = [
  "lagrangian.generateLagrangian",
  "lagrangian.completeLagrangian",
  "lagrangian.checkDocument",
  "lagrangian.fitEquation",
] as const;

/** Commands the extension implements itself. */
export const CLIENT_COMMANDS = {
  restartServer: "lagrangian.restartServer",
  showOutput: "lagrangian.showOutput",
  serverActions: "lagrangian.serverActions",
} as const;

/** Context key set while the server is ready, used in package.json `when` clauses. */
export const SERVER_READY_CONTEXT = "lagrangian.serverReady";

/** The document argument the server's commands accept. */
export interface DocumentArgument {
  uri: string;
}

/**
 * The arguments to send for `command`: the caller's own, or the active document when a
 * server command was run without any (from the palette or a key binding).
 */
export function commandArguments(command: string, args: readonly unknown[], activeUri: string | undefined): unknown[] {
  const isServerCommand = (SERVER_COMMANDS as readonly string[]).includes(command);
  if (!isServerCommand || args.length > 0 || activeUri === undefined) {
    return [...args];
  }
  const argument: DocumentArgument = { uri: activeUri };
  return [argument];
}
