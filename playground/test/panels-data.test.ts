import * as assert from "assert";
import type * as lsp from "vscode-languageserver-protocol";
import { diagnosticRows, summarize } from "../src/diagnostics";
import { fieldRows } from "../src/fields";
import { generateParams, readGenerated } from "../src/generate";
import { ProgressTracker, describeTask } from "../src/progress";

const range = (line: number, character = 0): lsp.Range => ({ start: { line, character }, end: { line, character: character + 1 } });

describe("fieldRows", () => {
  it("keeps Field symbols from a tree, in document order", () => {
    const symbols: lsp.DocumentSymbol[] = [
      {
        name: "Lagrangian",
        kind: 12,
        range: range(6),
        selectionRange: range(6),
        children: [{ name: "lambda (H^dagger H)^2", kind: 13, range: range(7), selectionRange: range(7) }],
      },
      {
        name: "Fields",
        kind: 2,
        range: range(0),
        selectionRange: range(0),
        children: [
          { name: "L", detail: "fermion (1, 2, -1/2) left", kind: 8, range: range(4), selectionRange: range(4, 8) },
          { name: "H", detail: "scalar (1, 2, 1/2)", kind: 8, range: range(2), selectionRange: range(2, 8) },
        ],
      },
    ];
    assert.deepStrictEqual(fieldRows(symbols), [
      { name: "H", detail: "scalar (1, 2, 1/2)", line: 2 },
      { name: "L", detail: "fermion (1, 2, -1/2) left", line: 4 },
    ]);
  });

  it("reads flat SymbolInformation and tolerates no answer", () => {
    const flat: lsp.SymbolInformation[] = [{ name: "S", kind: 8, location: { uri: "file:///x.lag", range: range(1) } }];
    assert.deepStrictEqual(fieldRows(flat), [{ name: "S", detail: "", line: 1 }]);
    assert.deepStrictEqual(fieldRows(null), []);
  });
});

describe("diagnosticRows", () => {
  it("sorts by position and shows 1-based positions with codes", () => {
    const rows = diagnosticRows([
      { range: range(9, 4), severity: 2, code: "nonrenormalizable", message: "mass dimension 5" },
      { range: range(7, 2), severity: 1, code: "hypercharge", message: "hypercharges sum to 1/2" },
      { range: range(7, 0), message: "no severity means error" },
      { range: range(8), severity: 4, message: { kind: "markdown", value: "add `+ h.c.`" } },
    ]);
    assert.deepStrictEqual(
      rows.map((row) => [row.line, row.column, row.severity, row.code, row.message]),
      [
        [8, 1, "error", "", "no severity means error"],
        [8, 3, "error", "hypercharge", "hypercharges sum to 1/2"],
        [9, 1, "hint", "", "add `+ h.c.`"],
        [10, 5, "warning", "nonrenormalizable", "mass dimension 5"],
      ],
    );
    assert.strictEqual(summarize(rows), "2 errors, 1 warning, 1 hint");
    assert.strictEqual(summarize([]), "No problems");
  });
});

describe("generate command", () => {
  it("asks for LaTeX without inserting, for the document's terms or the complete set", () => {
    assert.deepStrictEqual(generateParams("file:///a.lag", false), {
      command: "lagrangian.generateLagrangian",
      arguments: [{ uri: "file:///a.lag", format: "latex", insert: false }],
    });
    assert.deepStrictEqual(generateParams("file:///a.lag", true).arguments[0], {
      uri: "file:///a.lag",
      format: "latex",
      insert: false,
      source: "document",
    });
  });

  it("checks the result before it is rendered", () => {
    assert.deepStrictEqual(readGenerated({ latex: "\\mathcal{L} = m^2 H^\\dagger H", text: "L = m2 H^dagger H", terms: [{}] }), {
      latex: "\\mathcal{L} = m^2 H^\\dagger H",
      text: "L = m2 H^dagger H",
      termCount: 1,
    });
    assert.throws(() => readGenerated(null), /returned null instead of a Lagrangian/);
    assert.throws(() => readGenerated({ text: "L = 0" }), /no LaTeX form/);
  });
});

describe("ProgressTracker", () => {
  it("follows begin, report and end, showing the newest running task", () => {
    const tracker = new ProgressTracker();
    tracker.update({ token: 1, value: { kind: "begin", title: "Loading model", percentage: 0 } });
    tracker.update({ token: "g", value: { kind: "begin", title: "Generating" } });
    assert.strictEqual(describeTask(tracker.current!), "Generating");
    tracker.update({ token: "g", value: { kind: "end" } });
    tracker.update({ token: 1, value: { kind: "report", message: "3/12 shards", percentage: 25.4 } });
    assert.strictEqual(describeTask(tracker.current!), "Loading model: 3/12 shards (25%)");
    tracker.update({ token: 1, value: { kind: "report", percentage: 50 } });
    assert.strictEqual(describeTask(tracker.current!), "Loading model: 3/12 shards (50%)");
    tracker.update({ token: 2, value: { kind: "report", message: "unknown token" } });
    tracker.update({ token: 1, value: "not progress" });
    tracker.clear();
    assert.strictEqual(tracker.current, undefined);
  });
});
