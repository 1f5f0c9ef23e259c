import * as assert from "assert";
import {
  assertExecutableExists,
  describeStartFailure,
  expandVariables,
  formatCommandLine,
  locateExecutable,
  resolveServerCommand,
  serverWorkingDirectory,
  type ResolutionContext,
  type ServerCommand,
} from "../src/serverCommand";

function context(overrides: Partial<ResolutionContext> = {}, files: string[] = []): ResolutionContext {
  return {
    workspaceFolder: "/work/proj",
    homeDir: "/home/ada",
    env: { PATH: "/usr/local/bin:/usr/bin", VENV: "/opt/venv" },
    platform: "linux",
    trusted: true,
    fileExists: (file) => files.includes(file),
    ...overrides,
  };
}

const unset = { command: [], pythonPath: "" };

describe("resolveServerCommand", () => {
  it("uses the full command verbatim when set, ahead of everything else", () => {
    const resolved = resolveServerCommand(
      { command: ["/opt/bin/lagrangian", "lsp", "--log-level", "debug"], pythonPath: "/usr/bin/python3" },
      context({}, ["/work/proj/.venv/bin/lagrangian"]),
    );
    assert.deepStrictEqual(resolved, {
      command: "/opt/bin/lagrangian",
      args: ["lsp", "--log-level", "debug"],
      source: "server.command",
    });
  });

  it("ignores blank entries of the command array", () => {
    const resolved = resolveServerCommand({ command: ["  ", ""], pythonPath: "" }, context());
    assert.strictEqual(resolved.source, "PATH");
  });

  it("runs the server module with the configured interpreter", () => {
    const resolved = resolveServerCommand({ command: [], pythonPath: "${workspaceFolder}/.venv/bin/python" }, context());
    assert.deepStrictEqual(resolved, {
      command: "/work/proj/.venv/bin/python",
      args: ["-m", "lagrangian.server", "lsp"],
      source: "server.pythonPath",
    });
  });

  it("finds the workspace virtualenv's script when nothing is configured", () => {
    const resolved = resolveServerCommand(unset, context({}, ["/work/proj/.venv/bin/lagrangian"]));
    assert.deepStrictEqual(resolved, {
      command: "/work/proj/.venv/bin/lagrangian",
      args: ["lsp"],
      source: "workspace venv",
    });
  });

  it("uses the Windows layout of a virtualenv on Windows", () => {
    const script = "C:\\proj\\.venv\\Scripts\\lagrangian.exe";
    const resolved = resolveServerCommand(unset, context({ platform: "win32", workspaceFolder: "C:\\proj" }, [script]));
    assert.strictEqual(resolved.command, script);
  });

  it("falls back to `lagrangian lsp` from PATH", () => {
    assert.deepStrictEqual(resolveServerCommand(unset, context()), { command: "lagrangian", args: ["lsp"], source: "PATH" });
    assert.strictEqual(resolveServerCommand(unset, context({ workspaceFolder: undefined })).source, "PATH");
  });
});

describe("an untrusted workspace", () => {
  const untrusted = (files: string[] = []) => context({ trusted: false }, files);

  it("never runs the workspace virtualenv's script", () => {
    const resolved = resolveServerCommand(unset, untrusted(["/work/proj/.venv/bin/lagrangian"]));
    assert.deepStrictEqual(resolved, { command: "lagrangian", args: ["lsp"], source: "PATH" });
  });

  it("refuses a configured command inside the workspace folder", () => {
    for (const settings of [
      { command: [], pythonPath: "${workspaceFolder}/.venv/bin/python" },
      { command: ["/work/proj/tools/lagrangian", "lsp"], pythonPath: "" },
      { command: [".venv/bin/lagrangian", "lsp"], pythonPath: "" },
    ]) {
      assert.throws(() => resolveServerCommand(settings, untrusted()), /workspace is not trusted/);
    }
  });

  it("runs a configured command outside the folder, and not from inside it", () => {
    const settings = { command: [], pythonPath: "/usr/bin/python3" };
    assert.strictEqual(resolveServerCommand(settings, untrusted()).command, "/usr/bin/python3");
    assert.strictEqual(resolveServerCommand({ command: [], pythonPath: "/work/project2/bin/python" }, untrusted()).command, "/work/project2/bin/python");
    assert.strictEqual(serverWorkingDirectory(untrusted()), "/home/ada");
    assert.strictEqual(serverWorkingDirectory(context()), "/work/proj");
  });
});

