/**
 * A simulated service: a process with a fixed pool of `workers` and a bounded queue (a
 * bulkhead), which answers each request after a random service time, fails some of them, and
 * for routes that depend on another service calls it *while holding the worker* — a
 * synchronous call chain, the seed's "distributed monolith". When the dependency slows down,
 * every worker ends up waiting on it, the queue fills, and the service fails requests that
 * never needed the dependency (Nygard, "Release It!", ch. 4 "Cascading Failures",
 * "Blocked Threads").
 *
 * Health over time (`health(nowMs)`) lets an experiment script an outage or a slowdown;
 * `dropExpired` makes a worker skip a request whose propagated deadline has passed (the SRE
 * book, ch. 22).
 *
 * @module
 */

import type { NodeId, Process, ProcessFactory, Runtime } from "../sim/mod.ts";
import { Bulkhead, deadlineExpired } from "../resilience/mod.ts";
import { Caller, type CallPolicy, type CallResult } from "./caller.ts";
import type { CallReason, ServiceMessage, ServiceRequest } from "./messages.ts";

/** A service's health at a moment: service-time factor and failure probability. */
export interface ServiceHealth {
  /** Multiplies the service time (1 = normal). */
  slowdown: number;
  /** Probability a request fails. */
  errorRate: number;
}

/** A dependency a route calls synchronously after its local work. */
export interface ServiceDependency {
  /** The dependency's instances. */
  backends: readonly NodeId[];
  /** The route to call there. @default the same route */
  route?: string;
  /** How to call it. @default {} (one attempt, no timeout) */
  policy?: CallPolicy;
}

/** Options of {@linkcode serviceNode}; validated when the factory is made. */
export interface ServiceOptions {
  /** Requests handled at once. @default 8 */
  workers?: number;
  /** Requests waiting for a worker; beyond, `overloaded`. @default 64 */
  queueLimit?: number;
  /** Mean local service time. @default 10 */
  serviceTimeMs?: number;
  /** Service-time distribution. @default "exponential" */
  serviceTime?: "exponential" | "constant";
  /** Routes that call a dependency; other routes are answered locally. @default {} */
  dependencies?: Readonly<Record<string, ServiceDependency>>;
  /** Health over true time. @default always healthy */
  health?: (nowMs: number) => ServiceHealth;
  /** Skip work whose propagated deadline has passed. @default false */
  dropExpired?: boolean;
  /** Sees each request as it arrives (for load counts). */
  onRequest?: (node: NodeId, request: ServiceRequest, nowMs: number) => void;
}

/** What a service exposes for inspection. */
export interface ServiceProcess extends Process<ServiceMessage> {
  /** Requests being worked on (including those waiting on a dependency). */
  readonly busyWorkers: number;
  /** Requests waiting for a worker. */
  readonly queued: number;
  /** The callers of its dependencies, by route. */
  readonly callers: ReadonlyMap<string, Caller>;
}

const HEALTHY: ServiceHealth = { slowdown: 1, errorRate: 0 };

function checkServiceOptions(o: ServiceOptions): void {
  const { workers = 8, queueLimit = 64, serviceTimeMs = 10 } = o;
  if (!(Number.isSafeInteger(workers) && workers >= 1)) {
    throw new RangeError(`serviceNode option workers must be an integer ≥ 1, got ${workers}`);
  }
  if (!(Number.isSafeInteger(queueLimit) && queueLimit >= 0)) {
    throw new RangeError(`serviceNode option queueLimit must be an integer ≥ 0, got ${queueLimit}`);
  }
  if (!(serviceTimeMs >= 0 && Number.isFinite(serviceTimeMs))) {
    throw new RangeError(
      `serviceNode option serviceTimeMs must be a finite number ≥ 0, got ${serviceTimeMs}`,
    );
  }
}

