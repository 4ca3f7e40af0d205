/**
 * One checked run of replicated CRDTs on the kernel: replicas gossip over a lossy,
 * duplicating, reordering network, a workload issues updates at random replicas, partitions
 * come and go, and a monitor checks strong convergence every gossip round. After the last
 * update and the last heal, the run continues until every replica has every update and all
 * states are equal (or a deadline passes), and the final value is held to the specification.
 * The unit of work of the `crdt-converge` experiment, the tests and the lab.
 *
 * @module
 */

import { type LwwStamp } from "../../clocks/mod.ts";
import {
  type AnyCrdtType,
  type CrdtMessage,
  type CrdtReplicaProcess,
  crdtReplicaProcess,
  crdtStateKey,
  crdtTypeByName,
  randomCrdtOp,
} from "../../crdt/mod.ts";
import { type Fault, Random, Simulation } from "../../sim/mod.ts";
import {
  type CrdtUpdateRecord,
  crdtValueMatches,
  type CrdtViolation,
  expectedCrdtValue,
  lwwLostWrites,
  strongConvergenceViolations,
} from "./crdt.ts";

/** Options of {@linkcode runCrdtCluster}. */
export interface CrdtRunOptions {
  /** A CRDT type, or its name in the catalog (broken variants included). */
  type: string | AnyCrdtType;
  seed: number;
  /** Replicas, 2..12. @default 3 */
  replicas?: number;
  /** Updates issued during the update window, 0..5000. @default 60 */
  updates?: number;
  /** Push deltas or whole states. @default "delta" */
  mode?: "delta" | "state";
  /** Length of the window in which updates and partitions happen. @default 1000 */
  updateWindowMs?: number;
  /** Partition episodes during the window (each splits the replicas in two). @default 0 */
  partitions?: number;
  /** Chance a message is lost. @default 0 */
  lossProbability?: number;
  /** Chance a message is delivered twice. @default 0 */
  duplicateProbability?: number;
  /** Time between gossip rounds. @default 10 */
  gossipMs?: number;
  /** Whole-state anti-entropy every this many rounds. @default 4 */
  antiEntropyEvery?: number;
  /** LWW stamps from the node's physical clock or a hybrid logical clock. @default "hlc" */
  stamps?: "physical" | "hlc";
  /** Clock offsets are spread evenly over [0, clockSkewMs]. @default 0 */
  clockSkewMs?: number;
  /** How long after the window to wait for convergence before giving up. @default 5000 */
  settleMs?: number;
}

/** One sample of the run, for charts. */
export interface CrdtConvergenceSample {
  timeMs: number;
  /** Distinct states among the replicas (1 = all equal). */
  distinctStates: number;
  /** Replicas holding every update issued so far. */
  upToDate: number;
  /** Whether a partition was in force. */
  partitioned: boolean;
}

/** What a checked run found. */
export interface CrdtRunResult {
  type: string;
  /** Whether every replica ended with every update and equal states. */
  converged: boolean;
  /** Time from the last update or heal to convergence; null if it never came. */
  convergenceMs: number | null;
  updates: CrdtUpdateRecord[];
  finalValues: Record<string, unknown>;
  expectedValue: unknown;
  valueMatchesSpec: boolean;
  /** The first violations found (at most 20), earliest first. */
  violations: CrdtViolation[];
  /** How many violations there were in all. */
  violationCount: number;
  /** Largest replica state at the end, as canonical JSON bytes. */
  stateBytes: number;
  /** Payload bytes sent by all replicas (states and deltas). */
  payloadBytes: number;
  messages: number;
  samples: CrdtConvergenceSample[];
  traceHash: string;
}

function option(name: string, value: number, min: number, max: number, integer = true): number {
  if (
    typeof value !== "number" || !(value >= min && value <= max) ||
    (integer && !Number.isInteger(value))
  ) {
    throw new RangeError(
      `runCrdtCluster: option ${name} must be ${
        integer ? "an integer" : "a number"
      } in [${min}, ${max}], got ${value}`,
    );
  }
  return value;
}

