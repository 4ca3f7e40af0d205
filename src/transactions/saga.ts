/**
 * Orchestrated sagas as pure state machines: a {@linkcode SagaOrchestrator} that drives each
 * saga's steps forward and, after a failure, runs the compensations in reverse, and a
 * {@linkcode SagaParticipant} (one per service) that applies a step or its compensation at most
 * once per `(saga, step)`.
 *
 * Source: Garcia-Molina and Salem, "Sagas" (SIGMOD 1987). §1: a saga is a sequence of local
 * transactions T1..Tn with compensations C1..Cn; it either runs T1..Tn or T1..Tj, Cj..C1.
 * §5 ("saga recovery"): the saga log is kept in durable storage, so after a crash the
 * execution component resumes where it stopped, backward recovery runs the remaining
 * compensations, and compensations are retried until they succeed ("C_i must succeed").
 * §6: a step is re-submitted after a crash, so steps must be idempotent; here each participant
 * remembers the outcome of every `(sagaId, step)` it has seen.
 *
 * Guarantees (variant `"correct"`): once faults stop (crashed nodes restarted, messages
 * flowing again), every begun saga ends committed (every step applied) or compensated (no
 * effect left), and no step is applied twice.
 * Known-broken variants, selected by name: `"forgetful"` keeps the saga log in volatile memory
 * (the seed's saga: a crashed orchestrator forgets its sagas, which stay half-done), and
 * `"no-retry-compensation"` gives up on a compensation that failed once.
 * Non-goals: isolation between concurrent sagas (§7 semantic locks), parallel steps.
 *
 * @module
 */

import type { NodeId } from "../sim/mod.ts";

/** One step of a saga: the service that runs its local transaction and its compensation. */
export interface SagaStep {
  /** A short name, e.g. `reserve`. */
  name: string;
  /** The node of the service that runs it. */
  service: NodeId;
}

/** Whether a request asks for a step's transaction (`do`) or its compensation (`undo`). */
export type SagaAction = "do" | "undo";

/** Orchestrator → service: run step `step` of saga `sagaId` (or its compensation). */
export interface SagaStepRequest {
  type: "StepRequest";
  sagaId: string;
  step: number;
  action: SagaAction;
}

/**
 * Service → orchestrator: `done` (applied, or applied before: idempotent), `rejected` (a
 * business refusal of `do`, with no effect: the saga must compensate) or `failed` (a transient
 * failure of `undo`: try again).
 */
export interface SagaStepReply {
  type: "StepReply";
  sagaId: string;
  step: number;
  action: SagaAction;
  outcome: "done" | "rejected" | "failed";
}

/** Client → orchestrator: start a saga (re-sent until accepted). */
export interface BeginSaga {
  type: "BeginSaga";
  sagaId: string;
}

/** Orchestrator → client: the saga is in the log and will end committed or compensated. */
export interface SagaAccepted {
  type: "SagaAccepted";
  sagaId: string;
}

/** Every message of an orchestrated saga. */
export type SagaMessage = SagaStepRequest | SagaStepReply | BeginSaga | SagaAccepted;

/** A record of the durable saga log (§5): replaying the records rebuilds every saga. */
export type SagaLogRecord =
  | { sagaId: string; kind: "begin" }
  | { sagaId: string; kind: "step-done"; step: number }
  | { sagaId: string; kind: "step-failed"; step: number; abandoned: boolean }
  | { sagaId: string; kind: "compensated"; step: number; givenUp: boolean }
  | { sagaId: string; kind: "end"; outcome: "committed" | "compensated" };

/** Which orchestrator to run. */
export type SagaVariant = "correct" | "forgetful" | "no-retry-compensation";

/** Every variant, correct first. */
export const SAGA_VARIANTS: readonly SagaVariant[] = [
  "correct",
  "forgetful",
  "no-retry-compensation",
];

/** Where a saga stands in the orchestrator. */
export type SagaPhase = "forward" | "backward" | "committed" | "compensated";

/** One saga as the orchestrator sees it. */
export interface SagaState {
  sagaId: string;
  phase: SagaPhase;
  /** The step being run (forward) or compensated (backward); -1 when nothing is left. */
  step: number;
  /** Requests sent for the current step without an answer. */
  attempts: number;
}

