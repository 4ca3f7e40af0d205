/**
 * Reference solution: W3C trace context over message headers.
 *
 * @module
 */

import { extractContext, injectContext } from "../../src/mod.ts";
import type { SpanContext, Tracer, TraceSpan } from "./api.ts";

export function callOut(
  tracer: Tracer,
  current: SpanContext,
  to: string,
  headers: Record<string, string>,
): TraceSpan {
  const span = tracer.startSpan(`call ${to}`, { parent: current, kind: "client" });
  // The callee's parent is this client span, not the server span around it (OpenTelemetry).
  injectContext(span.context, headers);
  return span;
}

export function handleIn(
  tracer: Tracer,
  name: string,
  headers: Readonly<Record<string, string>>,
): TraceSpan {
  // An absent or invalid traceparent starts a new trace (W3C Trace Context §3.2).
  return tracer.startSpan(name, { parent: extractContext(headers), kind: "server" });
}
