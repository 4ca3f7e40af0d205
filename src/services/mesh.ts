/**
 * A service-mesh sidecar (Istio's VirtualService, Envoy's route configuration): the proxy
 * beside a service that decides, per request, where it goes and what happens on the way —
 * routing rules matched on route and headers, a weighted traffic split between versions
 * (90/10 for a canary), retries, and fault injection (a delay for a share of requests, an
 * abort with a given reason for another share) so a team can test its timeouts and fallbacks
 * before the network does it for them (fallacies 1 and 2).
 *
 * {@linkcode meshDecide} is the pure decision; {@linkcode meshSidecar} a process that applies
 * it, forwarding through a {@linkcode Caller} per destination.
 *
 * @module
 */

import type { NodeId, Process, ProcessFactory, Random } from "../sim/mod.ts";
import { Caller, type CallPolicy } from "./caller.ts";
import type { CallReason, ServiceMessage, ServiceRequest } from "./messages.ts";

/** One rule: which requests it matches, where they go, and what faults to inject. */
export interface MeshRule {
  /** Route prefix to match. @default "" (all) */
  routePrefix?: string;
  /** Headers that must be present with these values. @default {} */
  headers?: Readonly<Record<string, string>>;
  /** Destinations with weights (e.g. v1: 90, v2: 10). */
  split: readonly { destination: NodeId; weight: number }[];
  /** Delay a share of requests (Istio `fault.delay`). */
  delay?: { percent: number; ms: number };
  /** Abort a share of requests with a reason (Istio `fault.abort`). */
  abort?: { percent: number; reason: CallReason };
  /** How the sidecar calls the destination (timeouts, retries). @default {} */
  policy?: CallPolicy;
}

/** What the sidecar does with one request. */
export type MeshDecision =
  | { kind: "forward"; destination: NodeId; delayMs: number; rule: number }
  | { kind: "abort"; reason: CallReason; rule: number }
  | { kind: "no-route" };

function checkRule(rule: MeshRule, i: number): void {
  const total = rule.split.reduce((s, d) => s + d.weight, 0);
  if (rule.split.length === 0 || !(total > 0) || rule.split.some((d) => !(d.weight >= 0))) {
    throw new RangeError(`Mesh rule ${i} option split needs weights ≥ 0 summing to more than 0`);
  }
  for (const [name, f] of [["delay", rule.delay], ["abort", rule.abort]] as const) {
    if (f && !(f.percent >= 0 && f.percent <= 100)) {
      throw new RangeError(
        `Mesh rule ${i} option ${name}.percent must be in [0, 100], got ${f.percent}`,
      );
    }
  }
}

/**
 * Decides a request's fate under `rules` (first match wins): abort, or forward to a
 * destination drawn by weight, perhaps after a delay.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Random } from "../sim/mod.ts";
 * import { meshDecide } from "./mesh.ts";
 * const rules = [{ split: [{ destination: "v1", weight: 90 }, { destination: "v2", weight: 10 }] }];
 * const random = new Random(1);
 * const picks = Array.from({ length: 1000 }, () => meshDecide(rules, { route: "/x" }, random));
 * const v2 = picks.filter((d) => d.kind === "forward" && d.destination === "v2").length;
 * assert.ok(v2 > 70 && v2 < 130);
 * ```
 */
export function meshDecide(
  rules: readonly MeshRule[],
  request: Pick<ServiceRequest, "route" | "headers">,
  random: Random,
): MeshDecision {
  rules.forEach(checkRule);
  const index = rules.findIndex((r) =>
    request.route.startsWith(r.routePrefix ?? "") &&
    Object.entries(r.headers ?? {}).every(([k, v]) => request.headers?.[k] === v)
  );
  if (index < 0) return { kind: "no-route" };
  const rule = rules[index];
  // Envoy applies abort before delay; a request that is aborted is not delayed.
  if (rule.abort && random.next() * 100 < rule.abort.percent) {
    return { kind: "abort", reason: rule.abort.reason, rule: index };
  }
  const delayMs = rule.delay && random.next() * 100 < rule.delay.percent ? rule.delay.ms : 0;
  const total = rule.split.reduce((s, d) => s + d.weight, 0);
  let x = random.next() * total;
  let destination = rule.split[rule.split.length - 1].destination;
  for (const d of rule.split) {
    if ((x -= d.weight) < 0) {
      destination = d.destination;
      break;
    }
  }
  return { kind: "forward", destination, delayMs, rule: index };
}