/** Options of a {@linkcode SagaOrchestrator}. */
export interface SagaOrchestratorOptions {
  /** The saga definition: steps in forward order. */
  steps: readonly SagaStep[];
  /** Which implementation. @default "correct" */
  variant?: SagaVariant;
  /** Resend a request unanswered for this long. @default 50 */
  retryMs?: number;
  /** Forward requests for one step before giving up on it and compensating. @default 5 */
  maxForwardAttempts?: number;
  /** The saga log recovered from durable storage after a restart. @default [] */
  log?: readonly SagaLogRecord[];
}

/** What the caller must do after a call, in order: persist `log`, then send, arm, trace. */
export interface SagaReady {
  /** Records to append to the durable saga log before anything is sent. */
  log: SagaLogRecord[];
  messages: { to: NodeId; msg: SagaMessage }[];
  /** Retry timers to arm, one per saga (re-arming replaces the old one). */
  timers: { sagaId: string; delayMs: number }[];
  /** State changes for the trace (`saga` events the charts and invariants read). */
  changes: [key: string, value: unknown][];
}

const emptyReady = (): SagaReady => ({ log: [], messages: [], timers: [], changes: [] });

function positive(name: string, value: number, integer: boolean): number {
  if (!(value > 0 && Number.isFinite(value) && (!integer || Number.isInteger(value)))) {
    throw new RangeError(
      `SagaOrchestrator option ${name} must be a ${
        integer ? "positive integer" : "number > 0"
      }, got ${value}`,
    );
  }
  return value;
}

/**
 * The saga execution coordinator (§5): one state machine for all sagas of one definition.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SagaOrchestrator } from "./saga.ts";
 * const orchestrator = new SagaOrchestrator({
 *   steps: [{ name: "reserve", service: "inventory" }, { name: "charge", service: "payment" }],
 * });
 * orchestrator.begin("client", "s1");
 * assert.deepEqual(orchestrator.ready().messages.map((m) => m.to), ["client", "inventory"]);
 * orchestrator.step("inventory", {
 *   type: "StepReply", sagaId: "s1", step: 0, action: "do", outcome: "done",
 * });
 * orchestrator.step("payment", {
 *   type: "StepReply", sagaId: "s1", step: 1, action: "do", outcome: "rejected",
 * });
 * // The charge was refused: compensate the reservation (§1, T1 then C1).
 * assert.deepEqual(orchestrator.ready().messages.at(-1), {
 *   to: "inventory", msg: { type: "StepRequest", sagaId: "s1", step: 0, action: "undo" },
 * });
 * ```
 */
export class SagaOrchestrator {
  readonly steps: readonly SagaStep[];
  readonly variant: SagaVariant;
  readonly retryMs: number;
  readonly maxForwardAttempts: number;
  #sagas = new Map<string, SagaState>();
  #ready = emptyReady();

  constructor(options: SagaOrchestratorOptions) {
    if (!Array.isArray(options.steps) || options.steps.length === 0) {
      throw new RangeError("SagaOrchestrator option steps must list at least one step");
    }
    this.steps = options.steps;
    this.variant = options.variant ?? "correct";
    if (!SAGA_VARIANTS.includes(this.variant)) {
      throw new RangeError(
        `SagaOrchestrator option variant must be one of ${
          SAGA_VARIANTS.join(", ")
        }, got ${this.variant}`,
      );
    }
    this.retryMs = positive("retryMs", options.retryMs ?? 50, false);
    this.maxForwardAttempts = positive("maxForwardAttempts", options.maxForwardAttempts ?? 5, true);
    for (const record of options.log ?? []) this.#replay(record);
  }

