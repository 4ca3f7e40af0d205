import assert from "node:assert/strict";
import fc from "fast-check";
import { Random } from "../sim/mod.ts";
import {
  extractContext,
  formatTraceparent,
  injectContext,
  parseTraceparent,
  spanTreeViolations,
  toOtlpJson,
  Tracer,
} from "./tracing.ts";

const SEED = 31337;

Deno.test("traceparent round-trips every valid context", () => {
  console.log(`fast-check seed ${SEED}`);
  const hexString = (n: number) =>
    fc.array(fc.constantFrom(..."0123456789abcdef"), { minLength: n, maxLength: n }).map((a) =>
      a.join("")
    )
      .filter((s) => !/^0+$/.test(s));
  fc.assert(
    fc.property(hexString(32), hexString(16), fc.boolean(), (traceId, spanId, sampled) => {
      const ctx = { traceId, spanId, sampled };
      assert.deepEqual(parseTraceparent(formatTraceparent(ctx)), ctx);
    }),
    { seed: SEED, numRuns: 200 },
  );
});

Deno.test("parseTraceparent refuses malformed headers (W3C Trace Context §3.2)", () => {
  for (
    const bad of [
      "",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
    ]
  ) assert.equal(parseTraceparent(bad), null, bad);
  // A future version may append fields.
  assert.ok(parseTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"));
});

Deno.test("Context injected into headers and extracted downstream makes a child of the same trace", () => {
  const clock = { now: 0 };
  const front = new Tracer("front", { random: new Random(1).split("front"), now: () => clock.now });
  const back = new Tracer("back", { random: new Random(1).split("back"), now: () => clock.now });
  const root = front.startSpan("GET /", { kind: "server" });
  const call = front.startSpan("call back", { parent: root.context, kind: "client" });
  const headers: Record<string, string> = {};
  injectContext(call.context, headers);
  const server = back.startSpan("handle", { parent: extractContext(headers), kind: "server" });
  clock.now = 5;
  server.addEvent("cache miss").setStatus("ok");
  server.end();
  call.end();
  root.end();
  const spans = [...front.finished, ...back.finished];
  assert.deepEqual(spanTreeViolations(spans, { nested: true }), []);
  assert.equal(back.finished[0].parentSpanId, call.context.spanId);
});

Deno.test("spanTreeViolations catches a lost context: a second root in another trace", () => {
  const t = new Tracer("svc", { random: new Random(3), now: () => 0 });
  const root = t.startSpan("a");
  const detached = t.startSpan("b"); // the callee did not extract the context
  detached.end();
  root.end();
  const found = spanTreeViolations(t.finished);
  assert.ok(found.some((v) => /expected one root span, found 2/.test(v)), found.join("; "));
});

Deno.test("The same seed gives the same ids, and a span's status keeps ok over a later error", () => {
  const ids = (seed: number) => {
    const t = new Tracer("s", { random: new Random(seed), now: () => 0 });
    const span = t.startSpan("x");
    span.setStatus("ok").setStatus("error", "late");
    span.end();
    span.end();
    return t.finished;
  };
  assert.deepEqual(ids(9), ids(9));
  assert.equal(ids(9).length, 1);
  assert.equal(ids(9)[0].status.code, "ok");
  const otlp = toOtlpJson(ids(9)) as {
    resourceSpans: { scopeSpans: { spans: { status: { code: number } }[] }[] }[];
  };
  assert.equal(otlp.resourceSpans[0].scopeSpans[0].spans[0].status.code, 1);
});
