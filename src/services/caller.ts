/**
 * The client side of a call, as a process uses it: pick a backend (load balancing), ask the
 * circuit breaker, hold a bulkhead slot, send the request, wait at most the timeout (shortened
 * to the propagated deadline), and on a retryable failure retry after a backoff if the retry
 * budget allows. Each of these is off by default, which is the seed's "distributed monolith":
 * one attempt, no timeout, no breaker — the caller waits as long as the callee takes.
 *
 * A `Caller` lives inside a process and uses only that process's {@linkcode Runtime}: its
 * clock, timers, messages and Random. The process forwards `Response` messages and timers to
 * {@linkcode Caller.onResponse} and {@linkcode Caller.onTimer}.
 *
 * @module
 */

import type { NodeId, Runtime } from "../sim/mod.ts";
import {
  Bulkhead,
  callTimeoutMs,
  CircuitBreaker,
  type CircuitBreakerOptions,
  deadlineExpired,
  type RetryBackoff,
  retryBackoff,
  type RetryBackoffOptions,
  RetryBudget,
  type RetryBudgetOptions,
} from "../resilience/mod.ts";
import { type BalancerKind, type LoadBalancer, loadBalancer } from "./load_balancer.ts";
import {
  type CallReason,
  RETRYABLE_REASONS,
  type ServiceMessage,
  type ServiceResponse,
} from "./messages.ts";

/** How a caller protects itself; every field is off by default. */
export interface CallPolicy {
  /** Per-attempt timeout. @default Infinity (wait forever) */
  timeoutMs?: number;
  /** Attempts per call, the first included. @default 1 */
  maxAttempts?: number;
  /** Delay between attempts; null retries at once. @default null */
  backoff?: RetryBackoffOptions | null;
  /** Caps retries as a share of requests; null leaves them unbounded. @default null */
  retryBudget?: RetryBudgetOptions | null;
  /** A circuit breaker in front of the dependency; null for none. @default null */
  breaker?: CircuitBreakerOptions | null;
  /** Most calls in flight to the dependency; beyond, calls fail fast. @default Infinity */
  maxConcurrentCalls?: number;
  /** Shorten each attempt's timeout to the caller's deadline. @default false */
  propagateDeadline?: boolean;
  /** How to pick among several backends. @default "round-robin" */
  balancer?: BalancerKind;
}

/** What a finished call reports. */
export interface CallResult {
  readonly ok: boolean;
  readonly reason: CallReason;
  readonly attempts: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly backend: NodeId | null;
  readonly parts?: readonly string[];
}

/** What a call carries besides its route. */
export interface CallOptions {
  /** Absolute deadline from upstream. */
  deadlineMs?: number;
  /** Caller identity, for a gateway's authentication check. */
  token?: string;
  /** Extra request headers. */
  headers?: Readonly<Record<string, string>>;
}

interface PendingCall {
  readonly id: number;
  readonly route: string;
  readonly options: CallOptions;
  readonly startMs: number;
  readonly done: (result: CallResult) => void;
  readonly backoff: RetryBackoff | null;
  attempts: number;
  /** The attempt in flight: its id, backend, timer and start. */
  attempt: { id: string; backend: NodeId; timerId: number | null; startMs: number } | null;
}

function validatePolicy(p: CallPolicy): void {
  const { timeoutMs = Infinity, maxAttempts = 1, maxConcurrentCalls = Infinity } = p;
  if (!(timeoutMs > 0)) {
    throw new RangeError(`CallPolicy option timeoutMs must be > 0, got ${timeoutMs}`);
  }
  if (!(Number.isSafeInteger(maxAttempts) && maxAttempts >= 1 && maxAttempts <= 100)) {
    throw new RangeError(
      `CallPolicy option maxAttempts must be an integer in [1, 100], got ${maxAttempts}`,
    );
  }
  if (!(maxConcurrentCalls >= 1)) {
    throw new RangeError(
      `CallPolicy option maxConcurrentCalls must be ≥ 1, got ${maxConcurrentCalls}`,
    );
  }
}

