/**
 * The workshop fork check (CI): generate a fork in a temporary folder, run the two commands
 * its README gives, and require that every test passes except the lab tests, which fail
 * against the starters. Also: bad input is refused with exit code 2.
 *
 * The fork is generated from a temporary copy of this repository with one extra throwaway
 * lab, so the check does not depend on which real labs have landed; up to two real labs are
 * forked alongside it when they exist.
 */
import assert from "node:assert/strict";
import { discoverLabs, MUTANTS_FILE } from "../tools/lab.ts";
import { filterPages, parseArgs, UsageError } from "../tools/workshop.ts";
import {
  delegateToLearner,
  findExport,
  matchBracket,
  normalizeCode,
  readLabAnswers,
} from "../tools/_lib/workshop_answers.ts";

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const decoder = new TextDecoder();

function copyTree(from: string, to: string, skip: (name: string) => boolean = () => false): void {
  Deno.mkdirSync(to, { recursive: true });
  for (const entry of Deno.readDirSync(from)) {
    if (skip(entry.name)) continue;
    if (entry.isDirectory) copyTree(`${from}/${entry.name}`, `${to}/${entry.name}`, skip);
    else if (entry.isFile) Deno.copyFileSync(`${from}/${entry.name}`, `${to}/${entry.name}`);
  }
}

/** A copy of the repository (no node_modules, build output or git) plus a throwaway lab. */
function makeSourceRepo(): string {
  const dir = Deno.makeTempDirSync({ prefix: "netsplit-src-" });
  for (const entry of Deno.readDirSync(root)) {
    if ([".git", "node_modules", "dist", "tmp"].includes(entry.name)) continue;
    if (entry.isDirectory) {
      copyTree(
        `${root}/${entry.name}`,
        `${dir}/${entry.name}`,
        (n) => n === "lib" || n === ".observablehq",
      );
    } else if (entry.isFile) Deno.copyFileSync(`${root}/${entry.name}`, `${dir}/${entry.name}`);
  }
  Deno.symlinkSync(`${root}/node_modules`, `${dir}/node_modules`);
  const lab = `${dir}/labs/adder`;
  Deno.mkdirSync(lab, { recursive: true });
  Deno.writeTextFileSync(`${lab}/README.md`, "# Add two numbers\n\n## Goal\n\nMake add add.\n");
  Deno.writeTextFileSync(
    `${lab}/api.ts`,
    "export interface AdderLab { add(a: number, b: number): number }\n",
  );
  Deno.writeTextFileSync(
    `${lab}/starter.ts`,
    "export const add = (a: number, b: number) => a - b; // TODO\n",
  );
  Deno.writeTextFileSync(
    `${lab}/solution.ts`,
    "export const add = (a: number, b: number) => a + b;\n",
  );
  Deno.writeTextFileSync(
    `${lab}/adder_test.ts`,
    `import assert from "node:assert/strict";
import { loadLab } from "../_lib/load.ts";
import type { AdderLab } from "./api.ts";
const lab = await loadLab<AdderLab>(import.meta.url);
Deno.test("add adds", () => assert.equal(lab.add(2, 3), 5, "Invariant violated: 2 + 3 must be 5"));
`,
  );
  Deno.mkdirSync(`${dir}/docs`, { recursive: true });
  Deno.writeTextFileSync(
    `${dir}/docs/adding.md`,
    "# Adding\n\nTry the [adder lab](./labs#adder). See also [unrelated](./unrelated.html).\n",
  );
  Deno.writeTextFileSync(`${dir}/docs/unrelated.md`, "# Unrelated\n\nNo labs here.\n");
  return dir;
}

