/**
 * Scenarios the simulation player can replay: a named way to build a cluster (nodes and
 * their process factories) from parameters and a seed. A recording names its scenario, so a
 * permalink or a counterexample only carries data (seed, parameters, faults), never code.
 *
 * To make a pattern playable, write a `PlayerScenario` and append it to
 * {@linkcode PLAYER_SCENARIOS} (one import and one array entry, as for experiments). The
 * scenario's name is what a counterexample's `experiment` field refers to.
 *
 * A fault-schedule search target plugs in the same way: `build` calls the target's own
 * builder with the seed and a workload taken from `params` (declare it with `resolve`), and
 * the counterexample's faults are the concrete faults the run applied
 * (`faultsFromTrace` in recording.ts), so leader-relative verbs replay as the crash they
 * became. (Faults replay at the same times; a fault that shares its instant with other events
 * may be ordered differently among them than in the original run.)
 *
 * @module
 */

import type { Params, ParamSpec } from "../experiments/types.ts";
import { resolveParams } from "../experiments/params.ts";
import { Simulation } from "../sim/simulation.ts";
import { createRaftCluster } from "../consensus/raft/cluster.ts";
import { RAFT_VARIANTS } from "../consensus/raft/types.ts";
import type { RaftVariant } from "../consensus/raft/types.ts";
import type { Message, NodeId, Process } from "../sim/types.ts";
import { pbftPlayerScenario } from "./pbft_scenario.ts";
import { epaxosPlayerScenario } from "./epaxos_scenario.ts";
import { sagaSimulation } from "../check/search/saga_target.ts";
import { SAGA_VARIANTS } from "../transactions/saga.ts";
import type { SagaOrchestratorProcess, SagaServiceProcess } from "../transactions/saga_process.ts";

/** A named cluster the player can build and replay. */
export interface PlayerScenario {
  /** Identifier used in recordings, links and counterexamples, e.g. `"heartbeat"`. */
  name: string;
  /** One-line title for the player's header. */
  title: string;
  /** What the scenario shows and which faults make it interesting. */
  description: string;
  /** Parameters with defaults and ranges, validated like an experiment's. */
  params: Record<string, ParamSpec>;
  /** How long a recording runs when it does not say. */
  defaultUntilMs: number;
  /**
   * Optional: validates and completes parameters that are not plain values (for example a
   * client workload as an array), replacing the `params` specs. Throws a RangeError naming
   * the bad parameter.
   */
  resolve?(given: Record<string, unknown>): Record<string, unknown>;
  /**
   * Builds a fresh, not yet started simulation (nodes added, no faults scheduled) with a
   * full trace. Must be deterministic in `(params, seed)`.
   */
  build(params: Params, seed: number): Simulation<Message>;
  /** Optional: a JSON view of a node's process for the player's state panel. */
  inspect?(process: Process<Message>): unknown;
}

/**
 * Validates parameters against a scenario (same rules and messages as experiments).
 *
 * @example
 * ```ts
 * import { heartbeatScenario, resolveScenarioParams } from "./scenarios.ts";
 * const params = resolveScenarioParams(heartbeatScenario, { nodes: 4 });
 * if (params.nodes !== 4 || params.intervalMs !== 50) throw new Error("defaults filled in");
 * ```
 */
export function resolveScenarioParams(
  scenario: PlayerScenario,
  given: Record<string, unknown>,
): Params {
  if (scenario.resolve) return scenario.resolve(given) as Params;
  return resolveParams(scenario, given);
}

type HeartbeatMessage = { type: "Heartbeat"; seq: number };

interface HeartbeatProcess extends Process<Message> {
  readonly view: { seq: number; suspects: NodeId[]; lastHeardMs: Record<NodeId, number> };
}

/**
 * When a heartbeat detector last heard from `peer` (its monotonic ms), or 0 if never. Own keys
 * only: a peer named like an `Object.prototype` member (`constructor`) was never heard from,
 * and reading the inherited member would make it look heard at a function.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lastHeardAtMs } from "./scenarios.ts";
 * assert.equal(lastHeardAtMs({ n1: 40 }, "n1"), 40);
 * assert.equal(lastHeardAtMs({}, "constructor"), 0);
 * ```
 */
export function lastHeardAtMs(lastHeardMs: Readonly<Record<NodeId, number>>, peer: NodeId): number {
  return Object.hasOwn(lastHeardMs, peer) ? lastHeardMs[peer] : 0;
}

