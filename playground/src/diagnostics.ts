/**
 * The diagnostics list beside the editor: one row per published diagnostic, in document
 * order, with 1-based line and column as a person reads them (LSP positions are 0-based)
 * and the diagnostic code (`hypercharge`, `gauge-noninvariant`, …) shown as a tag.
 */

import type * as lsp from "vscode-languageserver-protocol";

export type Severity = "error" | "warning" | "info" | "hint";

export interface DiagnosticRow {
  severity: Severity;
  line: number;
  column: number;
  code: string;
  message: string;
  range: lsp.Range;
}

const SEVERITIES: Record<number, Severity> = { 1: "error", 2: "warning", 3: "info", 4: "hint" };

export function diagnosticRows(diagnostics: readonly lsp.Diagnostic[]): DiagnosticRow[] {
  return diagnostics
    .map((diagnostic) => ({
      severity: SEVERITIES[diagnostic.severity ?? 1] ?? "error",
      line: diagnostic.range.start.line + 1,
      column: diagnostic.range.start.character + 1,
      code: diagnostic.code === undefined ? "" : String(diagnostic.code),
      // LSP 3.18 allows Markdown messages; the list shows their text.
      message: typeof diagnostic.message === "string" ? diagnostic.message : diagnostic.message.value,
      range: diagnostic.range,
    }))
    .sort((a, b) => a.line - b.line || a.column - b.column);
}

/** "2 errors, 1 warning" — or "No problems" — for the panel heading. */
export function summarize(rows: readonly DiagnosticRow[]): string {
  if (rows.length === 0) {
    return "No problems";
  }
  const counts = new Map<Severity, number>();
  for (const row of rows) {
    counts.set(row.severity, (counts.get(row.severity) ?? 0) + 1);
  }
  const order: Severity[] = ["error", "warning", "info", "hint"];
  return order
    .filter((severity) => counts.has(severity))
    .map((severity) => {
      const count = counts.get(severity)!;
      return `${count} ${severity}${count === 1 ? "" : "s"}`;
    })
    .join(", ");
}
