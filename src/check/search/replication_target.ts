/**
 * Search targets for replication: the leaderless quorum store (judged by the linearizability
 * checker) and leader-follower failover (judged by the split-brain monitor and, in `sync` mode,
 * by "no acknowledged write is lost").
 *
 * Quorum variants: `abd` is the correct configuration (strict quorum, R + W > N, versions read
 * from a quorum before writing, reads write back before returning); each broken one changes one
 * thing: `first-reply` (a read returns the first reply), `sloppy-as-strict` (fallback nodes'
 * acks counted as if the quorum were strict), `async-repair` (Dynamo defaults: clock versions
 * and fire-and-forget read repair, still R + W > N), `r-plus-w-le-n` (R = W = 1).
 *
 * @module
 */

import { type Message, type NodeId, Simulation } from "../../sim/mod.ts";
import {
  failoverManager,
  type FailoverManagerProcess,
  leaderFollowerClient,
  type LeaderFollowerClientProcess,
  type LeaderFollowerMessage,
  type LeaderFollowerOp,
  leaderFollowerReplica,
  quorumClient,
  type QuorumMessage,
  type QuorumOp,
  type QuorumOptions,
  quorumReplica,
  type ReplicaProcess,
  type ReplicationMode,
} from "../../replication/mod.ts";
import { acknowledgedWritesLost, splitBrain } from "../invariants/replication.ts";
import { linearizable } from "./linearizable.ts";
import type { InvariantChecker, SearchCase, SearchTarget, WorkloadOp } from "./search.ts";

/** Quorum configurations the search knows, the first correct. */
export const QUORUM_SEARCH_VARIANTS = [
  "abd",
  "first-reply",
  "sloppy-as-strict",
  "async-repair",
  "r-plus-w-le-n",
] as const;
export type QuorumSearchVariant = (typeof QUORUM_SEARCH_VARIANTS)[number];

/**
 * The quorum options of a named variant (N = 3).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { quorumVariantOptions } from "./replication_target.ts";
 * assert.equal(quorumVariantOptions("abd").readRepair, "sync");
 * assert.equal(quorumVariantOptions("sloppy-as-strict").sloppy, true);
 * ```
 */
export function quorumVariantOptions(variant: QuorumSearchVariant): QuorumOptions {
  const abd: QuorumOptions = {
    n: 3,
    r: 2,
    w: 2,
    sloppy: false,
    readRepair: "sync",
    writeVersions: "read-first",
    readChoice: "newest",
  };
  switch (variant) {
    case "abd":
      return abd;
    case "first-reply":
      return { ...abd, readChoice: "first-reply" };
    case "sloppy-as-strict":
      return { ...abd, sloppy: true };
    case "async-repair":
      return { ...abd, readRepair: "async", writeVersions: "clock" };
    case "r-plus-w-le-n":
      return { ...abd, r: 1, w: 1 };
    default: {
      const never: never = variant;
      throw new RangeError(`Unknown quorum variant ${never}`);
    }
  }
}

/** Options of {@linkcode quorumSearchTarget}. */
export interface QuorumSearchTargetOptions {
  /** @default "abd" */
  variant?: QuorumSearchVariant;
  /** Replicas on the ring (N = 3 of them hold each key). @default 5 */
  replicas?: number;
  /** @default 600 */
  horizonMs?: number;
  /** @default 10 */
  maxOps?: number;
}

function scripts<T>(
  workload: readonly WorkloadOp[],
  clients: number,
  toOp: (op: WorkloadOp, i: number) => T,
) {
  const out: T[][] = Array.from({ length: clients }, () => []);
  workload.forEach((op, i) => out[op.process - 1].push(toOp(op, i)));
  return out;
}

/**
 * A search target for the leaderless quorum store, checked for linearizability.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { quorumSearchTarget } from "./replication_target.ts";
 * import { search } from "./search.ts";
 * assert.equal(search(quorumSearchTarget({ variant: "sloppy-as-strict" }), { seed: 1, numRuns: 100 }).ok, false);
 * ```
 */
