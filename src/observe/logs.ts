/**
 * Structured logs: one JSON object per line, with the trace and span ids of the span that
 * was current, so a log line leads to its trace and a trace to its log lines (OpenTelemetry
 * Logs data model: `TraceId`, `SpanId`, `SeverityText`, `Body`, `Attributes`).
 *
 * @module
 */

import type { SpanContext } from "./tracing.ts";

/** Log severities, lowest first. */
export type StructuredLogLevel = "debug" | "info" | "warn" | "error";

/** One structured log record. */
export interface StructuredLogRecord {
  readonly ts: number;
  readonly level: StructuredLogLevel;
  readonly service: string;
  readonly msg: string;
  readonly trace_id?: string;
  readonly span_id?: string;
  readonly [field: string]: unknown;
}

/**
 * A logger that keeps records in memory (the caller writes them out): nothing here does I/O.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { StructuredLogger } from "./logs.ts";
 * const log = new StructuredLogger("payments", { now: () => 42 });
 * log.error("card declined", { traceId: "a".repeat(32), spanId: "b".repeat(16), sampled: true }, { amount: 12 });
 * assert.equal(JSON.parse(log.toJsonLines()).trace_id, "a".repeat(32));
 * ```
 */
export class StructuredLogger {
  readonly service: string;
  readonly records: StructuredLogRecord[] = [];
  #now: () => number;

  constructor(service: string, options: { now: () => number }) {
    this.service = service;
    this.#now = options.now;
  }

  log(
    level: StructuredLogLevel,
    msg: string,
    ctx?: SpanContext | null,
    fields: Record<string, unknown> = {},
  ): void {
    this.records.push({
      ts: this.#now(),
      level,
      service: this.service,
      msg,
      ...(ctx ? { trace_id: ctx.traceId, span_id: ctx.spanId } : {}),
      ...fields,
    });
  }
  info(msg: string, ctx?: SpanContext | null, fields?: Record<string, unknown>): void {
    this.log("info", msg, ctx, fields);
  }
  warn(msg: string, ctx?: SpanContext | null, fields?: Record<string, unknown>): void {
    this.log("warn", msg, ctx, fields);
  }
  error(msg: string, ctx?: SpanContext | null, fields?: Record<string, unknown>): void {
    this.log("error", msg, ctx, fields);
  }

  /** The records as JSON lines. */
  toJsonLines(): string {
    return this.records.map((r) => JSON.stringify(r)).join("\n");
  }
}
