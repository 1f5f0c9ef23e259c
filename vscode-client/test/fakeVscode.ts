/**
 * A stand-in for the `vscode` module, recording what the code under test did.
 *
 * The real module exists only inside the editor's extension host, so unit tests load this
 * one instead (see `vscodeStub.ts`).  The parts the extension's own code uses are real
 * little implementations that record calls (status bar items, commands, messages,
 * settings); `vscodeStub.ts` fills every other name of the API with an inert stand-in so
 * that vscode-languageclient can run its handshake against a real server process.
 */

export const version = "1.95.0";

export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export class FakeStatusBarItem {
  text = "";
  tooltip: string | undefined;
  name: string | undefined;
  command: string | undefined;
  backgroundColor: ThemeColor | undefined;
  visible = false;
  disposed = false;

  constructor(
    readonly id: string,
    readonly alignment: StatusBarAlignment,
    readonly priority: number,
  ) {}

  show(): void {
    this.visible = true;
  }

  hide(): void {
    this.visible = false;
  }

  dispose(): void {
    this.disposed = true;
  }
}

const disposable = { dispose: () => undefined };

/** Everything the fake saw; `reset()` clears it between tests. */
export const recorded = {
  statusBarItems: [] as FakeStatusBarItem[],
  errors: [] as string[],
  warnings: [] as string[],
  output: [] as string[],
  executed: [] as unknown[][],
  commands: new Map<string, (...args: unknown[]) => unknown>(),
};

/** Settings under `lagrangian`, as `getConfiguration("lagrangian").get(key)` returns them. */
export const settings = new Map<string, unknown>();

export function reset(): void {
  recorded.statusBarItems.length = 0;
  recorded.errors.length = 0;
  recorded.warnings.length = 0;
  recorded.output.length = 0;
  recorded.executed.length = 0;
  recorded.commands.clear();
  settings.clear();
  window.activeTextEditor = undefined;
  workspace.textDocuments.length = 0;
  workspace.isTrusted = true;
}

export const window = {
  activeTextEditor: undefined as { document: { uri: { toString(): string } } } | undefined,
  visibleTextEditors: [],
  createStatusBarItem(id: string, alignment: StatusBarAlignment, priority: number): FakeStatusBarItem {
    const item = new FakeStatusBarItem(id, alignment, priority);
    recorded.statusBarItems.push(item);
    return item;
  },
  createOutputChannel(name: string) {
    return {
      name,
      append: (text: string) => recorded.output.push(text),
      appendLine: (text: string) => recorded.output.push(`${text}\n`),
      show: () => undefined,
      clear: () => undefined,
      hide: () => undefined,
      replace: () => undefined,
      dispose: () => undefined,
    };
  },
  showErrorMessage: async (message: string) => {
    recorded.errors.push(message);
    return undefined;
  },
  showWarningMessage: async (message: string) => {
    recorded.warnings.push(message);
    return undefined;
  },
  showInformationMessage: async () => undefined,
};

export const workspace = {
  workspaceFolders: undefined,
  isTrusted: true,
  /** The documents open at activation (tests add theirs; `reset()` empties it). */
  textDocuments: [] as { uri: { toString(): string }; languageId: string; version: number; getText(): string }[],
  getConfiguration: (section?: string) => ({
    get: <T>(key: string, fallback?: T) => {
      const full = section === undefined ? key : `${section}.${key}`;
      const local = full.startsWith("lagrangian.") ? full.slice("lagrangian.".length) : undefined;
      return (local !== undefined && settings.has(local) ? settings.get(local) : fallback) as T;
    },
    has: () => false,
    inspect: () => undefined,
    update: async () => undefined,
  }),
  onDidChangeConfiguration: () => disposable,
};

/** Document selectors by language only, as the extension writes them (`documents.ts`). */
export const languages = {
  match(selector: { language?: string }[], document: { languageId: string }): number {
    return selector.some((filter) => filter.language === document.languageId) ? 10 : 0;
  },
};

export const commands = {
  registerCommand(id: string, handler: (...args: unknown[]) => unknown) {
    if (recorded.commands.has(id)) {
      throw new Error(`command '${id}' already exists`);
    }
    recorded.commands.set(id, handler);
    return { dispose: () => recorded.commands.delete(id) };
  },
  executeCommand: async (...args: unknown[]) => {
    recorded.executed.push(args);
    const handler = recorded.commands.get(args[0] as string);
    return handler?.(...args.slice(1));
  },
};
