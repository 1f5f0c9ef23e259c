import * as assert from "assert";
import {
  DEFAULT_SERVER_SETTINGS,
  answerConfiguration,
  configurationFor,
  readLatexEnabled,
  readProcessSettings,
  readServerSettings,
  type SettingsSource,
} from "../src/settings";

/** Settings as `vscode.workspace.getConfiguration("lagrangian")` would return them. */
function source(values: Record<string, unknown>): SettingsSource {
  return { get: <T>(key: string) => values[key] as T | undefined };
}

describe("readServerSettings", () => {
  it("gives the defaults when nothing is set", () => {
    assert.deepStrictEqual(readServerSettings(source({})), { settings: DEFAULT_SERVER_SETTINGS, problems: [] });
  });

  it("maps the flat VS Code keys to the server's nested shape", () => {
    const { settings, problems } = readServerSettings(
      source({
        completionSource: "exact",
        modelServerUrl: " http://gpu-box:8765 ",
        device: "cuda",
        "inlayHints.enabled": false,
        "fit.llm": "http://127.0.0.1:11434/v1",
        "fit.allowOutsideWorkspace": true,
        maxDimension: 6,
      }),
    );
    assert.deepStrictEqual(problems, []);
    assert.deepStrictEqual(settings, {
      completionSource: "exact",
      modelServerUrl: "http://gpu-box:8765",
      device: "cuda",
      inlayHints: { enabled: false },
      fit: { llm: "http://127.0.0.1:11434/v1", allowOutsideWorkspace: true },
      maxDimension: 6,
    });
  });

  it("replaces invalid values by defaults and says which and why", () => {
    const { settings, problems } = readServerSettings(
      source({ completionSource: "bart", device: "tpu", "inlayHints.enabled": "yes", modelServerUrl: "gpu-box:8765" }),
    );
    assert.deepStrictEqual(settings, DEFAULT_SERVER_SETTINGS);
    assert.strictEqual(problems.length, 4);
    assert.match(problems[0], /`lagrangian\.completionSource` is "bart"; expected one of "model", "exact"\. Using "exact"\./);
    assert.match(problems[1], /not an http\(s\) URL/);
    assert.match(problems[2], /`lagrangian\.device` is "tpu"/);
    assert.match(problems[3], /`lagrangian\.inlayHints\.enabled` must be a boolean/);
  });

  it("keeps maxDimension within 4 to 8", () => {
    for (const value of [3, 9, 6.5, "6", true]) {
      const { settings, problems } = readServerSettings(source({ maxDimension: value }));
      assert.strictEqual(settings.maxDimension, 4);
      assert.match(problems[0], /`lagrangian\.maxDimension` is .*; expected an integer from 4 to 8\. Using 4\./);
    }
  });

  it("treats a blank LLM name as the built-in proposer", () => {
    assert.strictEqual(readServerSettings(source({ "fit.llm": "  " })).settings.fit.llm, "builtin");
  });
});

describe("readProcessSettings and readLatexEnabled", () => {
  it("keeps only string parts of the command", () => {
    assert.deepStrictEqual(readProcessSettings(source({ "server.command": ["lagrangian", 3, "lsp"], "server.pythonPath": 7 })), {
      command: ["lagrangian", "lsp"],
      pythonPath: "",
    });
    assert.deepStrictEqual(readProcessSettings(source({ "server.command": "lagrangian lsp" })).command, []);
  });

  it("runs on LaTeX unless switched off", () => {
    assert.strictEqual(readLatexEnabled(source({})), true);
    assert.strictEqual(readLatexEnabled(source({ "latex.enabled": false })), false);
  });
});

describe("workspace/configuration answers", () => {
  const settings = { ...DEFAULT_SERVER_SETTINGS, device: "cpu" as const };

  it("answers the section, a sub-object or a single value", () => {
    assert.deepStrictEqual(configurationFor("lagrangian", settings), settings);
    assert.deepStrictEqual(configurationFor("lagrangian.inlayHints", settings), { enabled: true });
    assert.strictEqual(configurationFor("lagrangian.device", settings), "cpu");
    assert.strictEqual(configurationFor("lagrangian.nonsense.deeper", settings), null);
  });

  it("is not ours for other sections", () => {
    assert.strictEqual(configurationFor("python", settings), undefined);
    assert.strictEqual(configurationFor("lagrangianx", settings), undefined);
    assert.strictEqual(configurationFor(undefined, settings), undefined);
  });

  it("overlays our sections on VS Code's answers, per scope", () => {
    const scopes: (string | undefined)[] = [];
    const answer = answerConfiguration(
      [{ section: "editor" }, { section: "lagrangian", scopeUri: "file:///a.lag" }, { section: "lagrangian.fit.llm" }],
      [{ tabSize: 4 }, { raw: true }, "raw"],
      (scope) => {
        scopes.push(scope);
        return settings;
      },
    );
    assert.deepStrictEqual(answer, [{ tabSize: 4 }, settings, "builtin"]);
    assert.deepStrictEqual(scopes, ["file:///a.lag", undefined]);
  });
});
