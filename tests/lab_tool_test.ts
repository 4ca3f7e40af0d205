/** `deno task lab` on a throwaway lab in a temporary copy of the repository's tools. */
import assert from "node:assert/strict";
import { discoverLabs, explainFailure, findCounterexamples, parseJunit } from "../tools/lab.ts";
import { decodeRecording, PLAYER_HASH_KEY } from "../src/player/recording.ts";

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) await copyDir(`${from}/${entry.name}`, `${to}/${entry.name}`);
    else if (entry.isFile) await Deno.copyFile(`${from}/${entry.name}`, `${to}/${entry.name}`);
  }
}

/** A tiny repository with one lab: `add` whose starter subtracts. */
async function makeRepo(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "netsplit-lab-tool-" });
  await copyDir(`${root}/src`, `${dir}/src`);
  await copyDir(`${root}/labs/_lib`, `${dir}/labs/_lib`);
  await Deno.mkdir(`${dir}/tools`);
  for (const tool of ["lab.ts", "lab_readme.ts"]) {
    await Deno.copyFile(`${root}/tools/${tool}`, `${dir}/tools/${tool}`);
  }
  await Deno.symlink(`${root}/node_modules`, `${dir}/node_modules`);
  await Deno.writeTextFile(`${dir}/deno.json`, JSON.stringify({ nodeModulesDir: "manual" }));
  await Deno.writeTextFile(`${dir}/package.json`, JSON.stringify({ type: "module" }));
  const lab = `${dir}/labs/adder`;
  await Deno.mkdir(lab);
  await Deno.writeTextFile(`${lab}/README.md`, "# Add two numbers\n");
  await Deno.writeTextFile(
    `${lab}/api.ts`,
    "export interface AdderLab { add(a: number, b: number): number }\n",
  );
  await Deno.writeTextFile(
    `${lab}/starter.ts`,
    "export const add = (a: number, b: number) => a - b; // TODO\n",
  );
  await Deno.writeTextFile(
    `${lab}/solution.ts`,
    "export const add = (a: number, b: number) => a + b;\n",
  );
  const cx = JSON.stringify({
    experiment: "heartbeat",
    seed: 4,
    params: {},
    faults: [{ atMs: 10, kind: "crash", node: "n2" }],
  });
  await Deno.writeTextFile(
    `${lab}/adder_test.ts`,
    `import assert from "node:assert/strict";
import { loadLab } from "../_lib/load.ts";
import type { AdderLab } from "./api.ts";
const lab = await loadLab<AdderLab>(import.meta.url);
Deno.test("add is commutative", () => {
  assert.equal(lab.add(1, 2), lab.add(2, 1), "Invariant violated: commutativity\\nMinimal failing schedule:\\n  1.000ms n1->n2 Add a=1 b=2\\ncounterexample: ${
      cx.replaceAll('"', '\\"')
    }");
});
Deno.test("adding zero changes nothing", () => assert.equal(lab.add(5, 0), 5));
`,
  );
  return dir;
}

async function lab(dir: string, ...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "tools/lab.ts", ...args],
    cwd: dir,
    env: { NO_COLOR: "1" },
  }).output();
  const d = new TextDecoder();
  return { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
}

