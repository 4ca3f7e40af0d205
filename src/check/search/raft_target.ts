/**
 * The search target for Raft: a Raft KV cluster (`createRaftCluster`) with clients issuing
 * random reads, writes and compare-and-sets, checked for the four safety properties of
 * Figure 3 (Election Safety, Log Matching, Leader Completeness, State Machine Safety) and,
 * optionally, for linearizability of the clients' history.
 *
 * @module
 */

import type { Fault, LatencyModel, NodeId, Simulation, TraceEvent } from "../../sim/mod.ts";
import type { RaftRules } from "../../consensus/raft/rules.ts";
import type { RaftClusterOptions } from "../../consensus/raft/cluster.ts";
import {
  createRaftCluster,
  RAFT_VARIANTS,
  type RaftKvMessage,
  raftSnapshot,
  type RaftVariant,
} from "../../consensus/raft/mod.ts";
import { logMatching, raftTraceViolations, type RaftViolation } from "../invariants/raft.ts";
import type { InvariantChecker, SearchCase, SearchTarget } from "./search.ts";
import type { NemesisKind } from "./arbitraries.ts";
import { linearizable } from "./linearizable.ts";
import type { InvariantViolation } from "./violation.ts";

/** Options of {@linkcode raftSearchTarget}. */
export interface RaftSearchTargetOptions {
  /** @default "correct" */
  variant?: RaftVariant;
  /** Replacement decision rules (the labs' vote, append and commit rules). @default the variant's */
  rules?: RaftRules;
  /** @default 3 */
  servers?: number;
  /** Clients issuing random operations. @default 2 */
  clients?: number;
  /** Operations per client. @default 30 */
  operations?: number;
  /** Pause between a client's operations. @default 10 */
  clientThinkMs?: number;
  /** Run length. @default 2000 */
  horizonMs?: number;
  /** At most this many nemesis steps. @default 6 */
  maxFaultSteps?: number;
  /** Which verbs the nemesis uses, with which weights (see {@linkcode RAFT_NEMESES}). @default "mixed" */
  nemesis?: RaftNemesis;
  /** Nemesis verbs, overriding `nemesis`. */
  faultKinds?: readonly NemesisKind[];
  /** Verb weights, overriding `nemesis`'s. */
  faultWeights?: Partial<Record<NemesisKind, number>>;
  /** Further cluster knobs (timeouts, pre-vote, network). @default {} */
  cluster?: Pick<
    RaftClusterOptions,
    | "electionTimeoutMinMs"
    | "electionTimeoutMaxMs"
    | "heartbeatMs"
    | "clientTimeoutMs"
    | "preVote"
    | "network"
  >;
  /** Also require a linearizable client history. @default true */
  linearizability?: boolean;
  /** How often Log Matching snapshots every log, in ms. @default 50 */
  checkEveryMs?: number;
  /**
   * Recovery phase, in ms: faults stop this long before the horizon, everything is healed
   * (partitions, loss, crashed servers) and some client operation must succeed in the last
   * `liveness - 1000` ms (TigerBeetle's VOPR: safety, then heal and require liveness). 0: off.
   * @default 0
   */
  livenessMs?: number;
}

/** The named nemeses of the Raft target. */
export type RaftNemesis = "leader" | "mixed";

/**
 * The nemeses: `leader` only isolates whoever leads (with or without clients), the move
 * Figure 8 is made of; `mixed` uses every verb but draws the leader-aimed ones most often, so
 * that it, too, lines up Figure 8 (uniform weights never did: 0 of 10 seeds in 300 runs).
 */
export const RAFT_NEMESES: Record<
  RaftNemesis,
  { kinds: readonly NemesisKind[]; weights: Partial<Record<NemesisKind, number>> }
> = {
  leader: { kinds: ["isolate-leader", "leader-churn"], weights: { "leader-churn": 2 } },
  mixed: {
    kinds: [
      "crash",
      "partition",
      "cut",
      "loss",
      "delay",
      "slow",
      "clock-jump",
      "crash-leader",
      "isolate-leader",
      "leader-churn",
    ],
    weights: { "isolate-leader": 4, "crash-leader": 2, "leader-churn": 12 },
  },
};

/** The recovery phase starts by healing everything: partitions, loss, crashed servers. */
function healAll(atMs: number, servers: readonly NodeId[]): Fault[] {
  return [
    { atMs, kind: "heal" },
    { atMs, kind: "network", set: { lossProbability: 0, latency: BASELINE_LATENCY } },
    ...servers.flatMap((node): Fault[] => [
      { atMs, kind: "slow", node, processingMs: 0 },
      { atMs, kind: "restart", node },
    ]),
  ];
}

