/**
 * package.json is code too: VS Code reads it, not the TypeScript, to decide when the
 * extension activates, what the palette offers and which settings exist.  These tests tie
 * it to the constants the code uses, so the two cannot drift apart silently.
 */

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CLIENT_COMMANDS, SERVER_COMMANDS, SERVER_READY_CONTEXT } from "../src/commands";
import { LAG_LANGUAGE, LATEX_LANGUAGES } from "../src/documents";
import { COMPLETION_SOURCES, DEFAULT_SERVER_SETTINGS, DEVICES, MAX_DIMENSIONS, SECTION } from "../src/settings";

const root = path.resolve(__dirname, "..", "..");
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), "utf8"));
const manifest = readJson("package.json");
const contributes = manifest.contributes;
const properties: Record<string, { default: unknown; enum?: string[]; minimum?: number; maximum?: number }> = contributes.configuration.properties;

describe("package.json", () => {
  it("activates on .lag and LaTeX documents", () => {
    for (const language of [LAG_LANGUAGE, ...LATEX_LANGUAGES]) {
      assert.ok(manifest.activationEvents.includes(`onLanguage:${language}`), language);
    }
    const lag = contributes.languages.find((l: { id: string }) => l.id === LAG_LANGUAGE);
    assert.deepStrictEqual(lag.extensions, [".lag"]);
  });

  it("runs limited in untrusted workspaces, the server-command settings restricted", () => {
    const untrusted = manifest.capabilities.untrustedWorkspaces;
    assert.strictEqual(untrusted.supported, "limited");
    assert.match(untrusted.description, /never runs an executable from the workspace/);
    assert.deepStrictEqual(untrusted.restrictedConfigurations, [
      `${SECTION}.server.command`,
      `${SECTION}.server.pythonPath`,
      `${SECTION}.modelServerUrl`,
      `${SECTION}.fit.llm`,
      `${SECTION}.fit.allowOutsideWorkspace`,
    ]);
    for (const key of untrusted.restrictedConfigurations) {
      assert.ok(properties[key], key);
    }
  });

  it("contributes every command, server ones only while the server is ready", () => {
    const contributed = contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepStrictEqual(contributed, [...SERVER_COMMANDS, ...Object.values(CLIENT_COMMANDS)].sort());
    for (const command of SERVER_COMMANDS) {
      const entry = contributes.menus.commandPalette.find((m: { command: string }) => m.command === command);
      assert.ok(entry, `${command} has a palette entry`);
      assert.match(entry.when, new RegExp(`^${SERVER_READY_CONTEXT.replace(".", "\\.")} && `));
    }
  });

  it("declares the server settings with the defaults the code assumes", () => {
    const flat: Record<string, unknown> = {
      completionSource: DEFAULT_SERVER_SETTINGS.completionSource,
      modelServerUrl: DEFAULT_SERVER_SETTINGS.modelServerUrl,
      device: DEFAULT_SERVER_SETTINGS.device,
      "inlayHints.enabled": DEFAULT_SERVER_SETTINGS.inlayHints.enabled,
      "fit.llm": DEFAULT_SERVER_SETTINGS.fit.llm,
      "fit.allowOutsideWorkspace": DEFAULT_SERVER_SETTINGS.fit.allowOutsideWorkspace,
      maxDimension: DEFAULT_SERVER_SETTINGS.maxDimension,
      "server.command": [],
      "server.pythonPath": "",
      "latex.enabled": true,
    };
    for (const [key, value] of Object.entries(flat)) {
      assert.deepStrictEqual(properties[`${SECTION}.${key}`]?.default, value, key);
    }
    assert.deepStrictEqual(properties[`${SECTION}.completionSource`].enum, [...COMPLETION_SOURCES]);
    assert.deepStrictEqual(properties[`${SECTION}.device`].enum, [...DEVICES]);
    assert.strictEqual(properties[`${SECTION}.maxDimension`].minimum, MAX_DIMENSIONS.min);
    assert.strictEqual(properties[`${SECTION}.maxDimension`].maximum, MAX_DIMENSIONS.max);
    assert.ok(properties[`${SECTION}.trace.server`], "the language client's trace setting");
  });

  it("points at files that exist, with matching grammar scope names", () => {
    for (const grammar of contributes.grammars) {
      assert.strictEqual(readJson(grammar.path).scopeName, grammar.scopeName);
    }
    assert.ok(fs.existsSync(path.join(root, contributes.languages[0].configuration)));
    assert.strictEqual(readJson("language-configuration.json").comments.lineComment, "#");
    assert.strictEqual(manifest.main, "./dist/extension.js");
  });

  it("has the fields vsce would otherwise prompt for", () => {
    assert.strictEqual(manifest.license, "MIT");
    assert.ok(manifest.repository.url);
    assert.ok(fs.existsSync(path.join(root, "LICENSE")));
    assert.ok(fs.existsSync(path.join(root, "README.md")));
  });
});
