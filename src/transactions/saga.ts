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
import type { SagaNext, SagaNextRule } from "./saga_rules.ts";
import { correctSagaNext, noRetrySagaNext } from "./saga_rules.ts";

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
  | { sagaId: string; kind: "compensated"; step: number }
  | { sagaId: string; kind: "undo-failed"; step: number }
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
  /** The step being run (forward) or compensated (backward); -1 when it has ended. */
  step: number;
  /** Requests sent for the current step without an answer. */
  attempts: number;
}

/** Options of a {@linkcode SagaOrchestrator}. */
export interface SagaOrchestratorOptions {
  /** The saga definition: steps in forward order. */
  steps: readonly SagaStep[];
  /**
   * Which implementation. `"forgetful"` differs only in its adapter (the log is not durable);
   * `"no-retry-compensation"` uses {@linkcode noRetrySagaNext}. @default "correct"
   */
  variant?: SagaVariant;
  /** Replacement decision rule (the saga lab plugs learners' code in here). @default the variant's */
  next?: SagaNextRule;
  /** Resend a request unanswered for this long; also the pause before retrying a failed undo. @default 50 */
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

interface SagaEntry {
  sagaId: string;
  /** This saga's log records, in order. */
  records: SagaLogRecord[];
  /** What the rule said last: the request in flight, or the end. */
  next: SagaNext;
  attempts: number;
}

/**
 * The saga execution coordinator (§5): one state machine for all sagas of one definition. Its
 * only decision — what a saga does next — is the rule {@linkcode SagaOrchestratorOptions.next},
 * a function of the saga's log alone, so a restarted orchestrator decides exactly as before.
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
  #next: SagaNextRule;
  #sagas = new Map<string, SagaEntry>();
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
    this.#next = options.next ??
      (this.variant === "no-retry-compensation" ? noRetrySagaNext : correctSagaNext);
    this.retryMs = positive("retryMs", options.retryMs ?? 50, false);
    this.maxForwardAttempts = positive("maxForwardAttempts", options.maxForwardAttempts ?? 5, true);
    // Recovery (§5): rebuild every saga from its records, then ask the rule where it stands.
    for (const record of options.log ?? []) {
      const saga = this.#sagas.get(record.sagaId);
      if (saga) saga.records.push(record);
      else if (record.kind === "begin") {
        this.#sagas.set(record.sagaId, this.#entry(record.sagaId, [record]));
      }
    }
    for (const saga of this.#sagas.values()) saga.next = this.#decide(saga.records);
  }

  /** Every saga this orchestrator knows, in the order they began. */
  get sagas(): SagaState[] {
    return [...this.#sagas.values()].map((s) => this.#view(s));
  }

  /** One saga's state, or undefined when unknown (never begun, or forgotten). */
  saga(sagaId: string): SagaState | undefined {
    const s = this.#sagas.get(sagaId);
    return s && this.#view(s);
  }

  /**
   * Resumes every unfinished saga after a (re)start: resends its current request. §5: the
   * log says where each saga stopped; a step whose answer was lost is simply asked again,
   * which is safe because participants are idempotent.
   */
  resume(): void {
    for (const saga of this.#sagas.values()) {
      if (saga.next.kind === "request") {
        this.#ready.changes.push(["saga", {
          sagaId: saga.sagaId,
          event: "resume",
          step: saga.next.step,
        }]);
        this.#send(saga);
      } else if (saga.records.at(-1)?.kind !== "end") {
        this.#record(saga, { sagaId: saga.sagaId, kind: "end", outcome: saga.next.outcome });
      }
    }
  }

  /** A client asks to start saga `sagaId`; a repeated request is only acknowledged again. */
  begin(client: NodeId, sagaId: string): void {
    this.#ready.messages.push({ to: client, msg: { type: "SagaAccepted", sagaId } });
    if (this.#sagas.has(sagaId)) return;
    const saga = this.#entry(sagaId, []);
    this.#sagas.set(sagaId, saga);
    this.#record(saga, { sagaId, kind: "begin" });
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
    if (!saga || saga.next.kind !== "request") return;
    if (saga.next.action === "do" && saga.attempts >= this.maxForwardAttempts) {
      // The service may or may not have applied the step: the rule compensates it too (its
      // undo is a no-op, remembered as cancelled, when the do never arrived).
      this.#record(saga, {
        sagaId,
        kind: "step-failed",
        step: saga.next.step,
        abandoned: true,
      });
      return;
    }
    this.#send(saga);
  }

  /** Takes the pending output. */
  ready(): SagaReady {
    const out = this.#ready;
    this.#ready = emptyReady();
    return out;
  }

  #entry(sagaId: string, records: SagaLogRecord[]): SagaEntry {
    return { sagaId, records, next: { kind: "request", action: "do", step: 0 }, attempts: 0 };
  }

  #decide(records: readonly SagaLogRecord[]): SagaNext {
    const next = this.#next(records, this.steps.length);
    if (next.kind === "request" && !(next.step >= 0 && next.step < this.steps.length)) {
      throw new RangeError(
        `Saga rule asked for step ${next.step}, outside [0, ${this.steps.length - 1}]`,
      );
    }
    return next;
  }

  #view(saga: SagaEntry): SagaState {
    const n = saga.next;
    return {
      sagaId: saga.sagaId,
      phase: n.kind === "end" ? n.outcome : n.action === "do" ? "forward" : "backward",
      step: n.kind === "end" ? -1 : n.step,
      attempts: saga.attempts,
    };
  }

  #onReply(msg: SagaStepReply): void {
    const saga = this.#sagas.get(msg.sagaId);
    const n = saga?.next;
    // Duplicates and late answers to an earlier request are stale: ignore them.
    if (!saga || n?.kind !== "request" || n.step !== msg.step || n.action !== msg.action) return;
    const { sagaId, step } = msg;
    if (msg.action === "do") {
      this.#record(
        saga,
        msg.outcome === "done"
          ? { sagaId, kind: "step-done", step }
          : { sagaId, kind: "step-failed", step, abandoned: false },
      );
    } else {
      this.#record(
        saga,
        msg.outcome === "done"
          ? { sagaId, kind: "compensated", step }
          : { sagaId, kind: "undo-failed", step },
      );
    }
  }

  /** Appends to the log (and traces it), then asks the rule what comes next and does it. */
  #record(saga: SagaEntry, record: SagaLogRecord): void {
    saga.records.push(record);
    this.#ready.log.push(record);
    this.#ready.changes.push(["saga", { ...record, event: record.kind }]);
    if (record.kind === "end") return;
    saga.next = this.#decide(saga.records);
    saga.attempts = 0;
    if (saga.next.kind === "end") {
      this.#record(saga, { sagaId: saga.sagaId, kind: "end", outcome: saga.next.outcome });
    } else if (record.kind === "undo-failed") {
      // §5: try the compensation again, after a pause rather than in a tight loop.
      this.#ready.timers.push({ sagaId: saga.sagaId, delayMs: this.retryMs });
    } else {
      this.#send(saga);
    }
  }

  #send(saga: SagaEntry): void {
    if (saga.next.kind !== "request") return;
    saga.attempts++;
    const { action, step } = saga.next;
    this.#ready.messages.push({
      to: this.steps[step].service,
      msg: { type: "StepRequest", sagaId: saga.sagaId, step, action },
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
