/**
 * fast-check arbitraries for the fault-schedule search: nemesis schedules sized to a cluster
 * and a time horizon, and client workloads. Each generated fault step is one verb of a
 * Jepsen-style nemesis (crash, partition, cut, clock jump, slow node, loss burst, delay burst),
 * some with their own end (a restart, a heal, a restore); steps are flattened into the
 * kernel's `Fault` data, sorted by time, so they print, shrink and replay as plain JSON.
 *
 * @module
 */

import fc from "fast-check";
import type { Fault, LatencyModel, LinkOptions, NodeId } from "../../sim/mod.ts";
import { DEFAULT_LINK } from "../../sim/mod.ts";

/** The nemesis verbs the search can use. */
export type NemesisKind =
  | "crash"
  | "partition"
  | "cut"
  | "clock-jump"
  | "slow"
  | "loss"
  | "delay"
  | "crash-leader"
  | "isolate-leader"
  | "leader-churn";

/** Every nemesis verb, in the order the search documents them. */
export const NEMESIS_KINDS: readonly NemesisKind[] = [
  "crash",
  "partition",
  "cut",
  "clock-jump",
  "slow",
  "loss",
  "delay",
  "crash-leader",
  "isolate-leader",
  "leader-churn",
];

/** The verbs that need to know who leads (the target's `leader(sim)`); not used by default. */
export const LEADER_KINDS: readonly NemesisKind[] = [
  "crash-leader",
  "isolate-leader",
  "leader-churn",
];

/**
 * A nemesis step aimed at whoever leads when it fires (Jepsen's "primaries" targeting). The
 * run resolves the leader at `atMs`; on replay the same leader is hit, because runs are
 * deterministic. `clientsWithLeader` lists the clients cut off together with the leader.
 */
export type LeaderFault =
  | { atMs: number; kind: "crash-leader"; restartAtMs: number | null }
  | { atMs: number; kind: "isolate-leader"; healAtMs: number | null; clientsWithLeader: string[] };

/** One entry of a generated schedule: a kernel fault, or a fault aimed at the leader. */
export type NemesisFault = Fault | LeaderFault;

/**
 * Whether a schedule entry is aimed at the leader.
 *
 * @example
 * ```ts
 * import { isLeaderFault } from "./arbitraries.ts";
 * isLeaderFault({ atMs: 0, kind: "crash", node: "n1" }); // false
 * ```
 */
export function isLeaderFault(fault: NemesisFault): fault is LeaderFault {
  return fault.kind === "crash-leader" || fault.kind === "isolate-leader";
}

/** Constraints of {@linkcode faultSchedule}. */
export interface FaultScheduleConstraints {
  /** Faults happen in [0, horizonMs). */
  horizonMs: number;
  /** At most this many nemesis steps (each is one or two faults). @default 6 */
  maxSteps?: number;
  /** Which verbs to use. @default NEMESIS_KINDS without the leader verbs */
  kinds?: readonly NemesisKind[];
  /**
   * Client nodes: never faulted, but a partition puts each on one side (otherwise the kernel
   * would cut clients off from every server). @default []
   */
  clients?: readonly string[];
  /** The network knobs a loss or delay burst returns to. @default DEFAULT_LINK's */
  baseline?: Partial<LinkOptions>;
  /** Largest clock jump either way, in ms. @default 1000 */
  maxClockJumpMs?: number;
  /**
   * Relative weight of each verb when a step is drawn (a positive integer; unlisted verbs
   * weigh 1). Leader-aimed verbs deserve more: the bugs a nemesis finds in a leader-based
   * protocol need the leader hit, often several times in a row (Raft's Figure 8). @default {}
   */
  weights?: Partial<Record<NemesisKind, number>>;
}

function checkNodes(nodes: readonly NodeId[], where: string): void {
  if (!Array.isArray(nodes) || nodes.length === 0) {
    throw new RangeError(`${where}: nodes must be a non-empty list of node ids`);
  }
}

/**
 * An arbitrary of fault schedules (sorted `Fault[]`) for the given nodes.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { faultSchedule } from "./arbitraries.ts";
 * const [schedule] = fc.sample(faultSchedule(["n1", "n2", "n3"], { horizonMs: 1000 }), { seed: 1, numRuns: 1 });
 * schedule.every((f, i) => i === 0 || schedule[i - 1].atMs <= f.atMs); // true
 * ```
 */
