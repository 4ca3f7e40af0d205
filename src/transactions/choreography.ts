/**
 * Choreographed sagas: no orchestrator; each service runs its step when it hears the previous
 * step's event and publishes its own. A refusal travels backwards as compensations.
 *
 * Source: Garcia-Molina and Salem, "Sagas" (1987), §1 (T1..Tj then Cj..C1) with the log
 * distributed over the services; Richardson, "Microservices Patterns" (2018), §4.2.1
 * (choreography-based sagas) and §3.3.7 (each service publishes its events through a
 * transactional outbox). Here a service writes its effect and the event it owes the next
 * service in one durable write, then re-sends that event until it is acknowledged; receivers
 * remember every event they handled, so duplicates change nothing. A crashed service resumes
 * from its own durable state: there is no single saga log to lose.
 *
 * Guarantees: once faults stop, every begun saga ends committed or compensated, each step
 * applied at most once; the same `effect` and `saga` trace keys as the orchestrated saga, so
 * the same invariants check it. Non-goals: broken variants (the orchestrated saga has them),
 * knowing a saga's state without asking every service (the classic cost of choreography).
 *
 * @module
 */

import type { NodeId, ProcessFactory, Runtime } from "../sim/mod.ts";
import type { BeginSaga, SagaAccepted, SagaStepEffect } from "./saga.ts";

/** One service's event about a saga, for its neighbour in the chain. */
export interface ChoreoEvent {
  type: "ChoreoEvent";
  sagaId: string;
  /** `done`: step `step` is applied (run the next); `undo`: compensate step `step`. */
  event: "done" | "undo";
  step: number;
}

/** The neighbour has durably taken the event in. */
export interface ChoreoAck {
  type: "ChoreoAck";
  sagaId: string;
  event: "done" | "undo";
  step: number;
}

/** Every message of a choreographed saga. */
export type ChoreoMessage = ChoreoEvent | ChoreoAck | BeginSaga | SagaAccepted;

/** A service's durable state: its effects and the events it still owes (its outbox). */
export interface ChoreoState {
  effects: Record<string, SagaStepEffect>;
  /** Events written but not yet acknowledged. */
  outbox: { to: NodeId; event: ChoreoEvent }[];
  /** Compensations that failed transiently and must be tried again. */
  pendingUndo: string[];
}

/** Options of {@linkcode ChoreographyService}. */
export interface ChoreographyServiceOptions {
  /** The chain of services, step 0 first; this service runs step `step`. */
  services: readonly NodeId[];
  step: number;
  /** Is the first `do` of a saga refused (business rule)? */
  reject: (sagaId: string) => boolean;
  /** Does this `undo` attempt fail transiently? */
  failUndo: (sagaId: string) => boolean;
  /** Durable state recovered after a restart. */
  state?: ChoreoState;
}

/**
 * One service of a choreographed saga as a pure state machine: `handle` takes a message and
 * returns what to send; `state` is what to persist (before sending), `changes` what to trace.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ChoreographyService } from "./choreography.ts";
 * const payment = new ChoreographyService({
 *   services: ["inventory", "payment"], step: 1, reject: () => true, failUndo: () => false,
 * });
 * const out = payment.handle("inventory", { type: "ChoreoEvent", sagaId: "s1", event: "done", step: 0 });
 * // Refused: acknowledge, and ask inventory to compensate step 0.
 * assert.deepEqual(out.map((m) => [m.to, m.msg.type]), [["inventory", "ChoreoAck"], ["inventory", "ChoreoEvent"]]);
 * ```
 */
export class ChoreographyService {
  readonly services: readonly NodeId[];
  readonly step: number;
  #options: ChoreographyServiceOptions;
  #state: ChoreoState;
  /** State changes to trace since the last call to {@linkcode ChoreographyService.takeChanges}. */
  #changes: [string, unknown][] = [];

