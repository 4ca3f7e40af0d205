/**
 * `deno task lab <name>`: runs a lab's tests against the learner's file (the starter) and
 * explains the result: progress as checks run, then for each failing check the invariant it
 * names, the minimal failing schedule the test printed, a link that opens the counterexample
 * in the simulation player, and the command that re-runs just that check.
 *
 * Usage:
 *   deno task lab <name> [--solution] [--filter=<text>]
 *   deno task lab --list
 *   deno task lab --all [--solution]   (every lab in turn; a workshop fork's `npm test`)
 *
 * Labs are discovered, not listed: every `labs/<name>/` holding `api.ts` and `starter.ts`.
 * A lab test may print a line `counterexample: {"experiment", "seed", "params", "faults"}`
 * (see src/player/recording.ts); this tool turns it into a player link.
 *
 * Exit codes: 0 all checks pass, 1 some fail, 2 bad usage (unknown lab, bad flag).
 *
 * @module
 */

import { playerLink } from "../src/player/recording.ts";
import type { Counterexample } from "../src/player/recording.ts";
import { forkCommands, readmeGoal, readmeTitle } from "./lab_readme.ts";

/** A lab folder found under `labs/`. */
export interface LabInfo {
  name: string;
  dir: string;
  hasSolution: boolean;
  /** First heading of the README, if any. */
  title: string;
  /** The README's goal paragraph, or "". */
  goal: string;
}

/** Finds every lab: a folder under `labsDir` with `api.ts` and `starter.ts`. */
export function discoverLabs(labsDir: string): LabInfo[] {
  const labs: LabInfo[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(labsDir)];
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!entry.isDirectory || entry.name.startsWith("_") || entry.name.startsWith(".")) continue;
    const dir = `${labsDir}/${entry.name}`;
    const has = (file: string) => {
      try {
        return Deno.statSync(`${dir}/${file}`).isFile;
      } catch {
        return false;
      }
    };
    if (!has("api.ts") || !has("starter.ts")) continue;
    let readme = "";
    try {
      readme = Deno.readTextFileSync(`${dir}/README.md`);
    } catch { /* a lab without a README still runs */ }
    labs.push({
      name: entry.name,
      dir,
      hasSolution: has("solution.ts"),
      title: readmeTitle(readme, entry.name),
      goal: readmeGoal(readme),
    });
  }
  return labs.sort((a, b) => a.name.localeCompare(b.name));
}

/** One test case from a JUnit report. */
export interface CheckResult {
  name: string;
  file: string;
  passed: boolean;
  skipped: boolean;
  /** The failure text without the stack trace. */
  message: string;
}

function unescapeXml(text: string): string {
  return text.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"')
    .replaceAll("&apos;", "'").replaceAll("&#39;", "'").replaceAll("&amp;", "&");
}

/** Drops stack frames and the quoted source line with its `^` marker that Deno adds. */
function withoutSourceFrames(text: string): string {
  const kept: string[] = [];
  for (const line of text.split("\n")) {
    if (/^\s+at /.test(line)) continue;
    if (/^\s*\^+\s*$/.test(line)) {
      kept.pop();
      continue;
    }
    kept.push(line);
  }
  return kept.join("\n").trim();
}

/**
 * Parses Deno's JUnit report into check results (stack frames dropped).
 *
 * @example
 * ```ts
 * import { parseJunit } from "./lab.ts";
 * const [check] = parseJunit(`<testcase name="votes" classname="./x_test.ts" time="0"><failure message="m">AssertionError: two leaders
 *     at file:///x_test.ts:1:1</failure></testcase>`);
 * if (check.passed || check.message !== "AssertionError: two leaders") throw new Error(check.message);
 * ```
 */
