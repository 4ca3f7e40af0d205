/**
 * An API gateway (Richardson, "Microservices Patterns", ch. 8 "External API patterns"): one
 * entry point that checks who is calling (authentication), limits each caller's rate (a token
 * bucket per token), routes by path prefix to a backend service, and aggregates — answers one
 * client request by calling several services in parallel and combining their answers, so a
 * phone on a slow link (fallacy 2) pays one round trip instead of several.
 *
 * A process on the kernel: requests in, calls out through {@linkcode Caller}s.
 * Non-goals: protocol translation, TLS (fallacy 4 lives in the kernel's tampering knobs).
 *
 * @module
 */

import type { NodeId, Process, ProcessFactory } from "../sim/mod.ts";
import { TokenBucket } from "../resilience/mod.ts";
import { Caller, type CallPolicy } from "./caller.ts";
import type { CallReason, ServiceMessage, ServiceRequest } from "./messages.ts";

/** A route: a path prefix served by one service, or aggregated from several. */
export type GatewayRoute =
  | { prefix: string; backends: readonly NodeId[]; policy?: CallPolicy }
  | {
    prefix: string;
    aggregate: readonly { route: string; backends: readonly NodeId[] }[];
    policy?: CallPolicy;
  };

/** Options of {@linkcode apiGateway}. */
export interface GatewayOptions {
  /** Routes; the longest matching prefix wins. */
  routes: readonly GatewayRoute[];
  /** Tokens accepted; absent = no authentication. */
  tokens?: readonly string[];
  /** Per-token rate limit; absent = none. */
  rateLimit?: { ratePerSecond: number; burst?: number };
  /** Sees every decision as it is made (forwarded: when the call starts), for counts and charts. */
  onDecision?: (request: ServiceRequest, reason: CallReason | "forwarded") => void;
}

/**
 * The longest route whose prefix starts `path`, or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { matchGatewayRoute } from "./gateway.ts";
 * const routes = [{ prefix: "/api", backends: ["a"] }, { prefix: "/api/orders", backends: ["o"] }];
 * assert.equal(matchGatewayRoute(routes, "/api/orders/7")?.prefix, "/api/orders");
 * assert.equal(matchGatewayRoute(routes, "/static"), null);
 * ```
 */
export function matchGatewayRoute<R extends { prefix: string }>(
  routes: readonly R[],
  path: string,
): R | null {
  let best: R | null = null;
  for (const r of routes) {
    if (path.startsWith(r.prefix) && (best === null || r.prefix.length > best.prefix.length)) {
      best = r;
    }
  }
  return best;
}

/**
 * An API gateway process.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Simulation } from "../sim/mod.ts";
 * import { apiGateway, type ServiceMessage, serviceNode } from "./mod.ts";
 * const sim = new Simulation<ServiceMessage>({ seed: 1 });
 * sim.addNode("users", serviceNode());
 * sim.addNode("orders", serviceNode());
 * sim.addNode("gw", apiGateway({
 *   routes: [{ prefix: "/home", aggregate: [{ route: "/u", backends: ["users"] }, { route: "/o", backends: ["orders"] }] }],
 *   tokens: ["alice"],
 * }));
 * const answers: unknown[] = [];
 * sim.addNode("phone", (rt) => ({
 *   onStart: () => {
 *     rt.send("gw", { type: "Request", id: "1", route: "/home", token: "alice" });
 *     rt.send("gw", { type: "Request", id: "2", route: "/home", token: "mallory" });
 *   },
 *   onMessage: (_from, msg) => void answers.push(msg.type === "Response" && [msg.id, msg.reason, msg.parts]),
 * }));
 * sim.run({ untilMs: 1000 });
 * assert.deepEqual(answers.sort(), [["1", "ok", ["/u", "/o"]], ["2", "unauthorized", undefined]]);
 * ```
 */
export function apiGateway(
  options: GatewayOptions,
): ProcessFactory<ServiceMessage, Process<ServiceMessage>> {
  if (options.routes.length === 0) {
    throw new RangeError("apiGateway option routes must not be empty");
  }
  const tokens = options.tokens ? new Set(options.tokens) : null;
  if (options.rateLimit) new TokenBucket(options.rateLimit); // validate up front
  return (rt) => {
    const buckets = new Map<string, TokenBucket>();
    const callers = new Map<string, Caller>();
    const callerFor = (key: string, backends: readonly NodeId[], policy?: CallPolicy) => {
      let c = callers.get(key);
      if (!c) callers.set(key, c = new Caller(rt, backends, policy));
      return c;
    };
    const answer = (
      to: NodeId,
      req: ServiceRequest,
      reason: CallReason,
      parts?: readonly string[],
    ) => {
      rt.send(to, {
        type: "Response",
        id: req.id,
        ok: reason === "ok",
        reason,
        ...(parts ? { parts } : {}),
      });
    };
    const refuse = (to: NodeId, req: ServiceRequest, reason: CallReason) => {
      options.onDecision?.(req, reason);
      answer(to, req, reason);
    };
    const handle = (from: NodeId, req: ServiceRequest) => {
      if (tokens && (req.token === undefined || !tokens.has(req.token))) {
        return refuse(from, req, "unauthorized");
      }
      if (options.rateLimit) {
        const key = req.token ?? from;
        let bucket = buckets.get(key);
        if (!bucket) buckets.set(key, bucket = new TokenBucket(options.rateLimit));
        if (!bucket.tryAcquire(rt.now())) return refuse(from, req, "rate-limited");
      }
      const route = matchGatewayRoute(options.routes, req.route);
      if (!route) return refuse(from, req, "not-found");
      options.onDecision?.(req, "forwarded");
      if ("backends" in route) {
        callerFor(route.prefix, route.backends, route.policy).call(req.route, {
          deadlineMs: req.deadlineMs,
        }, (r) => answer(from, req, r.ok ? "ok" : r.reason));
        return;
      }
      // Aggregation: call every part in parallel, answer once all are in (any failure fails it).
      const parts: (string | null)[] = route.aggregate.map(() => null);
      let pending = route.aggregate.length;
      let failure: CallReason | null = null;
      route.aggregate.forEach((part, i) => {
        callerFor(`${route.prefix}:${part.route}`, part.backends, route.policy).call(
          part.route,
          {},
          (r) => {
            if (r.ok) parts[i] = part.route;
            else failure ??= r.reason;
            if (--pending === 0) {
              answer(from, req, failure ?? "ok", failure ? undefined : parts as string[]);
            }
          },
        );
      });
    };
    return {
      onMessage(from, msg) {
        if (msg.type === "Request") handle(from, msg);
        else for (const c of callers.values()) if (c.onResponse(msg)) return;
      },
      onTimer(tag, data) {
        for (const c of callers.values()) if (c.onTimer(tag, data)) return;
      },
    };
  };
}
