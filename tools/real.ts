/**
 * `deno task real etcd [options]`: start a local etcd cluster, run a Jepsen-style workload
 * against it while a nemesis kills, pauses and restarts members, check the recorded history
 * with netsplit's linearizability checker, measure leader-election downtime beside the
 * simulator's prediction, draw it all, and stop the cluster, leaving nothing running.
 *
 * Exit codes: 0 the history is linearizable, 1 it is not, 2 bad usage or etcd missing,
 * 3 the checker's budget ran out (unknown), 4 an internal error.
 *
 * @module
 */
import * as vega from "vega";
import * as vl from "vega-lite";
import { checkHistory, historyToJsonLines } from "../src/mod.ts";
import type {
  CheckResult,
  HistoryEvent,
  TimelineData,
  TimelineOperation,
  VegaLiteSpec,
} from "../src/mod.ts";
import { cdfPoints, electionCdfChart, historyTimeline } from "../src/mod.ts";
import { quantile } from "../src/experiments/stats.ts";
import { DEFAULT_ETCD_PATH, etcdAvailable, EtcdCluster } from "./real/etcd.ts";
import { fromCaller, shownPath } from "./_lib/caller_paths.ts";
import {
  type NemesisEvent,
  REAL_NEMESES,
  type RealNemesis,
  type RecordedRun,
  recordRun,
  resolveRecordOptions,
} from "./real/jepsen.ts";
import { measureDowntime, measureLatency, predictDowntime } from "./real/election.ts";

const USAGE = `usage: deno task real etcd [--nodes=3] [--seconds=10] [--clients=5] [--keys=3]
       [--nemesis=crash,pause,crash-leader|none] [--reads=linearizable|serializable]
       [--election-trials=20] [--heartbeat-ms=50] [--election-timeout-ms=500]
       [--seed=1] [--out=DIR] [--install]`;

class UsageError extends Error {}

/** Parsed command line. */
export interface RealArguments {
  nodes: number;
  seconds: number;
  clients: number;
  keys: number;
  nemesis: RealNemesis[];
  reads: "linearizable" | "serializable";
  electionTrials: number;
  heartbeatMs: number;
  electionTimeoutMs: number;
  seed: number;
  out: string;
  install: boolean;
}

const INTEGER_OPTIONS: Record<string, [keyof RealArguments, number, number]> = {
  nodes: ["nodes", 1, 9],
  seconds: ["seconds", 1, 3600],
  clients: ["clients", 1, 64],
  keys: ["keys", 1, 100],
  "election-trials": ["electionTrials", 0, 1000],
  "heartbeat-ms": ["heartbeatMs", 10, 5000],
  "election-timeout-ms": ["electionTimeoutMs", 50, 50_000],
  seed: ["seed", 0, 2 ** 32 - 1],
};

/** Parses `etcd --name=value ...`; throws a UsageError naming a bad option. */
export function parseRealArguments(args: readonly string[]): RealArguments {
  const parsed: RealArguments = {
    nodes: 3,
    seconds: 10,
    clients: 5,
    keys: 3,
    nemesis: [...REAL_NEMESES],
    reads: "linearizable",
    electionTrials: 20,
    heartbeatMs: 50,
    electionTimeoutMs: 500,
    seed: 1,
    out: "",
    install: false,
  };
  const [system, ...rest] = args;
  if (system !== "etcd") {
    throw new UsageError(
      system === undefined
        ? `name a system to run against (only etcd for now)\n${USAGE}`
        : `unknown system "${system}" (known: etcd)\n${USAGE}`,
    );
  }
  for (const arg of rest) {
    const match = /^--([A-Za-z_-]+)(?:=(.*))?$/.exec(arg);
    if (match === null) throw new UsageError(`unexpected argument "${arg}"\n${USAGE}`);
    const [, name, value] = match;
    if (name in INTEGER_OPTIONS && Object.hasOwn(INTEGER_OPTIONS, name)) {
      const [field, min, max] = INTEGER_OPTIONS[name];
      const number = Number(value);
      if (
        value === undefined || value === "" || !Number.isInteger(number) || number < min ||
        number > max
      ) {
        throw new UsageError(
          `--${name} must be an integer in [${min}, ${max}], got "${value ?? ""}"`,
        );
      }
      (parsed[field] as number) = number;
    } else if (name === "nemesis") {
      if (value === undefined || value === "") {
        throw new UsageError(`--nemesis needs a value: ${REAL_NEMESES.join(",")} or none`);
      }
      const verbs = value === "none" ? [] : value.split(",");
      for (const verb of verbs) {
        if (!(REAL_NEMESES as readonly string[]).includes(verb)) {
          throw new UsageError(
            `--nemesis: unknown verb "${verb}" (known: ${REAL_NEMESES.join(", ")}, or none)`,
          );
        }
      }
      parsed.nemesis = verbs as RealNemesis[];
    } else if (name === "reads") {
      if (value !== "linearizable" && value !== "serializable") {
        throw new UsageError(`--reads must be linearizable or serializable, got "${value ?? ""}"`);
      }
      parsed.reads = value;
    } else if (name === "out") {
      if (value === undefined || value === "") {
        throw new UsageError("--out needs a folder: --out=DIR");
      }
      parsed.out = value;
    } else if (name === "install" && value === undefined) parsed.install = true;
    else if (name === "help") throw new UsageError(USAGE);
    else throw new UsageError(`unknown option "--${name}"\n${USAGE}`);
  }
  if (parsed.electionTimeoutMs < 5 * parsed.heartbeatMs) {
    throw new UsageError(
      `--election-timeout-ms must be at least 5 × --heartbeat-ms (${5 * parsed.heartbeatMs}), ` +
        `got ${parsed.electionTimeoutMs}`,
    );
  }
  return parsed;
}

