import * as assert from "assert";
import { Attachment, DIRECTIVE, StartGate, requestGuards, servesDocument, type DocumentLike } from "../src/attachment";

function doc(name: string, languageId: string, text: string): DocumentLike & { text: string } {
  const document = { uri: { toString: () => `file:///work/${name}` }, languageId, text, getText: () => document.text };
  return document;
}

const paper = () => doc("paper.tex", "latex", "\\section{Higgs}\n$\\mathcal{L} = |D H|^2$\n");
const declared = () => doc("model.tex", "latex", "% lagrangian: scalar H (1,2,1/2)\n\\begin{equation}\\end{equation}\n");

describe("which documents the server sees", () => {
  it("serves .lag files, and LaTeX only with a directive the server would read", () => {
    assert.ok(servesDocument(doc("sm.lag", "lagrangian", ""), false));
    assert.ok(servesDocument(declared(), true));
    assert.ok(servesDocument(doc("t.tex", "tex", "  %% lagrangian : fermion L (1,2,-1/2) left"), true));
    assert.ok(!servesDocument(declared(), false), "lagrangian.latex.enabled off");
    assert.ok(!servesDocument(paper(), true));
    assert.ok(!servesDocument(doc("t.tex", "latex", "see the lagrangian: below"), true));
    assert.ok(!servesDocument(doc("notes.md", "markdown", "% lagrangian: scalar H (1,2,1/2)"), true));
    assert.ok(DIRECTIVE.test("x\n% lagrangian: scalar S (1,1,0) real"));
  });

  it("opens a LaTeX document on the server once it gains the directive, and only then", () => {
    const attachment = new Attachment(true);
    const tex = paper();
    assert.strictEqual(attachment.didOpen(tex), "drop");
    assert.strictEqual(attachment.didChange(tex), "drop");
    tex.text = "% lagrangian: scalar H (1,2,1/2)\n" + tex.text;
    assert.strictEqual(attachment.didChange(tex), "open");
    assert.strictEqual(attachment.didChange(tex), "forward");
    assert.strictEqual(attachment.didClose(tex), "forward");
    assert.strictEqual(attachment.didClose(paper()), "drop");
  });

  it("answers requests about documents the server has not seen with nothing", async () => {
    const attachment = new Attachment(true);
    const lag = doc("sm.lag", "lagrangian", "scalar H (1,2,1/2)");
    attachment.didOpen(lag);
    const guards = requestGuards(attachment);
    const seen: unknown[][] = [];
    const next = (...args: unknown[]) => {
      seen.push(args);
      return ["item"];
    };
    assert.deepStrictEqual(await guards.provideCompletionItem(lag, "position", "context", "token", next), ["item"]);
    assert.deepStrictEqual(seen, [[lag, "position", "context", "token"]]);
    assert.strictEqual(await guards.provideHover(paper(), "position", "token", next), undefined);
    assert.strictEqual(seen.length, 1);
  });
});

describe("starting the server", () => {
  it("starts once, for the first document it serves, not for a LaTeX file without the directive", () => {
    let starts = 0;
    const gate = new StartGate(() => starts++, () => true);
    gate.offer(paper());
    assert.strictEqual(starts, 0);
    assert.ok(!gate.wanted);
    gate.offer(declared());
    gate.offer(doc("sm.lag", "lagrangian", ""));
    assert.strictEqual(starts, 1);
    assert.ok(gate.wanted);
  });
});