/**
 * A sidecar process: applies {@linkcode meshDecide} to each request it receives and forwards
 * it (with the rule's call policy: timeouts, retries), or answers the injected abort.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Simulation } from "../sim/mod.ts";
 * import { meshSidecar, type ServiceMessage, serviceNode } from "./mod.ts";
 * const sim = new Simulation<ServiceMessage>({ seed: 2 });
 * sim.addNode("v1", serviceNode());
 * sim.addNode("mesh", meshSidecar({ rules: [{ split: [{ destination: "v1", weight: 1 }], abort: { percent: 100, reason: "error" } }] }));
 * let reason = "";
 * sim.addNode("c", (rt) => ({
 *   onStart: () => rt.send("mesh", { type: "Request", id: "1", route: "/x" }),
 *   onMessage: (_f, m) => void (m.type === "Response" && (reason = m.reason)),
 * }));
 * sim.run({ untilMs: 100 });
 * assert.equal(reason, "error");
 * ```
 */
export function meshSidecar(options: {
  rules: readonly MeshRule[];
  onDecision?: (request: ServiceRequest, decision: MeshDecision) => void;
}): ProcessFactory<ServiceMessage, Process<ServiceMessage>> {
  options.rules.forEach(checkRule);
  return (rt) => {
    const callers = new Map<string, Caller>();
    const pending = new Map<
      number,
      { from: NodeId; req: ServiceRequest; destination: NodeId; rule: number }
    >();
    let nextId = 0;
    const forward = (from: NodeId, req: ServiceRequest, destination: NodeId, rule: number) => {
      const key = `${rule}:${destination}`;
      let caller = callers.get(key);
      if (!caller) {
        callers.set(key, caller = new Caller(rt, [destination], options.rules[rule].policy));
      }
      caller.call(
        req.route,
        { deadlineMs: req.deadlineMs, headers: req.headers },
        (r) => rt.send(from, { type: "Response", id: req.id, ok: r.ok, reason: r.reason }),
      );
    };
    return {
      onMessage(from, msg) {
        if (msg.type === "Response") {
          for (const c of callers.values()) if (c.onResponse(msg)) return;
          return;
        }
        const decision = meshDecide(options.rules, msg, rt.random);
        options.onDecision?.(msg, decision);
        switch (decision.kind) {
          case "no-route":
            rt.send(from, { type: "Response", id: msg.id, ok: false, reason: "not-found" });
            return;
          case "abort":
            rt.send(from, { type: "Response", id: msg.id, ok: false, reason: decision.reason });
            return;
          case "forward":
            if (decision.delayMs > 0) {
              const id = nextId++;
              pending.set(id, {
                from,
                req: msg,
                destination: decision.destination,
                rule: decision.rule,
              });
              rt.setTimer(decision.delayMs, "mesh-delay", id);
            } else forward(from, msg, decision.destination, decision.rule);
            return;
          default: {
            const never: never = decision;
            throw new Error(`Unknown mesh decision ${JSON.stringify(never)}`);
          }
        }
      },
      onTimer(tag, data) {
        if (tag === "mesh-delay") {
          const p = pending.get(data as number)!;
          pending.delete(data as number);
          forward(p.from, p.req, p.destination, p.rule);
          return;
        }
        for (const c of callers.values()) if (c.onTimer(tag, data)) return;
      },
    };
  };
}
