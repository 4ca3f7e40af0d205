/**
 * The search target for EPaxos: 2F + 1 replicas, one scripted client at each replica driven
 * by the generated workload (writes and reads of two keys, so some commands conflict and some
 * do not), the nemesis's crashes, partitions, cuts, loss and delays, and four invariants:
 * consistency of committed attributes, dependency visibility between conflicting commands,
 * execution consistency across replicas (Moraru et al., SOSP 2013, §4.2) and linearizable
 * client histories (model `kv`).
 *
 * With the paper's protocol it must find nothing; with the fast quorum one replica too small
 * (`small-fast-quorum`), execution in commit order (`ignore-dependencies`) or a recovery that
 * ignores a possible fast commit (`no-recovery-check`) it must find a violation.
 *
 * @module
 */

import { type Fault, type NodeId, Simulation } from "../../sim/mod.ts";
import { DEFAULT_LINK } from "../../sim/link_options.ts";
import {
  epaxosClient,
  type EpaxosMessage,
  epaxosReplica,
  type EpaxosVariant,
} from "../../consensus/epaxos/mod.ts";
import { epaxosConvergence, epaxosSafety } from "../invariants/epaxos.ts";
import { linearizable } from "./linearizable.ts";
import type { NemesisKind } from "./arbitraries.ts";
import type { InvariantChecker, SearchCase, SearchTarget } from "./search.ts";

/** Options of {@linkcode epaxosSearchTarget}. */
export interface EpaxosSearchTargetOptions {
  /** Replicas, an odd number. @default 3 */
  nodes?: number;
  /** @default "correct" */
  variant?: EpaxosVariant;
  /** The fast quorum's size rule (see `node.ts`). @default "optimized" */
  fastQuorum?: "optimized" | "simple";
  /** Run length. @default 2000 */
  horizonMs?: number;
  /** At most this many nemesis steps. @default 3 */
  maxFaultSteps?: number;
  /** At most this many client operations. @default 12 */
  maxOps?: number;
  /** Nemesis verbs. @default crash, partition, cut, loss, delay */
  faultKinds?: readonly NemesisKind[];
  /**
   * When above 0, faults stop this many ms before the end, everything is healed then (crashed
   * replicas restart), and every replica must have executed the same commands by the end
   * (TigerBeetle's VOPR: safety, then heal and require liveness). 0: off. @default 0
   */
  convergeMs?: number;
  /** How often replicas exchange what instances they know of (see `node.ts`). @default 200 */
  catchUpIntervalMs?: number;
}

/**
 * A search target for EPaxos.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { epaxosSearchTarget } from "./epaxos_target.ts";
 * import { search } from "./search.ts";
 * const caught = search(epaxosSearchTarget({ variant: "small-fast-quorum" }), { seed: 1, numRuns: 30 });
 * assert.equal(caught.ok, false);
 * ```
 */
export function epaxosSearchTarget(
  options: EpaxosSearchTargetOptions = {},
): SearchTarget<EpaxosMessage> {
  const size = options.nodes ?? 3;
  if (!(Number.isInteger(size) && size >= 3 && size <= 9 && size % 2 === 1)) {
    throw new RangeError(
      `epaxosSearchTarget option nodes must be an odd integer in [3, 9], got ${size}`,
    );
  }
  const variant = options.variant ?? "correct";
  const fastQuorum = options.fastQuorum ?? "optimized";
  const nodes = Array.from({ length: size }, (_, i) => `r${i + 1}`);
  const clients = nodes.map((_, i) => `c${i + 1}`);
  const horizonMs = options.horizonMs ?? 2000;
  const convergeMs = options.convergeMs ?? 0;
  if (!(Number.isInteger(convergeMs) && convergeMs >= 0 && convergeMs < horizonMs)) {
    throw new RangeError(
      `epaxosSearchTarget option convergeMs must be an integer in [0, horizonMs), got ${convergeMs}`,
    );
  }
  const healedAtMs = horizonMs - convergeMs;
  const invariants: InvariantChecker<EpaxosMessage>[] = [
    (run) => epaxosSafety(run.events),
    linearizable<EpaxosMessage>({ model: "kv" }),
  ];
  if (convergeMs > 0) invariants.push((run) => epaxosConvergence(run.events, nodes));
  return {
    nodes,
    clients,
    horizonMs,
    faults: {
      maxSteps: options.maxFaultSteps ?? 3,
      kinds: options.faultKinds ?? ["crash", "partition", "cut", "loss", "delay"],
      // Faults stop halfway, so the rest of the run shows whether recovery finishes the work.
      horizonMs: Math.min(Math.floor(horizonMs / 2), healedAtMs),
    },
    workload: {
      functions: ["write", "read"],
      keys: ["x", "y"],
      clients: clients.length,
      minOps: 2,
      maxOps: options.maxOps ?? 12,
    },
    build(testCase: SearchCase) {
      const sim = new Simulation<EpaxosMessage>({ seed: testCase.seed });
      for (const id of nodes) {
        sim.addNode(
          id,
          epaxosReplica({
            nodes,
            variant,
            fastQuorum,
            recoveryTimeoutMs: 150,
            catchUpIntervalMs: options.catchUpIntervalMs ?? 200,
          }),
        );
      }
      if (convergeMs > 0) sim.schedule(healAll(healedAtMs, nodes));
      clients.forEach((client, i) => {
        // Ops are squeezed into the first quarter of the run, so that commands overlap and
        // conflict (what EPaxos's dependencies are for), while faults still strike among them.
        const ops = testCase.workload.filter((op) => op.process === i + 1).map((op, k) => ({
          atMs: Math.floor(op.atMs / 4),
          op: op.f === "write"
            ? { f: "write" as const, key: op.key ?? "x", value: (i + 1) * 100 + k }
            : { f: "read" as const, key: op.key ?? "x" },
        }));
        sim.addNode(
          client,
          epaxosClient({ replica: nodes[i], process: i + 1, ops, timeoutMs: 600 }),
        );
      });
      return sim;
    },
    invariants,
  };
}

/** The liveness phase starts by healing everything: partitions, loss, delays, crashed replicas. */
function healAll(atMs: number, replicas: readonly NodeId[]): Fault[] {
  return [
    { atMs, kind: "heal" },
    {
      atMs,
      kind: "network",
      set: { lossProbability: DEFAULT_LINK.lossProbability, latency: DEFAULT_LINK.latency },
    },
    ...replicas.map((node): Fault => ({ atMs, kind: "restart", node })),
  ];
}
