/**
 * The EPaxos scenario of the simulation player: three or five replicas, one client at each
 * writing at the same moments, some on a shared key (they conflict, so their instances depend
 * on each other) and the rest on keys of their own. Crash a command leader mid-flight to watch
 * another replica recover its instance with an explicit Prepare.
 *
 * @module
 */

import type { ParamSpec } from "../experiments/types.ts";
import { Simulation } from "../sim/simulation.ts";
import type { Message, Process } from "../sim/types.ts";
import {
  EPAXOS_VARIANTS,
  epaxosClient,
  type EpaxosMessage,
  epaxosReplica,
  type EpaxosReplicaProcess,
  type EpaxosVariant,
} from "../consensus/epaxos/mod.ts";
import type { PlayerScenario } from "./scenarios.ts";

const PARAMS: Record<string, ParamSpec> = {
  replicas: { kind: "enum", default: "3", values: ["3", "5"], description: "EPaxos replicas" },
  variant: {
    kind: "enum",
    default: "correct",
    values: EPAXOS_VARIANTS,
    description: "The paper's protocol, or a known-broken variant",
  },
  requests: { kind: "integer", default: 3, min: 1, max: 20, description: "Writes per client" },
  conflictPercent: {
    kind: "integer",
    default: 50,
    min: 0,
    max: 100,
    description: "Share of writes on the shared key x (%)",
  },
};

/**
 * An EPaxos cluster with a client at every replica.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { epaxosPlayerScenario } from "./epaxos_scenario.ts";
 * import { resolveScenarioParams } from "./scenarios.ts";
 * const sim = epaxosPlayerScenario.build(resolveScenarioParams(epaxosPlayerScenario, {}), 1);
 * sim.run({ untilMs: 800 });
 * assert.equal(sim.history.filter((e) => e.type === "ok").length, 9);
 * ```
 */
export const epaxosPlayerScenario: PlayerScenario = {
  name: "epaxos",
  title: "EPaxos: leaderless commands and their dependencies",
  description:
    "Every replica leads its own client's writes; conflicting ones pick up dependencies and take the slow path. Crash a replica to watch recovery.",
  params: PARAMS,
  defaultUntilMs: 1200,
  build(params, seed) {
    const size = Number(params.replicas);
    const nodes = Array.from({ length: size }, (_, i) => `r${i + 1}`);
    const sim = new Simulation<EpaxosMessage>({
      seed,
      network: { latency: { kind: "uniform", minMs: 2, maxMs: 8 } },
    });
    for (const id of nodes) {
      sim.addNode(
        id,
        epaxosReplica({ nodes, variant: params.variant as EpaxosVariant, recoveryTimeoutMs: 100 }),
      );
    }
    const conflictPercent = params.conflictPercent as number;
    nodes.forEach((replica, i) => {
      const ops = Array.from({ length: params.requests as number }, (_, k) => {
        // Spread the shared-key writes evenly: every client, same share.
        const shared = ((k * 37 + i * 11) % 100) < conflictPercent;
        return {
          atMs: 10 + k * 25,
          op: { f: "write" as const, key: shared ? "x" : `k${i + 1}`, value: (i + 1) * 10 + k },
        };
      });
      sim.addNode(`c${i + 1}`, epaxosClient({ replica, process: i + 1, ops, timeoutMs: 800 }));
    });
    return sim as unknown as Simulation<Message>;
  },
  inspect(process: Process<Message>) {
    if (!("node" in process)) return null;
    const node = (process as unknown as EpaxosReplicaProcess).node;
    return {
      executed: node.executed.length,
      lastExecuted: node.executed.at(-1) ?? null,
      x: node.read("x"),
    };
  },
};