export function faultSchedule(
  nodes: readonly NodeId[],
  constraints: FaultScheduleConstraints,
): fc.Arbitrary<NemesisFault[]> {
  checkNodes(nodes, "faultSchedule");
  const horizonMs = constraints.horizonMs;
  if (!(Number.isInteger(horizonMs) && horizonMs >= 10)) {
    throw new RangeError(`faultSchedule horizonMs must be an integer >= 10, got ${horizonMs}`);
  }
  const maxSteps = constraints.maxSteps ?? 6;
  if (!(Number.isInteger(maxSteps) && maxSteps >= 0 && maxSteps <= 100)) {
    throw new RangeError(`faultSchedule maxSteps must be an integer in [0, 100], got ${maxSteps}`);
  }
  const kinds = constraints.kinds ?? NEMESIS_KINDS.filter((k) => !LEADER_KINDS.includes(k));
  const clients = constraints.clients ?? [];
  for (const kind of kinds) {
    if (!NEMESIS_KINDS.includes(kind)) {
      throw new RangeError(
        `faultSchedule kinds must be among ${NEMESIS_KINDS.join(", ")}, got ${kind}`,
      );
    }
  }
  const weights = constraints.weights ?? {};
  for (const [kind, weight] of Object.entries(weights)) {
    if (!(Number.isInteger(weight) && weight! >= 1 && weight! <= 1000)) {
      throw new RangeError(
        `faultSchedule weights.${kind} must be an integer in [1, 1000], got ${weight}`,
      );
    }
  }
  if (kinds.length === 0 || maxSteps === 0) return fc.constant([]);
  const baseline = { ...DEFAULT_LINK, ...(constraints.baseline ?? {}) };
  const maxJump = constraints.maxClockJumpMs ?? 1000;
  const at = fc.integer({ min: 0, max: horizonMs - 1 });
  // A duration of null means "until the end": the fault is never undone.
  const duration = fc.option(fc.integer({ min: 1, max: horizonMs }), { freq: 4 });
  const node = fc.constantFrom(...nodes);
  const end = (start: number, length: number | null) =>
    length === null || start + length >= horizonMs ? null : start + length;

  // For each client, whether it sits with the first group of a partition.
  const clientSides = fc.array(fc.boolean(), {
    minLength: clients.length,
    maxLength: clients.length,
  });
  const steps: Partial<Record<NemesisKind, fc.Arbitrary<NemesisFault[]>>> = {
    crash: fc.record({ atMs: at, node, down: duration }).map(({ atMs, node, down }) => {
      const restartAt = end(atMs, down);
      const out: Fault[] = [{ atMs, kind: "crash", node }];
      if (restartAt !== null) out.push({ atMs: restartAt, kind: "restart", node });
      return out;
    }),
    partition: fc.record({
      atMs: at,
      side: fc.subarray([...nodes], { minLength: 1, maxLength: Math.max(1, nodes.length - 1) }),
      length: duration,
      withSide: clientSides,
    }).map(({ atMs, side, length, withSide }) => {
      const rest = nodes.filter((n) => !side.includes(n));
      const groups = [
        [...side, ...clients.filter((_, i) => withSide[i])],
        [...rest, ...clients.filter((_, i) => !withSide[i])],
      ];
      const out: Fault[] = [{ atMs, kind: "partition", groups }];
      const healAt = end(atMs, length);
      if (healAt !== null) out.push({ atMs: healAt, kind: "heal" });
      return out;
    }),
    cut: fc.record({ atMs: at, from: node, to: node, length: duration })
      .filter(({ from, to }) => from !== to || nodes.length === 1)
      .map(({ atMs, from, to, length }) => {
        const out: Fault[] = [{ atMs, kind: "cut", from, to }];
        const healAt = end(atMs, length);
        if (healAt !== null) out.push({ atMs: healAt, kind: "heal" });
        return out;
      }),
    "clock-jump": fc.record({
      atMs: at,
      node,
      deltaMs: fc.integer({ min: -maxJump, max: maxJump }).filter((d) => d !== 0),
    }).map(({ atMs, node, deltaMs }): Fault[] => [{ atMs, kind: "clock-jump", node, deltaMs }]),
    slow: fc.record({
      atMs: at,
      node,
      processingMs: fc.integer({ min: 1, max: 50 }),
      length: duration,
    }).map(({ atMs, node, processingMs, length }) => {
      const out: Fault[] = [{ atMs, kind: "slow", node, processingMs }];
      const endAt = end(atMs, length);
      if (endAt !== null) out.push({ atMs: endAt, kind: "slow", node, processingMs: 0 });
      return out;
    }),
    loss: fc.record({
      atMs: at,
      percent: fc.integer({ min: 10, max: 100 }),
      length: duration,
    }).map(({ atMs, percent, length }) => {
      const out: Fault[] = [{ atMs, kind: "network", set: { lossProbability: percent / 100 } }];
      const endAt = end(atMs, length);
      if (endAt !== null) {
        out.push({
          atMs: endAt,
          kind: "network",
          set: { lossProbability: baseline.lossProbability },
        });
      }
      return out;
    }),
    delay: fc.record({
      atMs: at,
      maxMs: fc.integer({ min: 10, max: Math.max(10, Math.floor(horizonMs / 4)) }),
      length: duration,
    }).map(({ atMs, maxMs, length }) => {
      const latency: LatencyModel = { kind: "uniform", minMs: 1, maxMs };
      const out: Fault[] = [{ atMs, kind: "network", set: { latency } }];
      const endAt = end(atMs, length);
      if (endAt !== null) {
        out.push({ atMs: endAt, kind: "network", set: { latency: baseline.latency } });
      }
      return out;
    }),
  };
  steps["crash-leader"] = fc.record({ atMs: at, down: duration }).map(({ atMs, down }) => [
    { atMs, kind: "crash-leader" as const, restartAtMs: end(atMs, down) },
  ]);
  steps["isolate-leader"] = fc.record({ atMs: at, length: duration, withLeader: clientSides })
    .map(({ atMs, length, withLeader }) => [{
      atMs,
      kind: "isolate-leader" as const,
      healAtMs: end(atMs, length),
      clientsWithLeader: clients.filter((_, i) => withLeader[i]),
    }]);
  // Figure 8 of the Raft paper is three isolations of whoever leads, each an election apart;
  // drawn independently over the horizon they rarely line up, so this verb draws them as a
  // chain: 2 to 4 isolate-leader steps, each 100–700 ms after the previous one.
  steps["leader-churn"] = fc.record({
    atMs: at,
    gapsMs: fc.array(fc.integer({ min: 100, max: 700 }), { minLength: 1, maxLength: 3 }),
    sides: fc.array(clientSides, { minLength: 4, maxLength: 4 }),
  }).map(({ atMs, gapsMs, sides }) => {
    const times = [atMs];
    for (const gap of gapsMs) times.push(times.at(-1)! + gap);
    return times.filter((t) => t < horizonMs).map((t, i) => ({
      atMs: t,
      kind: "isolate-leader" as const,
      healAtMs: null,
      clientsWithLeader: clients.filter((_, c) => sides[i][c]),
    }));
  });
  const step = fc.oneof(
    ...kinds.map((kind) => ({ arbitrary: steps[kind]!, weight: weights[kind] ?? 1 })),
  );
  return fc.array(step, { maxLength: maxSteps }).map((list) =>
    list.flat().sort((a, b) => a.atMs - b.atMs)
  );
}

