/**
 * The bridge to a real etcd cluster (tools/real/): argument checking and chart data without
 * etcd, and, where Debian's etcd-server is installed, a real cluster under a nemesis whose
 * history must check linearizable, serializable reads the checker may catch, and nothing left
 * running afterwards. Without etcd the cluster tests are reported as ignored, with the reason.
 */
import assert from "node:assert/strict";
import { checkHistory, parseHistory } from "../src/mod.ts";
import type { HistoryEvent } from "../src/mod.ts";
import { parseRealArguments, runTimeline, throughputChart } from "../tools/real.ts";
import { etcdAvailable, EtcdCluster, fromBase64, toBase64 } from "../tools/real/etcd.ts";
import { recordRun } from "../tools/real/jepsen.ts";
import { predictDowntime } from "../tools/real/election.ts";

const hasEtcd = etcdAvailable();
if (!hasEtcd) {
  console.error(
    "real_etcd_test: /usr/bin/etcd is missing, so the real-cluster tests are ignored " +
      "(npm test as root installs it, or: apt-get install -y etcd-server)",
  );
}
const root = new URL("..", import.meta.url).pathname;

Deno.test("deno task real refuses bad arguments with one line that names the option", () => {
  const cases: [string[], RegExp][] = [
    [[], /name a system/],
    [["zookeeper"], /unknown system "zookeeper"/],
    [["etcd", "--nodes=0"], /--nodes must be an integer in \[1, 9\], got "0"/],
    [["etcd", "--nodes="], /--nodes must be an integer/],
    [["etcd", "--seconds=1.5"], /--seconds must be an integer in \[1, 3600\]/],
    [["etcd", "--nemesis=partition"], /unknown verb "partition"/],
    [["etcd", "--reads=stale"], /--reads must be linearizable or serializable/],
    [["etcd", "--out"], /--out needs a folder/],
    [["etcd", "--toString=1"], /unknown option "--toString"/],
    [["etcd", "--heartbeat-ms=100", "--election-timeout-ms=300"], /at least 5 × --heartbeat-ms/],
    [["etcd", "stray"], /unexpected argument "stray"/],
  ];
  for (const [args, message] of cases) {
    assert.throws(() => parseRealArguments(args), message, args.join(" "));
  }
  const parsed = parseRealArguments([
    "etcd",
    "--nodes=5",
    "--nemesis=none",
    "--reads=serializable",
  ]);
  assert.equal(parsed.nodes, 5);
  assert.deepEqual(parsed.nemesis, []);
  assert.equal(parsed.reads, "serializable");
});

Deno.test("the gateway's base64 round-trips UTF-8 keys and values", () => {
  for (const text of ["", "k0", "42", "naïve ✓"]) assert.equal(fromBase64(toBase64(text)), text);
  assert.equal(toBase64("x"), "eA==");
});

Deno.test("a real run's timeline and throughput chart come from its history", () => {
  const history: HistoryEvent[] = [
    { process: 0, type: "invoke", f: "write", key: "k0", value: 1, time: 1 },
    { process: 1, type: "invoke", f: "read", key: "k0", value: null, time: 2 },
    { process: 0, type: "ok", f: "write", key: "k0", value: 1, time: 3 },
    { process: 1, type: "ok", f: "read", key: "k0", value: 1, time: 300 },
    { process: 0, type: "invoke", f: "cas", key: "k0", value: [1, 2], time: 301 },
    { process: 0, type: "info", f: "cas", key: "k0", value: [1, 2], time: 1400 },
  ];
  const timeline = runTimeline(history, []);
  assert.deepEqual(
    timeline.operations.map((op) => [op.label, op.start, op.end, op.outcome, op.open]),
    [["w(k0,1)", 1, 3, "ok", false], ["r(k0)=1", 2, 4, "ok", false], [
      "cas(k0,[1,2])",
      5,
      6,
      "unknown",
      true,
    ]],
  );
  const spec = throughputChart(history, [{ timeMs: 100, kind: "crash", node: "n1" }]);
  const layers = spec.layer as { data: { values: Record<string, unknown>[] } }[];
  assert.deepEqual(layers[0].data.values, [
    { seconds: 0, outcome: "ok", perSecond: 4 },
    { seconds: 0.25, outcome: "ok", perSecond: 4 },
    { seconds: 1.25, outcome: "info", perSecond: 4 },
  ]);
  assert.equal(layers[1].data.values[0].label, "crash n1");
});

Deno.test("the simulator's downtime prediction is deterministic and within etcd's timeout range", () => {
  const options = {
    servers: 3,
    heartbeatMs: 50,
    electionTimeoutMs: 500,
    latency: { rttMs: 0.5, fsyncMinMs: 1, fsyncMaxMs: 3 },
    trials: 50,
  };
  const a = predictDowntime(options);
  assert.deepEqual(a, predictDowntime(options));
  // No survivor can stand before its timeout (minus the heartbeat phase), nor wait past 2×.
  for (const ms of a) assert.ok(ms > 500 - 50 && ms < 3 * 1000, `downtime ${ms}`);
});

