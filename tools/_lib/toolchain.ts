/**
 * Shared plumbing for the site and test tools: where the repository is, how to find Node and
 * Observable Framework, and how to run a child process with inherited output.
 *
 * Framework 1.13 runs on Node, not on Deno (its config loader fails under Deno), so the tools
 * start it with the `node` on `PATH` and the Framework CLI script from `node_modules`.
 *
 * @module
 */

/** Absolute path of the repository root (the folder holding `deno.json`). */
export const repoRoot: string = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

/** Absolute path of the Observable Framework CLI script inside `node_modules`. */
export const observableCli: string =
  `${repoRoot}/node_modules/@observablehq/framework/dist/bin/observable.js`;

/**
 * Environment for Framework runs: telemetry off, because the machines this project runs on
 * have no internet and a hanging telemetry request slows every build.
 */
export const frameworkEnv: Record<string, string> = { OBSERVABLE_TELEMETRY_DISABLE: "true" };

/**
 * Returns the command that starts the Observable Framework CLI with `args`.
 *
 * @param args Framework CLI arguments, such as `["build"]`.
 * @returns `[executable, ...args]` for {@linkcode Deno.Command}.
 * @throws {Error} When Framework is not installed in `node_modules`.
 *
 * @example
 * ```ts ignore
 * const [cmd, ...rest] = observableCommand(["build"]);
 * ```
 */
export function observableCommand(args: string[]): string[] {
  try {
    Deno.statSync(observableCli);
  } catch {
    throw new Error(
      `Cannot start Observable Framework: ${observableCli} is missing; run "npm ci" first`,
    );
  }
  return ["node", observableCli, ...args];
}

/**
 * Runs a command in the repository root with inherited stdio and waits for it.
 *
 * @param command `[executable, ...args]`.
 * @param options `env` adds environment variables to the child's environment.
 * @returns The exit code.
 *
 * @example
 * ```ts ignore
 * const code = await runInherited(["deno", "fmt", "--check"]);
 * ```
 */
export async function runInherited(
  command: string[],
  options: { env?: Record<string, string> } = {},
): Promise<number> {
  const [cmd, ...args] = command;
  const child = new Deno.Command(cmd, {
    args,
    cwd: repoRoot,
    env: options.env,
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  const status = await child.status;
  return status.code;
}

/**
 * Runs a command in the repository root, copying its stdout and stderr through while keeping
 * the text, so a tool can explain a failure after the fact.
 *
 * @param command `[executable, ...args]`.
 * @param options `env` adds environment variables to the child's environment.
 * @returns The exit code and everything the command printed (stdout then stderr).
 *
 * @example
 * ```ts ignore
 * const { code, output } = await runTee(["node", "--version"]);
 * ```
 */
export async function runTee(
  command: string[],
  options: { env?: Record<string, string> } = {},
): Promise<{ code: number; output: string }> {
  const [cmd, ...args] = command;
  const child = new Deno.Command(cmd, {
    args,
    cwd: repoRoot,
    env: options.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const copy = async (stream: ReadableStream<Uint8Array>, sink: WritableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    const writer = sink.getWriter();
    let text = "";
    for await (const chunk of stream) {
      await writer.write(chunk);
      text += decoder.decode(chunk, { stream: true });
    }
    writer.releaseLock();
    return text;
  };
  const [stdout, stderr, status] = await Promise.all([
    copy(child.stdout, Deno.stdout.writable),
    copy(child.stderr, Deno.stderr.writable),
    child.status,
  ]);
  return { code: status.code, output: `${stdout}\n${stderr}` };
}

/**
 * Formats an elapsed time in milliseconds as seconds with one decimal, for tool logs.
 *
 * @param elapsedMs Elapsed milliseconds.
 * @returns For example `"12.3s"`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(formatSeconds(12345), "12.3s");
 * ```
 */
export function formatSeconds(elapsedMs: number): string {
  return `${(elapsedMs / 1000).toFixed(1)}s`;
}

/** The Chromium the browser tests drive (Debian's); override with `NETSPLIT_CHROMIUM`. */
export const chromiumPath: string = Deno.env.get("NETSPLIT_CHROMIUM") ?? "/usr/bin/chromium";
