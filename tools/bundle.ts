/**
 * Bundles the core library `src/mod.ts` into `docs/lib/netsplit.js` for the site's pages.
 *
 * Framework refuses imports from outside its root (`docs/`), so pages import a generated
 * browser bundle instead of the TypeScript sources. The bundle is git-ignored and rebuilt by
 * `deno task dev` (watch mode) and `deno task build` (minified).
 *
 * Usage: `deno task bundle [--minify] [--watch]`
 *
 * @module
 */
import { parseArgs } from "node:util";
import { formatSeconds, repoRoot, runInherited } from "./_lib/toolchain.ts";

/** Entry point of the core library, relative to the repository root. */
export const bundleEntry = "src/mod.ts";
/** Output file of the bundle, relative to the repository root. */
export const bundleOutput = "docs/lib/netsplit.js";

/** Options for {@linkcode bundleCommand} and {@linkcode bundle}. */
export interface BundleOptions {
  /** Minify the output (site builds). @default false */
  minify?: boolean;
  /** Keep running and rebuild when a file under `src/` changes. @default false */
  watch?: boolean;
}

/**
 * Returns the `deno bundle` command line for the core library.
 *
 * @param options Minify and watch flags.
 * @returns `[executable, ...args]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const [, ...args] = bundleCommand({ minify: true });
 * assert.ok(args.includes("--minify"));
 * ```
 */
export function bundleCommand(options: BundleOptions = {}): string[] {
  return [
    Deno.execPath(),
    "bundle",
    "--quiet",
    "--platform=browser",
    ...(options.minify ? ["--minify"] : []),
    ...(options.watch ? ["--watch"] : []),
    "-o",
    bundleOutput,
    bundleEntry,
  ];
}

/**
 * Checks that the core library's entry point exists, with an error that says what to do.
 *
 * @throws {Error} When `src/mod.ts` is missing.
 */
export function assertBundleEntry(): void {
  try {
    Deno.statSync(`${repoRoot}/${bundleEntry}`);
  } catch {
    throw new Error(`Cannot bundle the core library: ${bundleEntry} does not exist`);
  }
}

/**
 * Bundles the core library once and resolves when the bundle is written.
 *
 * @param options `minify` for site builds (`watch` is ignored; use {@linkcode bundleCommand}).
 * @throws {Error} When `deno bundle` fails.
 *
 * @example
 * ```ts ignore
 * await bundle({ minify: true });
 * ```
 */
export async function bundle(options: Omit<BundleOptions, "watch"> = {}): Promise<void> {
  assertBundleEntry();
  const started = performance.now();
  const code = await runInherited(bundleCommand({ minify: options.minify }));
  if (code !== 0) throw new Error(`Cannot bundle the core library: deno bundle exited ${code}`);
  const { size } = await Deno.stat(`${repoRoot}/${bundleOutput}`);
  console.error(
    `bundle: ${bundleOutput} ${(size / 1024).toFixed(0)} KiB in ${
      formatSeconds(performance.now() - started)
    }`,
  );
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { minify: { type: "boolean" }, watch: { type: "boolean" } },
  });
  try {
    if (values.watch) {
      assertBundleEntry();
      const [cmd, ...args] = bundleCommand({ minify: values.minify, watch: true });
      const status = await new Deno.Command(cmd, { args, cwd: repoRoot }).spawn().status;
      Deno.exit(status.code);
    }
    await bundle({ minify: values.minify });
  } catch (error) {
    console.error(`bundle: ${error instanceof Error ? error.message : error}`);
    Deno.exit(1);
  }
}