export function parseJunit(xml: string): CheckResult[] {
  const results: CheckResult[] = [];
  const testcase =
    /<testcase name="([^"]*)" classname="([^"]*)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (const match of xml.matchAll(testcase)) {
    const body = match[4] ?? "";
    const failure = /<failure[^>]*>([\s\S]*?)<\/failure>/.exec(body) ??
      /<error[^>]*>([\s\S]*?)<\/error>/.exec(body);
    const message = failure ? withoutSourceFrames(unescapeXml(failure[1])) : "";
    results.push({
      name: unescapeXml(match[1]),
      file: unescapeXml(match[2]),
      passed: failure === null && !/<skipped/.test(body),
      skipped: /<skipped/.test(body),
      message,
    });
  }
  return results;
}

/**
 * Finds `counterexample: {...}` lines in a failure message.
 *
 * @example
 * ```ts
 * import { findCounterexamples } from "./lab.ts";
 * const [cx] = findCounterexamples('two leaders\ncounterexample: {"experiment":"heartbeat","seed":3}');
 * if (cx.seed !== 3 || cx.faults.length !== 0) throw new Error("read with defaults");
 * ```
 */
export function findCounterexamples(message: string): Counterexample[] {
  const found: Counterexample[] = [];
  for (const match of message.matchAll(/^\s*counterexample:\s*(\{.*\})\s*$/gm)) {
    try {
      const value = JSON.parse(match[1]);
      if (typeof value?.experiment === "string" && Number.isSafeInteger(value?.seed)) {
        found.push({ params: {}, faults: [], ...value });
      }
    } catch { /* not JSON after all: shown as text */ }
  }
  return found;
}

const color = (code: number) => (text: string) =>
  Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR") ? `\x1b[${code}m${text}\x1b[0m` : text;
/** The mutation battery's file in a lab folder: it tests the checks, not the learner. */
export const MUTANTS_FILE = "mutants_test.ts";

const red = color(31), green = color(32), dim = color(2), bold = color(1);

/**
 * The player link for a counterexample on the site at `siteUrl`. The site's links keep their
 * `.html` extension (Framework's preserveExtension), so a static file server finds the page;
 * the player reads the recording from the hash (`#player=<base64url>`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { playerLinkAt } from "./lab.ts";
 * const link = playerLinkAt("http://127.0.0.1:3000/", { experiment: "heartbeat", seed: 1, params: {}, faults: [] });
 * assert.match(link, /^http:\/\/127\.0\.0\.1:3000\/playground\.html#player=[\w-]+$/);
 * ```
 */
export function playerLinkAt(siteUrl: string, counterexample: Counterexample): string {
  return playerLink(counterexample, { base: `${siteUrl.replace(/\/+$/, "")}/playground.html` });
}

/** Renders the explanation of one failing check. */
export function explainFailure(
  check: CheckResult,
  options: { lab: string; target: string; siteUrl: string; fork?: boolean },
): string {
  // In a workshop fork Deno is not on PATH: print commands that work there as written.
  const cmd = (text: string) => options.fork ? forkCommands(text) : text;
  const lines = [red(`✗ ${check.name}`)];
  const message = check.message.replace(/^(Uncaught )?AssertionError:\s*/, "");
  for (const line of message.split("\n")) {
    if (/^\s*counterexample:/.test(line)) continue;
    lines.push(`    ${line}`);
  }
  for (const cx of findCounterexamples(check.message)) {
    try {
      lines.push(
        `    Open it in the player: ${playerLinkAt(options.siteUrl, cx)}`,
      );
      lines.push(dim(cmd(`      (start the site first: deno task dev)`)));
    } catch (error) {
      lines.push(`    (counterexample not playable: ${(error as Error).message})`);
    }
  }
  lines.push(
    dim(cmd(
      `    Re-run this check: NETSPLIT_LAB_TARGET=${options.target} deno test -A labs/${options.lab}/ --filter ${
        JSON.stringify(check.name)
      }`,
    )),
  );
  return lines.join("\n");
}

/** Whether this is a workshop fork: the fork maker stays behind, and Deno is not on PATH. */
function isFork(root: string): boolean {
  try {
    Deno.statSync(`${root}/tools/workshop.ts`);
    return false;
  } catch {
    return true;
  }
}

