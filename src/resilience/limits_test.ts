import assert from "node:assert/strict";
import fc from "fast-check";
import { Random } from "../sim/mod.ts";
import { exponentialDelayMs, JITTER_KINDS, retryBackoff } from "./backoff.ts";
import { Bulkhead } from "./bulkhead.ts";
import { IdempotencyStore } from "./idempotency.ts";
import { RetryBudget } from "./retry_budget.ts";
import { TokenBucket } from "./token_bucket.ts";
import { tokenBucketBound } from "../check/invariants/resilience.ts";

const SEED = 424242;

Deno.test("A token bucket never admits more than burst + rate · t in any interval", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 200 }),
      fc.integer({ min: 1, max: 20 }),
      fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 300 }),
      (ratePerSecond, burst, gaps) => {
        const bucket = new TokenBucket({ ratePerSecond, burst });
        const admitted: number[] = [];
        let now = 0;
        for (const gap of gaps) {
          now += gap;
          if (bucket.tryAcquire(now)) admitted.push(now);
        }
        assert.equal(tokenBucketBound(admitted, { ratePerSecond, burst }), null);
      },
    ),
    { seed: SEED, numRuns: 300 },
  );
});

Deno.test("The token-bucket bound catches a limiter that forgets its cap", () => {
  // A bucket without a cap banks idle time: after 10 s at 1/s it lets 10 through at once.
  const admitted = [10_000, 10_000, 10_000, 10_000];
  assert.match(tokenBucketBound(admitted, { ratePerSecond: 1, burst: 2 }) ?? "", /3 admissions/);
});

Deno.test("Every jitter stays within [0, cap] and full and equal jitter within their exponential envelope", () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...JITTER_KINDS),
      fc.integer({ min: 1, max: 1000 }),
      fc.integer({ min: 1, max: 100 }),
      fc.integer(),
      (jitter, baseMs, capFactor, seed) => {
        const capMs = baseMs * capFactor;
        const b = retryBackoff({ baseMs, capMs, jitter });
        const random = new Random(seed);
        for (let attempt = 0; attempt < 12; attempt++) {
          const d = b.nextDelayMs(random);
          const envelope = exponentialDelayMs(attempt, baseMs, capMs);
          assert.ok(d >= 0 && d <= capMs, `${jitter} delay ${d} outside [0, ${capMs}]`);
          if (jitter === "none") assert.equal(d, envelope);
          if (jitter === "full") assert.ok(d <= envelope);
          if (jitter === "equal") assert.ok(d >= envelope / 2 && d <= envelope);
          if (jitter === "decorrelated") assert.ok(d >= baseMs);
        }
      },
    ),
    { seed: SEED, numRuns: 200 },
  );
});

Deno.test("Jitter spreads clients that failed together; plain backoff keeps them in step", () => {
  const spread = (jitter: (typeof JITTER_KINDS)[number]) => {
    const delays = Array.from({ length: 50 }, (_, i) => {
      const b = retryBackoff({ baseMs: 100, capMs: 10_000, jitter });
      const random = new Random(i);
      return [0, 1, 2].reduce((sum) => sum + b.nextDelayMs(random), 0);
    });
    return new Set(delays.map((d) => Math.round(d))).size;
  };
  assert.equal(spread("none"), 1);
  for (const jitter of ["full", "equal", "decorrelated"] as const) assert.ok(spread(jitter) > 40);
});

Deno.test("A retry budget keeps retries within ratio · requests + the reserve", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.array(fc.record({ gapMs: fc.integer({ min: 0, max: 30 }), retry: fc.boolean() }), {
        maxLength: 400,
      }),
      (ratio, script) => {
        const windowMs = 1000;
        const budget = new RetryBudget({ ratio, minRetriesPerSecond: 2, windowMs });
        let now = 0;
        for (const step of script) {
          now += step.gapMs;
          if (step.retry) budget.tryRetry(now);
          else budget.recordRequest(now);
          const { requests, retries } = budget.counts(now);
          assert.ok(retries <= ratio * requests + 2 + 1e-9);
        }
      },
    ),
    { seed: SEED, numRuns: 200 },
  );
});

Deno.test("A bulkhead runs at most maxConcurrent, queues at most maxQueued, and serves the queue in order", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 0, max: 4 }),
      fc.array(fc.boolean(), { maxLength: 100 }),
      (maxConcurrent, maxQueued, enters) => {
        const b = new Bulkhead<number>({ maxConcurrent, maxQueued });
        const running: number[] = [];
        const queued: number[] = [];
        enters.forEach((enter, id) => {
          if (enter || running.length === 0) {
            const d = b.tryEnter(id);
            if (d === "admitted") running.push(id);
            if (d === "queued") queued.push(id);
          } else {
            const next = b.exit(running.shift()!);
            assert.equal(next, queued.shift());
            if (next !== undefined) running.push(next);
          }
          assert.ok(b.running <= maxConcurrent && b.queued <= maxQueued);
          assert.equal(b.running, running.length);
        });
      },
    ),
    { seed: SEED, numRuns: 200 },
  );
});

Deno.test("An idempotency store runs a keyed request once and answers repeats with its result", () => {
  const store = new IdempotencyStore<number>({ ttlMs: 1000, maxKeys: 2 });
  let charges = 0;
  const charge = (key: string, nowMs: number) => {
    const seen = store.begin(key, nowMs);
    if (seen.kind === "done") return seen.result;
    if (seen.kind === "in-progress") return -1;
    charges++;
    store.complete(key, nowMs, charges);
    return charges;
  };
  assert.deepEqual([charge("a", 0), charge("a", 10), charge("a", 20)], [1, 1, 1]);
  assert.equal(charges, 1);
  assert.equal(charge("a", 1000), 2, "after ttlMs the key is forgotten and the request runs again");
  charge("b", 1001);
  charge("c", 1002);
  assert.equal(store.size, 2, "maxKeys evicts the oldest key");
  assert.throws(() => store.complete("zzz", 0, 1), /not in progress/);
});
