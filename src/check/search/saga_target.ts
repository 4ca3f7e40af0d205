/**
 * Scenario builders and fault-schedule search targets for the transactions patterns: sagas
 * (orchestrated and choreographed), the outbox pipeline and two-phase commit. Each target runs
 * a safety phase under a generated nemesis, then heals everything (restarts crashed nodes,
 * removes partitions, stops loss) and requires the liveness half of the invariant by the
 * horizon, as TigerBeetle's VOPR does: every saga ended committed or compensated, every outbox
 * event delivered. The known-broken variants each fail one of them.
 *
 * @module
 */

import {
  type Fault,
  type Message,
  type NodeId,
  Simulation,
  type TraceMode,
} from "../../sim/mod.ts";
import {
  choreographyServiceProcess,
  type ChoreoMessage,
  orderClientProcess,
  outboxConsumerProcess,
  type OutboxMessage,
  type OutboxRelayRules,
  outboxServiceProcess,
  type RelayVariant,
  sagaClientProcess,
  type SagaMessage,
  type SagaNextRule,
  sagaOrchestratorProcess,
  sagaServiceProcess,
  type SagaStep,
  type SagaVariant,
  twoPhaseClient,
  twoPhaseCoordinator,
  type TwoPhaseMessage,
  twoPhaseParticipant,
  type TwoPhaseVariant,
} from "../../transactions/mod.ts";
import {
  outboxAppliedOnce,
  outboxNoLoss,
  sagaAppliedOnce,
  sagaAtomicity,
  sagaCompensationOrder,
  twoPhaseAtomicity,
} from "../invariants/transactions.ts";
import type { SearchCase, SearchTarget } from "./search.ts";

/** The saga every scenario runs: reserve stock, charge the card, book the courier. */
export const DEFAULT_SAGA_STEPS: readonly SagaStep[] = [
  { name: "reserve", service: "inventory" },
  { name: "charge", service: "payment" },
  { name: "ship", service: "shipping" },
];

/** How a saga is coordinated. */
export type SagaMode = "orchestrated" | "choreographed";

/** Options of {@linkcode sagaSimulation}. */
export interface SagaSimulationOptions {
  seed: number;
  /** Sagas to begin and when. */
  sagas: readonly { sagaId: string; atMs: number }[];
  /** @default "orchestrated" */
  mode?: SagaMode;
  /** The orchestrator's variant (orchestrated mode only). @default "correct" */
  variant?: SagaVariant;
  /** @default DEFAULT_SAGA_STEPS */
  steps?: readonly SagaStep[];
  /** Replacement orchestrator rule (the saga lab). @default the variant's */
  next?: SagaNextRule;
  /** Chance each step is refused. @default 0.2 */
  rejectProbability?: number;
  /** Chance each compensation attempt fails transiently. @default 0.3 */
  undoFailureProbability?: number;
  /** Whether services recognise re-submitted steps. @default true */
  idempotent?: boolean;
  /** Message loss. @default 0 */
  lossProbability?: number;
  /** @default "full" */
  trace?: TraceMode;
}

/**
 * A saga deployment in a simulation: an orchestrator (`orchestrator`, orchestrated mode), one
 * node per step's service, and a `client` that begins the sagas.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sagaSimulation } from "./saga_target.ts";
 * import { sagaOutcomes } from "../invariants/transactions.ts";
 * const sim = sagaSimulation({ seed: 1, sagas: [{ sagaId: "s1", atMs: 0 }], rejectProbability: 0 });
 * sim.run({ untilMs: 1000 });
 * assert.equal(sagaOutcomes(sim.trace.events, { steps: 3 })[0].outcome, "committed");
 * ```
 */
