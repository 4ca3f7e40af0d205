/**
 * Adapters that run the saga state machines of `saga.ts` as kernel processes: the orchestrator
 * (durable saga log in the node's storage, or in memory for the `"forgetful"` variant), the
 * services, and a client that begins sagas. State changes traced: `saga` (orchestrator log
 * records, resumes, failed undos) and `effect` (a service's effect per `(sagaId, step)`), which
 * the invariants in `check/invariants/transactions.ts` and the charts read.
 *
 * @module
 */

import type { DurableStorage, NodeId, Process, ProcessFactory, Runtime } from "../sim/mod.ts";
import type {
  SagaLogRecord,
  SagaMessage,
  SagaReady,
  SagaStep,
  SagaStepEffect,
  SagaVariant,
} from "./saga.ts";
import { SagaOrchestrator, SagaParticipant } from "./saga.ts";
import type { SagaNextRule } from "./saga_rules.ts";

const LOG_LENGTH = "saga/log/length";
const logKey = (i: number) => `saga/log/${i}`;
const EFFECTS = "saga/effects";

/** Reads the durable saga log from a node's storage (also while the node is down). */
export function loadSagaLog(storage: DurableStorage): SagaLogRecord[] {
  const length = storage.get<number>(LOG_LENGTH) ?? 0;
  return Array.from({ length }, (_, i) => storage.get<SagaLogRecord>(logKey(i))!);
}

/** Reads a service's durable effects, keyed `sagaId/step`. */
export function loadSagaEffects(storage: DurableStorage): Record<string, SagaStepEffect> {
  return storage.get<Record<string, SagaStepEffect>>(EFFECTS) ?? {};
}

/** Options of {@linkcode sagaOrchestratorProcess}. */
export interface SagaOrchestratorProcessOptions {
  steps: readonly SagaStep[];
  /** @default "correct" */
  variant?: SagaVariant;
  /** @default 50 */
  retryMs?: number;
  /** @default 5 */
  maxForwardAttempts?: number;
  /** Replacement decision rule (the saga lab). @default the variant's */
  next?: SagaNextRule;
}

/** A running orchestrator, as `sim.processOf` returns it. */
export interface SagaOrchestratorProcess extends Process<SagaMessage> {
  readonly orchestrator: SagaOrchestrator;
}

/**
 * A process factory for the saga orchestrator. The correct one appends every log record to
 * durable storage before it sends anything (§5: the log is written ahead), and on restart
 * replays it and resumes; the `"forgetful"` one keeps its log in memory, so a crash loses it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Simulation } from "../sim/mod.ts";
 * import { sagaClientProcess, sagaOrchestratorProcess, sagaServiceProcess } from "./saga_process.ts";
 * const steps = [{ name: "reserve", service: "inventory" }, { name: "charge", service: "payment" }];
 * const sim = new Simulation({ seed: 1 });
 * sim.addNode("orchestrator", sagaOrchestratorProcess({ steps }));
 * sim.addNode("inventory", sagaServiceProcess({}));
 * sim.addNode("payment", sagaServiceProcess({}));
 * sim.addNode("client", sagaClientProcess({ orchestrator: "orchestrator", sagas: [{ sagaId: "s1", atMs: 0 }] }));
 * sim.run({ untilMs: 500 });
 * const ends = sim.trace.events.filter((e) => e.kind === "state" && e.key === "saga" &&
 *   (e.value as { kind?: string }).kind === "end");
 * assert.equal(ends.length, 1);
 * ```
 */
export function sagaOrchestratorProcess(
  options: SagaOrchestratorProcessOptions,
): ProcessFactory<SagaMessage, SagaOrchestratorProcess> {
  return (rt: Runtime<SagaMessage>) => {
    const durable = (options.variant ?? "correct") !== "forgetful";
    const orchestrator = new SagaOrchestrator({
      ...options,
      log: durable ? loadSagaLog(rt.storage) : [],
    });
    const timers = new Map<string, number>();
    const flush = () => {
      const ready: SagaReady = orchestrator.ready();
      if (durable) {
        let length = rt.storage.get<number>(LOG_LENGTH) ?? 0;
        for (const record of ready.log) rt.storage.set(logKey(length++), record);
        if (ready.log.length > 0) rt.storage.set(LOG_LENGTH, length);
      }
      for (const { to, msg } of ready.messages) rt.send(to, msg);
      for (const { sagaId, delayMs } of ready.timers) {
        const old = timers.get(sagaId);
        if (old !== undefined) rt.cancelTimer(old);
        timers.set(sagaId, rt.setTimer(delayMs, "retry", sagaId));
      }
      for (const [key, value] of ready.changes) rt.state(key, value);
    };
    return {
      orchestrator,
      onStart() {
        orchestrator.resume();
        flush();
      },
      onMessage(from: NodeId, msg: SagaMessage) {
        orchestrator.step(from, msg);
        flush();
      },
      onTimer(_tag: string, data: unknown) {
        timers.delete(String(data));
        orchestrator.retryTimeout(String(data));
        flush();
      },
    };
  };
}

