import assert from "node:assert/strict";

const root = new URL("../", import.meta.url);

async function cli(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "tools/run.ts", ...args],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("run --format=json prints one object with the contract's fields, stable per seed", async () => {
  const a = await cli("fallacies", "--seed=7", "--format=json");
  const b = await cli("fallacies", "--seed=7", "--format=json");
  const c = await cli("fallacies", "--seed=8", "--format=json");
  assert.equal(a.code, 0, a.stderr);
  const ja = JSON.parse(a.stdout), jb = JSON.parse(b.stdout), jc = JSON.parse(c.stdout);
  for (const key of ["experiment", "seed", "params", "summary", "traceHash"]) {
    assert.ok(key in ja, key);
  }
  assert.equal(ja.seed, 7);
  assert.equal(ja.traceHash, jb.traceHash);
  assert.notEqual(ja.traceHash, jc.traceHash);
});

Deno.test("run --list names experiments with their parameters and ranges", async () => {
  const r = await cli("--list");
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^fallacies — /m);
  assert.match(r.stdout, /--lossProbability=0.1 .*\(a number in \[0, 1\]\)/);
});

Deno.test("run gives a one-line error and exit code 2 for bad input", async () => {
  for (
    const [args, pattern] of [
      [["nope"], /Unknown experiment "nope" \(known: .*fallacies/],
      [["fallacies", "--lossProbability=2"], /lossProbability must be a number in \[0, 1\], got 2/],
      [["fallacies", "--bogus=1"], /unknown parameter bogus/],
      [["fallacies", "--format=pdf"], /--format must be one of table, json, svg, vl/],
      [["fallacies", "--seed=x"], /--seed must be an integer/],
      [["fallacies", "--requests=1.5"], /requests must be an integer in \[1, 2000\]/],
      // Names of Object.prototype members are no parameters (issue 16).
      [["fallacies", "--toString=5"], /^error: fallacies: unknown parameter toString \(known: /],
      [["fallacies", "--constructor=x"], /^error: fallacies: unknown parameter constructor /],
      [["fallacies", "--__proto__=5"], /^error: fallacies: unknown parameter __proto__ /],
      [["fallacies", "--hasOwnProperty=1"], /^error: fallacies: unknown parameter hasOwnProperty /],
      // Seeds: the documented range, nothing folded into it, nothing empty.
      [["fallacies", "--seed="], /^error: --seed must be an integer in \[0, 4294967295\], got ""$/],
      [
        ["fallacies", "--seed=4294967297"],
        /^error: --seed must be an integer in \[0, 4294967295\], got "4294967297"$/,
      ],
      [
        ["fallacies", "--seed=-1"],
        /^error: --seed must be an integer in \[0, 4294967295\], got "-1"$/,
      ],
      [
        ["fallacies", "--seed=1e3"],
        /^error: --seed must be an integer in \[0, 4294967295\], got "1e3"$/,
      ],
      [
        ["fallacies", "--lossProbability=Infinity"],
        /lossProbability must be a number in \[0, 1\], got Infinity$/,
      ],
      [
        ["fallacies", "--lossProbability=NaN"],
        /lossProbability must be a number in \[0, 1\], got "NaN"$/,
      ],
      [["fallacies", "--format=svg", "--out"], /^error: --out needs a value: --out=\.\.\.$/],
      [["fallacies", "--format"], /^error: --format needs a value/],
      [["fallacies", "--out="], /^error: --out needs a folder, got ""$/],
      [["--list", "--bogus=1"], /^error: --list takes no other arguments, got "--bogus=1"$/],
      [["--list", "fallacies"], /^error: --list takes no other arguments, got "fallacies"$/],
      [["fallacies", "--requests=5", "--requests=6"], /^error: --requests is given twice$/],
      // An upside-down range is refused by every experiment, none clamps it.
      [
        ["fallacies", "--latencyMinMs=100", "--latencyMaxMs=10"],
        /^error: fallacies: parameter latencyMaxMs \(10\) must be ≥ latencyMinMs \(100\)$/,
      ],
      [
        ["causality", "--latencyMinMs=100", "--latencyMaxMs=10"],
        /^error: causality: parameter latencyMaxMs \(10\) must be ≥ latencyMinMs \(100\)$/,
      ],
      [
        ["raft-election", "--timeoutMinMs=300", "--timeoutMaxMs=150"],
        /^error: raft-election: parameter timeoutMaxMs \(150\) must be ≥ timeoutMinMs \(300\)$/,
      ],
    ] as const
  ) {
    const r = await cli(...args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr.trim(), pattern);
    assert.equal(r.stderr.trim().split("\n").length, 1, "one line, no stack trace");
    assert.doesNotMatch(r.stderr, /\s+at /);
  }
});

Deno.test("run --format=table is readable and --format=vl prints Vega-Lite", async () => {
  const t = await cli("fallacies", "--fallacy=reliable", "--seed=7");
  assert.equal(t.code, 0);
  assert.match(t.stdout, /summary\n\s+intended\s+40/);
  const v = await cli("fallacies", "--fallacy=reliable", "--format=vl");
  const specs = JSON.parse(v.stdout);
  assert.ok(Array.isArray(specs) && specs.length === 2);
  assert.match(specs[0].$schema, /vega-lite/);
});

Deno.test("run --format=svg writes the charts as SVG files", async () => {
  const dir = await Deno.makeTempDir();
  const r = await cli("fallacies", "--fallacy=reliable", "--format=svg", `--out=${dir}`);
  assert.equal(r.code, 0, r.stderr);
  const files = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
  assert.deepEqual(files, ["fallacies-seed1-1.svg", "fallacies-seed1-2.svg"]);
  const svg = await Deno.readTextFile(`${dir}/${files[0]}`);
  assert.match(svg, /^<svg/);
  assert.match(svg, /<path|<line/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("run accepts both ends of the seed range", async () => {
  for (const seed of ["0", "4294967295"]) {
    const r = await cli("fallacies", "--fallacy=reliable", `--seed=${seed}`, "--format=json");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).seed, Number(seed));
  }
});

Deno.test("run --format=svg writes into the folder given, never into one named true", async () => {
  const dir = await Deno.makeTempDir();
  const r = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `${new URL("../tools/run.ts", import.meta.url).pathname}`,
      "fallacies",
      "--format=svg",
      "--out",
    ],
    cwd: dir,
  }).output();
  assert.equal(r.code, 2);
  assert.deepEqual([...Deno.readDirSync(dir)], [], "nothing written");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("run --help documents every option, --out included", async () => {
  const r = await cli("--help");
  assert.equal(r.code, 0);
  for (const option of ["--list", "--seed=N", "--format=F", "--out=DIR", "--help"]) {
    assert.match(r.stdout, new RegExp(`^  ${option} `, "m"), option);
  }
});

// A workshop fork (`deno task workshop`) carries these tests but writes its own README, with
// no CLI section; the fork's deno.json is the one without a workshop task.
const inWorkshopFork = !("workshop" in
  JSON.parse(Deno.readTextFileSync(new URL("deno.json", root))).tasks);

Deno.test({
  name: "the README's CLI commands run as written and do what their comments say",
  ignore: inWorkshopFork,
}, async () => {
  const readme = await Deno.readTextFile(new URL("README.md", root));
  const section = readme.split(/^## /m).find((s) => s.startsWith("The CLI\n")) ?? "";
  const block = section.match(/```sh\n([\s\S]*?)```/)?.[1] ?? "";
  const commands = block.split("\n").filter((line) => line.startsWith("deno task "))
    .map((line) => line.replace(/\s+#.*$/, "").trim());
  assert.ok(commands.length >= 7, `the README's CLI block lists the commands, got ${commands}`);
  assert.ok(commands.some((c) => c.includes("--out=")), "the README shows --out");
  // A scratch folder inside the repository (so deno task finds deno.json) that sees tests/ as
  // the root does: the commands run as typed there, and the SVG files they write land there.
  const scratch = await Deno.makeTempDir({ dir: root.pathname, prefix: ".cli-readme-" });
  const env = Deno.env.toObject();
  delete env.INIT_CWD; // deno sets it to the scratch folder, as for a reader's shell
  try {
    await Deno.symlink(new URL("tests", root).pathname, `${scratch}/tests`);
    for (const command of commands) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: command.split(/\s+/).slice(1),
        cwd: scratch,
        env,
        clearEnv: true,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, `${command}: ${stderr}`);
      const stdout = new TextDecoder().decode(out.stdout);
      if (command.includes("--format=json")) assert.ok("traceHash" in JSON.parse(stdout));
      if (command.includes("--format=svg")) {
        // Every path printed is a file the reader can open from where they typed the command.
        for (const line of stdout.trim().split("\n")) {
          const path = line.split("  ")[0];
          assert.match(await Deno.readTextFile(`${scratch}/${path}`), /^<svg/, path);
        }
      }
    }
    assert.ok(Deno.statSync(`${scratch}/charts/fallacies-seed7-1.svg`).isFile);
  } finally {
    await Deno.remove(scratch, { recursive: true });
  }
});

Deno.test("run raft-election --ranges=paper --format=table prints the per-range rows as a table", async () => {
  const r = await cli("raft-election", "--ranges=paper", "--trials=50", "--format=table");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^summary: ranges \(10 rows\)\n {2}range +medianMs +meanMs +p99Ms/m);
  assert.match(r.stdout, /^ {2}150–300 +\d+(\.\d+)? +\d/m);
  assert.match(r.stdout, /^ {2}samplesMs +50 values: min [\d.]+, median [\d.]+, max [\d.]+$/m);
  assert.doesNotMatch(r.stdout, /\[\d+ values\]|\[object Object\]|undefined|NaN/);
});
