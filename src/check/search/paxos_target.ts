/**
 * Search targets for Paxos and Multi-Paxos: a cluster of replicas, a scripted client driven by
 * the generated workload, and the Paxos agreement and validity monitors.
 *
 * @module
 */

import { type Message, type NodeId, Simulation } from "../../sim/mod.ts";
import {
  type MultiPaxosMessage,
  multiPaxosNode,
  type MultiPaxosProcess,
  PAXOS_NOOP,
  paxosClient,
  type PaxosMessage,
  paxosNode,
  type PaxosVariant,
} from "../../consensus/paxos/mod.ts";
import { paxosAgreement, paxosValidity } from "../invariants/paxos.ts";
import type { InvariantChecker, SearchCase, SearchTarget } from "./search.ts";
import type { NemesisKind } from "./arbitraries.ts";

/** Options of {@linkcode paxosSearchTarget}. */
export interface PaxosSearchTargetOptions {
  /** `single` (single-decree) or `multi` (Multi-Paxos). @default "multi" */
  protocol?: "single" | "multi";
  /** @default "correct" */
  variant?: PaxosVariant;
  /** Cluster size. @default 3 */
  nodes?: number;
  /** Run length. @default 600 (single), 1500 (multi) */
  horizonMs?: number;
  /** At most this many nemesis steps. @default 4 */
  maxFaultSteps?: number;
  /** At most this many client requests. @default 6 */
  maxOps?: number;
  /** Nemesis verbs. @default crash, partition, cut, loss, delay, slow, clock-jump */
  faultKinds?: readonly NemesisKind[];
}

/**
 * A search target for single-decree Paxos or Multi-Paxos.
 *
 * @example
 * ```ts
 * import { paxosSearchTarget } from "./paxos_target.ts";
 * import { search } from "./search.ts";
 * const result = search(paxosSearchTarget({ protocol: "single" }), { seed: 1, numRuns: 5 });
 * result.ok; // true
 * ```
 */
export function paxosSearchTarget(
  options: PaxosSearchTargetOptions = {},
): SearchTarget<PaxosMessage | MultiPaxosMessage> {
  const protocol = options.protocol ?? "multi";
  if (protocol !== "single" && protocol !== "multi") {
    throw new RangeError(
      `paxosSearchTarget option protocol must be single or multi, got ${protocol}`,
    );
  }
  const variant = options.variant ?? "correct";
  const size = options.nodes ?? 3;
  if (!(Number.isInteger(size) && size >= 1 && size <= 9)) {
    throw new RangeError(
      `paxosSearchTarget option nodes must be an integer in [1, 9], got ${size}`,
    );
  }
  const nodes = Array.from({ length: size }, (_, i) => `n${i + 1}`);
  const horizonMs = options.horizonMs ?? (protocol === "single" ? 600 : 1500);
  const common = {
    nodes,
    horizonMs,
    // Every acceptor's promise is a state change; in an excerpt they drown out the story.
    quietStateKeys: ["promised"],
    faults: { maxSteps: options.maxFaultSteps ?? 4, kinds: options.faultKinds },
    workload: {
      functions: [protocol === "single" ? "propose" : "request"],
      clients: 2,
      minOps: 1,
      maxOps: options.maxOps ?? 6,
    },
  };
  const invariants: InvariantChecker<PaxosMessage | MultiPaxosMessage>[] = [
    (run) => paxosAgreement(run.events, { acceptorCount: size }),
    (run) => paxosValidity(run.events, { fillers: protocol === "multi" ? [PAXOS_NOOP] : [] }),
  ];
  const requests = (scenario: SearchCase) =>
    scenario.workload.map((op, i) => ({ atMs: op.atMs, to: op.node, value: `v${i + 1}` }));
  if (protocol === "single") {
    return {
      ...common,
      build(scenario: SearchCase) {
        const sim = new Simulation<PaxosMessage>({ seed: scenario.seed });
        for (const id of nodes) sim.addNode(id, paxosNode({ acceptors: nodes, variant }));
        sim.addNode("client", paxosClient<PaxosMessage>(requests(scenario), "Propose"));
        return sim;
      },
      invariants,
    };
  }
  return {
    ...common,
    clients: ["client"],
    // For the leader-aimed verbs (crash-leader, isolate-leader), when asked for.
    leader: (sim) => nodes.find((id) => replicaOf(sim, id)?.isLeader()) ?? null,
    build(scenario: SearchCase) {
      const sim = new Simulation<MultiPaxosMessage>({ seed: scenario.seed });
      for (const id of nodes) sim.addNode(id, multiPaxosNode({ nodes, variant }));
      sim.addNode("client", paxosClient<MultiPaxosMessage>(requests(scenario), "Request"));
      return sim;
    },
    invariants,
  };
}

// The search hands targets a plain Simulation<M>; a replica is recognised by its methods, not cast.
function replicaOf(sim: Simulation<Message>, id: NodeId): MultiPaxosProcess | null {
  const process = sim.processOf(id);
  return process !== null && isReplica(process) ? process : null;
}

function isReplica(process: object): process is MultiPaxosProcess {
  return "isLeader" in process && "log" in process;
}
