/**
 * The circuit breaker as a target of the fault-schedule search: a client calls a dependency
 * through a breaker at a steady rate while the nemesis crashes, partitions, slows, delays and drops messages of
 * the dependency. Whatever the faults, the breaker must keep its two safety invariants:
 * half-open admits at most `halfOpenProbes` probes, and open never calls. The seed's
 * `half-open-flood` breaker breaks the first as soon as a fault outlasts a probe.
 *
 * @module
 */

import { Simulation } from "../../sim/mod.ts";
import type { BreakerEvent, BreakerVariant } from "../../resilience/mod.ts";
import { loadClient, type ServiceMessage, serviceNode } from "../../services/mod.ts";
import { halfOpenProbesBounded, openRejectsWithoutCalling } from "../invariants/resilience.ts";
import type { SearchTarget } from "./search.ts";

/** Options of {@linkcode breakerSearchTarget}. */
export interface BreakerSearchTargetOptions {
  /** Which breaker. @default "correct" */
  variant?: BreakerVariant;
  /** Probes half-open admits. @default 2 */
  halfOpenProbes?: number;
  /** Run length. @default 6000 */
  horizonMs?: number;
  /** Client calls per second. @default 100 */
  ratePerSecond?: number;
}

/**
 * A search target for the breaker.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { breakerSearchTarget } from "./breaker_target.ts";
 * import { search } from "./search.ts";
 * const found = search(breakerSearchTarget({ variant: "half-open-flood" }), { seed: 1, numRuns: 50 });
 * assert.equal(found.ok, false);
 * assert.equal(found.violations[0].invariant, "half-open-probes-bounded");
 * ```
 */
export function breakerSearchTarget(
  options: BreakerSearchTargetOptions = {},
): SearchTarget<ServiceMessage> {
  const { variant = "correct", halfOpenProbes = 2, horizonMs = 6000, ratePerSecond = 100 } =
    options;
  // The invariants read the breaker's events of the run they check.
  const eventsOf = new WeakMap<object, BreakerEvent[]>();
  const found = (invariant: string, message: string | null) =>
    message === null ? [] : [{ invariant, message }];
  return {
    nodes: ["dependency"],
    clients: ["client"],
    horizonMs,
    faults: { kinds: ["crash", "partition", "slow", "delay", "loss"], maxSteps: 4 },
    build(testCase) {
      const sim = new Simulation<ServiceMessage>({ seed: testCase.seed });
      const events: BreakerEvent[] = [];
      eventsOf.set(sim, events);
      sim.addNode("dependency", serviceNode({ workers: 16, serviceTimeMs: 10 }));
      sim.addNode(
        "client",
        loadClient({
          backends: ["dependency"],
          ratePerSecond,
          durationMs: horizonMs,
          policy: {
            timeoutMs: 200,
            breaker: {
              windowSize: 10,
              minimumCalls: 5,
              waitInOpenMs: 500,
              halfOpenProbes,
              slowCallDurationMs: 200,
              variant,
              onEvent: (e) => void events.push(e),
            },
          },
        }),
      );
      return sim;
    },
    invariants: [
      ({ sim }) =>
        found(
          "half-open-probes-bounded",
          halfOpenProbesBounded(eventsOf.get(sim) ?? [], halfOpenProbes),
        ),
      ({ sim }) =>
        found("open-rejects-without-calling", openRejectsWithoutCalling(eventsOf.get(sim) ?? [])),
    ],
  };
}
