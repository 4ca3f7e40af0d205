/**
 * Runs every check and test, streams their output, and ends with one line
 * `N passed, N failed`.
 *
 * Steps, each counted in the total:
 * 0. through `npm test` or on CI, as root: install Debian chromium and etcd-server when missing;
 * 1. `deno fmt --check` (one check) and `deno lint` (one check);
 * 2. the site build, `deno task build` (one check), which the browser tests need;
 * 3. `deno test -A --doc --parallel` over src/, tests/, labs/ and tools/: unit, property,
 *    determinism and browser tests plus every JSDoc `@example` and every TypeScript code
 *    block in Markdown files there. Each test and each test step counts once, as deno counts
 *    them; ignored (skipped) tests are listed but counted neither way.
 *
 * Usage: `deno task test [extra deno test args, e.g. --filter=Raft]`. Exits 1 when anything
 * failed. `NETSPLIT_SKIP_BUILD=1` reuses the existing `dist/` (reported as ignored), for quick
 * iterations.
 *
 * @module
 */
import { build } from "./build.ts";
import { chromiumPath, formatSeconds, repoRoot, runInherited } from "./_lib/toolchain.ts";

/** Counts parsed from deno test's summary line. */
export interface TestCounts {
  passed: number;
  failed: number;
  ignored: number;
}

/**
 * Parses deno test's final summary line, such as
 * `ok | 12 passed (3 steps) | 0 failed | 1 ignored (58ms)` or
 * `FAILED | 0 passed (1 step) | 1 failed (1 step) (3s)`.
 * Tests and steps are added up.
 *
 * @param line One line of output (ANSI colours are ignored).
 * @returns The counts, or `undefined` when the line is not a summary.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseSummary("ok | 12 passed (3 steps) | 0 failed | 1 ignored (58ms)"),
 *   { passed: 15, failed: 0, ignored: 1 });
 * assert.deepEqual(parseSummary("FAILED | 0 passed (1 step) | 1 failed (1 step) (3s)"),
 *   { passed: 1, failed: 2, ignored: 0 });
 * assert.equal(parseSummary("running 3 tests"), undefined);
 * ```
 */