/**
 * Makes calls to a set of backends on behalf of one process.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Simulation } from "../sim/mod.ts";
 * import { Caller, type CallResult, type ServiceMessage, serviceNode } from "./mod.ts";
 * const sim = new Simulation<ServiceMessage>({ seed: 1 });
 * sim.addNode("db", serviceNode({ workers: 1, serviceTimeMs: 10 }));
 * const results: CallResult[] = [];
 * sim.addNode("app", (rt) => {
 *   const caller = new Caller(rt, ["db"], { timeoutMs: 100 });
 *   return {
 *     onStart: () => caller.call("get", {}, (r) => results.push(r)),
 *     onMessage: (_from, msg) => void (msg.type === "Response" && caller.onResponse(msg)),
 *     onTimer: (tag, data) => void caller.onTimer(tag, data),
 *   };
 * });
 * sim.run({ untilMs: 1000 });
 * assert.equal(results[0].ok, true);
 * ```
 */
export class Caller {
  readonly backends: readonly NodeId[];
  readonly breaker: CircuitBreaker | null;
  #rt: Runtime<ServiceMessage>;
  #policy: Required<Omit<CallPolicy, "backoff" | "retryBudget" | "breaker" | "balancer">> & {
    backoff: RetryBackoffOptions | null;
  };
  #balancer: LoadBalancer;
  #budget: RetryBudget | null;
  #bulkhead: Bulkhead<number> | null;
  #nextId = 1;
  #calls = new Map<number, PendingCall>();
  #byAttempt = new Map<string, PendingCall>();
  #outstanding = new Map<NodeId, number>();

  constructor(
    runtime: Runtime<ServiceMessage>,
    backends: readonly NodeId[],
    policy: CallPolicy = {},
  ) {
    validatePolicy(policy);
    if (backends.length === 0) throw new RangeError("Caller needs at least one backend");
    this.#rt = runtime;
    this.backends = [...backends];
    this.#policy = {
      timeoutMs: policy.timeoutMs ?? Infinity,
      maxAttempts: policy.maxAttempts ?? 1,
      maxConcurrentCalls: policy.maxConcurrentCalls ?? Infinity,
      propagateDeadline: policy.propagateDeadline ?? false,
      backoff: policy.backoff ?? null,
    };
    this.#balancer = loadBalancer(policy.balancer ?? "round-robin");
    this.#budget = policy.retryBudget ? new RetryBudget(policy.retryBudget) : null;
    this.breaker = policy.breaker ? new CircuitBreaker(policy.breaker) : null;
    this.#bulkhead = Number.isFinite(this.#policy.maxConcurrentCalls)
      ? new Bulkhead<number>({ maxConcurrent: this.#policy.maxConcurrentCalls })
      : null;
    // Validate the backoff options now rather than at the first retry.
    if (this.#policy.backoff) retryBackoff(this.#policy.backoff);
  }

  /** Requests in flight to `backend`. */
  outstanding(backend: NodeId): number {
    return this.#outstanding.get(backend) ?? 0;
  }

  /** Calls in progress (attempts in flight or waiting to retry). */
  get inFlight(): number {
    return this.#calls.size;
  }

  /** Starts a call; `done` runs exactly once with its result. */
  call(route: string, options: CallOptions, done: (result: CallResult) => void): void {
    const id = this.#nextId++;
    const now = this.#rt.now();
    const call: PendingCall = {
      id,
      route,
      options,
      startMs: now,
      done,
      attempts: 0,
      attempt: null,
      backoff: this.#policy.backoff ? retryBackoff(this.#policy.backoff) : null,
    };
    if (this.#bulkhead && this.#bulkhead.tryEnter(id) !== "admitted") {
      done({ ok: false, reason: "bulkhead", attempts: 0, startMs: now, endMs: now, backend: null });
      return;
    }
    this.#calls.set(id, call);
    this.#budget?.recordRequest(now);
    this.#attempt(call);
  }

  #attempt(call: PendingCall): void {
    const now = this.#rt.now();
    if (deadlineExpired(now, call.options.deadlineMs) && this.#policy.propagateDeadline) {
      this.#finish(call, "expired", null);
      return;
    }
    if (this.breaker && !this.breaker.tryAcquire(now)) {
      this.#finish(call, "open", null);
      return;
    }
    call.attempts++;
    const backend = this.#balancer.pick(this.backends, (b) => this.outstanding(b), this.#rt.random);
    const attemptId = `${this.#rt.id}:${call.id}.${call.attempts}`;
    const waitMs = callTimeoutMs(now, {
      timeoutMs: this.#policy.timeoutMs,
      deadlineMs: this.#policy.propagateDeadline ? call.options.deadlineMs : undefined,
    });
    const timerId = Number.isFinite(waitMs)
      ? this.#rt.setTimer(waitMs, "call-timeout", attemptId)
      : null;
    call.attempt = { id: attemptId, backend, timerId, startMs: now };
    this.#byAttempt.set(attemptId, call);
    this.#outstanding.set(backend, this.outstanding(backend) + 1);
    this.#rt.send(backend, {
      type: "Request",
      id: attemptId,
      route: call.route,
      ...(this.#policy.propagateDeadline && call.options.deadlineMs !== undefined
        ? { deadlineMs: call.options.deadlineMs }
        : {}),
      ...(call.options.token !== undefined ? { token: call.options.token } : {}),
      ...(call.options.headers !== undefined ? { headers: call.options.headers } : {}),
    });
  }

  /** Handles a response; returns false if it answers no attempt in flight (e.g. timed out). */
  onResponse(msg: ServiceResponse): boolean {
    const call = this.#byAttempt.get(msg.id);
    if (!call || !call.attempt) return false;
    if (call.attempt.timerId !== null) this.#rt.cancelTimer(call.attempt.timerId);
    this.#endAttempt(call, msg.ok ? "ok" : msg.reason, msg.parts);
    return true;
  }

  /** Handles this caller's timers; returns false for a timer that is not its own. */
  onTimer(tag: string, data: unknown): boolean {
    if (tag === "call-timeout") {
      const call = this.#byAttempt.get(data as string);
      if (call) this.#endAttempt(call, "timeout");
      return true;
    }
    if (tag === "call-retry") {
      const call = this.#calls.get(data as number);
      if (call) this.#attempt(call);
      return true;
    }
    return false;
  }

  #endAttempt(call: PendingCall, reason: CallReason, parts?: readonly string[]): void {
    const attempt = call.attempt!;
    const now = this.#rt.now();
    this.#byAttempt.delete(attempt.id);
    call.attempt = null;
    this.#outstanding.set(attempt.backend, this.outstanding(attempt.backend) - 1);
    const failed = reason !== "ok";
    this.breaker?.onResult(now, { failed, durationMs: now - attempt.startMs });
    if (!failed || !this.#mayRetry(call, reason, now)) {
      this.#finish(call, reason, attempt.backend, parts);
      return;
    }
    const delayMs = call.backoff ? call.backoff.nextDelayMs(this.#rt.random) : 0;
    if (delayMs > 0) this.#rt.setTimer(delayMs, "call-retry", call.id);
    else this.#attempt(call);
  }

  #mayRetry(call: PendingCall, reason: CallReason, now: number): boolean {
    if (!RETRYABLE_REASONS.includes(reason)) return false;
    if (call.attempts >= this.#policy.maxAttempts) return false;
    if (this.#policy.propagateDeadline && deadlineExpired(now, call.options.deadlineMs)) {
      return false;
    }
    // The budget is asked last, so only a retry that would otherwise happen spends it.
    return this.#budget === null || this.#budget.tryRetry(now);
  }

  #finish(
    call: PendingCall,
    reason: CallReason,
    backend: NodeId | null,
    parts?: readonly string[],
  ): void {
    this.#calls.delete(call.id);
    if (this.#bulkhead) this.#bulkhead.exit(call.id);
    call.done({
      ok: reason === "ok",
      reason,
      attempts: call.attempts,
      startMs: call.startMs,
      endMs: this.#rt.now(),
      backend,
      ...(parts ? { parts } : {}),
    });
  }
}