export function quorumSearchTarget(
  options: QuorumSearchTargetOptions = {},
): SearchTarget<QuorumMessage> {
  const variant = options.variant ?? "abd";
  if (!QUORUM_SEARCH_VARIANTS.includes(variant)) {
    throw new RangeError(
      `quorumSearchTarget option variant must be one of ${
        QUORUM_SEARCH_VARIANTS.join(", ")
      }, got ${variant}`,
    );
  }
  const size = options.replicas ?? 5;
  if (!(Number.isInteger(size) && size >= 3 && size <= 9)) {
    throw new RangeError(
      `quorumSearchTarget option replicas must be an integer in [3, 9], got ${size}`,
    );
  }
  const ring = Array.from({ length: size }, (_, i) => `n${i + 1}`);
  const clients = ["c1", "c2", "c3"];
  const quorum = quorumVariantOptions(variant);
  return {
    nodes: ring,
    clients,
    horizonMs: options.horizonMs ?? 600,
    faults: { maxSteps: 4, kinds: ["crash", "partition", "cut", "loss", "delay", "clock-jump"] },
    workload: {
      functions: ["write", "read", "read"],
      clients: clients.length,
      minOps: 2,
      maxOps: options.maxOps ?? 10,
    },
    build(testCase: SearchCase) {
      const sim = new Simulation<QuorumMessage>({ seed: testCase.seed });
      for (const id of ring) sim.addNode(id, quorumReplica());
      const ops = scripts<QuorumOp>(testCase.workload, clients.length, (op, i) => ({
        atMs: op.atMs,
        f: op.f === "write" ? "write" : "read",
        key: "x",
        ...(op.f === "write" ? { value: i + 1 } : {}),
      }));
      clients.forEach((id, i) =>
        sim.addNode(
          id,
          quorumClient({ ...quorum, process: i + 1, ring, ops: ops[i], timeoutMs: 60 }),
        )
      );
      return sim;
    },
    invariants: [linearizable<QuorumMessage>({ model: "kv" })],
  };
}

/** Options of {@linkcode failoverSearchTarget}. */
export interface FailoverSearchTargetOptions {
  /** @default "correct" */
  variant?: "correct" | "no-fencing";
  /** @default "sync" */
  mode?: ReplicationMode;
  /** @default 800 */
  horizonMs?: number;
}

// The search hands targets a plain Simulation<M>; processes are recognised by their kind.
function processOf<K extends string>(sim: Simulation<Message>, id: NodeId, kind: K) {
  const process = sim.processOf(id) as { kind?: string } | null;
  return process?.kind === kind ? process : null;
}

/**
 * A search target for leader-follower failover. Invariants: no split brain; in `sync` mode,
 * no acknowledged write missing from the last promoted leader's log.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { failoverSearchTarget } from "./replication_target.ts";
 * import { search } from "./search.ts";
 * assert.equal(search(failoverSearchTarget({ variant: "no-fencing" }), { seed: 1, numRuns: 100 }).ok, false);
 * ```
 */
export function failoverSearchTarget(
  options: FailoverSearchTargetOptions = {},
): SearchTarget<LeaderFollowerMessage> {
  const variant = options.variant ?? "correct";
  const mode = options.mode ?? "sync";
  const replicas = ["n1", "n2", "n3"];
  const clients = ["c1", "c2", "manager"];
  const invariants: InvariantChecker<LeaderFollowerMessage>[] = [(run) => splitBrain(run.events)];
  if (mode === "sync") {
    invariants.push((run) => {
      const manager = processOf(run.sim, "manager", "manager") as FailoverManagerProcess | null;
      const leader = manager &&
        processOf(run.sim, manager.leader, "replica") as ReplicaProcess | null;
      if (!leader) return [];
      const sessions = ["c1", "c2"].flatMap((id) =>
        (processOf(run.sim, id, "client") as LeaderFollowerClientProcess | null)?.sessions ?? []
      );
      const lost = acknowledgedWritesLost(sessions, leader.node.entries().map((e) => e.value));
      return lost.lost.length === 0 ? [] : [{
        invariant: "acknowledged-write-lost",
        message: `Acknowledged writes ${lost.lost.join(", ")} are missing from leader ${
          manager!.leader
        }'s log`,
      }];
    });
  }
  return {
    nodes: replicas,
    clients,
    leader: (sim) =>
      (processOf(sim, "manager", "manager") as FailoverManagerProcess | null)?.leader ?? null,
    horizonMs: options.horizonMs ?? 800,
    faults: {
      maxSteps: 4,
      kinds: ["crash", "partition", "isolate-leader", "crash-leader", "loss"],
    },
    workload: { functions: ["write", "write", "read"], clients: 2, minOps: 2, maxOps: 12 },
    build(testCase: SearchCase) {
      const sim = new Simulation<LeaderFollowerMessage>({ seed: testCase.seed });
      for (const id of replicas) {
        sim.addNode(id, leaderFollowerReplica({ replicas, mode, variant }));
      }
      sim.addNode("manager", failoverManager({ replicas, clients: ["c1", "c2"], variant }));
      const ops = scripts<LeaderFollowerOp>(testCase.workload, 2, (op, i) => ({
        atMs: op.atMs,
        f: op.f === "write" ? "write" : "read",
        key: "x",
        ...(op.f === "write" ? { value: i + 1 } : { readFrom: op.node }),
      }));
      ["c1", "c2"].forEach((id, i) =>
        sim.addNode(
          id,
          leaderFollowerClient({ process: i + 1, replicas, ops: ops[i], timeoutMs: 60 }),
        )
      );
      return sim;
    },
    invariants,
  };
}
