/**
 * An open-loop load generator: requests arrive as a Poisson process at `ratePerSecond`
 * whatever happens to earlier ones — as users do, and unlike a closed loop that politely
 * slows down when the system does (Schroeder, Wierman, Harchol-Balter, "Open Versus Closed: A
 * Cautionary Tale", NSDI 2006). Each request goes through a {@linkcode Caller} with the given
 * policy; results are handed to `onResult`.
 *
 * @module
 */

import type { NodeId, Process, ProcessFactory } from "../sim/mod.ts";
import { Caller, type CallPolicy, type CallResult } from "./caller.ts";
import type { ServiceMessage } from "./messages.ts";

/** Options of {@linkcode loadClient}. */
export interface LoadClientOptions {
  /** Where requests go (several: load-balanced by the policy's balancer). */
  backends: readonly NodeId[];
  /** Mean arrival rate. */
  ratePerSecond: number;
  /** Arrivals stop after this much of the client's time. */
  durationMs: number;
  /** Routes to request, with weights. @default [{route: "default", weight: 1}] */
  routes?: readonly { route: string; weight: number }[];
  /** How to call. @default {} */
  policy?: CallPolicy;
  /** Each request gets a deadline this far ahead (sent only if the policy propagates it). */
  deadlineMs?: number;
  /** Caller identity sent with every request. */
  token?: string;
  /** Receives every finished request. */
  onResult?: (route: string, result: CallResult) => void;
}

/** A load client exposes its caller, e.g. to read its breaker. */
export interface LoadClientProcess extends Process<ServiceMessage> {
  readonly caller: Caller;
}

/**
 * A load-generating client.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Simulation } from "../sim/mod.ts";
 * import { loadClient, type ServiceMessage, serviceNode } from "./mod.ts";
 * const sim = new Simulation<ServiceMessage>({ seed: 3 });
 * sim.addNode("svc", serviceNode({ serviceTimeMs: 5 }));
 * let ok = 0;
 * sim.addNode("load", loadClient({ backends: ["svc"], ratePerSecond: 100, durationMs: 1000, onResult: (_r, res) => void (res.ok && ok++) }));
 * sim.run({ untilMs: 2000 });
 * assert.ok(ok > 70 && ok < 130);
 * ```
 */
export function loadClient(
  options: LoadClientOptions,
): ProcessFactory<ServiceMessage, LoadClientProcess> {
  const { ratePerSecond, durationMs } = options;
  if (!(ratePerSecond > 0 && Number.isFinite(ratePerSecond))) {
    throw new RangeError(
      `loadClient option ratePerSecond must be a finite number > 0, got ${ratePerSecond}`,
    );
  }
  if (!(durationMs >= 0)) {
    throw new RangeError(`loadClient option durationMs must be ≥ 0, got ${durationMs}`);
  }
  const routes = options.routes ?? [{ route: "default", weight: 1 }];
  const totalWeight = routes.reduce((s, r) => s + r.weight, 0);
  if (!(totalWeight > 0) || routes.some((r) => !(r.weight >= 0))) {
    throw new RangeError("loadClient option routes needs weights ≥ 0 that sum to more than 0");
  }
  return (rt) => {
    // Arrivals draw from their own stream, so a policy's random choices (jitter, balancing)
    // do not change when users arrive: every policy sees the same workload.
    const arrivals = rt.random.split("arrivals");
    const caller = new Caller(rt, options.backends, options.policy);
    const pickRoute = () => {
      let x = arrivals.next() * totalWeight;
      for (const r of routes) if ((x -= r.weight) < 0) return r.route;
      return routes[routes.length - 1].route;
    };
    const arrive = () => {
      const route = pickRoute();
      const deadlineMs = options.deadlineMs !== undefined
        ? rt.now() + options.deadlineMs
        : undefined;
      caller.call(route, { deadlineMs, token: options.token }, (r) => options.onResult?.(route, r));
      const gap = arrivals.exponential(1000 / ratePerSecond);
      if (rt.now() + gap < durationMs) rt.setTimer(gap, "arrival");
    };
    return {
      caller,
      onStart: () => rt.setTimer(arrivals.exponential(1000 / ratePerSecond), "arrival"),
      onMessage: (_from, msg) => {
        if (msg.type === "Response") caller.onResponse(msg);
      },
      onTimer: (tag, data) => {
        if (tag === "arrival") arrive();
        else caller.onTimer(tag, data);
      },
    };
  };
}
