// Builds the playground into ../server/playground/static: index.html, playground.js,
// playground.css and the KaTeX fonts, all minified and self-contained (no CDN), ready for
// `lagrangian playground` to serve as static files.
//
// The licences of the bundled packages (all MIT) go into third-party-licenses.txt beside
// the bundle, since minification drops the notices their licences ask to keep.
//
// Two build-time inputs are handled by small esbuild plugins:
//  - KaTeX's stylesheet lists every font in woff2, woff and ttf; every browser that runs
//    CodeMirror 6 reads woff2, so only those are kept (~300 kB instead of ~1.2 MB).
//  - `virtual:examples` is the repository's examples/*.lag, read when building, so the
//    examples menu always matches the shipped examples without a copy in this folder.

import * as esbuild from "esbuild";
import { existsSync } from "node:fs";
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.resolve(here, "..", "server", "playground", "static");
const examplesDir = path.resolve(here, "..", "examples");

/** Drops the `url(...woff)` and `url(...ttf)` alternatives from KaTeX's @font-face rules. */
const katexWoff2Only = {
  name: "katex-woff2-only",
  setup(build) {
    build.onLoad({ filter: /katex(\.min)?\.css$/ }, async (args) => {
      const css = await readFile(args.path, "utf8");
      const trimmed = css.replace(/,\s*url\([^)]*\.(?:woff|ttf)\)\s*format\("(?:woff|truetype)"\)/g, "");
      if (/\.ttf\)|\.woff\)/.test(trimmed)) {
        throw new Error("KaTeX's CSS changed shape: non-woff2 fonts are still referenced");
      }
      return { contents: trimmed, loader: "css", resolveDir: path.dirname(args.path) };
    });
  },
};

/** A menu label from an example's first comment line, else from its file name. */
function exampleName(file, text) {
  const first = text.split("\n").find((line) => line.startsWith("#"));
  const label = first?.replace(/^#+\s*/, "").split(/[:.]/)[0].trim();
  return label || path.basename(file, ".lag").replace(/[_-]+/g, " ");
}

const examplesModule = {
  name: "examples",
  setup(build) {
    build.onResolve({ filter: /^virtual:examples$/ }, () => ({ path: "examples", namespace: "virtual" }));
    build.onLoad({ filter: /.*/, namespace: "virtual" }, async () => {
      const files = existsSync(examplesDir)
        ? (await readdir(examplesDir)).filter((file) => file.endsWith(".lag")).sort()
        : [];
      const examples = await Promise.all(
        files.map(async (file) => {
          const text = await readFile(path.join(examplesDir, file), "utf8");
          return { name: exampleName(file, text), text };
        }),
      );
      return {
        contents: `export default ${JSON.stringify(examples)};`,
        loader: "js",
        watchFiles: files.map((file) => path.join(examplesDir, file)),
      };
    });
  },
};

async function sizes(dir) {
  const rows = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      const file = path.join(entry.parentPath ?? entry.path, entry.name);
      const bytes = (await stat(file)).size;
      rows.push({ file: path.relative(dir, file), bytes, gzip: gzipSync(await readFile(file)).length });
    }
  }
  return rows.sort((a, b) => a.file.localeCompare(b.file));
}

await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });

/** The LICENSE texts of every npm package that ended up in the bundle. */
async function thirdPartyLicenses(metafile) {
  const roots = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const match = input.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//);
    if (match) {
      roots.add(path.resolve(here, match[1]));
    }
  }
  const sections = [];
  for (const root of [...roots].sort()) {
    const manifest = JSON.parse(await readFile(path.join(root, "package.json"), "utf8"));
    const licenseFile = (await readdir(root)).find((file) => /^licen[sc]e/i.test(file));
    if (licenseFile === undefined) {
      throw new Error(`${manifest.name} has no LICENSE file to ship with the bundle`);
    }
    const text = (await readFile(path.join(root, licenseFile), "utf8")).trim();
    sections.push(`${manifest.name}@${manifest.version} (${manifest.license})\n\n${text}`);
  }
  return `Third-party software bundled in playground.js and playground.css\n\n${sections.join("\n\n" + "-".repeat(72) + "\n\n")}\n`;
}

const started = performance.now();
const result = await esbuild.build({
  entryPoints: { playground: path.join(here, "src", "main.ts") },
  outdir: outDir,
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020", "chrome90", "firefox90", "safari15"],
  loader: { ".lag": "text", ".woff2": "file" },
  assetNames: "fonts/[name]",
  plugins: [katexWoff2Only, examplesModule],
  logLevel: "warning",
  metafile: true,
});
await copyFile(path.join(here, "src", "index.html"), path.join(outDir, "index.html"));
await writeFile(path.join(outDir, "third-party-licenses.txt"), await thirdPartyLicenses(result.metafile));
const elapsed = performance.now() - started;

const rows = await sizes(outDir);
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
const fonts = rows.filter((row) => row.file.startsWith("fonts"));
for (const row of rows.filter((r) => !r.file.startsWith("fonts"))) {
  console.log(`${row.file.padEnd(26)} ${kb(row.bytes).padStart(10)}  (gzip ${kb(row.gzip)})`);
}
const fontBytes = fonts.reduce((sum, row) => sum + row.bytes, 0);
console.log(`${`fonts/ (${fonts.length} woff2)`.padEnd(26)} ${kb(fontBytes).padStart(10)}`);
console.log(`built ${path.relative(process.cwd(), outDir)} in ${(elapsed / 1000).toFixed(2)} s`);
