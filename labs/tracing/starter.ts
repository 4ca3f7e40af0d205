/**
 * Your context propagation. Run `NETSPLIT_LAB_TARGET=starter deno test -A labs/tracing` until it
 * is green.
 *
 * @module
 */

import type { SpanContext, Tracer, TraceSpan } from "./api.ts";

/**
 * The caller's side of a call.
 *
 * TODO: the callee never hears which trace this call belongs to. Write the new span's context
 * into `headers` as a W3C `traceparent` (`formatTraceparent` or `injectContext` in src/observe).
 */
export function callOut(
  tracer: Tracer,
  current: SpanContext,
  to: string,
  _headers: Record<string, string>,
): TraceSpan {
  return tracer.startSpan(`call ${to}`, { parent: current, kind: "client" });
}

/**
 * The callee's side.
 *
 * TODO: this starts a new trace for every call. Continue the caller's trace when the headers
 * carry a valid context (`parseTraceparent` / `extractContext`).
 */
export function handleIn(
  tracer: Tracer,
  name: string,
  _headers: Readonly<Record<string, string>>,
): TraceSpan {
  return tracer.startSpan(name, { kind: "server" });
}
