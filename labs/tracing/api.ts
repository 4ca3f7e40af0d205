/**
 * What the tracing lab asks you to implement (see README.md).
 *
 * @module
 */

import type { SpanContext, Tracer, TraceSpan } from "../../src/mod.ts";
export type { SpanContext, Tracer, TraceSpan };

/** Your context propagation. */
export interface TracingLab {
  /**
   * Caller side: start the client span for a call to `to`, as a child of the span `current`,
   * and write the context the callee needs into `headers`. Return the client span (the harness
   * ends it when the reply comes back).
   */
  callOut(
    tracer: Tracer,
    current: SpanContext,
    to: string,
    headers: Record<string, string>,
  ): TraceSpan;
  /**
   * Callee side: start the server span `name` for an incoming call whose message headers are
   * `headers`, continuing the caller's trace when the headers carry a valid context, and
   * starting a new trace when they do not. Return the server span (the harness ends it).
   */
  handleIn(tracer: Tracer, name: string, headers: Readonly<Record<string, string>>): TraceSpan;
}
