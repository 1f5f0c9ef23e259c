/**
 * The field table, read from the server's document symbols.
 *
 * The server is the only parser of the document language; the page does not re-parse
 * declarations.  It asks `textDocument/documentSymbol` and keeps the symbols of kind
 * Field, whose `detail` carries the quantum numbers (e.g. `scalar (1, 2, 1/2)`).  The
 * answer may be flat (`SymbolInformation[]`) or a tree (`DocumentSymbol[]`, fields
 * possibly grouped under a "Fields" node), so the tree is walked in document order.
 */

import type * as lsp from "vscode-languageserver-protocol";

/** `SymbolKind.Field`: how the server marks a declared field. */
export const FIELD_KIND: lsp.SymbolKind = 8;

export interface FieldRow {
  name: string;
  detail: string;
  line: number;
}

type AnySymbol = lsp.DocumentSymbol | lsp.SymbolInformation;

function* walk(symbols: readonly AnySymbol[]): Generator<AnySymbol> {
  for (const symbol of symbols) {
    yield symbol;
    if ("children" in symbol && symbol.children) {
      yield* walk(symbol.children);
    }
  }
}

export function fieldRows(symbols: readonly AnySymbol[] | null | undefined): FieldRow[] {
  const rows: FieldRow[] = [];
  for (const symbol of walk(symbols ?? [])) {
    if (symbol.kind !== FIELD_KIND) {
      continue;
    }
    const range = "location" in symbol ? symbol.location.range : symbol.selectionRange;
    rows.push({ name: symbol.name, detail: ("detail" in symbol && symbol.detail) || "", line: range.start.line });
  }
  return rows.sort((a, b) => a.line - b.line);
}
