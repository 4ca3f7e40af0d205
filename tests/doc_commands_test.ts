/**
 * Every command the README, the pages (docs/*.md) and the labs' READMEs tell a reader to type
 * is run by a test, exactly as written (issue 12: `deno test labs/<name>` once broke unnoticed,
 * and so did `deno bench tests/bench/search_bench.ts`, which lacked `-A`).
 *
 * A command is a shell line in a `sh` code block or an inline code span in prose that starts
 * with `deno`, `npm`, `npx`, `git`, `node`, `python3`, `cd` or `apt-get` (after any `NAME=value`
 * assignments). JavaScript cells and other code blocks are not commands. Each one found is either
 *
 * - run here by rule: `deno task run <experiment> …` (in this process, through the CLI's own
 *   `main`, from a scratch folder; a `--seed=…` in prose runs with seed 1), a lab's test command
 *   (`deno test -A labs/<lab>`, with or without `NETSPLIT_LAB_TARGET=starter`: all of them in
 *   one `deno test` process, which must fail on the learner's starter without a permission
 *   error) and `deno task lab <lab>`;
 * - run here from {@linkcode RUN}, with its folder, exit code and a line of its output;
 * - in {@linkcode COVERED}, which names the test that runs it and a string that test contains;
 * - or in {@linkcode NOT_RUN}, with the reason.
 *
 * A command in none of these fails the first test, naming the file and line and saying what to
 * add, so a page that gains a command also gains its test.
 *
 * @module
 */
import assert from "node:assert/strict";
import { main as runCli } from "../tools/run.ts";

const root = new URL("..", import.meta.url).pathname;

/** A command run here: where, and what a reader should see. */
interface RunEntry {
  /** The folder it is typed in: the repository root, or a scratch folder inside it. */
  cwd: "root" | "scratch";
  /** Files to put in the scratch folder first: name → a repository file to copy. */
  files?: Record<string, string>;
  /** The exit code the docs promise. */
  code: number;
  /** A line of its output (stdout and stderr) that shows it did what the docs say. */
  output: RegExp;
}

/** Commands run here, exactly as written, that no rule below covers. */
const RUN: Record<string, RunEntry> = {
  "deno task check history.jsonl --model=kv": {
    cwd: "scratch",
    files: { "history.jsonl": "tests/fixtures/histories/kv_independent.jsonl" },
    code: 0,
    output: /linearizable/,
  },
  "deno test src/check/invariants/messaging_test.ts": {
    cwd: "root",
    code: 0,
    output: /ok \| \d+ passed \| 0 failed/,
  },
  "deno bench -A tests/bench/search_bench.ts": {
    cwd: "root",
    code: 0,
    output: /search: find and shrink/,
  },
  "deno task lab --list": { cwd: "root", code: 0, output: /^vector-clocks +Vector clocks$/m },
};