export function parseSummary(line: string): TestCounts | undefined {
  // deno-lint-ignore no-control-regex
  const plain = line.replace(/\x1b\[[0-9;]*m/g, "").trim();
  if (!/^(ok|FAILED) \| \d+ passed/.test(plain)) return undefined;
  const count = (label: string): number => {
    const match = plain.match(new RegExp(`\\| (\\d+) ${label}(?: \\((\\d+) steps?\\))?`));
    return match ? Number(match[1]) + Number(match[2] ?? 0) : 0;
  };
  return { passed: count("passed"), failed: count("failed"), ignored: count("ignored") };
}

/** Folders searched for tests and doc tests, when they exist. */
export const testRoots: readonly string[] = ["src", "tests", "labs", "tools"];

/**
 * Whether this run may install Debian's chromium: only through `npm test` (npm sets
 * `npm_lifecycle_event`) or on CI, as root, with apt-get. A plain `deno task test` never
 * changes the system; without Chromium its browser tests are reported as ignored.
 *
 * @param env Environment variables.
 * @param isRoot Whether the process runs as root.
 * @param hasAptGet Whether apt-get exists.
 * @returns `true` when installing is allowed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(mayInstallChromium({ CI: "true" }, true, true), true);
 * assert.equal(mayInstallChromium({ npm_lifecycle_event: "test" }, false, true), false);
 * assert.equal(mayInstallChromium({}, true, true), false);
 * ```
 */
export function mayInstallChromium(
  env: Record<string, string | undefined>,
  isRoot: boolean,
  hasAptGet: boolean,
): boolean {
  const viaNpmOrCi = env.npm_lifecycle_event === "test" ||
    ["1", "true"].includes((env.CI ?? "").toLowerCase());
  return viaNpmOrCi && isRoot && hasAptGet;
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Debian packages the tests use, with the file each installs: the browser and etcd. */
const DEBIAN_PACKAGES: readonly { name: string; path: string; purpose: string }[] = [
  { name: "chromium", path: chromiumPath, purpose: "browser tests" },
  { name: "etcd-server", path: "/usr/bin/etcd", purpose: "real-cluster tests" },
];

/**
 * Installs the Debian packages the tests need (chromium, etcd-server) when they are missing and
 * {@linkcode mayInstallChromium} allows; otherwise their tests are reported as ignored.
 */
async function provisionPackages(): Promise<Outcome | undefined> {
  const missing = DEBIAN_PACKAGES.filter((p) => !exists(p.path));
  if (missing.length === 0) return undefined;
  const allowed = mayInstallChromium(
    Deno.env.toObject(),
    Deno.uid() === 0,
    exists("/usr/bin/apt-get"),
  );
  if (!allowed) {
    for (const p of missing) {
      console.error(
        `\n== ${p.name}: ${p.path} is missing; ${p.purpose} will be ignored ` +
          `("npm test" as root installs it, or: apt-get install -y ${p.name})`,
      );
    }
    return undefined;
  }
  const names = missing.map((p) => p.name);
  console.error(`\n== installing Debian ${names.join(", ")} (apt-get)`);
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update"], ["install", "-y", "--no-install-recommends", ...names]]) {
    const { code } = await new Deno.Command("apt-get", {
      args,
      env,
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (code !== 0) {
      console.error(`${names.join(", ")}: apt-get ${args[0]} exited ${code}`);
      return { name: "Debian packages install", passed: 0, failed: 1, ignored: 0 };
    }
  }
  return undefined;
}

/** One line of the final report. */
interface Outcome {
  name: string;
  passed: number;
  failed: number;
  ignored: number;
  note?: string;
}

async function check(name: string, args: string[]): Promise<Outcome> {
  console.error(`\n== ${name}: deno ${args.join(" ")}`);
  const code = await runInherited([Deno.execPath(), ...args]);
  return { name, passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, ignored: 0 };
}

async function siteBuild(): Promise<Outcome> {
  if (Deno.env.get("NETSPLIT_SKIP_BUILD") === "1") {
    console.error(
      "\n== build: skipped (NETSPLIT_SKIP_BUILD=1); browser tests use the existing dist/",
    );
    return { name: "build", passed: 0, failed: 0, ignored: 1, note: "skipped" };
  }
  console.error("\n== build: deno task build");
  try {
    await build();
    return { name: "build", passed: 1, failed: 0, ignored: 0 };
  } catch (error) {
    console.error(`build: ${error instanceof Error ? error.message : error}`);
    return { name: "build", passed: 0, failed: 1, ignored: 0 };
  }
}

/** Runs deno test, copying its output to ours line by line while looking for the summary. */
async function denoTest(extraArgs: string[]): Promise<Outcome> {
  const roots = testRoots.filter((root) => {
    try {
      return Deno.statSync(`${repoRoot}/${root}`).isDirectory;
    } catch {
      return false;
    }
  });
  const args = ["test", "-A", "--doc", "--parallel", ...extraArgs, ...roots];
  console.error(`\n== tests: deno ${args.join(" ")}`);
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: repoRoot,
    // Here the labs' tests check the reference solutions; a learner's own run tests the starter.
    env: { NETSPLIT_LAB_TARGET: "solution" },
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let summary: TestCounts | undefined;
  const skipped: string[] = [];
  let pending = "";
  const decoder = new TextDecoder();
  const writer = Deno.stdout.writable.getWriter();
  for await (const chunk of child.stdout) {
    await writer.write(chunk);
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      summary = parseSummary(line) ?? summary;
      // deno-lint-ignore no-control-regex
      const plain = line.replace(/\x1b\[[0-9;]*m/g, "");
      if (/ \.\.\. ignored/.test(plain)) skipped.push(plain.replace(/ \.\.\. ignored.*/, ""));
    }
  }
  writer.releaseLock();
  const { code } = await child.status;
  if (summary === undefined) {
    return {
      name: "tests",
      passed: 0,
      failed: 1,
      ignored: 0,
      note: `deno test exited ${code} without a summary (type errors or a crash; see above)`,
    };
  }
  const failed = code !== 0 && summary.failed === 0 ? 1 : summary.failed;
  const note = skipped.length > 0 ? `ignored: ${skipped.join("; ")}` : undefined;
  return { name: "tests", ...summary, failed, note };
}

if (import.meta.main) {
  const started = performance.now();
  const outcomes: Outcome[] = [];
  const packages = await provisionPackages();
  if (packages) outcomes.push(packages);
  outcomes.push(await check("fmt", ["fmt", "--check"]));
  outcomes.push(await check("lint", ["lint"]));
  outcomes.push(await siteBuild());
  outcomes.push(await denoTest(Deno.args));
  const passed = outcomes.reduce((sum, o) => sum + o.passed, 0);
  const failed = outcomes.reduce((sum, o) => sum + o.failed, 0);
  console.log("");
  for (const o of outcomes) {
    const ignored = o.ignored > 0 ? `, ${o.ignored} ignored` : "";
    console.log(`${o.name}: ${o.passed} passed, ${o.failed} failed${ignored}`);
    if (o.note) console.log(`  ${o.note}`);
  }
  console.log(`time: ${formatSeconds(performance.now() - started)}`);
  console.log(`${passed} passed, ${failed} failed`);
  Deno.exit(failed > 0 ? 1 : 0);
}
