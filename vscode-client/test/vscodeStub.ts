/**
 * Mocha `--require` hook: makes `require("vscode")` return the fake in `fakeVscode.ts`.
 *
 * Node's module loader is patched at its single entry point, `Module._load`, so the code
 * under test keeps its ordinary `import * as vscode from "vscode"` and runs unchanged.
 */

import Module = require("module");
import * as fake from "./fakeVscode";

type Load = (request: string, parent: unknown, isMain: boolean) => unknown;
const loader = Module as unknown as { _load: Load };
const originalLoad = loader._load;

loader._load = function load(request: string, parent: unknown, isMain: boolean): unknown {
  return request === "vscode" ? fake : originalLoad.call(this, request, parent, isMain);
};
