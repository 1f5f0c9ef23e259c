import * as assert from "assert";
import type * as lsp from "vscode-languageserver-protocol";
import { editsForUri, toChanges, touchesOtherDocuments } from "../src/edits";

const uri = "file:///playground/playground.lag";
const range = (line: number, start: number, end: number): lsp.Range => ({
  start: { line, character: start },
  end: { line, character: end },
});

describe("workspace edits", () => {
  it("reads the `changes` shape", () => {
    const edit: lsp.WorkspaceEdit = {
      changes: { [uri]: [{ range: range(2, 0, 0), newText: "  + mu H H\n" }], "file:///other.lag": [] },
    };
    assert.deepStrictEqual(editsForUri(edit, uri), [{ range: range(2, 0, 0), newText: "  + mu H H\n" }]);
    assert.strictEqual(touchesOtherDocuments(edit, uri), true);
  });

  it("reads the `documentChanges` shape and skips file operations", () => {
    const edit: lsp.WorkspaceEdit = {
      documentChanges: [
        { textDocument: { uri, version: 4 }, edits: [{ range: range(0, 0, 3), newText: "L" }] },
        { kind: "create", uri: "file:///new.lag" },
      ],
    };
    assert.deepStrictEqual(editsForUri(edit, uri), [{ range: range(0, 0, 3), newText: "L" }]);
    assert.strictEqual(touchesOtherDocuments(edit, uri), true);
    assert.strictEqual(touchesOtherDocuments({ documentChanges: [edit.documentChanges![0]] }, uri), false);
  });

  it("maps every edit against the original text, keeping their order", () => {
    const lineStarts = [0, 10, 25];
    const offsetOf = (position: lsp.Position) => lineStarts[position.line] + position.character;
    const changes = toChanges(
      [
        { range: range(1, 2, 4), newText: "X" },
        { range: range(2, 0, 0), newText: "a" },
        { range: range(2, 0, 0), newText: "b" },
      ],
      offsetOf,
    );
    assert.deepStrictEqual(changes, [
      { from: 12, to: 14, insert: "X" },
      { from: 25, to: 25, insert: "a" },
      { from: 25, to: 25, insert: "b" },
    ]);
  });
});