  /** Every saga this orchestrator knows, in the order they began. */
  get sagas(): SagaState[] {
    return [...this.#sagas.values()].map((s) => ({ ...s }));
  }

  /** One saga's state, or undefined when unknown (never begun, or forgotten). */
  saga(sagaId: string): SagaState | undefined {
    const s = this.#sagas.get(sagaId);
    return s && { ...s };
  }

  /**
   * Resumes every unfinished saga after a (re)start: resends its current request. §5: the
   * log says where each saga stopped; a step whose answer was lost is simply asked again,
   * which is safe because participants are idempotent.
   */
  resume(): void {
    for (const saga of this.#sagas.values()) {
      if (saga.phase === "forward" || saga.phase === "backward") {
        this.#ready.changes.push(["saga", {
          sagaId: saga.sagaId,
          event: "resume",
          step: saga.step,
        }]);
        this.#send(saga);
      }
    }
  }

  /** A client asks to start saga `sagaId`; a repeated request is only acknowledged again. */
  begin(client: NodeId, sagaId: string): void {
    this.#ready.messages.push({ to: client, msg: { type: "SagaAccepted", sagaId } });
    if (this.#sagas.has(sagaId)) return;
    this.#record({ sagaId, kind: "begin" });
    this.#send(this.#sagas.get(sagaId)!);
  }

  /** Handles one message. */
  step(from: NodeId, msg: SagaMessage): void {
    switch (msg.type) {
      case "BeginSaga":
        return this.begin(from, msg.sagaId);
      case "StepReply":
        return this.#onReply(msg);
      case "StepRequest":
      case "SagaAccepted":
        return; // Not for an orchestrator: ignore rather than trust a stray message.
      default: {
        const never: never = msg;
        throw new Error(`SagaOrchestrator cannot handle message ${JSON.stringify(never)}`);
      }
    }
  }

  /** The retry timer of saga `sagaId` fired: the current request went unanswered. */
  retryTimeout(sagaId: string): void {
    const saga = this.#sagas.get(sagaId);
    if (!saga || saga.phase === "committed" || saga.phase === "compensated") return;
    if (saga.phase === "forward" && saga.attempts >= this.maxForwardAttempts) {
      // The service may or may not have applied the step: compensate it too (its undo is a
      // no-op, remembered as cancelled, when the do never arrived).
      this.#record({ sagaId, kind: "step-failed", step: saga.step, abandoned: true });
    } else if (saga.phase === "backward" && this.variant === "no-retry-compensation") {
      this.#record({ sagaId, kind: "compensated", step: saga.step, givenUp: true });
    }
    this.#send(saga);
  }

  /** Takes the pending output. */
  ready(): SagaReady {
    const out = this.#ready;
    this.#ready = emptyReady();
    return out;
  }

  #onReply(msg: SagaStepReply): void {
    const saga = this.#sagas.get(msg.sagaId);
    // Duplicates and late answers to an earlier request are stale: ignore them.
    if (!saga || saga.step !== msg.step) return;
    if (msg.action === "do" && saga.phase === "forward") {
      if (msg.outcome === "done") {
        this.#record({ sagaId: saga.sagaId, kind: "step-done", step: msg.step });
      } else {
        this.#record({
          sagaId: saga.sagaId,
          kind: "step-failed",
          step: msg.step,
          abandoned: false,
        });
      }
    } else if (msg.action === "undo" && saga.phase === "backward") {
      if (msg.outcome === "done") {
        this.#record({ sagaId: saga.sagaId, kind: "compensated", step: msg.step, givenUp: false });
      } else if (this.variant === "no-retry-compensation") {
        // The broken variant: one failed compensation is taken as done, the effect stays.
        this.#record({ sagaId: saga.sagaId, kind: "compensated", step: msg.step, givenUp: true });
      } else {
        // §5: compensations must eventually succeed, so try again after a pause.
        this.#ready.changes.push(["saga", {
          sagaId: saga.sagaId,
          event: "undo-failed",
          step: msg.step,
        }]);
        this.#ready.timers.push({ sagaId: saga.sagaId, delayMs: this.retryMs });
        saga.attempts = 0;
        return;
      }
    } else {
      return;
    }
    const current = this.#sagas.get(msg.sagaId)!;
    if (current.phase === "forward" || current.phase === "backward") this.#send(current);
  }

  /** Appends to the log (and traces it), then applies the record to the in-memory state. */
  #record(record: SagaLogRecord): void {
    this.#ready.log.push(record);
    this.#ready.changes.push(["saga", { ...record, event: record.kind }]);
    this.#replay(record);
    const saga = this.#sagas.get(record.sagaId)!;
    if (saga.phase === "forward" && saga.step === this.steps.length) {
      this.#record({ sagaId: record.sagaId, kind: "end", outcome: "committed" });
    } else if (saga.phase === "backward" && saga.step < 0) {
      this.#record({ sagaId: record.sagaId, kind: "end", outcome: "compensated" });
    }
  }

  /** Folds one log record into the saga's state: the same code serves recovery (§5). */
  #replay(record: SagaLogRecord): void {
    const saga = this.#sagas.get(record.sagaId);
    if (record.kind === "begin") {
      if (!saga) {
        this.#sagas.set(record.sagaId, {
          sagaId: record.sagaId,
          phase: "forward",
          step: 0,
          attempts: 0,
        });
      }
      return;
    }
    if (!saga) return;
    saga.attempts = 0;
    switch (record.kind) {
      case "step-done":
        saga.step = record.step + 1;
        return;
      case "step-failed":
        // A refused step had no effect, so backward recovery starts below it (§1: T1..Tj,
        // Cj..C1); an abandoned step may have taken effect, so it is compensated too.
        saga.phase = "backward";
        saga.step = record.abandoned ? record.step : record.step - 1;
        return;
      case "compensated":
        saga.step = record.step - 1;
        return;
      case "end":
        saga.phase = record.outcome;
        saga.step = -1;
        return;
      default: {
        const never: never = record;
        throw new Error(`Unknown saga log record ${JSON.stringify(never)}`);
      }
    }
  }

  #send(saga: SagaState): void {
    if (saga.phase !== "forward" && saga.phase !== "backward") return;
    saga.attempts++;
    const action: SagaAction = saga.phase === "forward" ? "do" : "undo";
    this.#ready.messages.push({
      to: this.steps[saga.step].service,
      msg: { type: "StepRequest", sagaId: saga.sagaId, step: saga.step, action },
    });
    this.#ready.timers.push({ sagaId: saga.sagaId, delayMs: this.retryMs });
  }
}