  constructor(options: ChoreographyServiceOptions) {
    if (
      !(Number.isInteger(options.step) && options.step >= 0 &&
        options.step < options.services.length)
    ) {
      throw new RangeError(
        `ChoreographyService option step must be an index into services, got ${options.step}`,
      );
    }
    this.services = options.services;
    this.step = options.step;
    this.#options = options;
    this.#state = structuredClone(
      options.state ?? { effects: {}, outbox: [], pendingUndo: [] },
    );
  }

  /** The durable state to persist. */
  get state(): ChoreoState {
    return structuredClone(this.#state);
  }

  /** Traced changes since the last call. */
  takeChanges(): [string, unknown][] {
    const out = this.#changes;
    this.#changes = [];
    return out;
  }

  /** Handles one message; returns the messages to send after persisting `state`. */
  handle(from: NodeId, msg: ChoreoMessage): { to: NodeId; msg: ChoreoMessage }[] {
    const out: { to: NodeId; msg: ChoreoMessage }[] = [];
    switch (msg.type) {
      case "BeginSaga":
        // Only the first service starts sagas; it records the start as its own `do`.
        if (this.step !== 0) return out;
        out.push({ to: from, msg: { type: "SagaAccepted", sagaId: msg.sagaId } });
        this.#runDo(msg.sagaId, out);
        return out;
      case "ChoreoEvent": {
        const { sagaId, event, step } = msg;
        out.push({ to: from, msg: { type: "ChoreoAck", sagaId, event, step } });
        if (event === "done" && step === this.step - 1) this.#runDo(sagaId, out);
        if (event === "undo" && step === this.step) this.#runUndo(sagaId, out);
        return out;
      }
      case "ChoreoAck":
        this.#state.outbox = this.#state.outbox.filter((o) =>
          !(o.to === from && o.event.sagaId === msg.sagaId && o.event.event === msg.event &&
            o.event.step === msg.step)
        );
        return out;
      case "SagaAccepted":
        return out;
      default: {
        const never: never = msg;
        throw new Error(`ChoreographyService cannot handle ${JSON.stringify(never)}`);
      }
    }
  }

  /** The retry tick: re-send owed events, retry failed compensations. */
  tick(): { to: NodeId; msg: ChoreoMessage }[] {
    const out: { to: NodeId; msg: ChoreoMessage }[] = [];
    for (const sagaId of [...this.#state.pendingUndo]) this.#runUndo(sagaId, out);
    for (const o of this.#state.outbox) out.push({ to: o.to, msg: o.event });
    return out;
  }

  #key(sagaId: string) {
    return `${sagaId}/${this.step}`;
  }

  #emit(to: NodeId, event: ChoreoEvent, out: { to: NodeId; msg: ChoreoMessage }[]) {
    this.#state.outbox.push({ to, event });
    out.push({ to, msg: event });
  }

  #end(sagaId: string, outcome: "committed" | "compensated") {
    this.#changes.push(["saga", { sagaId, kind: "end", outcome }]);
  }

  #runDo(sagaId: string, out: { to: NodeId; msg: ChoreoMessage }[]) {
    const key = this.#key(sagaId);
    if (this.#state.effects[key] !== undefined) return; // Seen before: idempotent (§6).
    if (this.step === 0) this.#changes.push(["saga", { sagaId, kind: "begin" }]);
    const refused = this.#options.reject(sagaId);
    this.#state.effects[key] = refused ? "rejected" : "done";
    this.#changes.push(["effect", { sagaId, step: this.step, effect: this.#state.effects[key] }]);
    if (refused) {
      if (this.step === 0) this.#end(sagaId, "compensated");
      else {
        this.#emit(this.services[this.step - 1], {
          type: "ChoreoEvent",
          sagaId,
          event: "undo",
          step: this.step - 1,
        }, out);
      }
    } else if (this.step === this.services.length - 1) {
      this.#end(sagaId, "committed");
    } else {
      this.#emit(this.services[this.step + 1], {
        type: "ChoreoEvent",
        sagaId,
        event: "done",
        step: this.step,
      }, out);
    }
  }

  #runUndo(sagaId: string, out: { to: NodeId; msg: ChoreoMessage }[]) {
    const key = this.#key(sagaId);
    const before = this.#state.effects[key];
    if (before !== "done") return; // Already undone (or never applied): nothing to do.
    this.#state.pendingUndo = this.#state.pendingUndo.filter((id) => id !== sagaId);
    if (this.#options.failUndo(sagaId)) {
      // §5: a compensation must eventually succeed; keep it owed and retry on the next tick.
      this.#state.pendingUndo.push(sagaId);
      this.#changes.push(["saga", { sagaId, event: "undo-failed", step: this.step }]);
      return;
    }
    this.#state.effects[key] = "undone";
    this.#changes.push(["effect", { sagaId, step: this.step, effect: "undone" }]);
    if (this.step === 0) this.#end(sagaId, "compensated");
    else {
      this.#emit(this.services[this.step - 1], {
        type: "ChoreoEvent",
        sagaId,
        event: "undo",
        step: this.step - 1,
      }, out);
    }
  }
}

