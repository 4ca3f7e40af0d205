import assert from "node:assert/strict";
import { generateKvHistory, historyToJsonLines } from "../src/check/mod.ts";
import { Random } from "../src/sim/random.ts";

const FIXTURES = new URL("../tests/fixtures/histories/", import.meta.url);
const CLI = new URL("./check.ts", import.meta.url).pathname;

async function check(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

const fixture = (name: string) => new URL(name, FIXTURES).pathname;

Deno.test("check exits 0 on linearizable histories", async () => {
  for (const name of ["register_linearizable.jsonl", "unknown_outcome_must_take_effect.jsonl"]) {
    const { code, stdout } = await check(fixture(name));
    assert.equal(code, 0, name);
    assert.match(stdout, /: linearizable \(/);
  }
  assert.equal((await check(fixture("kv_independent.jsonl"), "--model=kv")).code, 0);
});

Deno.test("check exits 1 and explains a violation", async () => {
  const { code, stdout } = await check(fixture("stale_read.jsonl"));
  assert.equal(code, 1);
  assert.match(stdout, /NOT linearizable/);
  assert.match(stdout, /Minimal non-linearizable prefix: lines 1–6/);
  assert.match(stdout, /r\(x\)=1 by process 3/);
  assert.equal((await check(fixture("cas_fail_observation.jsonl"))).code, 1);
});

Deno.test("check --format=json prints the result as one JSON object", async () => {
  const { code, stdout } = await check(fixture("new_then_old.jsonl"), "--format=json");
  assert.equal(code, 1);
  const result = JSON.parse(stdout);
  assert.equal(result.verdict, "not-linearizable");
  assert.equal(result.violation.prefixLength, 7);
  assert.equal(result.violation.culprit.label, "r(x)=1");
});

Deno.test("check exits 2 with file:line on a malformed history, without a stack trace", async () => {
  const { code, stderr } = await check(fixture("malformed.jsonl"));
  assert.equal(code, 2);
  assert.match(stderr, /malformed\.jsonl:3: bad JSON/);
  assert.doesNotMatch(stderr, /\n\s+at /);
  assert.equal(stderr.trim().split("\n").length, 1);
});

Deno.test("check exits 2 on a missing file, a bad flag or a missing key for kv", async () => {
  const missing = await check("no/such/history.jsonl");
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no\/such\/history\.jsonl: cannot read the history: no such file/);
  const flag = await check(fixture("stale_read.jsonl"), "--colour");
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /^Unknown flag --colour\. Usage: /);
  assert.equal(flag.stderr.trim().split("\n").length, 1);
  assert.equal((await check(fixture("stale_read.jsonl"), "--model=queue")).code, 2);
  assert.equal((await check()).code, 2);
  const kv = await check(fixture("register_linearizable.jsonl"), "--model=kv");
  assert.equal(kv.code, 2);
  assert.match(kv.stderr, /register_linearizable\.jsonl:1: model kv needs a "key"/);
});

Deno.test("check exits 3 when the search budget is exceeded", async () => {
  const { code, stdout } = await check(fixture("register_linearizable.jsonl"), "--max-states=2");
  assert.equal(code, 3);
  assert.match(stdout, /unknown — Search budget exceeded/);
});

Deno.test("check over several files prints one line per file, a summary and the worst exit code", async () => {
  const two = await check(fixture("register_linearizable.jsonl"), fixture("stale_read.jsonl"));
  assert.equal(two.code, 1);
  const lines = two.stdout.trim().split("\n");
  assert.equal(lines.length, 3);
  assert.match(lines[0], /register_linearizable\.jsonl: linearizable \(6 operations, 1 key, /);
  assert.match(lines[1], /stale_read\.jsonl: NOT linearizable \(.*refuted "x"/);
  assert.match(lines[2], /^2 files: 1 linearizable, 1 not linearizable, 0 unknown, 0 bad input/);
  const good = await check(
    fixture("register_linearizable.jsonl"),
    fixture("unknown_outcome_must_take_effect.jsonl"),
  );
  assert.equal(good.code, 0);
});

Deno.test("check over a folder checks its .jsonl files in name order in one process", async () => {
  const { code, stdout, stderr } = await check(FIXTURES.pathname, "--format=json");
  assert.equal(code, 2, "the folder holds a malformed history");
  assert.equal(stderr, "");
  const { files, summary } = JSON.parse(stdout);
  const names = files.map((f: { path: string }) => f.path.split("/").pop());
  assert.deepEqual(names, [...names].sort());
  assert.equal(summary.files, files.length);
  assert.equal(summary.badInput, 1);
  const malformed = files.find((f: { path: string }) => f.path.endsWith("malformed.jsonl"));
  assert.match(malformed.error, /malformed\.jsonl:3: bad JSON/);
});

/** The CLI's output with the timings (which vary run to run) blanked. */
async function untimed(...args: string[]): Promise<{ code: number; stdout: string }> {
  const { code, stdout, stderr } = await check(...args);
  assert.equal(stderr, "");
  return { code, stdout: stdout.replace(/\b\d+ ms\b/g, "_ ms").replace(/"ms": \d+/g, '"ms": _') };
}

Deno.test("check prints the same with one worker and with two, for single histories and folders", async () => {
  const folder = await Deno.makeTempDir({ prefix: "lin2-workers-" });
  try {
    // A c50-like history whose key "2" outlasts the rounds the main thread runs, twice (the
    // copy's keys and processes renamed), so two workers share the two; with a small budget
    // both end unknown. Another with a refuted key, and the fixtures.
    const events = generateKvHistory(new Random(1), { operations: 3000, corruptKeys: ["2"] });
    const copy = events.map((e) => ({ ...e, key: `k${e.key}`, process: e.process + 1000 }));
    await Deno.writeTextFile(`${folder}/hard.jsonl`, historyToJsonLines([...events, ...copy]));
    await Deno.writeTextFile(
      `${folder}/refuted.jsonl`,
      historyToJsonLines(
        generateKvHistory(new Random(2), { operations: 600, corruptKeys: ["1", "3"] }),
      ),
    );
    const cases = [
      [`${folder}/hard.jsonl`, "--model=kv", "--max-states=160000"],
      [`${folder}/hard.jsonl`, "--model=kv", "--max-states=160000", "--format=json"],
      [`${folder}/refuted.jsonl`, "--model=kv"],
      [folder, "--model=kv", "--max-states=160000"],
      [FIXTURES.pathname, "--format=json"],
      [fixture("stale_read.jsonl")],
    ];
    for (const args of cases) {
      const one = await untimed(...args, "--workers=1");
      const two = await untimed(...args, "--workers=2");
      assert.equal(two.code, one.code, args.join(" "));
      assert.equal(two.stdout, one.stdout, args.join(" "));
    }
    const hard = await untimed(`${folder}/hard.jsonl`, "--model=kv", "--max-states=160000");
    assert.equal(hard.code, 3);
    assert.match(hard.stdout, /unknown "2","k2"/);
    assert.equal((await untimed(`${folder}/refuted.jsonl`, "--model=kv")).code, 1);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("check refuses a --workers that is not a whole number from 1 to 64", async () => {
  for (const bad of ["--workers=0", "--workers=x", "--workers=65", "--workers"]) {
    const { code, stderr } = await check(fixture("stale_read.jsonl"), bad);
    assert.equal(code, 2, bad);
    assert.match(stderr, /--workers must be/);
  }
});
