/**
 * Which open documents the server is told about, decided by their text.
 *
 * `.lag` documents always.  A LaTeX document only while it holds a `% lagrangian:`
 * directive (the server's own test, `server/lsp/documents.py`): VS Code activates the extension
 * on every LaTeX file (`activationEvents` cannot look at content), but a paper without the
 * directive must cost nothing, so the server is neither started for it nor sent it, and
 * no request about it reaches the server.  A LaTeX document that gains the directive while
 * open is opened on the server then.  Kept free of the `vscode` module, for the tests.
 */

import { LAG_LANGUAGE, LATEX_LANGUAGES } from "./documents";

/** A `% lagrangian:` directive line, exactly as the server recognises one. */
export const DIRECTIVE = /^[ \t]*%+[ \t]*lagrangian[ \t]*:/m;

/** The part of `vscode.TextDocument` used here. */
export interface DocumentLike {
  readonly uri: { toString(): string };
  readonly languageId: string;
  getText(): string;
}

/** Whether the server should see `document` at all. */
export function servesDocument(document: DocumentLike, latexEnabled: boolean): boolean {
  if (document.languageId === LAG_LANGUAGE) {
    return true;
  }
  const latex = (LATEX_LANGUAGES as readonly string[]).includes(document.languageId);
  return latex && latexEnabled && DIRECTIVE.test(document.getText());
}

/** What to do with a document notification: pass it on, send an open instead, or drop it. */
export type Forward = "forward" | "open" | "drop";

/**
 * The documents opened on the server, kept in step with the editor's notifications.
 * vscode-languageclient sends every notification for documents its selector matches; its
 * middleware asks this object which of them the server may see.
 */
export class Attachment {
  private readonly opened = new Set<string>();

  constructor(private readonly latexEnabled: boolean) {}

  isOpen(document: DocumentLike): boolean {
    return this.opened.has(document.uri.toString());
  }

  didOpen(document: DocumentLike): Forward {
    if (!servesDocument(document, this.latexEnabled)) {
      return "drop";
    }
    this.opened.add(document.uri.toString());
    return "forward";
  }

  /** A change to a document the server has not seen opens it once it qualifies. */
  didChange(document: DocumentLike): Forward {
    if (this.isOpen(document)) {
      return "forward";
    }
    return this.didOpen(document) === "forward" ? "open" : "drop";
  }

  didClose(document: DocumentLike): Forward {
    return this.opened.delete(document.uri.toString()) ? "forward" : "drop";
  }
}

/**
 * Middleware hooks of vscode-languageclient whose first argument is the document and whose
 * last is `next`: each is answered with nothing for a document the server has not seen.
 */
export const DOCUMENT_REQUESTS = [
  "provideCompletionItem",
  "provideHover",
  "provideCodeActions",
  "provideCodeLenses",
  "provideDocumentSymbols",
  "provideDocumentSemanticTokens",
  "provideDocumentRangeSemanticTokens",
  "provideInlayHints",
  "provideDocumentLinks",
  "provideFoldingRanges",
  "provideDefinition",
  "provideReferences",
  "provideDocumentHighlights",
  "provideSignatureHelp",
  "provideRenameEdits",
  "prepareRename",
  "provideDocumentFormattingEdits",
  "provideDocumentRangeFormattingEdits",
  "provideOnTypeFormattingEdits",
] as const;

type Next = (...args: unknown[]) => unknown;
type Hook = (document: DocumentLike, ...rest: unknown[]) => unknown;

/** The request hooks: forward for open documents, answer `undefined` (no result) otherwise. */
export function requestGuards(attachment: Attachment): Record<(typeof DOCUMENT_REQUESTS)[number], Hook> {
  const guard: Hook = (document, ...rest) => {
    const next = rest[rest.length - 1] as Next;
    return attachment.isOpen(document) ? next(document, ...rest.slice(0, -1)) : undefined;
  };
  return Object.fromEntries(DOCUMENT_REQUESTS.map((name) => [name, guard])) as Record<
    (typeof DOCUMENT_REQUESTS)[number],
    Hook
  >;
}

/**
 * Starts the server once, for the first document it serves: the extension activates on any
 * LaTeX file, but a LaTeX file without the directive must not spawn a process.  Documents
 * are offered as they are open at activation, opened later, or changed (a directive typed
 * into an open file).
 */
export class StartGate {
  private started = false;

  constructor(
    private readonly start: () => void,
    private readonly latexEnabled: () => boolean,
  ) {}

  offer(document: DocumentLike): void {
    if (!this.started && servesDocument(document, this.latexEnabled())) {
      this.started = true;
      this.start();
    }
  }

  /** Whether the server was wanted yet (a trust grant restarts only a wanted server). */
  get wanted(): boolean {
    return this.started;
  }
}