/** Commands another test runs: the test file, and a string in it that shows it does. */
const COVERED: Record<string, { test: string; evidence: string }> = {
  "npm run dev": { test: "tests/e2e/dev_server_test.ts", evidence: `"tools/dev.ts"` },
  "deno task dev": { test: "tests/e2e/dev_server_test.ts", evidence: `"tools/dev.ts"` },
  "deno task build": { test: "tools/test.ts", evidence: "await build(" },
  // The README's CLI block, run as written from a scratch folder, SVG files checked.
  "deno task check tests/fixtures/histories/register_linearizable.jsonl --model=register": {
    test: "tests/cli_run_test.ts",
    evidence: "The CLI\\n",
  },
  "deno task run <experiment> --format=table": {
    test: "tests/cli_run_test.ts",
    evidence: `"--format=table"`,
  },
  "deno task check <file> --model=kv": {
    test: "tests/real_etcd_test.ts",
    evidence: "re-check +(deno task check run",
  },
  "deno task real etcd": {
    test: "tests/real_etcd_test.ts",
    evidence: `taskIn(root, ["real", "etcd"])`,
  },
  "deno task real etcd --reads=serializable --nemesis=crash,pause --election-trials=0": {
    test: "tests/real_etcd_test.ts",
    evidence:
      `"deno task real etcd --reads=serializable --nemesis=crash,pause --election-trials=0"`,
  },
  "deno task lab <name>": { test: "tests/lab_tool_test.ts", evidence: `"tools/lab.ts"` },
  "deno task lab <lab>": { test: "tests/lab_tool_test.ts", evidence: `"tools/lab.ts"` },
  "deno task lab <name> --solution": { test: "tests/lab_tool_test.ts", evidence: `"--solution"` },
  "deno task lab <lab> --solution": { test: "tests/lab_tool_test.ts", evidence: `"--solution"` },
  "deno test -A labs/<name>": {
    test: "tests/lab_commands_test.ts",
    evidence: `"deno test -A labs/vector-clocks"`,
  },
  "NETSPLIT_LAB_TARGET=starter deno test -A labs/<lab>/": {
    test: "tests/doc_commands_test.ts",
    evidence: "every lab README's own command",
  },
  "deno task workshop <dir> --labs a,b": {
    test: "tests/workshop_test.ts",
    evidence: "a workshop fork's README commands work",
  },
  "deno task workshop ../my-workshop --labs vector-clocks,hlc": {
    test: "tests/workshop_test.ts",
    evidence: "a workshop fork's README commands work",
  },
  // `npm ci` itself downloads ~360 packages (a minute or more): see NPM_CI below.
  "npm ci": { test: "tests/doc_commands_test.ts", evidence: `npm ci --dry-run --offline` },
  "deno fmt --check": { test: "tools/test.ts", evidence: `"fmt", "--check"` },
  "deno lint": { test: "tools/test.ts", evidence: `"lint"` },
  "deno test -A --doc": { test: "tools/test.ts", evidence: `"--doc"` },
};

/** Commands deliberately not run, and why. */
const NOT_RUN: Record<string, string> = {
  "npm test": "the whole suite, which runs this test (.ci/run runs it on CI)",
  "deno task test": "the whole suite, which runs this test",
  "deno task test --filter=Raft": "the whole suite's runner with a filter; this test is in it",
  "deno task bench": "every benchmark (minutes of timing); the one a page names is run above",
  "SEARCH_BUDGET=1 deno bench -A tests/bench/search_bench.ts":
    "the search-budget measurement over ten seeds, minutes long; the plain bench is run above",
  "deno task screenshots":
    "tests/e2e/site_test.ts, which the suite runs, with a PNG of every page saved for a person",
  "deno task": "prose: names the task runner, not a command to type",
  "deno task check": "prose: names the tool; its commands are listed on their own",
  "deno task lab": "prose: names the tool; its commands are listed on their own",
  "deno test": "prose: names the test runner; its commands are listed on their own",
};

/** A command a reader is told to type, and where. */
interface DocCommand {
  file: string;
  line: number;
  command: string;
}

const COMMAND = /^(?:[A-Z][A-Z0-9_]*=\S*\s+)*(?:deno|npm|npx|git|node|python3|cd|apt-get)\s+\S/;
const SHELL_FENCES = new Set(["", "sh", "bash", "shell", "console"]);

/** The Markdown files a reader reads: the README, the pages and the labs' READMEs. */
function docFiles(): string[] {
  const names = (dir: string) => [...Deno.readDirSync(`${root}${dir}`)].map((e) => e.name).sort();
  const pages = names("docs").filter((n) => n.endsWith(".md")).map((n) => `docs/${n}`);
  const labs = names("labs").map((n) => `labs/${n}/README.md`).filter((path) => {
    try {
      return Deno.statSync(`${root}${path}`).isFile;
    } catch {
      return false;
    }
  });
  return ["README.md", ...pages, ...labs];
}

/**
 * The commands in one Markdown text: shell lines in shell code blocks (a trailing `# comment`
 * dropped) and inline code spans outside code blocks.
 */
function commandsIn(file: string, text: string): DocCommand[] {
  const found: DocCommand[] = [];
  let fence: string | undefined;
  const add = (line: number, raw: string) => {
    const command = raw.trim().replace(/\s+/g, " ");
    if (COMMAND.test(command)) found.push({ file, line, command });
  };
  text.split("\n").forEach((text, index) => {
    const opening = /^\s*(```|~~~)\s*([^\s{]*)/.exec(text);
    if (opening) {
      fence = fence === undefined ? opening[2] : undefined;
      return;
    }
    if (fence !== undefined) {
      if (SHELL_FENCES.has(fence)) add(index + 1, text.replace(/\s#.*$/, ""));
      return;
    }
    for (const span of text.matchAll(/(?<!`)`([^`\n]+)`(?!`)/g)) add(index + 1, span[1]);
  });
  return found;
}

