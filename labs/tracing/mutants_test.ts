/**
 * Mutation battery: context propagation a learner could plausibly write, each of which the
 * lab's checks (`cases.ts`) must reject. (It tests the tests; a learner can ignore it, and a
 * workshop fork leaves it out: it needs the reference solution.)
 */

import { formatTraceparent, injectContext, type TraceSpan } from "../../src/mod.ts";
import { type LabMutant, registerMutationBattery } from "../_lib/checks.ts";
import type { TracingLab } from "./api.ts";
import { TRACING_CHECKS } from "./cases.ts";
import * as reference from "./solution.ts";

const withCallOut = (name: string, callOut: TracingLab["callOut"]) => ({
  name,
  lab: { callOut, handleIn: reference.handleIn },
});
const withHandleIn = (name: string, handleIn: TracingLab["handleIn"]) => ({
  name,
  lab: { callOut: reference.callOut, handleIn },
});

/** A client span per (tracer, caller span): the first call's span is reused for the next. */
const reused = new WeakMap<object, TraceSpan>();

const MUTANTS: LabMutant<TracingLab>[] = [
  withCallOut(
    "never injects the context",
    (tracer, current, to) => tracer.startSpan(`call ${to}`, { parent: current, kind: "client" }),
  ),
  withHandleIn("never extracts it", (tracer, name) => tracer.startSpan(name, { kind: "server" })),
  withCallOut(
    "injects the server span's context instead of the client span's",
    (tracer, current, to, headers) => {
      headers.traceparent = formatTraceparent(current);
      return tracer.startSpan(`call ${to}`, { parent: current, kind: "client" });
    },
  ),
  withCallOut("starts the client span as a new root", (tracer, _current, to, headers) => {
    const span = tracer.startSpan(`call ${to}`, { kind: "client" });
    injectContext(span.context, headers);
    return span;
  }),
  withHandleIn("trusts any traceparent, even an invalid one", (tracer, name, headers) => {
    const [, traceId, spanId] = (headers.traceparent ?? "").split("-");
    const parent = traceId && spanId ? { traceId, spanId, sampled: true } : null;
    return tracer.startSpan(name, { parent, kind: "server" });
  }),
  withHandleIn("checks the format but accepts an all-zero trace id", (tracer, name, headers) => {
    const m = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(headers.traceparent ?? "");
    const parent = m ? { traceId: m[1], spanId: m[2], sampled: true } : null;
    return tracer.startSpan(name, { parent, kind: "server" });
  }),
  withCallOut("marks the outgoing span as a server span", (tracer, current, to, headers) => {
    const span = tracer.startSpan(`call ${to}`, { parent: current, kind: "server" });
    injectContext(span.context, headers);
    return span;
  }),
  withHandleIn(
    "marks the incoming span as a client span",
    (tracer, name, headers) => {
      const span = reference.handleIn(tracer, name, headers);
      return tracer.startSpan(name, {
        parent: span.parentSpanId === "" ? null : { ...span.context, spanId: span.parentSpanId },
        kind: "client",
      });
    },
  ),
  withCallOut("writes the header as Traceparent (capitalised)", (tracer, current, to, headers) => {
    const span = tracer.startSpan(`call ${to}`, { parent: current, kind: "client" });
    headers.Traceparent = formatTraceparent(span.context);
    return span;
  }),
  withCallOut(
    "replaces the headers object instead of filling it",
    (tracer, current, to, headers) => {
      const span = tracer.startSpan(`call ${to}`, { parent: current, kind: "client" });
      headers = { traceparent: formatTraceparent(span.context) };
      void headers;
      return span;
    },
  ),
  withCallOut("writes the ids in upper case", (tracer, current, to, headers) => {
    const span = tracer.startSpan(`call ${to}`, { parent: current, kind: "client" });
    headers.traceparent = formatTraceparent(span.context).toUpperCase();
    return span;
  }),
  withCallOut("ends the client span before the call is made", (tracer, current, to, headers) => {
    const span = reference.callOut(tracer, current, to, headers);
    span.end();
    return span;
  }),
  withCallOut(
    "reuses one client span for every call a service makes (right for a chain, not a fan-out)",
    (tracer, current, to, headers) => {
      const span = reused.get(current) ??
        tracer.startSpan(`call ${to}`, { parent: current, kind: "client" });
      reused.set(current, span);
      injectContext(span.context, headers);
      return span;
    },
  ),
];

registerMutationBattery({ lab: "tracing", checks: TRACING_CHECKS, reference, mutants: MUTANTS });
