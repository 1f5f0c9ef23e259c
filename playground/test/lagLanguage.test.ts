import * as assert from "assert";
import { StringStream } from "@codemirror/language";
import { lagStreamParser, type LagState } from "../src/lagLanguage";

/** Runs the stream parser over `text` and returns [token text, style] pairs. */
function tokens(text: string): [string, string][] {
  const state: LagState = lagStreamParser.startState!(2);
  const result: [string, string][] = [];
  for (const line of text.split("\n")) {
    const stream = new StringStream(line, 2, 2);
    while (!stream.eol()) {
      const style = lagStreamParser.token(stream, state);
      const piece = stream.current();
      if (piece === "") {
        throw new Error(`no progress at ${stream.pos} in ${JSON.stringify(line)}`);
      }
      if (style) {
        result.push([piece, style]);
      }
      stream.start = stream.pos;
    }
  }
  return result;
}

const styleOf = (list: [string, string][], text: string) => list.find(([piece]) => piece === text)?.[1];

describe("lag stream parser", () => {
  it("colours declarations", () => {
    const list = tokens("gauge SU3 x SU2 x U1\nfermion L (1, 2, -1/2) left  # lepton doublet\n  scalar S (1,1,0) real");
    assert.strictEqual(styleOf(list, "gauge"), "keyword");
    assert.strictEqual(styleOf(list, "SU3"), "typeName");
    assert.strictEqual(styleOf(list, "fermion"), "keyword");
    assert.strictEqual(styleOf(list, "L"), "variableName.definition");
    assert.strictEqual(styleOf(list, "-1/2"), "number");
    assert.strictEqual(styleOf(list, "left"), "modifier");
    assert.strictEqual(styleOf(list, "# lepton doublet"), "comment");
    assert.strictEqual(styleOf(list, "S"), "variableName.definition");
    assert.strictEqual(styleOf(list, "real"), "modifier");
  });

  it("colours terms", () => {
    const list = tokens("L = (D_mu H)^dagger (D^mu H) - lambda (H^dagger H)^2\n  + i L^dagger sigmabar^mu D_mu L + h.c.");
    assert.strictEqual(styleOf(list, "D"), "variableName.function");
    assert.strictEqual(styleOf(list, "_mu"), "variableName.special");
    assert.strictEqual(styleOf(list, "^dagger"), "atom");
    assert.strictEqual(styleOf(list, "lambda"), "variableName");
    assert.strictEqual(styleOf(list, "i"), "atom");
    assert.strictEqual(styleOf(list, "sigmabar"), "variableName.standard");
    assert.strictEqual(styleOf(list, "h.c."), "atom");
    assert.strictEqual(styleOf(list, "-"), "operator");
  });

  it("does not read `scalar` inside a term as a declaration, nor a field D as a derivative", () => {
    const list = tokens("L = m2 D^dagger D + x scalar");
    assert.strictEqual(styleOf(list, "scalar"), "variableName");
    assert.deepStrictEqual(
      list.filter(([piece]) => piece === "D").map(([, style]) => style),
      ["variableName", "variableName"],
    );
  });

  it("keeps track of fit blocks across lines", () => {
    const list = tokens('fit A0 {\n  data = "dy.csv"; inputs = pT\n}\nscalar H (1, 2, 1/2)');
    assert.strictEqual(styleOf(list, "fit"), "keyword");
    assert.strictEqual(styleOf(list, "A0"), "variableName.definition");
    assert.strictEqual(styleOf(list, "data"), "propertyName");
    assert.strictEqual(styleOf(list, '"dy.csv"'), "string");
    assert.strictEqual(styleOf(list, "H"), "variableName.definition", "declarations resume after the block");
  });
});
