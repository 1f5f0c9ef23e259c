/**
 * `workspace/applyEdit` for the one document the playground has open.
 *
 * A `WorkspaceEdit` may come in either of its two LSP shapes (`changes` keyed by URI, or
 * `documentChanges` with versioned document edits); both are reduced to the plain text
 * edits for our URI, then to CodeMirror changes.  All edits of one request refer to the
 * document as it was before any of them, which is also how CodeMirror reads a list of
 * changes, so no re-basing is needed between them.
 */

import type * as lsp from "vscode-languageserver-protocol";

export interface Change {
  from: number;
  to: number;
  insert: string;
}

/** The text edits of `edit` that target `uri`, in the order given. */
export function editsForUri(edit: lsp.WorkspaceEdit, uri: string): lsp.TextEdit[] {
  const edits: lsp.TextEdit[] = [];
  for (const change of edit.documentChanges ?? []) {
    // Resource operations (create/rename/delete a file) carry a `kind`; a page has no files.
    if (!("kind" in change) && change.textDocument.uri === uri) {
      edits.push(...(change.edits as lsp.TextEdit[]));
    }
  }
  if (edit.documentChanges === undefined) {
    edits.push(...(edit.changes?.[uri] ?? []));
  }
  return edits;
}

/** Whether `edit` touches any document other than `uri` (the page cannot apply those). */
export function touchesOtherDocuments(edit: lsp.WorkspaceEdit, uri: string): boolean {
  const uris = edit.documentChanges
    ? edit.documentChanges.map((change) => ("kind" in change ? "" : change.textDocument.uri))
    : Object.keys(edit.changes ?? {});
  return uris.some((other) => other !== uri);
}

/** CodeMirror changes for `edits`, with `offsetOf` turning an LSP position into an offset. */
export function toChanges(edits: readonly lsp.TextEdit[], offsetOf: (position: lsp.Position) => number): Change[] {
  return edits.map((edit) => ({
    from: offsetOf(edit.range.start),
    to: offsetOf(edit.range.end),
    insert: edit.newText,
  }));
}