async function sh(command: string, cwd: string, env: Record<string, string> = {}) {
  // A learner's shell: none of the suite's own settings (it picks the labs' solutions).
  const inherited = Deno.env.toObject();
  delete inherited.NETSPLIT_LAB_TARGET;
  const out = await new Deno.Command("sh", {
    args: ["-c", command],
    cwd,
    clearEnv: true,
    env: { ...inherited, NO_COLOR: "1", ...env },
  }).output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** Splits `deno test` output into per-file results. */
function testResults(output: string): { file: string; name: string; ok: boolean }[] {
  const results: { file: string; name: string; ok: boolean }[] = [];
  let file = "";
  for (const line of output.split("\n")) {
    const header = /^running \d+ tests? from (\S+)/.exec(line);
    if (header) file = header[1];
    const result = /^(.*?) \.\.\. (ok|FAILED)/.exec(line);
    if (result && file) results.push({ file, name: result[1], ok: result[2] === "ok" });
  }
  return results;
}

Deno.test("a workshop fork's README commands work: all tests pass but the lab tests", async () => {
  const source = makeSourceRepo();
  const fork = `${Deno.makeTempDirSync({ prefix: "netsplit-fork-" })}/workshop`;
  try {
    const real = discoverLabs(`${root}/labs`).slice(0, 2).map((l) => l.name);
    const labs = ["adder", ...real];
    const made = await sh(
      `"${Deno.execPath()}" run -A tools/workshop.ts "${fork}" --labs ${labs.join(",")}`,
      source,
    );
    assert.equal(made.code, 0, made.stdout + made.stderr);

    // Starters without solutions; only the related pages.
    for (const lab of labs) {
      assert.ok(Deno.statSync(`${fork}/labs/${lab}/starter.ts`).isFile);
      assert.throws(
        () => Deno.statSync(`${fork}/labs/${lab}/solution.ts`),
        `solution of ${lab} leaked`,
      );
      // The mutation battery imports the solution and holds near-answers: it stays behind.
      assert.throws(
        () => Deno.statSync(`${fork}/labs/${lab}/${MUTANTS_FILE}`),
        `mutation battery of ${lab} leaked`,
      );
    }
    assert.ok(Deno.statSync(`${fork}/docs/adding.md`).isFile);
    assert.throws(() => Deno.statSync(`${fork}/docs/unrelated.md`));
    assert.throws(() => Deno.statSync(`${fork}/tools/workshop.ts`));
    const denoJson = JSON.parse(Deno.readTextFileSync(`${fork}/deno.json`));
    for (const task of ["test", "lab"]) assert.ok(task in denoJson.tasks, `task ${task} missing`);
    for (const task of ["dev", "bundle", "build"]) {
      const tool = `tools/${task}.ts`;
      const shipped = (() => {
        try {
          return Deno.statSync(`${fork}/${tool}`).isFile;
        } catch {
          return false;
        }
      })();
      assert.equal(task in denoJson.tasks, shipped, `task ${task} iff ${tool} is in the fork`);
    }

    // The README's setup block holds exactly two commands; run them.
    const readme = Deno.readTextFileSync(`${fork}/README.md`);
    const setup = /## Setup \(two commands\)\s+```sh\n([\s\S]*?)```/.exec(readme);
    assert.ok(setup, "README has a setup block");
    const commands = setup[1].trim().split("\n").map((c) => c.trim());
    assert.deepEqual(commands, ["npm install", "npm test"]);
    // npm install from the local cache: same packages, no network in CI.
    const install = await sh(`${commands[0]} --offline --no-audit --no-fund`, fork);
    assert.equal(install.code, 0, install.stderr);
    const test = await sh(commands[1], fork);
    if (Deno.env.get("DEBUG_WORKSHOP")) console.log(test.stdout, test.stderr);
    assert.notEqual(test.code, 0, "npm test must fail while the labs are unsolved");
    // The library's tests come first, as deno test prints them, and all pass.
    const labsAt = test.stdout.indexOf("Lab adder:") >= 0
      ? Math.min(...labs.map((l) => test.stdout.indexOf(`Lab ${l}:`)).filter((i) => i >= 0))
      : -1;
    assert.ok(labsAt > 0, `npm test ran no lab:\n${test.stdout.slice(-3000)}`);
    const results = testResults(test.stdout.slice(0, labsAt));
    assert.deepEqual(
      results.filter((r) => !r.ok),
      [],
      `library tests failed:\n${test.stdout.slice(0, labsAt).slice(-3000)}`,
    );
    assert.ok(results.some((r) => r.ok), "library tests ran");
    // Then the labs, explained as `npm run lab` explains them: one failure per check, no raw
    // stack traces or fast-check reports.
    const labPart = test.stdout.slice(labsAt);
    for (const lab of labs) {
      const section = labPart.slice(labPart.indexOf(`Lab ${lab}:`));
      assert.match(section, /✗ /, `lab ${lab}'s checks should fail against its starter`);
      assert.match(section, /\d+ of \d+ checks pass\./);
    }
    assert.match(labPart, new RegExp(`Labs: 0 of ${labs.length} pass\\.`));
    assert.doesNotMatch(labPart, /^\s+at .*:\d+:\d+\)?$/m, "a stack trace in the labs' output");
    assert.doesNotMatch(labPart, /Property failed after|Encountered failures were:/);
    assert.doesNotMatch(labPart, /(?<![\w./-])deno (task|test|run) /, "a bare deno command");

    // The lab command in the fork defaults to the starter.
    const lab = await sh(`npm run lab -- adder`, fork);
    assert.equal(lab.code, 1);
    assert.match(lab.stdout, /Testing labs\/adder\/starter\.ts/);
    assert.match(lab.stdout, /Invariant violated: 2 \+ 3 must be 5/);
    // Every command the fork prints or documents runs there exactly as written (no deno on the
    // learner's PATH): the re-run hint, and the commands in the READMEs' code blocks.
    const hint = /Re-run this check: (.+)$/m.exec(lab.stdout)?.[1];
    assert.ok(hint, lab.stdout);
    const rerun = await sh(hint, fork);
    assert.equal(rerun.code, 1, `${hint}\n${rerun.stdout}${rerun.stderr}`);
    assert.match(rerun.stdout, /add adds \.\.\. FAILED/, hint);
    for (const command of forkCommandLines(fork)) {
      // Commands with a placeholder (`npm run lab -- <lab>`) are templates, not runnable.
      if (!/^(npm run lab|node tools\/deno\.mjs test)/.test(command) || /<\w+>/.test(command)) {
        continue;
      }
      const ran = await sh(command, fork);
      assert.ok(
        ran.code === 0 || ran.code === 1,
        `"${command}" fails to run in the fork (exit ${ran.code}):\n${ran.stderr.slice(-1500)}`,
      );
      assert.doesNotMatch(ran.stderr, /not found|No such file|Module not found/, command);
    }
  } finally {
    Deno.removeSync(source, { recursive: true });
    Deno.removeSync(fork.replace(/\/workshop$/, ""), { recursive: true });
  }
});