/** One client operation of a generated workload; the target decides what it means. */
export interface WorkloadOp {
  /** When the client issues it (true time, ms). */
  atMs: number;
  /** Client id (a process in history terms). */
  process: number;
  /** The node the client sends it to. */
  node: NodeId;
  /** The operation, e.g. `write`, `read`, `cas`, `propose`. */
  f: string;
  /** The key, when the target has several. */
  key?: string;
  /** A small integer argument. */
  value: number;
}

/** Constraints of {@linkcode clientWorkload}. */
export interface WorkloadConstraints {
  /** Operations happen in [0, horizonMs). */
  horizonMs: number;
  /** The operations to draw from. @default ["write"] */
  functions?: readonly string[];
  /** Keys to draw from; none means a single register. @default [] */
  keys?: readonly string[];
  /** Number of clients. @default 2 */
  clients?: number;
  /** @default 0 */
  minOps?: number;
  /** @default 8 */
  maxOps?: number;
}

/**
 * An arbitrary of client workloads, sorted by time.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { clientWorkload } from "./arbitraries.ts";
 * const [ops] = fc.sample(clientWorkload(["n1", "n2"], { horizonMs: 500, minOps: 1 }), { seed: 2, numRuns: 1 });
 * ops.length >= 1; // true
 * ```
 */
export function clientWorkload(
  nodes: readonly NodeId[],
  constraints: WorkloadConstraints,
): fc.Arbitrary<WorkloadOp[]> {
  checkNodes(nodes, "workload");
  const functions = constraints.functions ?? ["write"];
  const keys = constraints.keys ?? [];
  const clients = constraints.clients ?? 2;
  const minOps = constraints.minOps ?? 0;
  const maxOps = constraints.maxOps ?? 8;
  if (functions.length === 0) throw new RangeError("workload functions must not be empty");
  if (!(Number.isInteger(clients) && clients >= 1)) {
    throw new RangeError(`workload clients must be an integer >= 1, got ${clients}`);
  }
  if (!(Number.isInteger(minOps) && minOps >= 0 && maxOps >= minOps)) {
    throw new RangeError(`workload needs integers 0 <= minOps <= maxOps, got ${minOps}, ${maxOps}`);
  }
  const op = fc.record({
    atMs: fc.integer({ min: 0, max: constraints.horizonMs - 1 }),
    process: fc.integer({ min: 1, max: clients }),
    node: fc.constantFrom(...nodes),
    f: fc.constantFrom(...functions),
    value: fc.integer({ min: 0, max: 9 }),
    ...(keys.length ? { key: fc.constantFrom(...keys) } : {}),
  }) as fc.Arbitrary<WorkloadOp>;
  return fc.array(op, { minLength: minOps, maxLength: maxOps }).map((ops) =>
    ops.sort((a, b) => a.atMs - b.atMs)
  );
}