// A leader must be elected within a second of the heal and serve some client after it.
function recovered(
  events: readonly TraceEvent[],
  healedAtMs: number,
  horizonMs: number,
): InvariantViolation[] {
  const graceMs = 1000;
  if (events.some((e) => e.kind === "op" && e.op.type === "ok" && e.t > healedAtMs + graceMs)) {
    return [];
  }
  return [{
    invariant: "liveness",
    message: `No client operation succeeded in the ${
      Math.round(horizonMs - healedAtMs - graceMs)
    } ms after every fault was healed: no leader was elected, or nothing commits`,
    atMs: horizonMs,
    sinceMs: healedAtMs,
  }];
}

const BASELINE_LATENCY: LatencyModel = { kind: "uniform", minMs: 2, maxMs: 8 };

function toViolation(v: RaftViolation): InvariantViolation {
  return { invariant: v.invariant, message: v.message, atMs: v.atMs };
}

/**
 * A search target for Raft.
 *
 * @example
 * ```ts
 * import { raftSearchTarget } from "./raft_target.ts";
 * import { search } from "./search.ts";
 * search(raftSearchTarget(), { seed: 1, numRuns: 3 }).ok; // true
 * ```
 */
export function raftSearchTarget(
  options: RaftSearchTargetOptions = {},
): SearchTarget<RaftKvMessage> {
  const variant = options.variant ?? "correct";
  if (!RAFT_VARIANTS.includes(variant)) {
    throw new RangeError(
      `raftSearchTarget option variant must be one of ${RAFT_VARIANTS.join(", ")}, got ${variant}`,
    );
  }
  const servers = options.servers ?? 3;
  const nodes: NodeId[] = Array.from({ length: servers }, (_, i) => `n${i + 1}`);
  const clients: NodeId[] = Array.from({ length: options.clients ?? 2 }, (_, i) => `c${i + 1}`);
  const everyMs = options.checkEveryMs ?? 50;
  const livenessMs = options.livenessMs ?? 0;
  const horizonMs = options.horizonMs ?? 2000;
  if (!(Number.isInteger(livenessMs) && livenessMs >= 0 && livenessMs < horizonMs)) {
    throw new RangeError(
      `raftSearchTarget option livenessMs must be an integer in [0, horizonMs), got ${livenessMs}`,
    );
  }
  const faultsEndMs = horizonMs - livenessMs;
  const nemesis = RAFT_NEMESES[options.nemesis ?? "mixed"];
  if (nemesis === undefined) {
    throw new RangeError(
      `raftSearchTarget option nemesis must be leader or mixed, got ${options.nemesis}`,
    );
  }
  // Log Matching needs snapshots of every log during the run; they are kept per simulation.
  const snapshotViolations = new WeakMap<Simulation<RaftKvMessage>, InvariantViolation[]>();
  const invariants: InvariantChecker<RaftKvMessage>[] = [
    (run) => raftTraceViolations(run.events).map(toViolation),
    (run) => snapshotViolations.get(run.sim) ?? [],
  ];
  if (options.linearizability ?? true) invariants.push(linearizable({ model: "kv" }));
  if (livenessMs > 0) invariants.push((run) => recovered(run.events, faultsEndMs, horizonMs));
  return {
    nodes,
    clients,
    horizonMs,
    // The leader of the highest term among the servers that are up.
    leader(sim) {
      let best: { id: NodeId; term: number } | null = null;
      for (const s of raftSnapshot(sim, nodes)) {
        if (s.role === "leader" && (best === null || s.term > best.term)) {
          best = { id: s.id, term: s.term };
        }
      }
      return best?.id ?? null;
    },
    faults: {
      maxSteps: options.maxFaultSteps ?? 6,
      kinds: options.faultKinds ?? nemesis.kinds,
      weights: options.faultWeights ?? (options.faultKinds ? {} : nemesis.weights),
      horizonMs: faultsEndMs,
      baseline: { latency: BASELINE_LATENCY },
    },
    build(testCase: SearchCase) {
      const { sim } = createRaftCluster({
        ...options.cluster,
        seed: testCase.seed,
        servers,
        clients: clients.length,
        operations: options.operations ?? 30,
        clientThinkMs: options.clientThinkMs,
        variant,
        rules: options.rules,
        trace: "full",
      });
      const found: InvariantViolation[] = [];
      const seen = new Set<string>();
      snapshotViolations.set(sim, found);
      if (livenessMs > 0) sim.schedule(healAll(faultsEndMs, nodes));
      for (let t = everyMs; t <= horizonMs; t += everyMs) {
        sim.at(t, () => {
          for (const v of logMatching(raftSnapshot(sim, nodes))) {
            if (seen.has(v.message)) continue;
            seen.add(v.message);
            found.push({ ...toViolation(v), atMs: sim.now });
          }
        });
      }
      return sim;
    },
    invariants,
  };
}