// The largest stamp a state reflects, for hybrid-logical stamps: a write stamped above it is
// ordered after every write the state has seen (Kulkarni et al. 2014, §3's causality property).
function maxStampIn(state: unknown): LwwStamp | undefined {
  let best: LwwStamp | undefined;
  const visit = (v: unknown) => {
    if (v === null || typeof v !== "object") return;
    const s = (v as { stamp?: LwwStamp }).stamp;
    if (
      s !== undefined && (best === undefined || s.l > best.l || (s.l === best.l && s.c > best.c))
    ) {
      best = s;
    }
    for (const child of Object.values(v)) visit(child);
  };
  visit(state);
  return best;
}

/**
 * Runs replicas of a CRDT under a workload and faults, checking as it goes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runCrdtCluster } from "./crdt_run.ts";
 * const r = runCrdtCluster({ type: "or-set", seed: 1, updates: 30, partitions: 1, lossProbability: 0.2 });
 * assert.ok(r.converged && r.valueMatchesSpec);
 * assert.deepEqual(r.violations, []);
 * ```
 */
export function runCrdtCluster(options: CrdtRunOptions): CrdtRunResult {
  const type: AnyCrdtType = typeof options.type === "string"
    ? crdtTypeByName(options.type)
    : options.type;
  const replicas = option("replicas", options.replicas ?? 3, 2, 12);
  const updateCount = option("updates", options.updates ?? 60, 0, 5000);
  const windowMs = option("updateWindowMs", options.updateWindowMs ?? 1000, 1, 1_000_000, false);
  const partitions = option("partitions", options.partitions ?? 0, 0, 50);
  const gossipMs = option("gossipMs", options.gossipMs ?? 10, 1, 10_000, false);
  const settleMs = option("settleMs", options.settleMs ?? 5000, 0, 1_000_000, false);
  const skewMs = option("clockSkewMs", options.clockSkewMs ?? 0, 0, 1_000_000, false);
  const stamps = options.stamps ?? "hlc";
  if (stamps !== "hlc" && stamps !== "physical") {
    throw new RangeError(
      `runCrdtCluster: option stamps must be "hlc" or "physical", got ${stamps}`,
    );
  }
  const ids = Array.from({ length: replicas }, (_, i) => `r${i + 1}`);
  const sim = new Simulation<CrdtMessage, CrdtReplicaProcess<unknown, unknown, unknown>>({
    seed: options.seed,
    trace: "hash",
    network: {
      lossProbability: options.lossProbability ?? 0,
      duplicateProbability: options.duplicateProbability ?? 0,
    },
  });
  const random = new Random(options.seed);
  const offsets = random.split("skew")
    .shuffle(ids.map((_, i) => (skewMs * i) / (replicas - 1)));
  const factory = crdtReplicaProcess(type, {
    mode: options.mode,
    antiEntropyEvery: options.antiEntropyEvery,
    gossipMs,
  });
  ids.forEach((id, i) => sim.addNode(id, factory, { clock: { offsetMs: offsets[i] } }));

  // The workload: updates at random times and replicas, with stamps from each node's clock.
  const workload = random.split("workload");
  const updates: CrdtUpdateRecord[] = [];
  const sequence = new Map(ids.map((id) => [id, 0]));
  const times = Array.from({ length: updateCount }, () => workload.uniform(0, windowMs))
    .sort((a, b) => a - b);
  for (const timeMs of times) {
    const replica = workload.pick(ids);
    const opRandom = workload.split();
    sim.at(timeMs, () => {
      const process = sim.processOf(replica)!;
      const pt = Math.floor(sim.clockOf(replica).nowMs(sim.now));
      const seq = sequence.get(replica)! + 1;
      sequence.set(replica, seq);
      let stamp: LwwStamp = { l: pt, c: seq, node: replica };
      if (stamps === "hlc") {
        const seen = maxStampIn(process.replica.state);
        stamp = seen === undefined || pt > seen.l
          ? { l: pt, c: 0, node: replica }
          : { l: seen.l, c: seen.c + 1, node: replica };
      }
      const op = randomCrdtOp(type.name, opRandom, stamp);
      const id = updates.length + 1;
      updates.push({ id, replica, timeMs: sim.now, op, observed: [...process.replica.seen] });
      process.update(op, id);
    });
  }

  // Partition episodes: the middle 60% of equal slots of the window, a random split each.
  const faults: Fault[] = [];
  const partitionRandom = random.split("partitions");
  const partitionedDuring: [number, number][] = [];
  for (let k = 0; k < partitions; k++) {
    const slot = windowMs / partitions;
    const start = k * slot + 0.2 * slot, end = k * slot + 0.8 * slot;
    const shuffled = partitionRandom.shuffle(ids);
    const cut = partitionRandom.int(1, replicas - 1);
    faults.push({
      atMs: start,
      kind: "partition",
      groups: [shuffled.slice(0, cut), shuffled.slice(cut)],
    });
    faults.push({ atMs: end, kind: "heal" });
    partitionedDuring.push([start, end]);
  }
  sim.schedule(faults);
  // Convergence is timed from the moment nothing new happens: the last update or heal.
  const quietFromMs = Math.max(times.at(-1) ?? 0, ...partitionedDuring.map(([, end]) => end));

  const violations: CrdtViolation[] = [];
  const samples: CrdtConvergenceSample[] = [];
  let convergedAt: number | null = null;
  const snapshot = () =>
    ids.map((id) => {
      const r = sim.processOf(id)!.replica;
      return { replica: id, seen: [...r.seen], state: r.state, value: r.value };
    });
  const check = () => {
    const snaps = snapshot();
    violations.push(...strongConvergenceViolations(snaps, sim.now));
    const distinct = new Set(snaps.map((s) => crdtStateKey(s.state))).size;
    const upToDate = snaps.filter((s) => s.seen.length === updates.length).length;
    samples.push({
      timeMs: sim.now,
      distinctStates: distinct,
      upToDate,
      partitioned: partitionedDuring.some(([a, b]) => sim.now >= a && sim.now < b),
    });
    if (sim.now >= quietFromMs && convergedAt === null && distinct === 1 && upToDate === replicas) {
      convergedAt = sim.now;
    }
  };
  for (let t = gossipMs / 2; t <= windowMs + settleMs; t += gossipMs) sim.at(t, check);
  sim.run({ untilMs: windowMs + settleMs, until: () => convergedAt !== null });

  const finalValues = Object.fromEntries(ids.map((id) => [id, sim.processOf(id)!.replica.value]));
  const expectedValue = expectedCrdtValue(type.name, updates);
  const valueMatchesSpec = Object.values(finalValues)
    .every((v) => crdtValueMatches(type.name, v, expectedValue));
  if (convergedAt !== null && !valueMatchesSpec) {
    violations.push({
      invariant: "specification",
      timeMs: convergedAt,
      message: `replicas converged to ${JSON.stringify(finalValues[ids[0]])} but the ${
        type.name.split("/")[0]
      } specification gives ${JSON.stringify(expectedValue)}`,
    });
  }
  if (type.name.startsWith("lww-")) {
    for (const lost of lwwLostWrites(updates)) {
      violations.push({
        invariant: "lww-lost-write",
        timeMs: lost.timeMs,
        message: `update ${lost.id} at ${lost.replica} (stamp l=${
          (lost.op.stamp as LwwStamp).l
        }) had observed a write with a larger stamp and loses to it`,
      });
    }
  }
  return {
    type: type.name,
    converged: convergedAt !== null,
    convergenceMs: convergedAt === null ? null : convergedAt - quietFromMs,
    updates,
    finalValues,
    expectedValue,
    valueMatchesSpec,
    violations: violations.slice(0, 20),
    violationCount: violations.length,
    stateBytes: Math.max(...ids.map((id) => crdtStateKey(sim.processOf(id)!.replica.state).length)),
    payloadBytes: ids.reduce((s, id) => s + sim.processOf(id)!.payloadBytesSent, 0),
    messages: sim.stats.sent,
    samples,
    traceHash: sim.trace.hash(),
  };
}