Deno.test("deno task lab explains a failing starter: progress, invariant, schedule, player link, re-run command", async () => {
  const dir = await makeRepo();
  try {
    const run = await lab(dir, "adder");
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /✗ add is commutative/);
    assert.match(run.stdout, /✓ adding zero changes nothing/);
    assert.match(run.stdout, /Invariant violated: commutativity/);
    assert.match(run.stdout, /1\.000ms n1->n2 Add a=1 b=2/);
    assert.match(
      run.stdout,
      /Open it in the player: http:\/\/127\.0\.0\.1:3000\/playground\.html#player=[\w-]+/,
    );
    assert.match(
      run.stdout,
      // In a workshop fork (no tools/workshop.ts) the same hint runs the fork's own Deno.
      /(NETSPLIT_LAB_TARGET=starter deno|node tools\/deno\.mjs) test -A labs\/adder\/ --filter "add is commutative"/,
    );
    assert.match(run.stdout, /1 of 2 checks pass/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task lab passes the reference with --solution and rejects unknown labs with exit 2", async () => {
  const dir = await makeRepo();
  try {
    const ok = await lab(dir, "adder", "--solution");
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /All checks pass/);
    const unknown = await lab(dir, "nope");
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown lab "nope" \(known: adder\)/);
    assert.match(unknown.stderr, /adder\s+Add two numbers/);
    assert.equal((await lab(dir)).code, 2);
    assert.equal((await lab(dir, "adder", "--bogus")).code, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task lab reports a starter that does not compile without crashing", async () => {
  const dir = await makeRepo();
  try {
    await Deno.writeTextFile(
      `${dir}/labs/adder/starter.ts`,
      "export const add = (a: number, b: number) => a +;\n",
    );
    const run = await lab(dir, "adder");
    assert.equal(run.code, 1);
    assert.match(run.stdout, /The tests did not run/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseJunit keeps failure text and drops stack frames", () => {
  const xml = `<testsuite><testcase name="a &amp; b" classname="./x_test.ts" time="0">
<failure message="m">AssertionError: boom &lt;1&gt;
    at file:///x_test.ts:1:1</failure></testcase><testcase name="c" classname="./x_test.ts" time="0"/></testsuite>`;
  const [a, c] = parseJunit(xml);
  assert.deepEqual(a, {
    name: "a & b",
    file: "./x_test.ts",
    passed: false,
    skipped: false,
    message: "AssertionError: boom <1>",
  });
  assert.equal(c.passed, true);
});

Deno.test("findCounterexamples reads only well-formed counterexample lines", () => {
  const text = 'x\ncounterexample: {"experiment":"heartbeat","seed":1}\ncounterexample: {oops}';
  assert.deepEqual(findCounterexamples(text), [{
    experiment: "heartbeat",
    seed: 1,
    params: {},
    faults: [],
  }]);
  const explained = explainFailure(
    { name: "n", file: "f", passed: false, skipped: false, message: text },
    { lab: "l", target: "starter", siteUrl: "http://x" },
  );
  // The site keeps .html in its links (a static server has no clean-URL rewriting), and the
  // player reads the recording from the hash as the player page does (URLSearchParams).
  const link = /http:\/\/x\/playground\.html#player=\S+/.exec(explained)?.[0];
  assert.ok(link, explained);
  const url = new URL(link);
  assert.equal(url.pathname, "/playground.html");
  const encoded = new URLSearchParams(url.hash.slice(1)).get(PLAYER_HASH_KEY);
  assert.ok(encoded);
  const { recording } = decodeRecording(encoded);
  assert.equal(recording.seed, 1);
});

Deno.test("discoverLabs ignores _lib and folders without api.ts and starter.ts", () => {
  const names = discoverLabs(`${root}/labs`).map((l) => l.name);
  assert.ok(!names.includes("_lib"));
});

Deno.test("deno task lab calls a filter that matches no check a failure (exit 1), and refuses an empty one", async () => {
  const dir = await makeRepo();
  try {
    const none = await lab(dir, "adder", "--solution", "--filter=zzz");
    assert.equal(none.code, 1, none.stdout + none.stderr);
    assert.match(none.stdout, /No check ran: --filter=zzz matches none of the lab's checks\./);
    assert.doesNotMatch(none.stdout, /All checks pass/);
    const empty = await lab(dir, "adder", "--solution", "--filter=");
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /--filter needs some text/);
    const some = await lab(dir, "adder", "--solution", "--filter=zero");
    assert.equal(some.code, 0, some.stdout + some.stderr);
    assert.match(some.stdout, /All checks pass\. 1 of 1 checks pass\./);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task lab runs the learner's checks, not the lab's mutation battery", async () => {
  const dir = await makeRepo();
  try {
    await Deno.writeTextFile(
      `${dir}/labs/adder/mutants_test.ts`,
      `Deno.test("battery", () => { throw new Error("the battery ran"); });\n`,
    );
    const run = await lab(dir, "adder", "--solution");
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /2 of 2 checks pass/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task lab --all explains every lab and prints commands for where it runs", async () => {
  const dir = await makeRepo();
  try {
    // Without tools/workshop.ts this is a workshop fork: Deno is not on the learner's PATH.
    const fork = await lab(dir, "--all");
    assert.equal(fork.code, 1, fork.stdout + fork.stderr);
    assert.match(fork.stdout, /Lab adder: Add two numbers/);
    assert.match(fork.stdout, /✗ add is commutative/);
    assert.match(fork.stdout, /Labs: 0 of 1 pass\./);
    assert.match(fork.stdout, /Work on one at a time: npm run lab -- adder/);
    assert.match(fork.stdout, /Re-run this check: node tools\/deno\.mjs test -A labs\/adder\//);
    assert.doesNotMatch(fork.stdout, /(?<![\w./-])deno (task|test) /);
    assert.equal((await lab(dir, "--all", "adder")).code, 2);
    // In this repository (the fork maker is here) the commands are Deno's own.
    await Deno.writeTextFile(`${dir}/tools/workshop.ts`, "");
    const repo = await lab(dir, "--all");
    assert.match(repo.stdout, /Work on one at a time: deno task lab adder/);
    assert.match(repo.stdout, /Re-run this check: NETSPLIT_LAB_TARGET=starter deno test -A/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
