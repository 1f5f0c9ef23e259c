/**
 * Mocha `--require` hook: makes `require("vscode")` return the fake in `fakeVscode.ts`.
 *
 * Node's module loader is patched at its single entry point, `Module._load`, so the code
 * under test keeps its ordinary `import * as vscode from "vscode"` and runs unchanged.
 * Names of the real API that the fake does not implement (read from @types/vscode) are
 * filled with an inert stand-in: any property of it is another stand-in, calling it
 * returns one, and iterating it yields nothing.  vscode-languageclient touches dozens of
 * such APIs while it starts; none of them matters to what the tests assert.
 */

import * as fs from "fs";
import Module = require("module");
import * as fake from "./fakeVscode";

function inert(name: string): unknown {
  return new Proxy(function stand_in() {}, {
    get(_target, property) {
      if (property === Symbol.iterator) {
        return function* () {};
      }
      if (property === "then" || property === Symbol.toPrimitive) {
        return undefined;
      }
      return inert(`${name}.${String(property)}`);
    },
    apply: () => inert(`${name}()`),
    construct: () => inert(`new ${name}`) as object,
  });
}

/** Adds inert members for unknown properties, keeping the implemented ones. */
function withInertRest<T extends object>(name: string, implemented: T): T {
  return new Proxy(implemented, {
    get: (target, property) => (property in target ? Reflect.get(target, property) : inert(`${name}.${String(property)}`)),
  });
}

const declarations = fs.readFileSync(require.resolve("@types/vscode/index.d.ts"), "utf8");
const apiNames = new Set(
  [...declarations.matchAll(/^\s*export (?:declare )?(?:class|enum|namespace|const|function|let) (\w+)/gm)].map((m) => m[1]),
);

const api: Record<string, unknown> = {};
for (const name of apiNames) {
  api[name] = inert(name);
}
// The namespaces the extension calls into get inert stand-ins for their other members.
const namespaces = new Set(["window", "workspace", "commands", "languages"]);
for (const [name, value] of Object.entries(fake)) {
  api[name] = namespaces.has(name) ? withInertRest(name, value as object) : value;
}

type Load = (request: string, parent: unknown, isMain: boolean) => unknown;
const loader = Module as unknown as { _load: Load };
const originalLoad = loader._load;

loader._load = function load(request: string, parent: unknown, isMain: boolean): unknown {
  return request === "vscode" ? api : originalLoad.call(this, request, parent, isMain);
};