export function sagaSimulation(
  options: SagaSimulationOptions,
): Simulation<SagaMessage | ChoreoMessage> {
  const steps = options.steps ?? DEFAULT_SAGA_STEPS;
  const mode = options.mode ?? "orchestrated";
  if (mode !== "orchestrated" && mode !== "choreographed") {
    throw new RangeError(`sagaSimulation option mode must be orchestrated or choreographed`);
  }
  const sim = new Simulation<SagaMessage | ChoreoMessage>({
    seed: options.seed,
    network: { lossProbability: options.lossProbability ?? 0 },
    trace: options.trace ?? "full",
  });
  const service = {
    rejectProbability: options.rejectProbability ?? 0.2,
    undoFailureProbability: options.undoFailureProbability ?? 0.3,
  };
  const services = steps.map((s) => s.service);
  if (mode === "orchestrated") {
    sim.addNode(
      "orchestrator",
      sagaOrchestratorProcess({ steps, variant: options.variant, next: options.next }),
    );
    for (const id of services) {
      sim.addNode(id, sagaServiceProcess({ ...service, idempotent: options.idempotent }));
    }
  } else {
    for (const id of services) {
      sim.addNode(id, choreographyServiceProcess({ ...service, services }));
    }
  }
  sim.addNode(
    "client",
    sagaClientProcess({
      orchestrator: mode === "orchestrated" ? "orchestrator" : services[0],
      sagas: options.sagas,
    }),
  );
  return sim;
}

/** Options of {@linkcode outboxSimulation}. */
export interface OutboxSimulationOptions {
  seed: number;
  /** Replacement relay rules (the outbox lab). @default the `relay` variant's */
  rules?: OutboxRelayRules;
  /** Replacement consumer handler (the outbox lab). @default the idempotent (or naive) one */
  consume?: Parameters<typeof outboxConsumerProcess>[0]["consume"];
  orders: readonly { orderId: string; atMs: number }[];
  /** @default "publish-then-mark" */
  relay?: RelayVariant;
  /** @default true */
  idempotent?: boolean;
  /** @default 0 */
  lossProbability?: number;
  /** @default "full" */
  trace?: TraceMode;
}

/**
 * The outbox pipeline in a simulation: `orders` (service and relay), `consumer`, `client`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outboxSimulation } from "./saga_target.ts";
 * import { outboxCounts } from "../invariants/transactions.ts";
 * const sim = outboxSimulation({ seed: 1, orders: [{ orderId: "o1", atMs: 0 }] });
 * sim.run({ untilMs: 500 });
 * assert.equal(outboxCounts(sim.trace.events).lost, 0);
 * ```
 */
export function outboxSimulation(options: OutboxSimulationOptions): Simulation<OutboxMessage> {
  const sim = new Simulation<OutboxMessage>({
    seed: options.seed,
    network: { lossProbability: options.lossProbability ?? 0 },
    trace: options.trace ?? "full",
  });
  sim.addNode(
    "orders",
    outboxServiceProcess({ consumer: "consumer", relay: options.relay, rules: options.rules }),
  );
  sim.addNode(
    "consumer",
    outboxConsumerProcess({ idempotent: options.idempotent ?? true, consume: options.consume }),
  );
  sim.addNode("client", orderClientProcess({ service: "orders", orders: options.orders }));
  return sim;
}

/** Options of {@linkcode twoPhaseSimulation}. */
export interface TwoPhaseSimulationOptions {
  seed: number;
  transactions: readonly { txId: string; atMs: number }[];
  /** @default 3 */
  participants?: number;
  /** @default "correct" */
  variant?: TwoPhaseVariant;
  /** Chance each participant votes No. @default 0 */
  noProbability?: number;
  /** One-way latency is uniform in [latencyMs / 2, latencyMs]. @default 10 */
  latencyMs?: number;
  /** Message loss. @default 0 */
  lossProbability?: number;
  /** @default "full" */
  trace?: TraceMode;
}

/**
 * Two-phase commit in a simulation: `coordinator`, participants `p1..pN`, `client`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { twoPhaseSimulation } from "./saga_target.ts";
 * import { twoPhaseAtomicity } from "../invariants/transactions.ts";
 * const sim = twoPhaseSimulation({ seed: 1, transactions: [{ txId: "t1", atMs: 0 }] });
 * sim.run({ untilMs: 500 });
 * assert.equal(twoPhaseAtomicity(sim.trace.events).length, 0);
 * ```
 */
