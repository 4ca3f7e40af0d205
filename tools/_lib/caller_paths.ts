/**
 * Paths as the person at the terminal means them. `deno task` runs a task in the folder of
 * `deno.json`, not in the folder it was typed in, so a relative path on the command line
 * (`deno task check h.jsonl` from `labs/`) must be resolved against the caller's folder,
 * which deno (like npm) passes in `INIT_CWD` and the tasks hand on as `NETSPLIT_CALLER_DIR`.
 * The CLIs read and write through {@linkcode fromCaller} and print the path as the caller gave
 * it, which is then true for them.
 *
 * @module
 */

import { isAbsolute, join, normalize, resolve } from "node:path";

/** The variable the `run` and `check` tasks in deno.json set to deno's `INIT_CWD`. */
export const CALLER_DIR_VARIABLE = "NETSPLIT_CALLER_DIR";

/**
 * The folder the command was typed in.
 *
 * `INIT_CWD` itself is not read: deno keeps an inherited one, so a tool started by a test
 * that itself runs under `deno task test` typed in a subfolder would see that subfolder. The
 * tasks copy it into {@linkcode CALLER_DIR_VARIABLE} instead, which only the task sets; a
 * tool started directly (`deno run -A ../tools/run.ts` from `labs/`) already runs in the
 * caller's folder.
 *
 * @param env Where to read the variable. @default Deno.env
 * @param cwd The process's folder. @default Deno.cwd()
 * @returns An absolute folder path.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { callerFolder } from "./caller_paths.ts";
 * const fromTask = { get: (name: string) => name === "NETSPLIT_CALLER_DIR" ? "/repo/labs" : undefined };
 * assert.equal(callerFolder(fromTask, "/repo"), "/repo/labs");
 * assert.equal(callerFolder({ get: () => undefined }, "/repo/labs"), "/repo/labs");
 * // Set but empty (a task run where deno gave no INIT_CWD): the process's folder.
 * assert.equal(callerFolder({ get: () => "" }, "/repo"), "/repo");
 * ```
 */
export function callerFolder(
  env: { get(name: string): string | undefined } = Deno.env,
  cwd: string = Deno.cwd(),
): string {
  const folder = env.get(CALLER_DIR_VARIABLE);
  return folder && isAbsolute(folder) ? normalize(folder) : cwd;
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
