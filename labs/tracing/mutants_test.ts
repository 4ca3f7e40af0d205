/**
 * Mutation check: the tracing lab's tests must reject the usual propagation mistakes. (This file
 * tests the tests; a learner can ignore it.)
 */
import assert from "node:assert/strict";
import { extractContext, formatTraceparent, injectContext } from "../../src/mod.ts";
import type { TracingLab } from "./api.ts";
import { chainFailures, entryFailures } from "./cases.ts";

const correct: TracingLab = {
  callOut(tracer, current, to, headers) {
    const span = tracer.startSpan(`call ${to}`, { parent: current, kind: "client" });
    injectContext(span.context, headers);
    return span;
  },
  handleIn: (tracer, name, headers) =>
    tracer.startSpan(name, { parent: extractContext(headers), kind: "server" }),
};

const MUTANTS: Record<string, TracingLab> = {
  "never injects the context": {
    callOut: (tracer, current, to) =>
      tracer.startSpan(`call ${to}`, { parent: current, kind: "client" }),
    handleIn: correct.handleIn,
  },
  "never extracts it": {
    callOut: correct.callOut,
    handleIn: (tracer, name) => tracer.startSpan(name, { kind: "server" }),
  },
  "injects the server span's context instead of the client span's": {
    callOut(tracer, current, to, headers) {
      headers.traceparent = formatTraceparent(current);
      return tracer.startSpan(`call ${to}`, { parent: current, kind: "client" });
    },
    handleIn: correct.handleIn,
  },
  "starts the client span as a new root": {
    callOut(tracer, _current, to, headers) {
      const span = tracer.startSpan(`call ${to}`, { kind: "client" });
      injectContext(span.context, headers);
      return span;
    },
    handleIn: correct.handleIn,
  },
  "trusts any traceparent, even an invalid one": {
    callOut: correct.callOut,
    handleIn(tracer, name, headers) {
      const [, traceId, spanId] = (headers.traceparent ?? "").split("-");
      const parent = traceId && spanId ? { traceId, spanId, sampled: true } : null;
      return tracer.startSpan(name, { parent, kind: "server" });
    },
  },
};

for (const [name, mutant] of Object.entries(MUTANTS)) {
  Deno.test(`the tracing tests reject a propagation that ${name}`, () => {
    assert.ok(chainFailures(mutant).length + entryFailures(mutant).length > 0);
  });
}

Deno.test("the tracing tests accept correct propagation", () => {
  assert.deepEqual([...chainFailures(correct), ...entryFailures(correct)], []);
});