/** Options of {@linkcode sagaServiceProcess}. */
export interface SagaServiceProcessOptions {
  /** Chance that a step's first `do` is refused. @default 0 */
  rejectProbability?: number;
  /** Chance that each `undo` attempt fails transiently. @default 0 */
  undoFailureProbability?: number;
  /** Recognise repeated requests (§6). @default true */
  idempotent?: boolean;
}

/** A running service, as `sim.processOf` returns it. */
export interface SagaServiceProcess extends Process<SagaMessage> {
  readonly participant: SagaParticipant;
}

function probability(name: string, value: number): number {
  if (!(value >= 0 && value <= 1)) {
    throw new RangeError(`sagaServiceProcess option ${name} must be in [0, 1], got ${value}`);
  }
  return value;
}

/**
 * A process factory for a saga service: it persists each new effect before replying, and
 * traces it as state `effect` `{sagaId, step, effect}`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sagaServiceProcess } from "./saga_process.ts";
 * assert.throws(() => sagaServiceProcess({ rejectProbability: 2 }), /rejectProbability/);
 * ```
 */
export function sagaServiceProcess(
  options: SagaServiceProcessOptions,
): ProcessFactory<SagaMessage, SagaServiceProcess> {
  const reject = probability("rejectProbability", options.rejectProbability ?? 0);
  const failUndo = probability("undoFailureProbability", options.undoFailureProbability ?? 0);
  return (rt: Runtime<SagaMessage>) => {
    const participant = new SagaParticipant({
      reject: () => rt.random.bool(reject),
      failUndo: () => rt.random.bool(failUndo),
      effects: loadSagaEffects(rt.storage),
      idempotent: options.idempotent,
    });
    return {
      participant,
      onMessage(from: NodeId, msg: SagaMessage) {
        if (msg.type !== "StepRequest") return;
        const { reply, effect } = participant.handle(msg);
        if (effect !== null) {
          rt.storage.set(EFFECTS, participant.effects);
          rt.state("effect", { sagaId: msg.sagaId, step: msg.step, effect });
        }
        rt.send(from, reply);
      },
    };
  };
}

/** Options of {@linkcode sagaClientProcess}. */
export interface SagaClientOptions {
  orchestrator: NodeId;
  /** Sagas to begin, each at true-ish time `atMs` (the client's clock). */
  sagas: readonly { sagaId: string; atMs: number }[];
  /** Resend `BeginSaga` until accepted, every this many ms. @default 100 */
  retryMs?: number;
}

/**
 * A client that begins sagas at given times and re-sends each `BeginSaga` until the
 * orchestrator accepts it (the request is idempotent: the orchestrator keys it by `sagaId`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sagaClientProcess } from "./saga_process.ts";
 * assert.equal(typeof sagaClientProcess({ orchestrator: "o", sagas: [] }), "function");
 * ```
 */
export function sagaClientProcess(options: SagaClientOptions): ProcessFactory<SagaMessage> {
  const retryMs = options.retryMs ?? 100;
  return (rt: Runtime<SagaMessage>) => {
    const accepted = new Set<string>();
    const begin = (sagaId: string) => {
      if (accepted.has(sagaId)) return;
      rt.send(options.orchestrator, { type: "BeginSaga", sagaId });
      rt.setTimer(retryMs, "begin", sagaId);
    };
    return {
      onStart() {
        for (const { sagaId, atMs } of options.sagas) rt.setTimer(atMs, "begin", sagaId);
      },
      onMessage(_from: NodeId, msg: SagaMessage) {
        if (msg.type === "SagaAccepted") accepted.add(msg.sagaId);
      },
      onTimer(_tag: string, data: unknown) {
        begin(String(data));
      },
    };
  };
}
