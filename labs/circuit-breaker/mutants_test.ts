/**
 * Mutation check: the lab's checks must reject the seed's half-open flood and other classic
 * mistakes, and accept the core's breaker. (This file tests the tests; a learner can ignore it.)
 */

import assert from "node:assert/strict";
import { CircuitBreaker } from "../../src/resilience/mod.ts";
import type { LabBreaker, LabBreakerSettings } from "./api.ts";
import { BREAKER_CHECKS, coreBreaker, type CreateBreaker } from "./cases.ts";

function coreVariant(settings: LabBreakerSettings): LabBreaker {
  const cb = new CircuitBreaker({ ...settings, variant: "half-open-flood" });
  return {
    get state() {
      return cb.state;
    },
    tryAcquire: (nowMs) => cb.tryAcquire(nowMs),
    onResult: (nowMs, failed) => cb.onResult(nowMs, { failed, durationMs: 0 }),
  };
}

const MUTANTS: Record<string, CreateBreaker> = {
  "the seed's breaker (every caller through when half-open)": coreVariant,
  "no minimum number of calls": (s) => coreBreaker({ ...s, minimumCalls: 1 }),
  "no wait in open": (s) => coreBreaker({ ...s, waitInOpenMs: 0 }),
  "a strict > threshold": (s) =>
    coreBreaker({ ...s, failureRateThreshold: Math.min(100, s.failureRateThreshold + 0.5) }),
  "half-open decides on its first probe": (s) => coreBreaker({ ...s, halfOpenProbes: 1 }),
};

for (const [name, create] of Object.entries(MUTANTS)) {
  Deno.test(`the circuit-breaker checks reject ${name}`, () => {
    const caught = BREAKER_CHECKS.filter((c) => c.check(create) !== null).map((c) => c.name);
    assert.ok(caught.length > 0, "no check caught it");
  });
}

Deno.test("the circuit-breaker checks catch the half-open flood by its own check and by the property", () => {
  const failing = BREAKER_CHECKS.filter((c) => c.check(coreVariant) !== null).map((c) => c.name);
  assert.ok(failing.includes("half-open admits at most halfOpenProbes calls (no half-open flood)"));
  assert.ok(
    failing.includes(
      "under random scripts open never calls and half-open never exceeds its probes",
    ),
  );
});

Deno.test("the circuit-breaker checks accept the core's breaker", () => {
  for (const c of BREAKER_CHECKS) assert.equal(c.check(coreBreaker), null, c.name);
});