Deno.test({
  name:
    "a real etcd cluster under crashes and pauses gives a linearizable history and leaves nothing behind",
  ignore: !hasEtcd,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const cluster = await EtcdCluster.start({ nodes: 3 });
    let run;
    try {
      run = await recordRun(cluster, {
        durationMs: 4000,
        clients: 4,
        keys: 2,
        nemesis: ["crash", "pause", "crash-leader"],
        faultIntervalMs: 1500,
        faultDurationMs: 600,
      });
    } finally {
      await cluster.stop();
    }
    assert.ok(run.nemesis.length >= 2, `faults applied: ${JSON.stringify(run.nemesis)}`);
    const ok = run.history.filter((e) => e.type === "ok").length;
    assert.ok(ok > 20, `only ${ok} operations completed`);
    // Line order is real-time order and no process has two open operations.
    const open = new Set<number>();
    for (const event of run.history) {
      if (event.type === "invoke") {
        assert.ok(!open.has(event.process), `process ${event.process} has two open operations`);
        open.add(event.process);
      } else open.delete(event.process);
    }
    assert.equal(checkHistory(run.history, { model: "kv" }).verdict, "linearizable");
    await assert.rejects(Deno.stat(cluster.root), Deno.errors.NotFound);
    for (const member of cluster.members) assert.equal(member.process, null);
    const { stdout } = await new Deno.Command("pgrep", { args: ["-f", cluster.root] }).output();
    assert.equal(new TextDecoder().decode(stdout).trim(), "", "an etcd process is still running");
  },
});

Deno.test({
  name: "deno task real etcd, exactly as the README writes it, records, checks and draws a run",
  ignore: !hasEtcd,
  async fn() {
    const { code, stdout: text, stderr } = await taskIn(root, ["real", "etcd"]);
    const out = /wrote\s+(\S+)\//.exec(text)?.[1];
    try {
      assert.equal(code, 0, text + stderr);
      assert.match(text, /verdict\s+linearizable/);
      assert.match(text, /downtime\s+etcd: median \d+ ms/);
      assert.ok(out?.startsWith("real-runs/etcd-"), `output folder: ${out}`);
      const history = parseHistory(await Deno.readTextFile(`${root}/${out}/history.jsonl`));
      assert.equal(checkHistory(history, { model: "kv" }).verdict, "linearizable");
      const report = JSON.parse(await Deno.readTextFile(`${root}/${out}/report.json`));
      assert.equal(report.downtime.measuredMs.length, 20);
      for (const i of [1, 2, 3]) {
        assert.match(await Deno.readTextFile(`${root}/${out}/chart-${i}.svg`), /^<svg/);
      }
    } finally {
      if (out !== undefined) await Deno.remove(`${root}/${out}`, { recursive: true });
    }
  },
});

Deno.test({
  name: "the Real cluster page's serializable-reads command runs as written and reports a verdict",
  ignore: !hasEtcd,
  async fn() {
    const page = await Deno.readTextFile(`${root}/docs/real.md`);
    const command =
      "deno task real etcd --reads=serializable --nemesis=crash,pause --election-trials=0";
    assert.ok(page.includes(command), "the page shows the command");
    const { code, stdout: text } = await taskIn(root, command.split(" ").slice(2));
    const out = /wrote\s+(\S+)\//.exec(text)?.[1];
    try {
      // Stale reads show up in most runs, not all: exit 1 with a violation, or 0.
      assert.ok(code === 0 || code === 1, `exit ${code}: ${text}`);
      assert.match(text, code === 1 ? /verdict\s+not-linearizable/ : /verdict\s+linearizable/);
    } finally {
      if (out !== undefined) await Deno.remove(`${root}/${out}`, { recursive: true });
    }
  },
});

/**
 * Runs `deno task <args>` in `cwd` as a shell would: without an inherited `INIT_CWD` (an outer
 * `npm test` sets one naming another folder), so deno sets it to `cwd`.
 */
async function taskIn(cwd: string, args: string[]) {
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
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

Deno.test("deno task real from a subfolder takes --out from that folder, before any cluster starts", async () => {
  const scratch = await Deno.makeTempDir({ dir: root, prefix: ".real-paths-" });
  // A name unique to this run, so that a wrong resolution (the repository root, where deno task
  // runs) finds no such file, starts a short run instead of refusing, and is cleaned up here.
  const name = scratch.split("/").pop() + "-taken";
  try {
    await Deno.writeTextFile(`${scratch}/${name}`, "a file, not a folder\n");
    const { code, stderr } = await taskIn(scratch, [
      "real",
      "etcd",
      `--out=${name}`,
      "--seconds=1",
      "--election-trials=0",
      "--nodes=1",
    ]);
    assert.equal(code, 2, stderr);
    assert.match(stderr, new RegExp(`--out must name a folder, but ${name} is a file`));
    assert.doesNotMatch(stderr, /starting \d+ etcd members/);
  } finally {
    await Deno.remove(scratch, { recursive: true });
    await Deno.remove(`${root}/${name}`, { recursive: true }).catch(() => {});
  }
});

Deno.test({
  name:
    "deno task real from a subfolder writes the run there and prints paths and a re-check command true there",
  ignore: !hasEtcd,
  async fn() {
    const scratch = await Deno.makeTempDir({ dir: root, prefix: ".real-paths-" });
    try {
      const run = await taskIn(scratch, [
        "real",
        "etcd",
        "--out=./runs/../run",
        "--seconds=1",
        "--nemesis=none",
        "--election-trials=0",
        "--nodes=1",
      ]);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /^ {2}wrote +run\/ \(history\.jsonl/m);
      const recheck = /re-check +(deno task check run\/history\.jsonl --model=kv)$/m
        .exec(run.stdout)?.[1];
      assert.ok(recheck, run.stdout);
      assert.ok(Deno.statSync(`${scratch}/run/report.json`).isFile);
      assert.match(await Deno.readTextFile(`${scratch}/run/chart-1.svg`), /^<svg/);
      const check = await taskIn(scratch, recheck.split(" ").slice(2));
      assert.equal(check.code, 0, check.stdout + check.stderr);
    } finally {
      await Deno.remove(scratch, { recursive: true });
    }
  },
});