/** The shell commands in a fork's READMEs: code-block lines and inline code that run a tool. */
function forkCommandLines(fork: string): string[] {
  const readmes = [
    "README.md",
    ...[...Deno.readDirSync(`${fork}/labs`)].filter((e) => e.isDirectory && !e.name.startsWith("_"))
      .map((e) => `labs/${e.name}/README.md`),
  ].filter((f) => {
    try {
      return Deno.statSync(`${fork}/${f}`).isFile;
    } catch {
      return false;
    }
  });
  const out: string[] = [];
  for (const file of readmes) {
    const text = Deno.readTextFileSync(`${fork}/${file}`);
    for (const block of text.matchAll(/```(?:sh|bash|shell)?\n([\s\S]*?)```/g)) {
      out.push(...block[1].split("\n").map((l) => l.trim()).filter(Boolean));
    }
    for (const span of text.matchAll(/`([^`\n]+)`/g)) out.push(span[1].trim());
  }
  return [...new Set(out)].filter((c) => /^(\w+=\S+ )*(deno|npm|npx|node) /.test(c));
}

/** Every relative page link in a fork's pages, with the page it names. */
function pageLinks(fork: string): { page: string; target: string; file: string }[] {
  const out: { page: string; target: string; file: string }[] = [];
  for (const entry of Deno.readDirSync(`${fork}/docs`)) {
    if (!entry.isFile || !entry.name.endsWith(".md")) continue;
    const text = Deno.readTextFileSync(`${fork}/docs/${entry.name}`);
    const targets = [
      ...[...text.matchAll(/(?<!!)\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]),
      ...[...text.matchAll(/<a\s+href="([^"]+)"/g)].map((m) => m[1]),
    ];
    for (const target of targets) {
      if (/^[a-z]+:|^#|^\/\//i.test(target)) continue;
      const path = target.replace(/[?#].*$/, "").replace(/^\.?\//, "");
      if (path === "" || /\.(?!html$|md$)[a-z0-9]+$/i.test(path)) continue;
      out.push({ page: path.replace(/\.(html|md)$/, ""), target, file: entry.name });
    }
  }
  return out;
}

Deno.test("a workshop fork links only pages it has and prints no command that needs deno on PATH", async () => {
  const source = makeSourceRepo();
  const fork = `${Deno.makeTempDirSync({ prefix: "netsplit-fork-" })}/workshop`;
  try {
    const real = discoverLabs(`${root}/labs`).map((l) => l.name)
      .filter((n) => ["hlc", "quorum"].includes(n));
    const made = await sh(
      `"${Deno.execPath()}" run -A tools/workshop.ts "${fork}" --labs ${
        ["adder", ...real].join(",")
      }`,
      source,
    );
    assert.equal(made.code, 0, made.stdout + made.stderr);
    const broken = pageLinks(fork).filter(({ page }) => {
      try {
        return !Deno.statSync(`${fork}/docs/${page}.md`).isFile;
      } catch {
        return true;
      }
    });
    assert.deepEqual(broken, [], "links to pages the fork does not have");
    assert.match(Deno.readTextFileSync(`${fork}/docs/adding.md`), /See also unrelated\./);
    // Commands: in the READMEs, in the labs' files (hints in starters and messages), and in
    // the test task, none calls a bare `deno`.
    const commands = forkCommandLines(fork);
    assert.ok(commands.some((c) => c.startsWith("npm run lab -- ")), commands.join("\n"));
    for (const command of commands) {
      assert.doesNotMatch(command, /^(\w+=\S+ )*deno /, `"${command}" needs deno on PATH`);
    }
    for (const lab of ["adder", ...real]) {
      for (const entry of Deno.readDirSync(`${fork}/labs/${lab}`)) {
        const text = Deno.readTextFileSync(`${fork}/labs/${lab}/${entry.name}`);
        assert.doesNotMatch(
          text,
          /(?<![\w./-])deno (task|test|run) /,
          `labs/${lab}/${entry.name} tells the learner to run deno`,
        );
      }
    }
    const tasks = JSON.parse(Deno.readTextFileSync(`${fork}/deno.json`)).tasks;
    assert.match(tasks.test, /tools\/lab\.ts --all/);
  } finally {
    Deno.removeSync(source, { recursive: true });
    Deno.removeSync(fork.replace(/\/workshop$/, ""), { recursive: true });
  }
});

/** Every text file of a fork's code, pages and tools, normalized, by path. */
function forkSources(fork: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string, rel: string) => {
    for (const entry of Deno.readDirSync(dir)) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory) {
        if (!["node_modules", ".git", ".observablehq"].includes(entry.name)) {
          walk(`${dir}/${entry.name}`, path);
        }
      } else if (/\.(ts|js|mjs|md|json)$/.test(entry.name)) {
        const text = Deno.readTextFileSync(`${dir}/${entry.name}`);
        out.set(
          path,
          /\.(ts|js|mjs)$/.test(entry.name) ? normalizeCode(text) : text.replace(/\s+/g, ""),
        );
      }
    }
  };
  walk(fork, "");
  return out;
}

/** The answers of a lab in this repository: its solution's bodies and its library answers'. */
function answerBodies(lab: string): { what: string; body: string }[] {
  const out: { what: string; body: string }[] = [];
  const solution = Deno.readTextFileSync(`${root}/labs/${lab}/solution.ts`);
  // Functions and arrow consts (a value like `RING_SIZE = 2 ** 32` has no body).
  for (
    const m of solution.matchAll(/^export (?:function ([\w$]+)|const ([\w$]+)[^=\n]*=\s*\()/gm)
  ) {
    const name = m[1] ?? m[2];
    const found = findExport(solution, name);
    if (found) out.push({ what: `labs/${lab}/solution.ts ${name}`, body: found.body });
  }
  // The solution's own classes and helpers hold the answer too (`createBreaker` only says
  // `new Breaker(settings)`).
  const answers = JSON.parse(
    (() => {
      try {
        return Deno.readTextFileSync(`${root}/labs/${lab}/answers.json`);
      } catch {
        return "{}";
      }
    })(),
  );
  // A helper the lab's own hints state, with the reason, in answers.json's notTheAnswer.
  const notTheAnswer = new Set(Object.keys(answers.notTheAnswer ?? {}));
  for (const m of solution.matchAll(/^(?:class|function) ([\w$]+)[^{]*/gm)) {
    if (notTheAnswer.has(m[1])) continue;
    const open = m.index! + m[0].length;
    const body = solution.slice(open, matchBracket(solution, open) + 1);
    out.push({ what: `labs/${lab}/solution.ts ${m[1]}`, body });
  }
  // A body the starter hands the learner too (`return new Breaker(settings)`) is scaffolding.
  const starter = normalizeCode(Deno.readTextFileSync(`${root}/labs/${lab}/starter.ts`));
  for (const answer of readLabAnswers(`${root}/labs/${lab}`).library) {
    const found = findExport(Deno.readTextFileSync(`${root}/${answer.module}`), answer.export);
    assert.ok(found, `labs/${lab}/answers.json names ${answer.export}, not in ${answer.module}`);
    out.push({ what: `${answer.module} ${answer.export}`, body: found.body });
  }
  // Very short bodies (`{ return r + w > n; }`) are too common to mean a copy.
  return out.map((a) => ({ ...a, body: normalizeCode(a.body) }))
    .filter((a) => a.body.length >= 25 && !starter.includes(a.body));
}

Deno.test("a workshop fork ships no answer: no solution body, and the library's answers call the learner's starter", async () => {
  // Every lab: its solution's bodies must be absent whether or not it lists library answers.
  const withAnswers = discoverLabs(`${root}/labs`).filter((l) => l.hasSolution).map((l) => l.name);
  assert.ok(
    withAnswers.some((lab) => readLabAnswers(`${root}/labs/${lab}`).library.length > 0),
    "no lab declares its library answers (answers.json)",
  );
  const fork = `${Deno.makeTempDirSync({ prefix: "netsplit-fork-" })}/workshop`;
  try {
    const made = await sh(
      `"${Deno.execPath()}" run -A tools/workshop.ts "${fork}" --labs ${withAnswers.join(",")}`,
      root,
    );
    assert.equal(made.code, 0, made.stdout + made.stderr);
    // No prebuilt site bundle or build output ships: a bundle would hold the answers compiled.
    for (const built of ["docs/lib", "dist", "docs/.observablehq"]) {
      assert.throws(() => Deno.statSync(`${fork}/${built}`), `the fork ships ${built}`);
    }
    const sources = forkSources(fork);
    for (const lab of withAnswers) {
      for (const { what, body } of answerBodies(lab)) {
        const holders = [...sources].filter(([, text]) => text.includes(body)).map(([p]) => p);
        assert.deepEqual(holders, [], `the fork holds the body of ${what}`);
      }
      for (const answer of readLabAnswers(`${root}/labs/${lab}`).library) {
        const text = Deno.readTextFileSync(`${fork}/${answer.module}`);
        const found = findExport(text, answer.export);
        assert.ok(found, `${answer.module} lost ${answer.export} (the fork's pages need it)`);
        // A plain delegation returns the starter's answer; a replacement (a library signature
        // the starter does not share) calls it somewhere in its body.
        assert.match(
          found.body,
          answer.replacement === undefined
            ? new RegExp(`^(\\{\\s*return\\s+)?learner\\w+\\.${answer.learner}\\(`)
            : new RegExp(`\\blearner\\w+\\.${answer.learner}\\(`),
          `${answer.export} in the fork should call labs/${lab}/starter.ts`,
        );
        assert.doesNotMatch(
          text.slice(found.start, found.end),
          /@example/,
          `${answer.export}'s examples state the answer`,
        );
      }
      assert.throws(() => Deno.statSync(`${fork}/labs/${lab}/answers.json`), "answers.json leaked");
      for (const test of readLabAnswers(`${root}/labs/${lab}`).testsOfTheAnswer) {
        assert.throws(() => Deno.statSync(`${fork}/${test}`), `${test} checks the reference`);
      }
    }
    // The fork's library still type-checks, with the learner's starters in place of the answers.
    Deno.symlinkSync(`${root}/node_modules`, `${fork}/node_modules`);
    const check = await sh(`"${Deno.execPath()}" check src/mod.ts`, fork);
    assert.equal(check.code, 0, check.stderr);
    // A page that runs an unsolved lab's code shows what to do, not a bare stack trace.
    const unsolved = await sh(
      `"${Deno.execPath()}" eval 'import { correctSagaNext } from "./src/transactions/saga_rules.ts"; correctSagaNext([], 2);'`,
      fork,
    );
    assert.match(
      unsolved.stderr,
      /This page runs your labs\/saga code; it throws: TODO [^\n]* — run `npm run lab -- saga`/,
    );
  } finally {
    Deno.removeSync(fork.replace(/\/workshop$/, ""), { recursive: true });
  }
});

