/**
 * `deno task run` and `deno task check` typed in a subfolder: `deno task` runs the tool in
 * the repository root, so every path the caller gives must be taken from their folder, and
 * every path printed must be true for them (issue 12).
 */
import assert from "node:assert/strict";
import { repoRoot } from "../tools/_lib/toolchain.ts";

/**
 * Runs `deno task <args>` in `cwd` as a shell would: without an `INIT_CWD` of our own (one
 * inherited from an outer `npm test` would name another folder), so deno sets it.
 */
async function task(cwd: string, ...args: string[]) {
  const env = Deno.env.toObject();
  delete env.INIT_CWD;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", ...args],
    cwd,
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** A scratch folder inside the repository (so `deno task` finds deno.json), removed after. */
async function withScratch(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ dir: repoRoot, prefix: ".cli-paths-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function svgsIn(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".svg")).sort();
}

Deno.test("deno task check from a subfolder reads a history relative to that folder", async () => {
  const labs = `${repoRoot}/labs`;
  const file = "../tests/fixtures/histories/stale_read.jsonl";
  const bad = await task(labs, "check", file);
  assert.equal(bad.code, 1, bad.stderr);
  assert.match(
    bad.stdout,
    /^\.\.\/tests\/fixtures\/histories\/stale_read\.jsonl: NOT linearizable/,
  );
  const good = await task(labs, "check", "../tests/fixtures/histories/register_linearizable.jsonl");
  assert.equal(good.code, 0, good.stdout + good.stderr);
  // A missing file is named as the caller wrote it.
  const missing = await task(labs, "check", "nope.jsonl");
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^nope\.jsonl: cannot read the history: no such file$/m);
});

Deno.test("deno task check from a subfolder reads a folder relative to that folder", async () => {
  await withScratch(async (dir) => {
    await Deno.mkdir(`${dir}/histories`);
    await Deno.copyFile(
      `${repoRoot}/tests/fixtures/histories/register_linearizable.jsonl`,
      `${dir}/histories/a.jsonl`,
    );
    const r = await task(dir, "check", "histories");
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^histories\/a\.jsonl: linearizable/m);
  });
});

Deno.test("deno task run --format=svg from a subfolder writes there and prints paths true there", async () => {
  await withScratch(async (dir) => {
    const rootBefore = svgsIn(repoRoot);
    const here = await task(dir, "run", "fallacies", "--seed=3", "--format=svg");
    assert.equal(here.code, 0, here.stderr);
    assert.deepEqual(svgsIn(dir), ["fallacies-seed3-1.svg", "fallacies-seed3-2.svg"]);
    assert.deepEqual(svgsIn(repoRoot), rootBefore, "nothing written into the repository root");
    for (const line of here.stdout.trim().split("\n")) {
      const printed = line.split("  ")[0];
      assert.ok(Deno.statSync(`${dir}/${printed}`).isFile, `${printed} exists for the caller`);
    }

    const out = await task(dir, "run", "fallacies", "--seed=3", "--format=svg", "--out=charts");
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /^charts\/fallacies-seed3-1\.svg {2}/m);
    assert.deepEqual(svgsIn(`${dir}/charts`), ["fallacies-seed3-1.svg", "fallacies-seed3-2.svg"]);
    assert.match(await Deno.readTextFile(`${dir}/charts/fallacies-seed3-1.svg`), /^<svg/);
  });
});

Deno.test("a tool started directly ignores an INIT_CWD inherited from an outer task or npm run", async () => {
  // As when `deno task test`, typed in labs/, runs a test that starts the tool in the root.
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "tools/check.ts", "tests/fixtures/histories/register_linearizable.jsonl"],
    cwd: repoRoot,
    env: { INIT_CWD: `${repoRoot}/labs` },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
});
