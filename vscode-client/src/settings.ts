/**
 * The extension's settings (section `lagrangian`) and their mapping to what the server reads.
 *
 * Two audiences read the same settings.  The extension itself needs the process settings
 * (`server.command`, `server.pythonPath`); the server needs the behaviour settings, which
 * it receives as `initializationOptions` at start-up and later through
 * `workspace/configuration`.  Both paths go through `readServerSettings`, so the server
 * sees one shape with validated values no matter how it asks, and a typo in
 * `settings.json` (which VS Code only underlines) becomes a readable warning instead of a
 * value the server has to guess about.
 */

import type { ServerProcessSettings } from "./serverCommand";

export const SECTION = "lagrangian";

export const COMPLETION_SOURCES = ["model", "exact"] as const;
export const DEVICES = ["auto", "cpu", "cuda", "mps"] as const;
/** Highest mass dimension completion may offer (the server's range: 4 to 8). */
export const MAX_DIMENSIONS = { min: 4, max: 8 } as const;

export type CompletionSource = (typeof COMPLETION_SOURCES)[number];
export type Device = (typeof DEVICES)[number];

/** The settings the language server reads; the shape of `initializationOptions`. */
export interface ServerSettings {
  completionSource: CompletionSource;
  modelServerUrl: string;
  device: Device;
  inlayHints: { enabled: boolean };
  fit: { llm: string; allowOutsideWorkspace: boolean };
  maxDimension: number;
}

export const DEFAULT_SERVER_SETTINGS: ServerSettings = {
  completionSource: "exact",
  modelServerUrl: "",
  device: "auto",
  inlayHints: { enabled: true },
  fit: { llm: "builtin", allowOutsideWorkspace: false },
  maxDimension: 4,
};

/** The part of `vscode.WorkspaceConfiguration` used here (keys relative to `lagrangian`). */
export interface SettingsSource {
  get<T>(key: string): T | undefined;
}

/** Settings after validation, with one message per value that was replaced by its default. */
export interface ReadSettings {
  settings: ServerSettings;
  problems: string[];
}

function oneOf<T extends string>(
  source: SettingsSource,
  key: string,
  allowed: readonly T[],
  fallback: T,
  problems: string[],
): T {
  const value = source.get<unknown>(key);
  if (value === undefined || value === null) {
    return fallback;
  }
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) {
    return value as T;
  }
  problems.push(
    `\`${SECTION}.${key}\` is ${JSON.stringify(value)}; expected one of ${allowed.map((a) => `"${a}"`).join(", ")}. Using "${fallback}".`,
  );
  return fallback;
}

function typed<T>(
  source: SettingsSource,
  key: string,
  type: "string" | "boolean",
  fallback: T,
  problems: string[],
): T {
  const value = source.get<unknown>(key);
  if (value === undefined || value === null) {
    return fallback;
  }
  if (typeof value === type) {
    return value as T;
  }
  problems.push(`\`${SECTION}.${key}\` must be a ${type}, not ${JSON.stringify(value)}. Using ${JSON.stringify(fallback)}.`);
  return fallback;
}

/** An empty string or an absolute http(s) URL; anything else is reported and dropped. */
function modelServerUrl(source: SettingsSource, problems: string[]): string {
  const value = typed(source, "modelServerUrl", "string", DEFAULT_SERVER_SETTINGS.modelServerUrl, problems).trim();
  if (value === "") {
    return value;
  }
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    problems.push(
      `\`${SECTION}.modelServerUrl\` is ${JSON.stringify(value)}, which is not an http(s) URL such as "http://127.0.0.1:8766". Using the in-process model instead.`,
    );
    return "";
  }
  return value;
}

/** An integer from 4 to 8; anything else is reported and replaced by the default. */
function maxDimension(source: SettingsSource, problems: string[]): number {
  const value = source.get<unknown>("maxDimension");
  const fallback = DEFAULT_SERVER_SETTINGS.maxDimension;
  if (value === undefined || value === null) {
    return fallback;
  }
  if (Number.isInteger(value) && (value as number) >= MAX_DIMENSIONS.min && (value as number) <= MAX_DIMENSIONS.max) {
    return value as number;
  }
  problems.push(
    `\`${SECTION}.maxDimension\` is ${JSON.stringify(value)}; expected an integer from ${MAX_DIMENSIONS.min} to ${MAX_DIMENSIONS.max}. Using ${fallback}.`,
  );
  return fallback;
}

/** Reads and validates the behaviour settings the server needs. */
export function readServerSettings(source: SettingsSource): ReadSettings {
  const problems: string[] = [];
  const defaults = DEFAULT_SERVER_SETTINGS;
  const settings: ServerSettings = {
    completionSource: oneOf(source, "completionSource", COMPLETION_SOURCES, defaults.completionSource, problems),
    modelServerUrl: modelServerUrl(source, problems),
    device: oneOf(source, "device", DEVICES, defaults.device, problems),
    inlayHints: {
      enabled: typed(source, "inlayHints.enabled", "boolean", defaults.inlayHints.enabled, problems),
    },
    fit: {
      llm: typed(source, "fit.llm", "string", defaults.fit.llm, problems).trim() || defaults.fit.llm,
      allowOutsideWorkspace: typed(
        source,
        "fit.allowOutsideWorkspace",
        "boolean",
        defaults.fit.allowOutsideWorkspace,
        problems,
      ),
    },
    maxDimension: maxDimension(source, problems),
  };
  return { settings, problems };
}

/** Settings that only take effect when the server process is started again. */
export const RESTART_SECTIONS = [`${SECTION}.server`, `${SECTION}.latex`] as const;

/** Whether LaTeX documents get the server too (`lagrangian.latex.enabled`, default on). */
export function readLatexEnabled(source: SettingsSource): boolean {
  return source.get<unknown>("latex.enabled") !== false;
}

/** Reads the settings that decide which server process to start. */
export function readProcessSettings(source: SettingsSource): ServerProcessSettings {
  const command = source.get<unknown>("server.command");
  const pythonPath = source.get<unknown>("server.pythonPath");
  return {
    command: Array.isArray(command) ? command.filter((part): part is string => typeof part === "string") : [],
    pythonPath: typeof pythonPath === "string" ? pythonPath : "",
  };
}

function isOwnSection(section: string | undefined): section is string {
  return section !== undefined && (section === SECTION || section.startsWith(`${SECTION}.`));
}

/**
 * The answer to one `workspace/configuration` item: `lagrangian` gives all server
 * settings, `lagrangian.inlayHints` a sub-object, `lagrangian.inlayHints.enabled` a
 * value.  Returns `undefined` for a section that is not ours, so the caller can hand the
 * item to VS Code's default handling.
 */
export function configurationFor(section: string | undefined, settings: ServerSettings): unknown {
  if (!isOwnSection(section)) {
    return undefined;
  }
  let value: unknown = settings;
  for (const key of section.split(".").slice(1)) {
    if (typeof value !== "object" || value === null || !(key in value)) {
      return null;
    }
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** One item of a `workspace/configuration` request. */
export interface ConfigurationItemLike {
  section?: string;
  scopeUri?: string;
}

/**
 * Answers a whole `workspace/configuration` request: our sections from the validated
 * settings of the item's scope, every other section from `fallback` (VS Code's answer).
 */
export function answerConfiguration(
  items: readonly ConfigurationItemLike[],
  fallback: readonly unknown[],
  read: (scopeUri: string | undefined) => ServerSettings,
): unknown[] {
  return items.map((item, index) =>
    isOwnSection(item.section) ? configurationFor(item.section, read(item.scopeUri)) : (fallback[index] ?? null),
  );
}
