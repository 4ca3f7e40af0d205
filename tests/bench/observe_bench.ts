/**
 * Observability: percentiles exact vs sketched (the sketch is mergeable and small; is it also
 * fast?), span creation, and the traced shop at the `trace` experiment's defaults.
 *
 *   deno bench -A tests/bench/observe_bench.ts
 */
import { DdSketch, ExactHistogram, Random, Tracer } from "../../src/mod.ts";
import { runShop } from "../../src/experiments/trace_shop.ts";

const random = new Random(1);
const values = Array.from({ length: 10_000 }, () => random.exponential(20));

Deno.bench("exact histogram: 10k values, p50+p99", { group: "percentiles", baseline: true }, () => {
  const h = new ExactHistogram();
  for (const v of values) h.record(v);
  h.quantile(0.5);
  h.quantile(0.99);
});
Deno.bench("DDSketch alpha=1%: 10k values, p50+p99", { group: "percentiles" }, () => {
  const s = new DdSketch({ alpha: 0.01 });
  for (const v of values) s.record(v);
  s.quantile(0.5);
  s.quantile(0.99);
});

Deno.bench("1000 root spans", { group: "spans", baseline: true }, () => {
  const t = new Tracer("s", { random: new Random(2), now: () => 0 });
  for (let i = 0; i < 1000; i++) t.startSpan("x").end();
});
Deno.bench("1000 child spans with events", { group: "spans" }, () => {
  const t = new Tracer("s", { random: new Random(2), now: () => 0 });
  const root = t.startSpan("root");
  for (let i = 0; i < 1000; i++) t.startSpan("x", { parent: root.context }).addEvent("e").end();
});

Deno.bench("traced shop, 50 requests", { group: "shop", baseline: true }, () => {
  runShop({ seed: 1, requests: 50 });
});
Deno.bench(
  "traced shop, 50 requests, slow inventory and failing payments",
  { group: "shop" },
  () => {
    runShop({
      seed: 1,
      requests: 50,
      slowMs: { inventory: 25 },
      errorProbability: { payments: 0.05 },
    });
  },
);