function usage(labs: LabInfo[], fork: boolean, problem?: string): never {
  const list = labs.length
    ? labs.map((l) => `  ${l.name.padEnd(18)} ${l.title}`).join("\n")
    : "  (none found under labs/)";
  const text =
    `${
      problem ? `${problem}\n\n` : ""
    }Usage: deno task lab <name> [--solution] [--filter=<text>]\n` +
    `       deno task lab --all [--solution]\n\nLabs:\n${list}`;
  console.error(fork ? forkCommands(text) : text);
  Deno.exit(2);
}

/** How one lab run goes: which lab, against which file, which checks. */
interface LabRun {
  root: string;
  lab: LabInfo;
  target: "starter" | "solution";
  filter?: string;
  siteUrl: string;
  fork: boolean;
}

/** Runs one lab's checks and explains its failures; returns the exit code (0 all pass). */
async function runLab(run: LabRun): Promise<number> {
  const { root, lab, target, filter, siteUrl, fork } = run;
  const cmd = (text: string) => fork ? forkCommands(text) : text;
  // The learner's checks only: mutants_test.ts tests the checks themselves (against the
  // reference) and has nothing to say about the learner's file.
  const testFiles = [...Deno.readDirSync(lab.dir)]
    .filter((e) => e.isFile && e.name.endsWith("_test.ts") && e.name !== MUTANTS_FILE)
    .map((e) => `labs/${lab.name}/${e.name}`)
    .sort();

  console.log(bold(`Lab ${lab.name}: ${lab.title}`));
  console.log(dim(`Testing labs/${lab.name}/${target}.ts\n`));
  const junitPath = await Deno.makeTempFile({ prefix: "netsplit-lab-", suffix: ".xml" });
  const command = new Deno.Command(Deno.execPath(), {
    args: [
      "test",
      "-A",
      `--junit-path=${junitPath}`,
      ...(filter ? ["--filter", filter] : []),
      ...testFiles,
    ],
    cwd: root,
    env: { NETSPLIT_LAB_TARGET: target, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  });
  const child = command.spawn();
  // Progress: Deno prints `name ... ok` / `name ... FAILED` as each test ends.
  const decoder = new TextDecoder();
  let pending = "";
  const rawOutput: string[] = [];
  for await (const chunk of child.stdout) {
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      rawOutput.push(line);
      const m = /^(.*) \.\.\. (ok|FAILED|ignored)/.exec(line);
      if (m) {
        const mark = m[2] === "ok" ? green("✓") : m[2] === "FAILED" ? red("✗") : dim("-");
        console.log(`  ${mark} ${m[1].trim()}`);
      }
    }
  }
  const stderr = decoder.decode(await new Response(child.stderr).arrayBuffer());
  const status = await child.status;
  let checks: CheckResult[] = [];
  try {
    checks = parseJunit(await Deno.readTextFile(junitPath));
  } catch { /* no report: the lab did not even compile */ }
  await Deno.remove(junitPath).catch(() => {});

  if (checks.length === 0 && status.success && filter !== undefined) {
    console.log(red(bold(`\nNo check ran: --filter=${filter} matches none of the lab's checks.`)));
    return 1;
  }
  if (checks.length === 0) {
    console.log(red("\nThe tests did not run. Deno said:\n"));
    console.log([...rawOutput, stderr].join("\n").replace(/Stack backtrace:[\s\S]*$/, "").trim());
    return status.success ? 1 : status.code || 1;
  }
  const failed = checks.filter((c) => !c.passed && !c.skipped);
  const passed = checks.filter((c) => c.passed).length;
  const ran = checks.filter((c) => !c.skipped).length;
  if (ran === 0) {
    // Zero checks prove nothing: a filter that matches no check is a mistake, not a pass.
    console.log(red(bold(
      `\nNo check ran${
        filter === undefined ? "" : `: --filter=${filter} matches none of the lab's checks`
      }.`,
    )));
    return 1;
  }
  console.log("");
  // The first few failures in full; a long list of red helps nobody, and fixing the first
  // often fixes the rest.
  const shown = 3;
  for (const check of failed.slice(0, shown)) {
    console.log(explainFailure(check, { lab: lab.name, target, siteUrl, fork }));
    console.log("");
  }
  if (failed.length > shown) {
    console.log(red(`… and ${failed.length - shown} more failing checks:`));
    for (const check of failed.slice(shown)) console.log(`    ${check.name}`);
    console.log(
      dim(cmd(`  (deno task lab ${lab.name} --filter=<text> shows any of them in full)\n`)),
    );
  }
  const summary = `${passed} of ${ran} checks pass.`;
  if (failed.length === 0) {
    console.log(green(bold(`All checks pass. ${summary}`)));
    return 0;
  }
  console.log(
    bold(`${summary} Read the first failure above, fix labs/${lab.name}/${target}.ts, run again.`),
  );
  console.log(dim(`Hints: labs/${lab.name}/README.md`));
  return 1;
}

async function main(args: string[]): Promise<number> {
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const labs = discoverLabs(`${root}/labs`);
  const fork = isFork(root);
  const flags = args.filter((a) => a.startsWith("--"));
  const names = args.filter((a) => !a.startsWith("--"));
  if (flags.includes("--list")) {
    for (const lab of labs) console.log(`${lab.name.padEnd(18)} ${lab.title}`);
    return 0;
  }
  for (const flag of flags) {
    if (flag !== "--solution" && flag !== "--all" && !flag.startsWith("--filter=")) {
      usage(labs, fork, `Unknown option ${flag}`);
    }
  }
  const target = flags.includes("--solution") ? "solution" : "starter";
  const siteUrl = Deno.env.get("NETSPLIT_SITE_URL") ?? "http://127.0.0.1:3000";
  if (flags.includes("--all")) {
    // Every lab, one after the other, each explained as `deno task lab <name>` explains it: what
    // a workshop fork's `npm test` shows for the labs instead of raw test output.
    if (names.length > 0 || flags.some((f) => f.startsWith("--filter="))) {
      usage(labs, fork, "--all runs every lab: give no lab name and no --filter.");
    }
    const chosen = labs.filter((l) => target === "starter" || l.hasSolution);
    if (chosen.length === 0) usage(labs, fork, "No lab to run.");
    const failing: string[] = [];
    for (const lab of chosen) {
      if (await runLab({ root, lab, target, siteUrl, fork }) !== 0) failing.push(lab.name);
      console.log("");
    }
    const passing = chosen.length - failing.length;
    console.log(bold(`Labs: ${passing} of ${chosen.length} pass.`));
    if (failing.length > 0) {
      console.log(cmd(`Work on one at a time: deno task lab ${failing[0]}`, fork));
    }
    return failing.length > 0 ? 1 : 0;
  }
  if (names.length !== 1) {
    usage(labs, fork, names.length ? "Give exactly one lab name." : "Which lab?");
  }
  const lab = labs.find((l) => l.name === names[0]);
  if (!lab) {
    usage(
      labs,
      fork,
      `Unknown lab "${names[0]}" (known: ${labs.map((l) => l.name).join(", ") || "none"})`,
    );
  }
  if (target === "solution" && !lab.hasSolution) {
    usage(
      labs,
      fork,
      `Lab ${lab.name} has no solution.ts here (a workshop fork ships starters only)`,
    );
  }
  const filter = flags.find((f) => f.startsWith("--filter="))?.slice("--filter=".length);
  if (filter === "") usage(labs, fork, "--filter needs some text: --filter=<text>");
  return await runLab({ root, lab, target, filter, siteUrl, fork });
}

const cmd = (text: string, fork: boolean) => fork ? forkCommands(text) : text;

if (import.meta.main) Deno.exit(await main(Deno.args));