Deno.test("deno task workshop refuses bad input with exit code 2", async () => {
  const source = makeSourceRepo();
  const target = Deno.makeTempDirSync({ prefix: "netsplit-fork-" });
  try {
    const run = (args: string) =>
      sh(`"${Deno.execPath()}" run -A tools/workshop.ts ${args}`, source);
    const unknown = await run(`"${target}/w" --labs adder,nope`);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown lab "nope" \(known: .*adder/);
    Deno.writeTextFileSync(`${target}/keep.txt`, "x");
    const busy = await run(`"${target}" --labs adder`);
    assert.equal(busy.code, 2);
    assert.match(busy.stderr, /Refusing to write into .*: the folder exists and is not empty/);
    assert.equal((await run(`"${target}/w"`)).code, 2);
    assert.equal((await run(`--labs adder`)).code, 2);
    assert.equal((await run(`"${target}/w" --labs adder --bogus`)).code, 2);
    // A folder that cannot be created: one line of reason and the usage, no stack trace.
    const proc = await run(`/proc/ws --labs adder`);
    assert.equal(proc.code, 2, proc.stderr);
    assert.match(
      proc.stderr,
      /^Cannot create the workshop in \/proc\/ws: No such file or directory/,
    );
    assert.doesNotMatch(proc.stderr, /Uncaught|\n\s+at /);
  } finally {
    Deno.removeSync(source, { recursive: true });
    Deno.removeSync(target, { recursive: true });
  }
});