/**
 * A heartbeat failure detector: every node sends `Heartbeat` to its peers every
 * `intervalMs` and suspects a peer it has not heard from for `timeoutMs` (of its own clock).
 * Loss, partitions, slow nodes and clock jumps all cause false suspicions, which is the
 * point: a timeout cannot tell a dead node from a slow network (fallacies 1 and 2).
 *
 * @example
 * ```ts
 * import { heartbeatScenario } from "./scenarios.ts";
 * const sim = heartbeatScenario.build({ nodes: 3, intervalMs: 50, timeoutMs: 150, lossProbability: 0 }, 1);
 * sim.run({ untilMs: 200 });
 * if (sim.trace.events.length === 0) throw new Error("heartbeats flow");
 * ```
 */
export const heartbeatScenario: PlayerScenario = {
  name: "heartbeat",
  title: "Heartbeat failure detector",
  description:
    "Nodes exchange heartbeats and suspect silent peers; partitions, loss and crashes make them suspect.",
  params: {
    nodes: { kind: "integer", default: 3, min: 2, max: 7, description: "Number of nodes" },
    intervalMs: {
      kind: "integer",
      default: 50,
      min: 5,
      max: 1000,
      description: "Heartbeat period (ms)",
    },
    timeoutMs: {
      kind: "integer",
      default: 150,
      min: 10,
      max: 5000,
      description: "Silence after which a peer is suspected (ms)",
    },
    lossProbability: {
      kind: "number",
      default: 0,
      min: 0,
      max: 1,
      description: "Chance each message is lost",
    },
  },
  defaultUntilMs: 1200,
  build(params, seed) {
    const n = params.nodes as number;
    const intervalMs = params.intervalMs as number;
    const timeoutMs = params.timeoutMs as number;
    const sim = new Simulation<Message>({
      seed,
      network: {
        latency: { kind: "uniform", minMs: 2, maxMs: 12 },
        lossProbability: params.lossProbability as number,
      },
      trace: "full",
    });
    for (let i = 1; i <= n; i++) {
      sim.addNode(`n${i}`, (rt) => {
        const view = {
          seq: 0,
          suspects: [] as NodeId[],
          lastHeardMs: {} as Record<NodeId, number>,
        };
        const publish = () => rt.state("suspects", [...view.suspects]);
        const process: HeartbeatProcess = {
          view,
          onStart() {
            // A restarted node trusts everyone again until they fall silent.
            for (const peer of rt.peers()) view.lastHeardMs[peer] = rt.monotonic();
            rt.setTimer(intervalMs, "beat");
          },
          onMessage(from, msg) {
            if (msg.type !== "Heartbeat") return;
            view.lastHeardMs[from] = rt.monotonic();
            if (view.suspects.includes(from)) {
              view.suspects = view.suspects.filter((p) => p !== from);
              publish();
            }
          },
          onTimer() {
            view.seq++;
            for (const peer of rt.peers()) {
              const beat: HeartbeatMessage = { type: "Heartbeat", seq: view.seq };
              rt.send(peer, beat);
            }
            const now = rt.monotonic();
            const silent = rt.peers().filter((p) =>
              now - lastHeardAtMs(view.lastHeardMs, p) > timeoutMs && !view.suspects.includes(p)
            );
            if (silent.length > 0) {
              view.suspects = [...view.suspects, ...silent].sort();
              publish();
            }
            rt.setTimer(intervalMs, "beat");
          },
        };
        return process;
      });
    }
    return sim;
  },
  inspect(process) {
    return structuredClone((process as HeartbeatProcess).view);
  },
};

/**
 * A Raft KV cluster (servers `n1..nN`, clients `c1..cK`) from `src/consensus/raft`, in any of
 * its variants, so the known-broken ones (`stale-vote`, `commit-old-term`, ...) can be played,
 * rewound and forked; their counterexamples open here as `{experiment: "raft", ...}`.
 *
 * @example
 * ```ts
 * import { raftScenario } from "./scenarios.ts";
 * const sim = raftScenario.build({ servers: 3, clients: 1, operations: 3, variant: "correct", preVote: false }, 1);
 * sim.run({ untilMs: 1000 });
 * if (!sim.trace.events.some((e) => e.kind === "state" && e.key === "role" && e.value === "leader")) {
 *   throw new Error("a leader is elected");
 * }
 * ```
 */
