/**
 * Client-side load balancing policies: round robin, uniform random, least outstanding
 * requests (Envoy's LEAST_REQUEST with all backends considered), and the power of two choices
 * (Mitzenmacher, "The Power of Two Choices in Randomized Load Balancing", IEEE TPDS 2001:
 * sampling two backends and taking the less loaded one cuts the maximum load from
 * Θ(log n / log log n) to Θ(log log n)). Round robin and random ignore how busy a backend is,
 * so one slow backend collects a queue and sets the tail latency; the load-aware policies
 * steer around it.
 *
 * Pure: the caller says how many requests each backend has outstanding and hands in the
 * Random.
 *
 * @module
 */

import type { Random } from "../sim/mod.ts";

/** The policies by name. */
export const BALANCER_KINDS = [
  "round-robin",
  "random",
  "least-outstanding",
  "power-of-two",
] as const;

/** A policy by name. */
export type BalancerKind = (typeof BALANCER_KINDS)[number];

/** Chooses a backend for the next request. */
export interface LoadBalancer {
  readonly kind: BalancerKind;
  /**
   * Picks one of `backends` (non-empty), given each one's outstanding requests.
   */
  pick(
    backends: readonly string[],
    outstanding: (backend: string) => number,
    random: Random,
  ): string;
}

/**
 * A balancer of the given kind.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Random } from "../sim/mod.ts";
 * import { loadBalancer } from "./load_balancer.ts";
 * const random = new Random(1);
 * const rr = loadBalancer("round-robin");
 * assert.deepEqual([0, 1, 2, 3].map(() => rr.pick(["a", "b", "c"], () => 0, random)), ["a", "b", "c", "a"]);
 * const busy = (b: string) => (b === "a" ? 5 : 0);
 * assert.equal(loadBalancer("least-outstanding").pick(["a", "b"], busy, random), "b");
 * ```
 */
export function loadBalancer(kind: BalancerKind): LoadBalancer {
  let next = 0;
  const check = (backends: readonly string[]) => {
    if (backends.length === 0) {
      throw new RangeError(`LoadBalancer ${kind} cannot pick from no backends`);
    }
  };
  switch (kind) {
    case "round-robin":
      return {
        kind,
        pick(backends) {
          check(backends);
          return backends[next++ % backends.length];
        },
      };
    case "random":
      return {
        kind,
        pick(backends, _outstanding, random) {
          check(backends);
          return backends[random.int(0, backends.length - 1)];
        },
      };
    case "least-outstanding":
      return {
        kind,
        pick(backends, outstanding) {
          check(backends);
          // Ties go round robin, or every idle moment would send everything to backends[0].
          const start = next++ % backends.length;
          let best = backends[start];
          for (let k = 1; k < backends.length; k++) {
            const b = backends[(start + k) % backends.length];
            if (outstanding(b) < outstanding(best)) best = b;
          }
          return best;
        },
      };
    case "power-of-two":
      return {
        kind,
        pick(backends, outstanding, random) {
          check(backends);
          if (backends.length === 1) return backends[0];
          const i = random.int(0, backends.length - 1);
          // A second, different backend: shift by 1..n-1.
          const j = (i + random.int(1, backends.length - 1)) % backends.length;
          return outstanding(backends[j]) < outstanding(backends[i]) ? backends[j] : backends[i];
        },
      };
    default: {
      const never: never = kind;
      throw new RangeError(
        `LoadBalancer kind must be one of ${BALANCER_KINDS.join(", ")}, got ${String(never)}`,
      );
    }
  }
}