describe("expandVariables", () => {
  it("expands the variables VS Code users know", () => {
    const ctx = context();
    assert.strictEqual(expandVariables("${userHome}/x", ctx), "/home/ada/x");
    assert.strictEqual(expandVariables("~/venv/bin/python", ctx), "/home/ada/venv/bin/python");
    assert.strictEqual(expandVariables("${env:VENV}/bin/python", ctx), "/opt/venv/bin/python");
    assert.strictEqual(expandVariables("${env:NOT_SET}x", ctx), "x");
    assert.strictEqual(expandVariables("a~b", ctx), "a~b");
  });

  it("rejects unknown variables and a folder variable without a folder", () => {
    assert.throws(() => expandVariables("${workspaceRoot}/python", context()), /unknown variable \$\{workspaceRoot\}/);
    assert.throws(
      () => expandVariables("${workspaceFolder}/python", context({ workspaceFolder: undefined })),
      /no folder is open/,
    );
  });
});

describe("locateExecutable", () => {
  const bare: ServerCommand = { command: "lagrangian", args: ["lsp"], source: "PATH" };

  it("searches PATH in order for a bare name", () => {
    const ctx = context({}, ["/usr/bin/lagrangian", "/usr/local/bin/lagrangian"]);
    assert.strictEqual(locateExecutable(bare, ctx), "/usr/local/bin/lagrangian");
    assert.strictEqual(locateExecutable(bare, context()), undefined);
  });

  it("checks a path with a directory as it is", () => {
    const direct: ServerCommand = { command: "/opt/x/lagrangian", args: [], source: "server.command" };
    assert.strictEqual(locateExecutable(direct, context({}, ["/opt/x/lagrangian"])), "/opt/x/lagrangian");
    assert.strictEqual(locateExecutable(direct, context({}, ["/usr/bin/lagrangian"])), undefined);
  });

  it("tries PATHEXT on Windows", () => {
    const ctx = context({ platform: "win32", env: { Path: "C:\\py\\Scripts;C:\\bin", PATHEXT: ".EXE;.CMD" } }, [
      "C:\\bin\\lagrangian.CMD",
    ]);
    assert.strictEqual(locateExecutable(bare, ctx), "C:\\bin\\lagrangian.CMD");
  });

  it("turns a missing executable into a message naming the settings", () => {
    assert.throws(
      () => assertExecutableExists(bare, context()),
      /`lagrangian` was not found \(from PATH\)\. Set `lagrangian\.server\.pythonPath`/,
    );
    assert.doesNotThrow(() => assertExecutableExists(bare, context({}, ["/usr/bin/lagrangian"])));
  });
});

describe("describeStartFailure", () => {
  const command: ServerCommand = { command: "/v/bin/python", args: ["-m", "lagrangian.server", "lsp"], source: "server.pythonPath" };

  it("recognises the language client's spawn failure string", () => {
    const message = describeStartFailure(command, "Launching server using command /v/bin/python failed. Error: spawn /v/bin/python ENOENT");
    assert.match(message, /`\/v\/bin\/python` was not found \(from server\.pythonPath\)/);
  });

  it("recognises an error object with code ENOENT", () => {
    const error = Object.assign(new Error("spawn failed"), { code: "ENOENT" });
    assert.match(describeStartFailure(command, error), /was not found/);
  });

  it("quotes other failures with the command line", () => {
    const message = describeStartFailure(command, new Error("Server initialization failed: No module named lagrangian"));
    assert.match(message, /`\/v\/bin\/python -m lagrangian\.server lsp`, from server\.pythonPath\) failed to start: /);
    assert.match(message, /No module named lagrangian/);
  });
});

describe("formatCommandLine", () => {
  it("quotes only arguments a shell would split", () => {
    assert.strictEqual(
      formatCommandLine({ command: "/My Tools/lagrangian", args: ["lsp", "--tcp", "127.0.0.1:9000"], source: "server.command" }),
      '"/My Tools/lagrangian" lsp --tcp 127.0.0.1:9000',
    );
  });
});
