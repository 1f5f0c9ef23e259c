import * as assert from "assert";
import { commandArguments } from "../src/commands";

describe("commandArguments", () => {
  const uri = "file:///work/seesaw.lag";

  it("adds the active document to a server command run without arguments", () => {
    assert.deepStrictEqual(commandArguments("lagrangian.generateLagrangian", [], uri), [{ uri }]);
    assert.deepStrictEqual(commandArguments("lagrangian.checkDocument", [], uri), [{ uri }]);
  });

  it("keeps the caller's own arguments", () => {
    const args = [{ uri: "file:///other.lag", format: "latex", insert: false }];
    assert.deepStrictEqual(commandArguments("lagrangian.generateLagrangian", args, uri), args);
  });

  it("leaves other commands and editor-less invocations alone", () => {
    assert.deepStrictEqual(commandArguments("lagrangian.applyTerm", [], uri), []);
    assert.deepStrictEqual(commandArguments("lagrangian.completeLagrangian", [], undefined), []);
  });
});
