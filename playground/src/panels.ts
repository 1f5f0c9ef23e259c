/**
 * Drawing the side panels: the field table, the rendered Lagrangians and the
 * diagnostics list.  Only DOM work lives here; what to show is decided by the pure
 * modules (`fields`, `diagnostics`, `generate`).
 */

import katex from "katex";
import { summarize, type DiagnosticRow } from "./diagnostics";
import type { FieldRow } from "./fields";
import type { GeneratedLagrangian } from "./generate";

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

export function showFields(table: HTMLTableElement, rows: readonly FieldRow[]): void {
  const body = element("tbody");
  for (const row of rows) {
    const tr = element("tr");
    tr.append(element("td", "field-name", row.name), element("td", "field-detail", row.detail));
    body.append(tr);
  }
  if (rows.length === 0) {
    const tr = element("tr");
    const td = element("td", "empty", "No fields declared yet, e.g. scalar H (1, 2, 1/2)");
    td.colSpan = 2;
    tr.append(td);
    body.append(tr);
  }
  table.tBodies[0]?.remove();
  table.append(body);
}

/**
 * Renders a Lagrangian in KaTeX's inline style, which (unlike display style) breaks long
 * sums at `+` and `−` to fit the panel's width.
 */
export function showLagrangian(container: HTMLElement, caption: HTMLElement, result: GeneratedLagrangian): void {
  caption.textContent = `${result.termCount} term${result.termCount === 1 ? "" : "s"}`;
  if (result.latex.trim() === "") {
    container.replaceChildren(element("p", "empty", "No terms yet."));
    return;
  }
  const math = element("div", "math");
  katex.render(result.latex, math, { displayMode: false, throwOnError: false, strict: "ignore", trust: false });
  container.replaceChildren(math);
}

export function showPanelError(container: HTMLElement, caption: HTMLElement, message: string): void {
  caption.textContent = "";
  container.replaceChildren(element("p", "panel-error", message));
}

export function showDiagnostics(
  list: HTMLElement,
  heading: HTMLElement,
  rows: readonly DiagnosticRow[],
  select: (row: DiagnosticRow) => void,
): void {
  heading.textContent = summarize(rows);
  list.replaceChildren(
    ...rows.map((row) => {
      const item = element("li", `diagnostic ${row.severity}`);
      const button = element("button", "diagnostic-jump");
      button.type = "button";
      button.title = "Show in the editor";
      button.append(
        element("span", "where", `${row.line}:${row.column}`),
        element("span", "severity", row.severity),
        ...(row.code ? [element("code", "code", row.code)] : []),
        element("span", "message", row.message),
      );
      button.addEventListener("click", () => select(row));
      item.append(button);
      return item;
    }),
  );
}
