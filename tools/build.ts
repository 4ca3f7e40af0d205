/**
 * Builds the static site into `dist/`: bundles the core library (minified), seeds Framework's
 * npm cache from node_modules, runs `observable build`, then checks that nothing in `dist/`
 * loads code or styles from a CDN, so the site works offline.
 *
 * Usage: `deno task build`
 *
 * @module
 */
import { bundle } from "./bundle.ts";
import { seedNpmCache } from "./_lib/framework_cache.ts";
import {
  formatSeconds,
  frameworkEnv,
  observableCommand,
  repoRoot,
  runTee,
} from "./_lib/toolchain.ts";

/** Output folder of the site build. */
export const distDir = `${repoRoot}/dist`;

/** One remote reference found in a built file. */
export interface RemoteReference {
  /** Path relative to `dist/`. */
  file: string;
  /** The matching text, such as `src="https://cdn.jsdelivr.net/..."`. */
  match: string;
}

/**
 * Patterns of code or style loaded from another origin: HTML `src`/`href` of scripts,
 * stylesheets and preloads, ES `import`/`import()` and CSS `@import` of an absolute URL.
 * Plain links (`<a href="https://...">`) are fine offline and are not matched.
 */
const remotePatterns: RegExp[] = [
  /<script[^>]*\ssrc=["']?(?:https?:)?\/\/[^"'\s>]+/gi,
  /<link[^>]*\shref=["']?(?:https?:)?\/\/[^"'\s>]+/gi,
  /\bimport\s*(?:[\w*{}\s,$]+from\s*)?\(?\s*["'](?:https?:)?\/\/[^"']+["']/g,
  /@import\s+(?:url\()?["']?(?:https?:)?\/\/[^"')\s]+/gi,
];

/**
 * Finds references to remote scripts, stylesheets and modules in a built site.
 *
 * @param text Contents of an HTML, JS or CSS file.
 * @returns The matching snippets (empty when the file loads nothing remote).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(remoteReferences(`<a href="https://example.com">x</a>`), []);
 * assert.equal(remoteReferences(`import x from "https://cdn.jsdelivr.net/npm/x/+esm";`).length, 1);
 * ```
 */
export function remoteReferences(text: string): string[] {
  return remotePatterns.flatMap((pattern) => [...text.matchAll(pattern)].map((m) => m[0]));
}

/**
 * Lists every remote script, stylesheet or module reference under `dir`.
 *
 * @param dir A built site (default `dist/`).
 * @returns One entry per reference; empty when the site is self-contained.
 */
export async function findRemoteReferences(dir: string = distDir): Promise<RemoteReference[]> {
  const found: RemoteReference[] = [];
  for (const file of await listFiles(dir)) {
    if (!/\.(html|js|css)$/.test(file)) continue;
    const text = await Deno.readTextFile(`${dir}/${file}`);
    for (const match of remoteReferences(text)) found.push({ file, match });
  }
  return found;
}

/**
 * Lists the files under `dir`, recursively, as paths relative to it.
 *
 * @param dir Folder to list.
 * @returns Sorted relative paths.
 */
export async function listFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  async function walk(relative: string): Promise<void> {
    for await (const entry of Deno.readDir(`${dir}/${relative}`)) {
      const path = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else files.push(path);
    }
  }
  await walk("");
  return files.sort();
}

/**
 * Explains a failed Framework build that tried to download an npm package from the CDN.
 *
 * @param output What `observable build` printed.
 * @returns A hint naming the packages (starting with a newline), or `""`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const output = "npm:d3@7.9.0/+esm → docs/.observablehq/cache/_npm/d3@7.9.0/_esm.js\n" +
 *   "Error: getaddrinfo ENOTFOUND cdn.jsdelivr.net";
 * assert.match(cdnHint(output), /d3@7\.9\.0/);
 * assert.equal(cdnHint("Nothing to build"), "");
 * ```
 */
export function cdnHint(output: string): string {
  if (!/cdn\.jsdelivr\.net|fetch failed/.test(output)) return "";
  const packages = [
    ...new Set([...output.matchAll(/npm:((?:@[\w.-]+\/)?[\w.-]+@[\w.-]+)/g)]
      .map((m) => m[1])),
  ];
  return `\nA page needs ${
    packages.join(", ") || "an npm package"
  } from the CDN, which is unreachable. Import npm packages by bare name from node_modules ` +
    `(never "npm:..."), and use only Inputs and html among Framework's implicit libraries ` +
    `(d3, Plot and the like are fetched from the CDN), or add the package to seededPackages ` +
    `in tools/_lib/framework_cache.ts.`;
}

/**
 * Builds the site: minified bundle, seeded npm cache, `observable build`, offline check.
 *
 * @throws {Error} When a step fails or the output loads anything from another origin.
 *
 * @example
 * ```ts ignore
 * await build();
 * ```
 */
export async function build(): Promise<void> {
  const started = performance.now();
  await bundle({ minify: true });
  await seedNpmCache();
  const { code, output } = await runTee(observableCommand(["build"]), { env: frameworkEnv });
  if (code !== 0) {
    throw new Error(`Cannot build the site: observable build exited ${code}${cdnHint(output)}`);
  }
  const remote = await findRemoteReferences();
  if (remote.length > 0) {
    const lines = remote.map(({ file, match }) => `  ${file}: ${match}`).join("\n");
    throw new Error(`The built site loads code or styles from another origin:\n${lines}`);
  }
  const files = await listFiles(distDir);
  let bytes = 0;
  for (const file of files) bytes += (await Deno.stat(`${distDir}/${file}`)).size;
  console.error(
    `build: dist/ ${files.length} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB in ${
      formatSeconds(performance.now() - started)
    }, no remote imports`,
  );
}

if (import.meta.main) {
  try {
    await build();
  } catch (error) {
    console.error(`build: ${error instanceof Error ? error.message : error}`);
    Deno.exit(1);
  }
}