function allCommands(): DocCommand[] {
  return docFiles().flatMap((file) => commandsIn(file, Deno.readTextFileSync(`${root}${file}`)));
}

/** `deno task run …` with nothing left to fill in, as the CLI receives it. */
function experimentArgs(command: string): string[] | undefined {
  if (!command.startsWith("deno task run ") || command.includes("<")) return undefined;
  // Prose writes "--seed=…" for "a seed of your choice": run it with one.
  return command.replace(/=…/g, "=1").split(" ").slice(3);
}

const LAB_TEST = /^(NETSPLIT_LAB_TARGET=starter )?deno test -A (labs\/[\w-]+(?:\/[\w.-]+)?)\/?$/;
const LAB_TOOL = /^deno task lab ([\w-]+)$/;

function isLab(name: string): boolean {
  try {
    return Deno.statSync(`${root}labs/${name}/starter.ts`).isFile;
  } catch {
    return false;
  }
}

/** How a command is tested, or `undefined` when it is not. */
function howTested(command: string): string | undefined {
  if (command in RUN) return "RUN";
  if (command in COVERED) return "COVERED";
  if (command in NOT_RUN) return "NOT_RUN";
  if (experimentArgs(command)) return "experiment";
  const lab = LAB_TEST.exec(command);
  if (lab && isLab(lab[2].split("/")[1])) return "lab test";
  const tool = LAB_TOOL.exec(command);
  if (tool && isLab(tool[1])) return "lab tool";
  return undefined;
}

const commands = allCommands();
const decoder = new TextDecoder();

/**
 * Runs a shell line as a reader's shell would: no inherited INIT_CWD, lab target or caller
 * folder (the experiments running in this process set one meanwhile).
 */
