/**
 * Tests of the circuit-breaker lab. They run against `solution.ts` here and against your
 * `starter.ts` with NETSPLIT_LAB_TARGET=starter (the default when there is no solution).
 */

import { loadLab } from "../_lib/load.ts";
import type { CircuitBreakerLab } from "./api.ts";
import { BREAKER_CHECKS } from "./cases.ts";

const lab = await loadLab<CircuitBreakerLab>(import.meta.url);

for (const { name, check } of BREAKER_CHECKS) {
  Deno.test(`Your breaker: ${name}`, () => {
    const message = check(lab.createBreaker);
    if (message !== null) throw new Error(message);
  });
}