/** Installs Debian's etcd-server when allowed (root with apt-get), else explains how. */
async function ensureEtcd(install: boolean): Promise<boolean> {
  if (etcdAvailable()) return true;
  const isRoot = Deno.uid?.() === 0;
  if (!install || !isRoot) {
    console.error(
      `etcd is not installed (${DEFAULT_ETCD_PATH}); install it with: apt-get install -y etcd-server` +
        (isRoot ? "   (or pass --install)" : ""),
    );
    return false;
  }
  console.error("installing Debian etcd-server (apt-get)…");
  for (const args of [["update"], ["install", "-y", "--no-install-recommends", "etcd-server"]]) {
    const { code } = await new Deno.Command("apt-get", {
      args,
      env: { DEBIAN_FRONTEND: "noninteractive" },
      stdout: "null",
      stderr: "inherit",
    }).output();
    if (code !== 0) return false;
  }
  return etcdAvailable();
}

/**
 * Timeline data of a real run for {@linkcode historyTimeline}: the operations of a window
 * around the first fault (or the start), on real time in ms.
 */
export function runTimeline(
  history: readonly HistoryEvent[],
  nemesis: readonly NemesisEvent[],
  maxOperations = 24,
): TimelineData {
  // Like the checker's own timelines, x is the history line (line order is real-time order).
  const open = new Map<number, { index: number; line: number; event: HistoryEvent }>();
  const operations: TimelineOperation[] = [];
  let index = 0;
  for (const [i, event] of history.entries()) {
    const line = i + 1;
    if (event.type === "invoke") {
      open.set(event.process, { index: index++, line, event });
      continue;
    }
    const invoke = open.get(event.process);
    if (invoke === undefined) continue;
    open.delete(event.process);
    const shown = event.f === "read" ? JSON.stringify(event.value ?? null) : "";
    const argument = JSON.stringify(invoke.event.value ?? null);
    operations.push({
      index: invoke.index,
      process: event.process,
      label: event.f === "read"
        ? `r(${event.key ?? ""})=${shown}`
        : `${event.f === "write" ? "w" : event.f}(${event.key ?? ""},${argument})`,
      start: invoke.line,
      end: line,
      open: event.type === "info",
      outcome: event.type === "ok" ? "ok" : event.type === "fail" ? "fail" : "unknown",
      role: "other",
    });
  }
  const firstFault = nemesis.length > 0 ? nemesis[0].timeMs : 0;
  operations.sort((a, b) => a.start - b.start);
  const from = Math.max(
    0,
    operations.findIndex((op) => (history[op.start - 1].time ?? 0) >= firstFault - 200),
  );
  const window = operations.slice(from, from + maxOperations);
  return {
    title: nemesis.length > 0
      ? `After ${nemesis[0].kind} ${nemesis[0].node}`
      : "The first operations",
    key: null,
    prefixLength: window.length > 0 ? Math.max(...window.map((op) => op.end)) : 0,
    operations: window,
  };
}