export const raftScenario: PlayerScenario = {
  name: "raft",
  title: "Raft KV cluster",
  description:
    "Raft servers replicating a key-value log for clients; crash the leader or partition it and watch a new election.",
  params: {
    servers: { kind: "integer", default: 3, min: 1, max: 7, description: "Raft servers" },
    clients: { kind: "integer", default: 1, min: 0, max: 5, description: "KV clients" },
    operations: {
      kind: "integer",
      default: 10,
      min: 1,
      max: 100,
      description: "Operations per client",
    },
    variant: {
      kind: "enum",
      default: "correct",
      values: RAFT_VARIANTS,
      description: "The rules: correct, or a known-broken variant",
    },
    preVote: { kind: "boolean", default: false, description: "Pre-vote before standing" },
  },
  defaultUntilMs: 3000,
  build(params, seed) {
    return createRaftCluster({
      seed,
      servers: params.servers as number,
      clients: params.clients as number,
      operations: params.operations as number,
      variant: params.variant as RaftVariant,
      preVote: params.preVote as boolean,
      trace: "full",
    }).sim as unknown as Simulation<Message>;
  },
};

/**
 * Sagas (`src/transactions`): an orchestrator, the inventory, payment and shipping services and a
 * client that begins `sagas` sagas 25 ms apart. Crash the orchestrator mid-saga and watch it
 * resume from its log — or, with the `forgetful` variant, leave sagas half-done.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sagaScenario } from "./scenarios.ts";
 * const sim = sagaScenario.build({ sagas: 2, variant: "correct", mode: "orchestrated", failureRate: 0 }, 1);
 * sim.run({ untilMs: 1000 });
 * assert.ok(sim.trace.events.some((e) => e.kind === "state" && e.key === "saga" &&
 *   (e.value as { kind?: string }).kind === "end"));
 * ```
 */
export const sagaScenario: PlayerScenario = {
  name: "saga",
  title: "Saga: reserve, charge, ship",
  description:
    "An orchestrated (or choreographed) saga over three services; crash the orchestrator mid-saga and watch it resume, or compensations run in reverse after a refusal.",
  params: {
    sagas: { kind: "integer", default: 3, min: 1, max: 20, description: "Sagas to begin" },
    variant: {
      kind: "enum",
      default: "correct",
      values: SAGA_VARIANTS,
      description: "The orchestrator: correct, or a known-broken variant",
    },
    mode: {
      kind: "enum",
      default: "orchestrated",
      values: ["orchestrated", "choreographed"],
      description: "Orchestrated or choreographed",
    },
    failureRate: {
      kind: "number",
      default: 0.3,
      min: 0,
      max: 1,
      description: "Chance each step is refused",
    },
  },
  defaultUntilMs: 1500,
  build(params, seed) {
    return sagaSimulation({
      seed,
      mode: params.mode as "orchestrated" | "choreographed",
      variant: params.variant as (typeof SAGA_VARIANTS)[number],
      rejectProbability: params.failureRate as number,
      sagas: Array.from({ length: params.sagas as number }, (_, i) => ({
        sagaId: `s${i + 1}`,
        atMs: i * 25,
      })),
    }) as unknown as Simulation<Message>;
  },
  inspect(process) {
    if ("orchestrator" in process) {
      return (process as SagaOrchestratorProcess).orchestrator.sagas;
    }
    if ("participant" in process) return (process as SagaServiceProcess).participant.effects;
    return null;
  },
};

/** Every scenario the player knows, by name. Append new scenarios here. */
export const PLAYER_SCENARIOS: readonly PlayerScenario[] = [
  heartbeatScenario,
  raftScenario,
  pbftPlayerScenario,
  sagaScenario,
  epaxosPlayerScenario,
];

/**
 * Finds a scenario by name; throws a RangeError listing the known names.
 *
 * @example
 * ```ts
 * import { getScenario } from "./scenarios.ts";
 * if (getScenario("heartbeat").name !== "heartbeat") throw new Error("found");
 * ```
 */
export function getScenario(
  name: string,
  scenarios: readonly PlayerScenario[] = PLAYER_SCENARIOS,
): PlayerScenario {
  const found = scenarios.find((s) => s.name === name);
  if (found === undefined) {
    throw new RangeError(
      `Unknown player scenario "${name}" (known: ${scenarios.map((s) => s.name).join(", ")})`,
    );
  }
  return found;
}
