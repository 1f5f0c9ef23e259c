/**
 * Tokenizes real `.lag` and LaTeX text with VS Code's own TextMate engine
 * (vscode-textmate + the Oniguruma regex library), so a broken regular expression or a
 * wrong scope fails here rather than as grey text in somebody's editor.
 */

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as oniguruma from "vscode-oniguruma";
import * as textmate from "vscode-textmate";

const root = path.resolve(__dirname, "..", "..");
const grammarFiles: Record<string, string> = {
  "source.lagrangian": "syntaxes/lagrangian.tmLanguage.json",
  "lagrangian.latex-directive.injection": "syntaxes/latex-directive.tmLanguage.json",
};

/**
 * A stand-in for VS Code's LaTeX grammar: only its comment rule, which (like the real one)
 * is a begin/end rule, so injections can match inside it.
 */
const miniLatex = {
  scopeName: "text.tex.latex",
  patterns: [{ begin: "%:?", end: "$", name: "comment.line.percentage.tex" }],
};

let registry: textmate.Registry;

before(async () => {
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(new Uint8Array(wasm));
  registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName: string) => {
      if (scopeName === miniLatex.scopeName) {
        return textmate.parseRawGrammar(JSON.stringify(miniLatex), "latex.json");
      }
      const file = grammarFiles[scopeName];
      return file ? textmate.parseRawGrammar(fs.readFileSync(path.join(root, file), "utf8"), file) : null;
    },
    getInjections: (scopeName: string) =>
      scopeName === miniLatex.scopeName ? ["lagrangian.latex-directive.injection"] : undefined,
  });
});

/** Every token of `text` as [text, innermost scope]. */
async function tokenize(scopeName: string, text: string): Promise<[string, string][]> {
  const grammar = await registry.loadGrammar(scopeName);
  assert.ok(grammar, scopeName);
  const result: [string, string][] = [];
  let state = textmate.INITIAL;
  for (const line of text.split("\n")) {
    const tokens = grammar.tokenizeLine(line, state);
    for (const token of tokens.tokens) {
      const piece = line.slice(token.startIndex, token.endIndex);
      if (piece.trim() !== "") {
        result.push([piece, token.scopes[token.scopes.length - 1]]);
      }
    }
    state = tokens.ruleStack;
  }
  return result;
}

function scopeOf(tokens: [string, string][], text: string): string {
  const found = tokens.find(([piece]) => piece === text);
  assert.ok(found, `no token ${JSON.stringify(text)} in ${JSON.stringify(tokens)}`);
  return found[1];
}

describe("TextMate grammar", () => {
  it("highlights declarations, quantum numbers and comments", async () => {
    const tokens = await tokenize(
      "source.lagrangian",
      "gauge SU3 x SU2[W] x U1 # default\nfermion L (1, 2, -1/2) left\nscalar Delta (3bar, 3, 40) real",
    );
    assert.strictEqual(scopeOf(tokens, "gauge"), "keyword.other.gauge.lagrangian");
    assert.strictEqual(scopeOf(tokens, "SU3"), "support.type.gauge-group.lagrangian");
    assert.strictEqual(scopeOf(tokens, "W"), "entity.name.type.field-strength.lagrangian");
    assert.strictEqual(scopeOf(tokens, "# default"), "comment.line.number-sign.lagrangian");
    assert.strictEqual(scopeOf(tokens, "fermion"), "keyword.other.declaration.lagrangian");
    assert.strictEqual(scopeOf(tokens, "L"), "entity.name.variable.field.lagrangian");
    assert.strictEqual(scopeOf(tokens, "-1/2"), "constant.numeric.charge.lagrangian");
    assert.strictEqual(scopeOf(tokens, "3bar"), "constant.numeric.representation.lagrangian");
    assert.strictEqual(scopeOf(tokens, "40"), "constant.numeric.representation.lagrangian");
    assert.strictEqual(scopeOf(tokens, "left"), "storage.modifier.lagrangian");
    assert.strictEqual(scopeOf(tokens, "real"), "storage.modifier.lagrangian");
  });

  it("highlights the parts of Lagrangian terms", async () => {
    const tokens = await tokenize(
      "source.lagrangian",
      "L = (D_mu H)^dagger (D^mu H) - lambda (H^dagger H)^2\n  + i L^dagger sigmabar^mu D_mu L + y L L Delta + h.c.",
    );
    assert.strictEqual(tokens[0][1], "variable.language.lagrangian.lagrangian");
    assert.strictEqual(scopeOf(tokens, "D"), "support.function.derivative.lagrangian");
    assert.strictEqual(scopeOf(tokens, "mu"), "variable.parameter.index.lagrangian");
    assert.strictEqual(scopeOf(tokens, "dagger"), "keyword.operator.conjugate.lagrangian");
    assert.strictEqual(scopeOf(tokens, "2"), "constant.numeric.power.lagrangian");
    assert.strictEqual(scopeOf(tokens, "sigmabar"), "support.constant.sigma.lagrangian");
    assert.strictEqual(scopeOf(tokens, "i"), "constant.language.imaginary-unit.lagrangian");
    assert.strictEqual(scopeOf(tokens, "h.c."), "constant.language.hermitian-conjugate.lagrangian");
    assert.strictEqual(scopeOf(tokens, "lambda"), "variable.other.lagrangian");
  });

  it("does not take a field named D for a derivative", async () => {
    const tokens = await tokenize("source.lagrangian", "L = m2 D^dagger D");
    assert.deepStrictEqual(
      tokens.filter(([piece]) => piece === "D").map(([, scope]) => scope),
      ["variable.other.lagrangian", "variable.other.lagrangian"],
    );
  });

  it("highlights fit blocks for LLM-SR", async () => {
    const tokens = await tokenize("source.lagrangian", 'fit A0 {\n  data = "dy.csv"; inputs = pT\n}');
    assert.strictEqual(scopeOf(tokens, "fit"), "keyword.other.fit.lagrangian");
    assert.strictEqual(scopeOf(tokens, "A0"), "entity.name.function.fit.lagrangian");
    assert.strictEqual(scopeOf(tokens, "data"), "variable.other.property.lagrangian");
    assert.strictEqual(scopeOf(tokens, "dy.csv"), "string.quoted.double.lagrangian");
  });

  it("highlights `% lagrangian:` declarations inside LaTeX comments", async () => {
    const tokens = await tokenize(
      "text.tex.latex",
      "% lagrangian: scalar H (1,2,1/2); fermion Q (3,2,1/6) left\n% an ordinary comment",
    );
    assert.strictEqual(scopeOf(tokens, "lagrangian"), "keyword.other.directive.lagrangian");
    assert.strictEqual(scopeOf(tokens, "H"), "entity.name.variable.field.lagrangian");
    assert.strictEqual(scopeOf(tokens, "Q"), "entity.name.variable.field.lagrangian");
    assert.strictEqual(scopeOf(tokens, "1/6"), "constant.numeric.charge.lagrangian");
    assert.strictEqual(scopeOf(tokens, " an ordinary comment"), "comment.line.percentage.tex");
  });
});