/**
 * A service process factory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Simulation } from "../sim/mod.ts";
 * import { type ServiceMessage, serviceNode } from "./mod.ts";
 * const sim = new Simulation<ServiceMessage>({ seed: 1 });
 * let seen = 0;
 * sim.addNode("svc", serviceNode({ serviceTimeMs: 5, onRequest: () => seen++ }));
 * sim.addNode("c", (rt) => ({
 *   onStart: () => rt.send("svc", { type: "Request", id: "1", route: "hello" }),
 *   onMessage: (_from, msg) => rt.state("answer", msg.type === "Response" && msg.ok),
 * }));
 * sim.run({ untilMs: 100 });
 * assert.equal(seen, 1);
 * ```
 */
export function serviceNode(
  options: ServiceOptions = {},
): ProcessFactory<ServiceMessage, ServiceProcess> {
  checkServiceOptions(options);
  const workers = options.workers ?? 8;
  const queueLimit = options.queueLimit ?? 64;
  const meanMs = options.serviceTimeMs ?? 10;
  const health = options.health ?? (() => HEALTHY);
  return (rt: Runtime<ServiceMessage>): ServiceProcess => {
    const pool = new Bulkhead<string>({ maxConcurrent: workers, maxQueued: queueLimit });
    const waiting = new Map<string, { from: NodeId; request: ServiceRequest }>();
    const callers = new Map<string, Caller>();
    for (const [route, dep] of Object.entries(options.dependencies ?? {})) {
      callers.set(route, new Caller(rt, dep.backends, dep.policy));
    }
    let nextKey = 0;

    const respond = (key: string, reason: CallReason) => {
      const job = waiting.get(key)!;
      waiting.delete(key);
      rt.send(job.from, { type: "Response", id: job.request.id, ok: reason === "ok", reason });
      const next = pool.exit(key);
      if (next !== undefined) start(next);
    };

    const start = (key: string) => {
      const { request } = waiting.get(key)!;
      if (options.dropExpired && deadlineExpired(rt.now(), request.deadlineMs)) {
        respond(key, "expired");
        return;
      }
      const h = health(rt.now());
      const base = options.serviceTime === "constant" ? meanMs : rt.random.exponential(meanMs);
      rt.setTimer(base * h.slowdown, "work-done", key);
    };

    const workDone = (key: string) => {
      const { request } = waiting.get(key)!;
      if (rt.random.next() < health(rt.now()).errorRate) {
        respond(key, "error");
        return;
      }
      const caller = callers.get(request.route);
      if (!caller) {
        respond(key, "ok");
        return;
      }
      // The worker stays taken while the dependency answers: the synchronous chain.
      const dep = options.dependencies![request.route];
      caller.call(
        dep.route ?? request.route,
        { deadlineMs: request.deadlineMs },
        (r: CallResult) => {
          respond(key, r.ok ? "ok" : r.reason === "expired" ? "expired" : "error");
        },
      );
    };

    return {
      get busyWorkers() {
        return pool.running;
      },
      get queued() {
        return pool.queued;
      },
      callers,
      onMessage(from, msg) {
        switch (msg.type) {
          case "Request": {
            options.onRequest?.(rt.id, msg, rt.now());
            const key = `${nextKey++}`;
            const decision = pool.tryEnter(key);
            if (decision === "rejected") {
              rt.send(from, { type: "Response", id: msg.id, ok: false, reason: "overloaded" });
              return;
            }
            waiting.set(key, { from, request: msg });
            if (decision === "admitted") start(key);
            return;
          }
          case "Response":
            for (const caller of callers.values()) if (caller.onResponse(msg)) return;
            return;
          default: {
            const never: never = msg;
            throw new Error(`Unknown message ${(never as { type: string }).type}`);
          }
        }
      },
      onTimer(tag, data) {
        if (tag === "work-done") {
          workDone(data as string);
          return;
        }
        for (const caller of callers.values()) if (caller.onTimer(tag, data)) return;
      },
    };
  };
}