Deno.test("workshop argument parsing and page filtering", () => {
  assert.deepEqual(parseArgs(["out", "--labs", "a,b,a"]), {
    dir: "out",
    labs: ["a", "b"],
    title: "Distributed systems workshop",
  });
  assert.throws(() => parseArgs(["out", "--labs"]), UsageError);
  const pages = [
    { name: "Raft", path: "/raft" },
    {
      name: "Patterns",
      pages: [{ name: "Clocks", path: "/time" }, { name: "CRDTs", path: "/crdt" }],
    },
    { name: "Other", pages: [{ name: "X", path: "/x" }] },
  ];
  assert.deepEqual(filterPages(pages, new Set(["raft", "time"])), [
    { name: "Raft", path: "/raft" },
    { name: "Patterns", pages: [{ name: "Clocks", path: "/time" }] },
  ]);
});

Deno.test("a class answer is replaced by the body answers.json gives, and refused without one", () => {
  const text =
    "/** A breaker. *\/\nexport class Breaker {\n  #open = false;\n  trip(): void {\n    this.#open = true;\n  }\n}\n";
  assert.equal(findExport(text, "Breaker")?.kind, "class");
  const answer = { module: "src/b.ts", export: "Breaker", learner: "createBreaker" };
  const options = { lab: "circuit-breaker", starterPath: "../labs/circuit-breaker/starter.ts" };
  // A class has no single call to forward, so a fork without a body would ship the answer.
  assert.throws(() => delegateToLearner(text, answer, options), /must give its replacement/);
  const out = delegateToLearner(text, {
    ...answer,
    replacement: "{\n  #b = $learner.createBreaker();\n}",
  }, options);
  assert.match(
    out,
    /export class Breaker \{\n {2}#b = learnerCircuitBreaker\.createBreaker\(\);\n\}/,
  );
  assert.doesNotMatch(out, /this\.#open = true/);
});