/** What a participant remembers of one `(sagaId, step)`. */
export type SagaStepEffect = "done" | "rejected" | "undone" | "cancelled";

/** Options of a {@linkcode SagaParticipant}. */
export interface SagaParticipantOptions {
  /** Decides whether a first `do` is refused (a business rule, e.g. insufficient stock). */
  reject: (sagaId: string, step: number) => boolean;
  /** Decides whether an `undo` fails transiently this time (it will be asked again). */
  failUndo: (sagaId: string, step: number) => boolean;
  /** Effects recovered from durable storage. @default {} */
  effects?: Readonly<Record<string, SagaStepEffect>>;
  /**
   * Whether a repeated `do` is recognised (§6: steps must be idempotent). A participant that is
   * not applies the step again: a known-broken variant. @default true
   */
  idempotent?: boolean;
}

/**
 * One service's side of a saga: it applies a step's local transaction or its compensation and
 * remembers the outcome per `(sagaId, step)`, so retries and duplicates change nothing (§6).
 * An `undo` that arrives before (or instead of) its `do` is recorded as `cancelled`, so a late
 * `do` is refused rather than applied after its compensation.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SagaParticipant } from "./saga.ts";
 * const p = new SagaParticipant({ reject: () => false, failUndo: () => false });
 * const request = { type: "StepRequest", sagaId: "s1", step: 0, action: "do" } as const;
 * assert.equal(p.handle(request).reply.outcome, "done");
 * assert.equal(p.handle(request).reply.outcome, "done"); // a retry: acknowledged again
 * assert.equal(p.applied, 1); // ... but applied once
 * ```
 */
export class SagaParticipant {
  #effects: Record<string, SagaStepEffect>;
  #options: SagaParticipantOptions;
  /** Times a `do` took effect (a non-idempotent participant counts its duplicates here). */
  applied = 0;

  constructor(options: SagaParticipantOptions) {
    this.#options = options;
    this.#effects = { ...(options.effects ?? {}) };
  }

  /** Every remembered effect, keyed `sagaId/step`. */
  get effects(): Record<string, SagaStepEffect> {
    return { ...this.#effects };
  }

  /**
   * Handles a request. Returns the reply and, when something changed, the effect to persist
   * (before the reply is sent) and trace.
   */
  handle(request: SagaStepRequest): { reply: SagaStepReply; effect: SagaStepEffect | null } {
    const key = `${request.sagaId}/${request.step}`;
    const before = this.#effects[key];
    const answer = (outcome: SagaStepReply["outcome"], effect: SagaStepEffect | null) => {
      if (effect !== null) this.#effects[key] = effect;
      return {
        reply: {
          type: "StepReply" as const,
          sagaId: request.sagaId,
          step: request.step,
          action: request.action,
          outcome,
        },
        effect,
      };
    };
    if (request.action === "do") {
      if (before === "done" && this.#options.idempotent !== false) return answer("done", null);
      if (before === "rejected" || before === "cancelled" || before === "undone") {
        return answer("rejected", null);
      }
      if (before === undefined && this.#options.reject(request.sagaId, request.step)) {
        return answer("rejected", "rejected");
      }
      this.applied++;
      return answer("done", "done");
    }
    if (before === "undone" || before === "cancelled" || before === "rejected") {
      return answer("done", null);
    }
    if (before === undefined) return answer("done", "cancelled");
    if (this.#options.failUndo(request.sagaId, request.step)) return answer("failed", null);
    return answer("done", "undone");
  }
}