export function twoPhaseSimulation(
  options: TwoPhaseSimulationOptions,
): Simulation<TwoPhaseMessage> {
  const count = options.participants ?? 3;
  const participants = Array.from({ length: count }, (_, i) => `p${i + 1}`);
  const latencyMs = options.latencyMs ?? 10;
  const sim = new Simulation<TwoPhaseMessage>({
    seed: options.seed,
    network: {
      latency: { kind: "uniform", minMs: latencyMs / 2, maxMs: latencyMs },
      lossProbability: options.lossProbability ?? 0,
    },
    trace: options.trace ?? "full",
  });
  sim.addNode("coordinator", twoPhaseCoordinator({ participants }));
  for (const p of participants) {
    sim.addNode(
      p,
      twoPhaseParticipant({ variant: options.variant, noProbability: options.noProbability }),
    );
  }
  sim.addNode(
    "client",
    twoPhaseClient({ coordinator: "coordinator", transactions: options.transactions }),
  );
  return sim;
}

/** Heals everything at `atMs`: partitions, loss, slowness, crashed nodes. */
export function healTransactionsFaults(atMs: number, nodes: readonly NodeId[]): Fault[] {
  return [
    { atMs, kind: "heal" },
    { atMs, kind: "network", set: { lossProbability: 0 } },
    ...nodes.flatMap((node): Fault[] => [
      { atMs, kind: "slow", node, processingMs: 0 },
      { atMs, kind: "restart", node },
    ]),
  ];
}

/** Options shared by the transactions search targets. */
export interface TransactionsTargetOptions {
  /** Faults (and new work) happen in [0, faultsMs); then everything heals. @default 1000 */
  faultsMs?: number;
  /** Time after the heal for recovery to finish. @default 2000 */
  recoveryMs?: number;
  /** At most this many nemesis steps. @default 5 */
  maxFaultSteps?: number;
  /** At most this many sagas, orders or transactions. @default 6 */
  maxOps?: number;
}

function phases(options: TransactionsTargetOptions) {
  const faultsMs = options.faultsMs ?? 1000;
  const recoveryMs = options.recoveryMs ?? 2000;
  const horizonMs = faultsMs + recoveryMs;
  // The search draws operation times over the whole run; new work must start during the
  // fault phase so the recovery phase can finish it, so times are scaled into that phase
  // (order kept: a shrunk time still shrinks).
  const startOf = (atMs: number) => Math.floor(atMs * faultsMs / horizonMs);
  return { faultsMs, horizonMs, startOf };
}

/** What differs between the three transactions targets. */
interface TransactionsTargetShape<M extends Message> {
  nodes: NodeId[];
  /** The one workload function (one client issues every saga, order or transaction). */
  fn: string;
  /** Whether crashes are drawn three times as often as the other faults. */
  crashHeavy: boolean;
  /** The simulation for a case; `startOf` maps a drawn time into the fault phase. */
  simulate(testCase: SearchCase, startOf: (atMs: number) => number): Simulation<M>;
  invariants: SearchTarget<M>["invariants"];
}

/**
 * The skeleton every transactions target shares: crashes, partitions and loss in the fault
 * phase, then {@linkcode healTransactionsFaults} so the liveness half can be required.
 */
function transactionsTarget<M extends Message>(
  options: TransactionsTargetOptions,
  shape: TransactionsTargetShape<M>,
): SearchTarget<M> {
  const { faultsMs, horizonMs, startOf } = phases(options);
  return {
    nodes: shape.nodes,
    clients: ["client"],
    horizonMs,
    faults: {
      horizonMs: faultsMs,
      maxSteps: options.maxFaultSteps ?? 5,
      kinds: ["crash", "partition", "loss"],
      ...(shape.crashHeavy ? { weights: { crash: 3 } } : {}),
    },
    workload: { functions: [shape.fn], clients: 1, minOps: 1, maxOps: options.maxOps ?? 6 },
    build(testCase: SearchCase) {
      const sim = shape.simulate(testCase, startOf);
      sim.schedule(healTransactionsFaults(faultsMs, shape.nodes));
      return sim;
    },
    invariants: shape.invariants,
  };
}

/** Options of {@linkcode sagaSearchTarget}. */
export interface SagaSearchTargetOptions extends TransactionsTargetOptions {
  /** @default "orchestrated" */
  mode?: SagaMode;
  /** @default "correct" */
  variant?: SagaVariant;
  /** @default true */
  idempotent?: boolean;
  /** @default 0.2 */
  rejectProbability?: number;
  /** @default 0.3 */
  undoFailureProbability?: number;
}

