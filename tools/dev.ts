/**
 * Development server: rebuilds the core library bundle whenever a file in `src/` changes and
 * serves the site with Observable Framework's preview on http://127.0.0.1:3000 (live reload:
 * Framework watches the pages and `docs/lib/netsplit.js`, so editing either updates open tabs).
 * Ctrl-C stops both.
 *
 * Usage: `deno task dev [--port=3000] [--host=127.0.0.1]`
 *
 * @module
 */
import { parseArgs } from "node:util";
import { assertBundleEntry, bundle, bundleCommand } from "./bundle.ts";
import { seedNpmCache } from "./_lib/framework_cache.ts";
import { frameworkEnv, observableCommand, repoRoot } from "./_lib/toolchain.ts";

/** Options for {@linkcode dev}. */
export interface DevOptions {
  /** Preview port (Framework picks the next free one if taken). @default 3000 */
  port?: number;
  /** Preview host. @default "127.0.0.1" */
  host?: string;
}

/**
 * Validates the dev server options.
 *
 * @param options Raw options.
 * @returns Options with defaults filled in.
 * @throws {RangeError} When the port is not an integer in [1, 65535].
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(devOptions({}), { port: 3000, host: "127.0.0.1" });
 * assert.throws(() => devOptions({ port: 0 }), RangeError);
 * ```
 */
export function devOptions(options: DevOptions): Required<DevOptions> {
  const port = options.port ?? 3000;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`Option port must be an integer in [1, 65535], got ${port}`);
  }
  return { port, host: options.host ?? "127.0.0.1" };
}

/**
 * Runs the bundle watcher and the Framework preview until Ctrl-C or until either exits.
 *
 * @param options Port and host.
 * @returns The exit code to use.
 */
export async function dev(options: DevOptions = {}): Promise<number> {
  const { port, host } = devOptions(options);
  assertBundleEntry();
  await seedNpmCache();
  // One bundle before the preview starts, so the first page load finds docs/lib/netsplit.js.
  await bundle();
  const [bundler, ...bundleArgs] = bundleCommand({ watch: true });
  const children = [
    new Deno.Command(bundler, { args: bundleArgs, cwd: repoRoot }).spawn(),
    spawn(
      observableCommand(["preview", "--host", host, "--port", String(port), "--no-open"]),
      true,
    ),
  ];
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const child of children) {
      try {
        child.kill("SIGTERM");
      } catch {
        // Already exited.
      }
    }
  };
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  for (const signal of signals) Deno.addSignalListener(signal, stop);
  console.error(
    `dev: rebuilding docs/lib/netsplit.js when src/ changes; Framework prints the preview ` +
      `URL below (port ${port}, or the next free one). Ctrl-C stops both.`,
  );
  // Whichever child ends first (or Ctrl-C) stops the other.
  const first = await Promise.race(children.map((child) => child.status));
  const wasStopping = stopping;
  stop();
  await Promise.all(children.map((child) => child.status));
  for (const signal of signals) Deno.removeSignalListener(signal, stop);
  return wasStopping ? 0 : first.code === 0 ? 1 : first.code;
}

/**
 * Whether a line of Framework's preview log is routine chatter: one `GET` per module and asset
 * a page loads, the live-reload socket opening and closing and each message on it (`↑ {...}`,
 * `↓ {...}`), and one line per npm package it resolves or bundles from node_modules
 * (`vega → docs/.observablehq/cache/_node/vega@6.4.0/index.js`, about 60 on a fresh cache).
 * Everything else (the URL, warnings, errors) is shown. A message spread over several lines is
 * {@linkcode quietFilter}'s business.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(isChatter("GET /_import/components/cell.js"), true);
 * assert.equal(isChatter("socket open /raft"), true);
 * assert.equal(isChatter("↓ { type: 'welcome' }"), true);
 * assert.equal(isChatter("vega → docs/.observablehq/cache/_node/vega@6.4.0/index.js"), true);
 * assert.equal(isChatter("npm:d3 → npm:d3@7.9.0"), true);
 * assert.equal(isChatter("↳ http://127.0.0.1:3000/"), false);
 * assert.equal(isChatter("Error: unable to load docs/raft.md"), false);
 * ```
 */
export function isChatter(line: string): boolean {
  const plain = withoutColours(line).trim();
  return /^(GET|HEAD) \//.test(plain) || /^socket (open|close)\b/.test(plain) ||
    /^[↑↓] /.test(plain) || /^\S+ → \S+$/.test(plain);
}

/**
 * A stateful line filter for the preview's log: leaves out {@linkcode isChatter} lines and the
 * rest of a live-reload message that Node printed over several lines (`↑ {` up to its `}`).
 *
 * @returns A function that says whether to show each line, in order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const show = quietFilter();
 * const log = ["↑ {", "  type: 'hello',", "  path: '/'", "}", "Error: boom", "↓ { type: 'welcome' }"];
 * assert.deepEqual(log.filter(show), ["Error: boom"]);
 * ```
 */
export function quietFilter(): (line: string) => boolean {
  // The closing bracket Node puts at column 0 of the message still open, if any.
  let closing: string | undefined;
  return (line) => {
    const plain = withoutColours(line);
    if (closing !== undefined) {
      if (plain.trimEnd() === closing) closing = undefined;
      return false;
    }
    if (!isChatter(line)) return true;
    const open = /^\s*[↑↓] .*([{[])\s*$/.exec(plain)?.[1];
    if (open !== undefined) closing = open === "{" ? "}" : "]";
    return false;
  };
}

function withoutColours(line: string): string {
  // deno-lint-ignore no-control-regex
  return line.replace(/\x1b\[[0-9;]*m/g, "");
}

/** Copies a child's output to ours line by line, leaving out {@linkcode quietFilter}'s chatter. */
async function filterLines(stream: ReadableStream<Uint8Array>, out: typeof Deno.stdout) {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const show = quietFilter();
  let pending = "";
  for await (const chunk of stream) {
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    const kept = lines.filter(show);
    if (kept.length > 0) await out.write(encoder.encode(kept.join("\n") + "\n"));
  }
  if (pending !== "" && show(pending)) await out.write(encoder.encode(pending + "\n"));
}

function spawn(command: string[], quiet = false): Deno.ChildProcess {
  const [cmd, ...args] = command;
  const child = new Deno.Command(cmd, {
    args,
    cwd: repoRoot,
    env: frameworkEnv,
    stdin: "null",
    stdout: quiet ? "piped" : "inherit",
    stderr: quiet ? "piped" : "inherit",
  }).spawn();
  if (quiet) {
    filterLines(child.stdout, Deno.stdout);
    filterLines(child.stderr, Deno.stderr);
  }
  return child;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { port: { type: "string" }, host: { type: "string" } },
  });
  try {
    Deno.exit(
      await dev({
        port: values.port === undefined ? undefined : Number(values.port),
        host: values.host,
      }),
    );
  } catch (error) {
    console.error(`dev: ${error instanceof Error ? error.message : error}`);
    Deno.exit(1);
  }
}