async function shell(command: string, cwd: string) {
  const env = { ...Deno.env.toObject(), NO_COLOR: "1" } as Record<string, string>;
  for (const name of ["INIT_CWD", "NETSPLIT_LAB_TARGET", "NETSPLIT_CALLER_DIR"]) delete env[name];
  // The test's own deno first on PATH: `deno` in a command means the one running this suite.
  const denoDir = Deno.execPath().replace(/\/[^/]*$/, "");
  env.PATH = `${denoDir}:${env.PATH ?? ""}`;
  const out = await new Deno.Command("sh", {
    args: ["-c", command],
    cwd,
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, output: decoder.decode(out.stdout) + decoder.decode(out.stderr) };
}

async function withScratch<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ dir: root, prefix: ".doc-commands-" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function where(command: string): string {
  return commands.filter((c) => c.command === command).map((c) => `${c.file}:${c.line}`)
    .join(", ");
}

function distinct(kind: string): string[] {
  return [...new Set(commands.map((c) => c.command))].filter((c) => howTested(c) === kind);
}

Deno.test("every command the docs tell a reader to type is run here, covered by a named test, or listed as not run", () => {
  assert.ok(commands.length > 50, `found only ${commands.length} commands; is extraction broken?`);
  const untested = commands.filter((c) => howTested(c.command) === undefined);
  const list = untested.map((c) => `  ${c.file}:${c.line}  \`${c.command}\``).join("\n");
  assert.equal(
    untested.length,
    0,
    `These commands are shown to readers, but no test runs them:\n${list}\n` +
      `Add each to one of the tables at the top of tests/doc_commands_test.ts: RUN (run there: ` +
      `its folder, exit code and a line of its output), COVERED (the test file that runs it and ` +
      `a string in that file showing it does) or NOT_RUN (why it is deliberately not run). ` +
      `\`deno task run <experiment> ...\`, \`deno test -A labs/<lab>\` and \`deno task lab <lab>\` ` +
      `need no entry: they run by rule.`,
  );
});

Deno.test("the tests named as covering a documented command exist and still run it", async () => {
  for (const [command, { test, evidence }] of Object.entries(COVERED)) {
    const text = await Deno.readTextFile(`${root}${test}`);
    assert.ok(
      text.includes(evidence),
      `${test} no longer contains ${evidence} (for \`${command}\`)`,
    );
  }
});

/** Runs `deno task run …` commands in this process, from `scratch`; throws on the first wrong one. */
async function runExperiments(experiments: string[], scratch: string): Promise<void> {
  const saved = { log: console.log, error: console.error, progress: Deno.stderr.writeSync };
  const previous = Deno.env.get("NETSPLIT_CALLER_DIR");
  Deno.env.set("NETSPLIT_CALLER_DIR", scratch);
  // Long runs write progress straight to stderr; in a test it is only noise.
  Deno.stderr.writeSync = (bytes: Uint8Array) => bytes.length;
  try {
    for (const command of experiments) {
      const args = experimentArgs(command)!;
      let stdout = "";
      let stderr = "";
      console.log = (...parts: unknown[]) => void (stdout += parts.join(" ") + "\n");
      console.error = (...parts: unknown[]) => void (stderr += parts.join(" ") + "\n");
      let code: number;
      try {
        code = await runCli(args);
      } catch (error) {
        code = -1;
        stderr += String(error);
      } finally {
        console.log = saved.log;
        console.error = saved.error;
      }
      const context = `\`${command}\` (${where(command)})`;
      assert.equal(code, 0, `${context} failed:\n${stderr}`);
      const format = /--format=(\w+)/.exec(command)?.[1] ?? "table";
      if (args.includes("--list")) assert.match(stdout, /fallacies/, context);
      else if (args.includes("--help")) assert.match(stdout, /^usage: deno task run/, context);
      else if (format === "table") {
        assert.match(stdout, /^\S+ {2}seed=\d+ {2}traceHash=[0-9a-f]+$/m, context);
      } else if (format === "json") assert.ok("traceHash" in JSON.parse(stdout), context);
      else if (format === "vl") assert.ok(Array.isArray(JSON.parse(stdout)), context);
      else if (format === "svg") {
        const paths = stdout.trim().split("\n").map((line) => line.split("  ")[0]);
        assert.ok(paths.length > 0, context);
        for (const path of paths) {
          assert.match(
            await Deno.readTextFile(`${scratch}/${path}`),
            /^<svg/,
            `${context}: ${path}`,
          );
        }
      }
    }
  } finally {
    Deno.stderr.writeSync = saved.progress;
    if (previous === undefined) Deno.env.delete("NETSPLIT_CALLER_DIR");
    else Deno.env.set("NETSPLIT_CALLER_DIR", previous);
  }
}

/** A shell command to run in the repository root or in a scratch folder with some files. */
interface Job {
  command: string;
  cwd: "root" | "scratch";
  files?: Record<string, string>;
}

/** Runs jobs `lanes` at a time (the machine is shared; a few lanes keep the wall time down). */
async function runJobs(jobs: Job[], lanes: number) {
  const results = new Map<string, { code: number; output: string }>();
  const queue = [...jobs];
  const lane = async () => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
      const { command, cwd, files } = job;
      results.set(
        command,
        cwd === "root" ? await shell(command, root) : await withScratch(async (scratch) => {
          for (const [name, source] of Object.entries(files ?? {})) {
            await Deno.copyFile(`${root}${source}`, `${scratch}/${name}`);
          }
          return await shell(command, scratch);
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return results;
}

const npmFound = new Deno.Command("sh", { args: ["-c", "command -v npm"] }).outputSync().code === 0;

// `npm ci` itself downloads ~360 packages (a minute or more); `--dry-run` reads the same lockfile
// and .npmrc and checks engines and install scripts as `npm ci` does, without fetching anything.
// A private cache keeps the machine's untouched.
const NPM_CI = "npm ci --dry-run --offline --cache=.npm-cache";
const NPM_CI_FILES = {
  "package.json": "package.json",
  "package-lock.json": "package-lock.json",
  ".npmrc": ".npmrc",
};

Deno.test({
  name: "the docs' commands run as written, with the exit code and output they promise",
  sanitizeOps: false,
  sanitizeResources: false,
}, async (t) => {
  const experiments = distinct("experiment");
  const labTests = distinct("lab test");
  const labTools = distinct("lab tool");
  // The lab test commands differ only in their paths and in whether they set
  // NETSPLIT_LAB_TARGET=starter, the default a reader's shell gets anyway: one process for all.
  const labPaths = [...new Set(labTests.map((c) => LAB_TEST.exec(c)![2]))];
  const labBatch = `deno test -A ${labPaths.join(" ")}`;
  const jobs: Job[] = [
    { command: labBatch, cwd: "root" },
    ...labTools.map((command): Job => ({ command, cwd: "root" })),
    ...Object.entries(RUN).map(([command, { cwd, files }]): Job => ({ command, cwd, files })),
    ...(npmFound ? [NPM_CI, `${NPM_CI} --loglevel=warn`] : [])
      .map((command): Job => ({ command, cwd: "scratch", files: NPM_CI_FILES })),
  ];
  // The subprocesses start first and run beside the experiments, which run in this process.
  const finished = runJobs(jobs, 2);

  await t.step(
    "the deno task run commands exit 0 and print what their format promises",
    async () => {
      assert.ok(experiments.length > 20, `found ${experiments.length}`);
      // The task is `deno run -A tools/run.ts` with the caller's folder passed on; this calls the
      // same `main` with the same arguments, in one process for all (cli_run_test.ts runs the
      // README's CLI block through `deno task` itself).
      const task = JSON.parse(await Deno.readTextFile(`${root}deno.json`)).tasks.run as string;
      assert.match(task, /NETSPLIT_CALLER_DIR=\$INIT_CWD deno run -A tools\/run\.ts$/);
      await withScratch((scratch) => runExperiments(experiments, scratch));
    },
  );

  const results = await finished;

  await t.step(
    "every lab README's own command and the pages' lab commands test the learner's starter, which fails without a permission error",
    () => {
      assert.ok(labTests.length >= 10, `found ${labTests.length}`);
      const { code, output } = results.get(labBatch)!;
      assert.notEqual(code, 0, "the starters are unfinished, so their checks fail");
      assert.doesNotMatch(output, /NotCapable|Requires \w+ access/);
      const ranIn = new Set<string>();
      const failedIn = new Set<string>();
      let file = "";
      for (const line of output.split("\n")) {
        const running = /^running \d+ tests? from \.\/(\S+)/.exec(line);
        if (running) ranIn.add(file = running[1]);
        else if (/ \.\.\. FAILED/.test(line)) failedIn.add(file);
      }
      for (const command of labTests) {
        const path = LAB_TEST.exec(command)![2];
        const context = `\`${command}\` (${where(command)})`;
        assert.ok([...ranIn].some((f) => f.startsWith(path)), `${context} ran no tests`);
        assert.ok(
          [...failedIn].some((f) => f.startsWith(path)),
          `${context}: no check failed, so it did not test the unfinished starter`,
        );
      }
    },
  );

  await t.step("the deno task lab <lab> commands explain the starter's failures", () => {
    for (const command of labTools) {
      const { code, output } = results.get(command)!;
      const context = `\`${command}\` (${where(command)})`;
      assert.equal(code, 1, `${context}:\n${output}`);
      assert.match(output, /^\d+ of \d+ checks pass\. Read the first failure above/m, context);
    }
  });

  await t.step("the commands listed in RUN exit and print as their entries say", () => {
    for (const [command, entry] of Object.entries(RUN)) {
      const { code, output } = results.get(command)!;
      const context = `\`${command}\` (${where(command) || "in no page now"})`;
      assert.equal(code, entry.code, `${context}:\n${output}`);
      assert.match(output, entry.output, context);
    }
  });

  await t.step({
    name:
      "npm ci on this lockfile prints no warnings, and the only one its .npmrc quiets is vega-lite's engine range",
    ignore: !npmFound,
    fn: () => {
      const warningsIn = (output: string) =>
        output.split("\n").filter((line) => /^npm warn/i.test(line));
      const quiet = results.get(NPM_CI)!;
      assert.equal(quiet.code, 0, quiet.output);
      assert.deepEqual(warningsIn(quiet.output), []);
      // What loglevel=error hides: only the engine range vega-lite declares (Node 22), which
      // Node 20 does not need. The install scripts are approved in .npmrc, not merely hidden.
      const warned = results.get(`${NPM_CI} --loglevel=warn`)!;
      const unexpected = warningsIn(warned.output).filter((line) =>
        !/^npm warn EBADENGINE/.test(line) || /package: '(?!vega-lite@)/.test(line)
      );
      assert.deepEqual(unexpected, [], "new npm warnings on this lockfile");
    },
  });
});
