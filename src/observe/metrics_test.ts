import assert from "node:assert/strict";
import fc from "fast-check";
import { DdSketch, exactQuantile, MetricCounter } from "./metrics.ts";

const SEED = 424242;

Deno.test("DdSketch quantiles stay within relative error alpha of the exact quantile", () => {
  console.log(`fast-check seed ${SEED}`);
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 0.001, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (values, q) => {
        const sketch = new DdSketch({ alpha: 0.02 });
        values.forEach((v) => sketch.record(v));
        const exact = exactQuantile(values, q);
        assert.ok(
          Math.abs(sketch.quantile(q) - exact) <= 0.02 * exact + 1e-9,
          `${sketch.quantile(q)} vs ${exact}`,
        );
      },
    ),
    { seed: SEED, numRuns: 300 },
  );
});

Deno.test("Merging DdSketches equals sketching the union of their values", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 0, max: 1e4, noNaN: true })),
      fc.array(fc.double({ min: 0, max: 1e4, noNaN: true })),
      (xs, ys) => {
        const a = new DdSketch();
        const b = new DdSketch();
        const all = new DdSketch();
        xs.forEach((v) => (a.record(v), all.record(v)));
        ys.forEach((v) => (b.record(v), all.record(v)));
        a.merge(b);
        for (const q of [0, 0.5, 0.9, 0.99, 1]) {
          assert.equal(
            Object.is(a.quantile(q), all.quantile(q)) || a.quantile(q) === all.quantile(q),
            true,
          );
        }
        assert.equal(a.count, all.count);
      },
    ),
    { seed: SEED + 1, numRuns: 200 },
  );
});

Deno.test("A DdSketch needs far fewer buckets than values", () => {
  const sketch = new DdSketch({ alpha: 0.01 });
  for (let i = 1; i <= 100_000; i++) sketch.record(i);
  assert.ok(sketch.size < 700, `size ${sketch.size}`);
});

Deno.test("MetricCounter refuses to go down, and DdSketch validates alpha", () => {
  assert.throws(() => new MetricCounter().add(-1), /increment must be >= 0, got -1/);
  assert.throws(() => new DdSketch({ alpha: 1 }), /option alpha must be in \(0, 1\), got 1/);
});