/**
 * A search target for sagas: crashes (the orchestrator's above all), partitions and loss
 * bursts while sagas run, then a heal; invariants: saga atomicity and applied-once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { search } from "./search.ts";
 * import { sagaSearchTarget } from "./saga_target.ts";
 * const result = search(sagaSearchTarget({ variant: "forgetful" }), { seed: 1, numRuns: 100 });
 * assert.equal(result.ok, false); // the forgetful orchestrator leaves a saga stuck
 * ```
 */
export function sagaSearchTarget(
  options: SagaSearchTargetOptions = {},
): SearchTarget<SagaMessage | ChoreoMessage> {
  const mode = options.mode ?? "orchestrated";
  const services = DEFAULT_SAGA_STEPS.map((s) => s.service);
  return transactionsTarget(options, {
    nodes: mode === "orchestrated" ? ["orchestrator", ...services] : services,
    fn: "saga",
    crashHeavy: true,
    simulate: (testCase, startOf) =>
      sagaSimulation({
        seed: testCase.seed,
        mode,
        variant: options.variant,
        idempotent: options.idempotent,
        rejectProbability: options.rejectProbability,
        undoFailureProbability: options.undoFailureProbability,
        sagas: testCase.workload.map((op, i) => ({ sagaId: `s${i + 1}`, atMs: startOf(op.atMs) })),
      }),
    invariants: [
      (run) =>
        sagaAtomicity(run.events, {
          steps: DEFAULT_SAGA_STEPS.length,
          sagaIds: run.testCase.workload.map((_, i) => `s${i + 1}`),
        }),
      (run) => sagaAppliedOnce(run.events),
      (run) => sagaCompensationOrder(run.events),
    ],
  });
}

/** Options of {@linkcode outboxSearchTarget}. */
export interface OutboxSearchTargetOptions extends TransactionsTargetOptions {
  /** @default "publish-then-mark" */
  relay?: RelayVariant;
  /** @default true */
  idempotent?: boolean;
}

/**
 * A search target for the outbox: crashes of the service (and its relay) and the consumer,
 * partitions and loss bursts while orders arrive, then a heal; invariants: no event lost, no
 * effect applied twice.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { search } from "./search.ts";
 * import { outboxSearchTarget } from "./saga_target.ts";
 * assert.equal(search(outboxSearchTarget({ relay: "mark-first" }), { seed: 1, numRuns: 100 }).ok, false);
 * ```
 */
export function outboxSearchTarget(
  options: OutboxSearchTargetOptions = {},
): SearchTarget<OutboxMessage> {
  return transactionsTarget(options, {
    nodes: ["orders", "consumer"],
    fn: "order",
    crashHeavy: false,
    simulate: (testCase, startOf) =>
      outboxSimulation({
        seed: testCase.seed,
        relay: options.relay,
        idempotent: options.idempotent,
        orders: testCase.workload.map((op, i) => ({
          orderId: `o${i + 1}`,
          atMs: startOf(op.atMs),
        })),
      }),
    invariants: [(run) => outboxNoLoss(run.events), (run) => outboxAppliedOnce(run.events)],
  });
}

/** Options of {@linkcode twoPhaseSearchTarget}. */
export interface TwoPhaseSearchTargetOptions extends TransactionsTargetOptions {
  /** @default "correct" */
  variant?: TwoPhaseVariant;
  /** @default 0.1 */
  noProbability?: number;
}

/**
 * A search target for two-phase commit; invariant: atomicity (never committed at one
 * participant and aborted at another).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { search } from "./search.ts";
 * import { twoPhaseSearchTarget } from "./saga_target.ts";
 * assert.equal(search(twoPhaseSearchTarget({ variant: "unilateral-abort" }), { seed: 1, numRuns: 100 }).ok, false);
 * ```
 */
export function twoPhaseSearchTarget(
  options: TwoPhaseSearchTargetOptions = {},
): SearchTarget<TwoPhaseMessage> {
  return transactionsTarget(options, {
    nodes: ["coordinator", "p1", "p2", "p3"],
    fn: "tx",
    crashHeavy: true,
    simulate: (testCase, startOf) =>
      twoPhaseSimulation({
        seed: testCase.seed,
        variant: options.variant,
        noProbability: options.noProbability ?? 0.1,
        transactions: testCase.workload.map((op, i) => ({
          txId: `t${i + 1}`,
          atMs: startOf(op.atMs),
        })),
      }),
    invariants: [(run) => twoPhaseAtomicity(run.events)],
  });
}
