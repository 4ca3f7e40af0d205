/**
 * The PBFT scenario of the simulation player: four or more replicas, one client, and the
 * first `byzantine` replicas handed to an adversary from time 0 (part of the scenario, so a
 * recording's own faults stay free for crashes and partitions).
 *
 * @module
 */

import type { ParamSpec } from "../experiments/types.ts";
import { Simulation } from "../sim/simulation.ts";
import { BYZANTINE_BEHAVIOURS } from "../sim/faults.ts";
import type { ByzantineBehaviour, Message, Process } from "../sim/types.ts";
import {
  PBFT_VARIANTS,
  pbftClient,
  type PbftMessage,
  pbftReplica,
  type PbftReplicaProcess,
  type PbftVariant,
} from "../consensus/pbft/mod.ts";
import type { PlayerScenario } from "./scenarios.ts";

const PARAMS: Record<string, ParamSpec> = {
  replicas: { kind: "integer", default: 4, min: 4, max: 10, description: "PBFT replicas" },
  byzantine: {
    kind: "integer",
    default: 1,
    min: 0,
    max: 3,
    description: "Byzantine replicas (the first ones; r1 is view 0's primary)",
  },
  behaviour: {
    kind: "enum",
    default: "equivocate",
    values: BYZANTINE_BEHAVIOURS,
    description: "What the Byzantine replicas do",
  },
  variant: {
    kind: "enum",
    default: "correct",
    values: PBFT_VARIANTS,
    description: "Quorum rules: the paper's, or shrunk to 2f",
  },
  authenticate: { kind: "boolean", default: true, description: "Receivers authenticate messages" },
  requests: { kind: "integer", default: 5, min: 1, max: 50, description: "Client writes" },
};

/**
 * A PBFT cluster with Byzantine replicas.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pbftPlayerScenario } from "./pbft_scenario.ts";
 * import { resolveScenarioParams } from "./scenarios.ts";
 * const sim = pbftPlayerScenario.build(resolveScenarioParams(pbftPlayerScenario, {}), 1);
 * sim.run({ untilMs: 500 });
 * assert.equal(sim.history.filter((e) => e.type === "ok").length, 5);
 * ```
 */
export const pbftPlayerScenario: PlayerScenario = {
  name: "pbft",
  title: "PBFT with Byzantine replicas",
  description:
    "Replicas order a client's writes through PrePrepare, Prepare and Commit while the first replicas lie; silence the primary to watch a view change.",
  params: PARAMS,
  defaultUntilMs: 1500,
  build(params, seed) {
    const nodes = Array.from({ length: params.replicas as number }, (_, i) => `r${i + 1}`);
    const sim = new Simulation<PbftMessage>({
      seed,
      network: { authenticate: params.authenticate as boolean },
    });
    for (const id of nodes) {
      sim.addNode(id, pbftReplica({ nodes, variant: params.variant as PbftVariant }));
    }
    const ops = Array.from({ length: params.requests as number }, (_, i) => ({
      atMs: i * 10,
      op: { f: "write" as const, value: i + 1 },
    }));
    sim.addNode("c1", pbftClient({ replicas: nodes, process: 1, ops }));
    const count = Math.min(params.byzantine as number, nodes.length - 1);
    sim.schedule(
      nodes.slice(0, count).map((node) => ({
        atMs: 0,
        kind: "byzantine" as const,
        node,
        behaviour: params.behaviour as ByzantineBehaviour,
      })),
    );
    return sim as unknown as Simulation<Message>;
  },
  inspect(process: Process<Message>) {
    const node = (process as unknown as PbftReplicaProcess).node;
    if (!node) return null;
    return {
      view: node.view,
      viewChanging: node.viewChanging,
      lastExecuted: node.lastExecuted,
      stableSeq: node.stableSeq,
      logSize: node.logSize,
      register: node.state.register,
    };
  },
};
