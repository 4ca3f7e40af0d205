/**
 * Resilience: the cost of a circuit breaker decision (count- and time-based windows) against a
 * bare counter doing the same bookkeeping-free loop, the token bucket, and the circuit-breaker
 * experiment at its defaults.
 *
 *   deno bench -A tests/bench/resilience_bench.ts
 */
import { CircuitBreaker, TokenBucket } from "../../src/resilience/mod.ts";
import { Random } from "../../src/sim/mod.ts";
import { runExperiment } from "../../src/experiments/run.ts";

const CALLS = 10_000;
const random = new Random(1);
const outcomes = Array.from({ length: CALLS }, () => random.bool(0.3));

Deno.bench("baseline: counting outcomes, no breaker (10k calls)", {
  group: "breaker",
  baseline: true,
}, () => {
  let failures = 0;
  for (let i = 0; i < CALLS; i++) if (outcomes[i]) failures++;
  if (failures < 0) throw new Error("unreachable");
});

for (const windowKind of ["count", "time"] as const) {
  Deno.bench(`CircuitBreaker ${windowKind}-based: tryAcquire + onResult (10k calls)`, {
    group: "breaker",
  }, () => {
    const cb = new CircuitBreaker({
      windowKind,
      windowSize: 100,
      minimumCalls: 20,
      waitInOpenMs: 50,
    });
    for (let i = 0; i < CALLS; i++) {
      if (cb.tryAcquire(i)) cb.onResult(i, { failed: outcomes[i], durationMs: 1 });
    }
  });
}

Deno.bench("TokenBucket.tryAcquire (10k requests)", { group: "limit" }, () => {
  const bucket = new TokenBucket({ ratePerSecond: 100, burst: 10 });
  for (let i = 0; i < CALLS; i++) bucket.tryAcquire(i);
});

Deno.bench("experiment circuit-breaker at its defaults", { group: "experiment" }, () => {
  runExperiment("circuit-breaker", {}, 1);
});