/** Completed operations per 250 ms bucket, by outcome, with nemesis actions as rules. */
export function throughputChart(
  history: readonly HistoryEvent[],
  nemesis: readonly NemesisEvent[],
): VegaLiteSpec {
  const buckets = new Map<string, number>();
  for (const event of history) {
    if (event.type === "invoke") continue;
    const bucket = Math.floor((event.time ?? 0) / 250) * 250;
    const key = `${bucket}|${event.type}`;
    buckets.set(key, (buckets.get(key) ?? 0) + 1);
  }
  const values = [...buckets].map(([key, count]) => {
    const [ms, outcome] = key.split("|");
    return { seconds: Number(ms) / 1000, outcome, perSecond: count * 4 };
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Operations per second",
    height: 220,
    layer: [
      {
        data: { values },
        mark: { type: "area", interpolate: "step-after" },
        encoding: {
          x: { field: "seconds", type: "quantitative", title: "time (s)" },
          y: { field: "perSecond", type: "quantitative", stack: true, title: "operations / s" },
          color: {
            field: "outcome",
            type: "nominal",
            scale: { domain: ["ok", "fail", "info"], range: ["#2ca02c", "#ff7f0e", "#d62728"] },
            legend: { orient: "bottom" },
          },
        },
      },
      {
        data: {
          values: nemesis.map((n) => ({ seconds: n.timeMs / 1000, label: `${n.kind} ${n.node}` })),
        },
        mark: { type: "rule", color: "#555", strokeDash: [4, 3] },
        encoding: {
          x: { field: "seconds", type: "quantitative" },
          tooltip: [{ field: "label", type: "nominal" }],
        },
      },
    ],
  };
}

async function toSvg(spec: VegaLiteSpec): Promise<string> {
  const sized = spec.width === undefined ? { ...spec, width: 640 } : spec;
  const view = new vega.View(
    vega.parse(vl.compile(sized as unknown as vl.TopLevelSpec).spec),
    { renderer: "none" },
  );
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/** Everything a run wrote, as the page and the summary read it. */
export interface RealRunReport {
  system: "etcd";
  etcdVersion: string;
  recordedAt: string;
  options: RealArguments;
  operations: Record<string, number>;
  operationsPerSecond: number;
  nemesis: NemesisEvent[];
  verdict: CheckResult["verdict"];
  keys: { key: string | number | null; verdict: string }[];
  violation: string | null;
  latency: { rttMs: number; fsyncMinMs: number; fsyncMaxMs: number } | null;
  downtime: { measuredMs: number[]; predictedMs: number[] } | null;
  charts: { title: string; spec: VegaLiteSpec }[];
}

function summarise(samples: readonly number[]): string {
  if (samples.length === 0) return "-";
  const sorted = [...samples].sort((a, b) => a - b);
  const q = (p: number) => Math.round(quantile(sorted, p));
  return `median ${q(0.5)} ms, p90 ${q(0.9)} ms, max ${q(1)} ms (n=${sorted.length})`;
}

async function etcdVersion(): Promise<string> {
  try {
    const { stdout } = await new Deno.Command(DEFAULT_ETCD_PATH, { args: ["--version"] }).output();
    return /etcd Version: (\S+)/.exec(new TextDecoder().decode(stdout))?.[1] ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** Runs the whole pipeline; returns the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  let options: RealArguments;
  try {
    options = parseRealArguments(args);
    resolveRecordOptions({ clients: options.clients, keys: options.keys });
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  // `deno task` runs in the repository root; --out (and the default real-runs/) is taken from
  // the folder the command was typed in, and printed as typed, so the paths shown are true there.
  const out = options.out ||
    `real-runs/etcd-${new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19)}`;
  const outPath = fromCaller(out);
  // A file in the way is refused before a cluster starts, not after a whole run.
  const existing = await Deno.stat(outPath).catch(() => null);
  if (existing !== null && !existing.isDirectory) {
    console.error(`--out must name a folder, but ${out} is a file`);
    return 2;
  }
  if (!await ensureEtcd(options.install)) return 2;
  await Deno.mkdir(outPath, { recursive: true });

  console.error(
    `starting ${options.nodes} etcd members (heartbeat ${options.heartbeatMs} ms, election timeout ${options.electionTimeoutMs} ms)…`,
  );
  const cluster = await EtcdCluster.start({
    nodes: options.nodes,
    heartbeatMs: options.heartbeatMs,
    electionTimeoutMs: options.electionTimeoutMs,
  });
  const onSignal = () => {
    console.error("\ninterrupted: stopping the cluster…");
    cluster.stop().finally(() => Deno.exit(130));
  };
  Deno.addSignalListener("SIGINT", onSignal);
  let run: RecordedRun;
  let latency: RealRunReport["latency"] = null;
  let downtime: RealRunReport["downtime"] = null;
  try {
    console.error(
      `recording ${options.seconds} s: ${options.clients} clients, ${options.keys} keys, ` +
        `nemesis ${options.nemesis.join(",") || "none"}, ${options.reads} reads`,
    );
    run = await recordRun(cluster, {
      durationMs: options.seconds * 1000,
      clients: options.clients,
      keys: options.keys,
      nemesis: options.nemesis,
      reads: options.reads,
      seed: options.seed,
    }, (done, total) => console.error(`  ${Math.round(done / 1000)} / ${total / 1000} s`));
    if (options.electionTrials > 0) {
      await cluster.waitUntilReady(30_000);
      latency = await measureLatency(cluster);
      console.error(
        `election downtime: ${options.electionTrials} leader kills (rtt ${latency.rttMs} ms, ` +
          `durable write ${latency.fsyncMinMs}–${latency.fsyncMaxMs} ms)…`,
      );
      const trials = await measureDowntime(cluster, options.electionTrials, {
        onTrial: (t) => console.error(`  trial ${t.trial + 1}: ${t.downtimeMs} ms`),
      });
      downtime = {
        measuredMs: trials.map((t) => t.downtimeMs),
        predictedMs: predictDowntime({
          servers: options.nodes,
          heartbeatMs: options.heartbeatMs,
          electionTimeoutMs: options.electionTimeoutMs,
          latency,
          trials: Math.max(200, options.electionTrials),
          seed: options.seed,
        }).map((ms) => Math.round(ms * 10) / 10),
      };
    }
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    await cluster.stop();
  }

  const result = checkHistory(run.history, { model: "kv" });
  const charts: RealRunReport["charts"] = [
    { title: "Throughput", spec: throughputChart(run.history, run.nemesis) },
    {
      title: "Operations",
      spec: historyTimeline(result.violation?.timeline ?? runTimeline(run.history, run.nemesis)),
    },
  ];
  if (downtime !== null) {
    charts.push({
      title: "Election downtime",
      spec: electionCdfChart(
        cdfPoints({
          [`etcd, measured`]: downtime.measuredMs,
          [`simulator, predicted`]: downtime.predictedMs,
        }),
        { title: "Time without a leader" },
      ),
    });
  }
  const counts: Record<string, number> = { invoke: 0, ok: 0, fail: 0, info: 0 };
  for (const event of run.history) counts[event.type]++;
  const report: RealRunReport = {
    system: "etcd",
    etcdVersion: await etcdVersion(),
    recordedAt: new Date().toISOString(),
    options,
    operations: counts,
    operationsPerSecond: Math.round(counts.ok / (run.durationMs / 1000)),
    nemesis: run.nemesis,
    verdict: result.verdict,
    keys: result.keys.map((k) => ({ key: k.key, verdict: k.verdict })),
    violation: result.violation?.text ?? null,
    latency,
    downtime,
    charts,
  };
  await Deno.writeTextFile(`${outPath}/history.jsonl`, historyToJsonLines(run.history));
  await Deno.writeTextFile(
    `${outPath}/nemesis.jsonl`,
    run.nemesis.map((n) => JSON.stringify(n)).join("\n") + "\n",
  );
  await Deno.writeTextFile(`${outPath}/report.json`, JSON.stringify(report, null, 2) + "\n");
  for (const [i, chart] of charts.entries()) {
    await Deno.writeTextFile(`${outPath}/chart-${i + 1}.svg`, await toSvg(chart.spec));
  }

  console.log(`etcd ${report.etcdVersion}, ${options.nodes} members, ${options.seconds} s`);
  console.log(
    `  operations  ${counts.invoke} invoked: ${counts.ok} ok, ${counts.fail} fail, ${counts.info} info ` +
      `(${report.operationsPerSecond} ok/s)`,
  );
  console.log(
    `  nemesis     ${run.nemesis.map((n) => `${n.kind} ${n.node}`).join(", ") || "none"}`,
  );
  console.log(
    `  verdict     ${result.verdict}` +
      (report.violation ? `\n              ${report.violation.split("\n")[0]}` : ""),
  );
  if (downtime !== null) {
    console.log(`  downtime    etcd: ${summarise(downtime.measuredMs)}`);
    console.log(`              simulator: ${summarise(downtime.predictedMs)}`);
  }
  console.log(
    `  wrote       ${
      shownPath(out, ".")
    }/ (history.jsonl, nemesis.jsonl, report.json, charts as SVG)`,
  );
  console.log(`  re-check    deno task check ${shownPath(out, "history.jsonl")} --model=kv`);
  return result.verdict === "linearizable" ? 0 : result.verdict === "not-linearizable" ? 1 : 3;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (error) {
    console.error(`real: ${error instanceof Error ? error.message : String(error)}`);
    Deno.exit(4);
  }
}
