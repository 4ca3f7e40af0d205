import assert from "node:assert/strict";
import fc from "fast-check";
import { Random, Simulation } from "../sim/mod.ts";
import {
  apiGateway,
  BALANCER_KINDS,
  Caller,
  type CallPolicy,
  type CallResult,
  loadBalancer,
  loadClient,
  meshSidecar,
  type ServiceMessage,
  serviceNode,
} from "./mod.ts";
import { tokenBucketBound } from "../check/invariants/resilience.ts";

const SEED = 777;

/** One client calling `db` once with `policy`; returns the result and how many requests db saw. */
function callOnce(policy: CallPolicy, db: Parameters<typeof serviceNode>[0]) {
  const sim = new Simulation<ServiceMessage>({ seed: 1 });
  let seen = 0;
  sim.addNode("db", serviceNode({ ...db, onRequest: () => seen++ }));
  const results: CallResult[] = [];
  sim.addNode("app", (rt) => {
    const caller = new Caller(rt, ["db"], policy);
    return {
      onStart: () => caller.call("get", {}, (r) => results.push(r)),
      onMessage: (_f, m) => void (m.type === "Response" && caller.onResponse(m)),
      onTimer: (tag, data) => void caller.onTimer(tag, data),
    };
  });
  sim.run({ untilMs: 60_000 });
  return { result: results[0], seen, calls: results.length };
}

Deno.test("A caller without a timeout waits as long as the callee takes", () => {
  const { result } = callOnce({}, { serviceTimeMs: 5000, serviceTime: "constant" });
  assert.equal(result.ok, true);
  assert.ok(result.endMs - result.startMs >= 5000);
});

Deno.test("A caller with a timeout gives up, and retries up to maxAttempts on failures", () => {
  const slow = callOnce({ timeoutMs: 100, maxAttempts: 3 }, {
    serviceTimeMs: 5000,
    serviceTime: "constant",
  });
  assert.equal(slow.result.reason, "timeout");
  assert.equal(slow.result.attempts, 3);
  assert.equal(slow.seen, 3);
  assert.equal(slow.calls, 1, "done runs exactly once");
  const failing = callOnce({ maxAttempts: 4, backoff: { baseMs: 10, jitter: "full" } }, {
    health: () => ({ slowdown: 1, errorRate: 1 }),
  });
  assert.deepEqual([failing.result.reason, failing.result.attempts, failing.seen], ["error", 4, 4]);
});

Deno.test("A caller with an open breaker fails fast without sending anything", () => {
  const sim = new Simulation<ServiceMessage>({ seed: 2 });
  let seen = 0;
  sim.addNode(
    "db",
    serviceNode({ health: () => ({ slowdown: 1, errorRate: 1 }), onRequest: () => seen++ }),
  );
  const results: CallResult[] = [];
  sim.addNode(
    "app",
    loadClient({
      backends: ["db"],
      ratePerSecond: 100,
      durationMs: 2000,
      policy: { breaker: { windowSize: 5, minimumCalls: 5, waitInOpenMs: 60_000 } },
      onResult: (_r, res) => void results.push(res),
    }),
  );
  sim.run({ untilMs: 3000 });
  // Five failures trip it; only the calls already in flight then still reach db.
  assert.ok(seen >= 5 && seen < 10, `db saw ${seen}`);
  assert.ok(results.filter((r) => r.reason === "open").length > 150);
});

Deno.test("Least outstanding picks a least-loaded backend and power of two never the busier of its pair", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 2, maxLength: 8 }),
      fc.integer(),
      (loads, seed) => {
        const names = loads.map((_, i) => `b${i}`);
        const load = (b: string) => loads[Number(b.slice(1))];
        const random = new Random(seed);
        assert.equal(
          load(loadBalancer("least-outstanding").pick(names, load, random)),
          Math.min(...loads),
        );
        // With two backends, p2c compares both, so it must take the less loaded one.
        const two = names.slice(0, 2);
        assert.equal(
          load(loadBalancer("power-of-two").pick(two, load, random)),
          Math.min(loads[0], loads[1]),
        );
      },
    ),
    { seed: SEED, numRuns: 200 },
  );
  assert.throws(() => loadBalancer("random").pick([], () => 0, new Random(1)), /no backends/);
  assert.equal(BALANCER_KINDS.length, 4);
});

Deno.test("A gateway limits each token to burst + rate · t and rejects unknown tokens", () => {
  const sim = new Simulation<ServiceMessage>({ seed: 3 });
  sim.addNode("svc", serviceNode());
  const forwarded: number[] = [];
  const reasons: string[] = [];
  sim.addNode(
    "gw",
    apiGateway({
      routes: [{ prefix: "", backends: ["svc"] }],
      tokens: ["alice"],
      rateLimit: { ratePerSecond: 20, burst: 5 },
      onDecision: (req, reason) => {
        reasons.push(reason);
        if (reason === "forwarded" && req.token === "alice") forwarded.push(sim.now);
      },
    }),
  );
  sim.addNode(
    "alice",
    loadClient({ backends: ["gw"], ratePerSecond: 200, durationMs: 2000, token: "alice" }),
  );
  sim.addNode(
    "eve",
    loadClient({ backends: ["gw"], ratePerSecond: 10, durationMs: 2000, token: "eve" }),
  );
  sim.run({ untilMs: 3000 });
  assert.equal(tokenBucketBound(forwarded, { ratePerSecond: 20, burst: 5 }), null);
  assert.ok(forwarded.length >= 40 && forwarded.length <= 46, `forwarded ${forwarded.length}`);
  assert.ok(reasons.includes("rate-limited") && reasons.includes("unauthorized"));
});

Deno.test("A mesh splits 90/10, delays and aborts the configured shares", () => {
  const sim = new Simulation<ServiceMessage>({ seed: 4 });
  const hits = { v1: 0, v2: 0 };
  sim.addNode("v1", serviceNode({ onRequest: () => hits.v1++ }));
  sim.addNode("v2", serviceNode({ onRequest: () => hits.v2++ }));
  sim.addNode(
    "mesh",
    meshSidecar({
      rules: [{
        split: [{ destination: "v1", weight: 90 }, { destination: "v2", weight: 10 }],
        delay: { percent: 50, ms: 200 },
        abort: { percent: 20, reason: "error" },
      }],
    }),
  );
  const results: CallResult[] = [];
  sim.addNode(
    "c",
    loadClient({
      backends: ["mesh"],
      ratePerSecond: 500,
      durationMs: 4000,
      onResult: (_r, res) => void results.push(res),
    }),
  );
  sim.run({ untilMs: 6000 });
  const n = results.length;
  const aborted = results.filter((r) => r.reason === "error").length / n;
  assert.ok(Math.abs(aborted - 0.2) < 0.03, `aborted ${aborted}`);
  const v2Share = hits.v2 / (hits.v1 + hits.v2);
  assert.ok(Math.abs(v2Share - 0.1) < 0.02, `v2 share ${v2Share}`);
  const delayed = results.filter((r) => r.ok && r.endMs - r.startMs >= 200).length /
    results.filter((r) => r.ok).length;
  assert.ok(Math.abs(delayed - 0.5) < 0.05, `delayed ${delayed}`);
});
