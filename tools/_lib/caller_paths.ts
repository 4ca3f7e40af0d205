/**
 * Paths as the person at the terminal means them. `deno task` runs a task in the folder of
 * `deno.json`, not in the folder it was typed in, so a relative path on the command line
 * (`deno task check h.jsonl` from `labs/`) must be resolved against the caller's folder,
 * which deno (like npm) passes in `INIT_CWD`. The CLIs read and write through
 * {@linkcode fromCaller} and print the path as the caller gave it, which is then true for
 * them.
 *
 * @module
 */

import { isAbsolute, join, normalize, resolve } from "node:path";
import { repoRoot } from "./toolchain.ts";

/**
 * The folder the command was typed in.
 *
 * `INIT_CWD` counts only when the process runs in the repository root, as a `deno task` does:
 * a tool started directly (`deno run -A ../tools/run.ts` from `labs/`) already runs in the
 * caller's folder, and an `INIT_CWD` inherited from some outer npm script would be stale.
 *
 * @param env Where to read `INIT_CWD`. @default Deno.env
 * @param cwd The process's folder. @default Deno.cwd()
 * @returns An absolute folder path.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { callerFolder } from "./caller_paths.ts";
 * import { repoRoot } from "./toolchain.ts";
 * const env = { get: (name: string) => name === "INIT_CWD" ? `${repoRoot}/labs` : undefined };
 * assert.equal(callerFolder(env, repoRoot), `${repoRoot}/labs`);
 * assert.equal(callerFolder(env, "/tmp"), "/tmp");
 * assert.equal(callerFolder({ get: () => undefined }, repoRoot), repoRoot);
 * ```
 */
export function callerFolder(
  env: { get(name: string): string | undefined } = Deno.env,
  cwd: string = Deno.cwd(),
): string {
  const init = env.get("INIT_CWD");
  if (init && isAbsolute(init) && normalize(cwd) === normalize(repoRoot)) return normalize(init);
  return cwd;
}

/**
 * A path given on the command line, resolved for reading or writing.
 *
 * @param path As the caller typed it (relative to their folder, or absolute).
 * @param folder The caller's folder. @default callerFolder()
 * @returns An absolute path.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromCaller } from "./caller_paths.ts";
 * assert.equal(fromCaller("../tests/h.jsonl", "/repo/labs"), "/repo/tests/h.jsonl");
 * assert.equal(fromCaller("/abs/h.jsonl", "/repo/labs"), "/abs/h.jsonl");
 * ```
 */
export function fromCaller(path: string, folder: string = callerFolder()): string {
  return resolve(folder, path);
}

/**
 * A file inside a folder the caller named, spelled so that it is true for the caller: their
 * own spelling of the folder (relative stays relative), tidied (`./a/../b` becomes `b`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shownPath } from "./caller_paths.ts";
 * assert.equal(shownPath(".", "run-1.svg"), "run-1.svg");
 * assert.equal(shownPath("charts/", "run-1.svg"), "charts/run-1.svg");
 * assert.equal(shownPath("/tmp/out", "run-1.svg"), "/tmp/out/run-1.svg");
 * ```
 */
export function shownPath(folder: string, name: string): string {
  return normalize(join(folder, name));
}