const STATE = "choreo/state";

/** Options of {@linkcode choreographyServiceProcess}. */
export interface ChoreographyProcessOptions {
  services: readonly NodeId[];
  /** @default 0 */
  rejectProbability?: number;
  /** @default 0 */
  undoFailureProbability?: number;
  /** Re-send owed events this often. @default 50 */
  retryMs?: number;
}

/**
 * A process factory for a choreographed saga service; the node's step is its position in
 * `services`. Persists its whole state before sending anything.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Simulation } from "../sim/mod.ts";
 * import { sagaOutcomes } from "../check/invariants/transactions.ts";
 * import { choreographyServiceProcess } from "./choreography.ts";
 * import { sagaClientProcess } from "./saga_process.ts";
 * const services = ["inventory", "payment", "shipping"];
 * const sim = new Simulation({ seed: 2 });
 * for (const s of services) sim.addNode(s, choreographyServiceProcess({ services }));
 * sim.addNode("client", sagaClientProcess({ orchestrator: "inventory", sagas: [{ sagaId: "s1", atMs: 0 }] }));
 * sim.run({ untilMs: 500 });
 * assert.equal(sagaOutcomes(sim.trace.events, { steps: 3 })[0].outcome, "committed");
 * ```
 */
export function choreographyServiceProcess(
  options: ChoreographyProcessOptions,
): ProcessFactory<ChoreoMessage> {
  const reject = options.rejectProbability ?? 0;
  const failUndo = options.undoFailureProbability ?? 0;
  for (const [name, p] of [["rejectProbability", reject], ["undoFailureProbability", failUndo]]) {
    if (!(Number(p) >= 0 && Number(p) <= 1)) {
      throw new RangeError(`choreographyServiceProcess option ${name} must be in [0, 1], got ${p}`);
    }
  }
  const retryMs = options.retryMs ?? 50;
  return (rt: Runtime<ChoreoMessage>) => {
    const service = new ChoreographyService({
      services: options.services,
      step: options.services.indexOf(rt.id),
      reject: () => rt.random.bool(reject),
      failUndo: () => rt.random.bool(failUndo),
      state: rt.storage.get<ChoreoState>(STATE),
    });
    const flush = (out: { to: NodeId; msg: ChoreoMessage }[]) => {
      rt.storage.set(STATE, service.state);
      for (const { to, msg } of out) rt.send(to, msg);
      for (const [key, value] of service.takeChanges()) rt.state(key, value);
    };
    return {
      onStart() {
        rt.setTimer(retryMs, "retry");
      },
      onMessage(from: NodeId, msg: ChoreoMessage) {
        flush(service.handle(from, msg));
      },
      onTimer() {
        flush(service.tick());
        rt.setTimer(retryMs, "retry");
      },
    };
  };
}
