/**
 * The search target for Raft: a Raft KV cluster (`createRaftCluster`) with clients issuing
 * random reads, writes and compare-and-sets, checked for the four safety properties of
 * Figure 3 (Election Safety, Log Matching, Leader Completeness, State Machine Safety) and,
 * optionally, for linearizability of the clients' history.
 *
 * @module
 */

import type { NodeId, Simulation } from "../../sim/mod.ts";
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
  /** @default 3 */
  servers?: number;
  /** Clients issuing random operations. @default 2 */
  clients?: number;
  /** Operations per client. @default 30 */
  operations?: number;
  /** Run length. @default 2000 */
  horizonMs?: number;
  /** At most this many nemesis steps. @default 6 */
  maxFaultSteps?: number;
  /** Which verbs the nemesis uses (see {@linkcode RAFT_NEMESES}). @default "leader" */
  nemesis?: "leader" | "mixed";
  /** Nemesis verbs, overriding `nemesis`. */
  faultKinds?: readonly NemesisKind[];
  /** Also require a linearizable client history. @default true */
  linearizability?: boolean;
  /** How often Log Matching snapshots every log, in ms. @default 50 */
  checkEveryMs?: number;
}

/**
 * The nemeses: `leader` only isolates whoever leads (with or without clients), which is what
 * Figure 8 needs and finds every broken variant fastest; `mixed` uses every verb.
 */
export const RAFT_NEMESES: Record<"leader" | "mixed", readonly NemesisKind[]> = {
  leader: ["isolate-leader"],
  mixed: [
    "crash",
    "partition",
    "cut",
    "loss",
    "delay",
    "slow",
    "clock-jump",
    "crash-leader",
    "isolate-leader",
  ],
};

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
  const horizonMs = options.horizonMs ?? 2000;
  // Log Matching needs snapshots of every log during the run; they are kept per simulation.
  const snapshotViolations = new WeakMap<Simulation<RaftKvMessage>, InvariantViolation[]>();
  const invariants: InvariantChecker<RaftKvMessage>[] = [
    (run) => raftTraceViolations(run.events).map(toViolation),
    (run) => snapshotViolations.get(run.sim) ?? [],
  ];
  if (options.linearizability ?? true) invariants.push(linearizable({ model: "kv" }));
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
      kinds: options.faultKinds ?? RAFT_NEMESES[options.nemesis ?? "leader"],
      baseline: { latency: { kind: "uniform", minMs: 2, maxMs: 8 } },
    },
    build(testCase: SearchCase) {
      const { sim } = createRaftCluster({
        seed: testCase.seed,
        servers,
        clients: clients.length,
        operations: options.operations ?? 30,
        variant,
        trace: "full",
      });
      const found: InvariantViolation[] = [];
      const seen = new Set<string>();
      snapshotViolations.set(sim, found);
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
