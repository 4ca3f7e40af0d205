/**
 * Distributed tracing in OpenTelemetry's model: spans with trace and span ids from a seeded
 * generator, parent links, span kinds, attributes, events and a status; the context carried
 * between services in a W3C `traceparent` header; finished spans exported as OTLP-shaped JSON.
 *
 * Sources: W3C Trace Context (Recommendation, 2021) §3.2 for the `traceparent` format and its
 * validity rules; the OpenTelemetry specification (Trace API: Span, SpanContext, SpanKind,
 * Status) and the OTLP protobuf's JSON mapping for the export shape; Sigelman et al., "Dapper"
 * (2010) §2 for the trace tree. Guarantees: ids are unique per tracer stream and never all
 * zero; a child span shares its parent's trace id. Non-goals: sampling decisions beyond the
 * sampled flag, `tracestate`, baggage, links between traces.
 *
 * @module
 */

import type { Random } from "../sim/mod.ts";

/** What crosses a process boundary: the ids of the current span (W3C `traceparent`). */
export interface SpanContext {
  /** 32 lowercase hex digits, not all zero. */
  readonly traceId: string;
  /** 16 lowercase hex digits, not all zero. */
  readonly spanId: string;
  readonly sampled: boolean;
}

/** OpenTelemetry's span kinds. */
export type SpanKind = "internal" | "server" | "client" | "producer" | "consumer";

/** A finished span, as exported. Times are virtual milliseconds. */
export interface SpanRecord {
  readonly traceId: string;
  readonly spanId: string;
  /** Empty for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  readonly service: string;
  readonly kind: SpanKind;
  readonly startMs: number;
  readonly endMs: number;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
  readonly events: readonly {
    name: string;
    atMs: number;
    attributes: Record<string, string | number | boolean>;
  }[];
  readonly status: { code: "unset" | "ok" | "error"; message?: string };
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * Formats a span context as a W3C `traceparent` header (version 00).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatTraceparent } from "./tracing.ts";
 * const ctx = { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7", sampled: true };
 * assert.equal(formatTraceparent(ctx), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
 * ```
 */
export function formatTraceparent(ctx: SpanContext): string {
  return `00-${ctx.traceId}-${ctx.spanId}-${ctx.sampled ? "01" : "00"}`;
}

/**
 * Parses a `traceparent` header, or returns null when it is invalid (W3C Trace Context §3.2:
 * version `ff` is forbidden, ids must not be all zero, version 00 has exactly four fields; a
 * later version may append fields).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseTraceparent } from "./tracing.ts";
 * assert.equal(parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")?.sampled, true);
 * assert.equal(parseTraceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01"), null);
 * assert.equal(parseTraceparent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), null);
 * ```
 */
export function parseTraceparent(header: string | undefined): SpanContext | null {
  if (header === undefined) return null;
  const m = TRACEPARENT.exec(header.trim());
  if (m === null) return null;
  const [, version, traceId, spanId, flags, rest] = m;
  if (version === "ff" || (version === "00" && rest !== undefined)) return null;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return null;
  return { traceId, spanId, sampled: (parseInt(flags, 16) & 1) === 1 };
}

/** Writes the context into message headers (OpenTelemetry's TextMap propagator `inject`). */
export function injectContext(ctx: SpanContext, headers: Record<string, string>): void {
  headers.traceparent = formatTraceparent(ctx);
}

/** Reads the context from message headers (`extract`), or null when absent or invalid. */
export function extractContext(headers: Readonly<Record<string, string>>): SpanContext | null {
  return parseTraceparent(headers.traceparent);
}

function hex(random: Random, digits: number): string {
  let out = "";
  while (out.length < digits) out += random.nextUint32().toString(16).padStart(8, "0");
  out = out.slice(0, digits);
  // An all-zero id is invalid (W3C §3.2.2.3): astronomically unlikely, but never emitted.
  return /^0+$/.test(out) ? `${out.slice(0, -1)}1` : out;
}

/** A span being recorded; `end()` hands it to its tracer. */
export class TraceSpan {
  readonly context: SpanContext;
  readonly parentSpanId: string;
  readonly name: string;
  readonly kind: SpanKind;
  readonly startMs: number;
  #attributes: Record<string, string | number | boolean>;
  #events: SpanRecord["events"][number][] = [];
  #status: SpanRecord["status"] = { code: "unset" };
  #tracer: Tracer;
  #ended = false;

  /** Use {@linkcode Tracer.startSpan}. */
  constructor(
    tracer: Tracer,
    init: {
      context: SpanContext;
      parentSpanId: string;
      name: string;
      kind: SpanKind;
      startMs: number;
      attributes: Record<string, string | number | boolean>;
    },
  ) {
    this.#tracer = tracer;
    this.context = init.context;
    this.parentSpanId = init.parentSpanId;
    this.name = init.name;
    this.kind = init.kind;
    this.startMs = init.startMs;
    this.#attributes = { ...init.attributes };
  }

  /** Sets an attribute. */
  setAttribute(key: string, value: string | number | boolean): this {
    this.#attributes[key] = value;
    return this;
  }

  /** Records a timestamped event inside the span (e.g. a retry, an exception). */
  addEvent(name: string, attributes: Record<string, string | number | boolean> = {}): this {
    this.#events.push({ name, atMs: this.#tracer.now(), attributes });
    return this;
  }

  /** Sets the status; OpenTelemetry: `ok` overrides `error`, and `unset` never overrides. */
  setStatus(code: "ok" | "error", message?: string): this {
    if (this.#status.code === "ok") return this;
    this.#status = message === undefined ? { code } : { code, message };
    return this;
  }

  /** Ends the span; a second call is ignored (as the API requires). */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#tracer.record({
      traceId: this.context.traceId,
      spanId: this.context.spanId,
      parentSpanId: this.parentSpanId,
      name: this.name,
      service: this.#tracer.service,
      kind: this.kind,
      startMs: this.startMs,
      endMs: this.#tracer.now(),
      attributes: { ...this.#attributes },
      events: [...this.#events],
      status: this.#status,
    });
  }
}

/**
 * Creates spans for one service. Ids come from the given seeded stream and time from the
 * given clock, so a trace replays byte for byte.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Random } from "../sim/mod.ts";
 * import { Tracer } from "./tracing.ts";
 * let now = 0;
 * const tracer = new Tracer("checkout", { random: new Random(1), now: () => now });
 * const root = tracer.startSpan("GET /checkout", { kind: "server" });
 * const child = tracer.startSpan("charge card", { parent: root.context, kind: "client" });
 * now = 12;
 * child.setStatus("error", "card declined").end();
 * root.end();
 * assert.equal(tracer.finished[0].parentSpanId, root.context.spanId);
 * assert.equal(tracer.finished[0].traceId, root.context.traceId);
 * assert.equal(tracer.finished[1].parentSpanId, "");
 * ```
 */
export class Tracer {
  readonly service: string;
  /** Spans ended so far, in end order (the exporter's buffer). */
  readonly finished: SpanRecord[] = [];
  readonly now: () => number;
  #random: Random;

  constructor(service: string, options: { random: Random; now: () => number }) {
    if (typeof service !== "string" || service === "") {
      throw new RangeError(
        `Tracer: service must be a non-empty string, got ${JSON.stringify(service)}`,
      );
    }
    this.service = service;
    this.#random = options.random;
    this.now = options.now;
  }

  /** Starts a span: a child of `parent` when given (same trace), else the root of a new trace. */
  startSpan(
    name: string,
    options: {
      parent?: SpanContext | null;
      kind?: SpanKind;
      attributes?: Record<string, string | number | boolean>;
    } = {},
  ): TraceSpan {
    const parent = options.parent ?? null;
    const context: SpanContext = {
      traceId: parent?.traceId ?? hex(this.#random, 32),
      spanId: hex(this.#random, 16),
      sampled: parent?.sampled ?? true,
    };
    return new TraceSpan(this, {
      context,
      parentSpanId: parent?.spanId ?? "",
      name,
      kind: options.kind ?? "internal",
      startMs: this.now(),
      attributes: { "service.name": this.service, ...(options.attributes ?? {}) },
    });
  }

  /** Called by {@linkcode TraceSpan.end}. */
  record(span: SpanRecord): void {
    this.finished.push(span);
  }
}

const KIND_NUMBER: Record<SpanKind, number> = {
  internal: 1,
  server: 2,
  client: 3,
  producer: 4,
  consumer: 5,
};
const STATUS_NUMBER = { unset: 0, ok: 1, error: 2 } as const;

function otlpValue(v: string | number | boolean): Record<string, unknown> {
  if (typeof v === "string") return { stringValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

const attributesOf = (attrs: Readonly<Record<string, string | number | boolean>>) =>
  Object.entries(attrs).map(([key, value]) => ({ key, value: otlpValue(value) }));

const nanos = (ms: number) => String(Math.round(ms * 1e6));

/**
 * Exports spans as an OTLP/JSON `ExportTraceServiceRequest`: one resource per service, times as
 * nanosecond strings, kinds and status codes as the protobuf's numbers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Random } from "../sim/mod.ts";
 * import { toOtlpJson, Tracer } from "./tracing.ts";
 * const tracer = new Tracer("api", { random: new Random(2), now: () => 5 });
 * tracer.startSpan("GET /", { kind: "server" }).end();
 * const otlp = toOtlpJson(tracer.finished) as any;
 * const span = otlp.resourceSpans[0].scopeSpans[0].spans[0];
 * assert.equal(span.kind, 2);
 * assert.equal(span.startTimeUnixNano, "5000000");
 * ```
 */
export function toOtlpJson(spans: readonly SpanRecord[]): Record<string, unknown> {
  const services = [...new Set(spans.map((s) => s.service))];
  return {
    resourceSpans: services.map((service) => ({
      resource: { attributes: attributesOf({ "service.name": service }) },
      scopeSpans: [{
        scope: { name: "netsplit" },
        spans: spans.filter((s) => s.service === service).map((s) => ({
          traceId: s.traceId,
          spanId: s.spanId,
          ...(s.parentSpanId === "" ? {} : { parentSpanId: s.parentSpanId }),
          name: s.name,
          kind: KIND_NUMBER[s.kind],
          startTimeUnixNano: nanos(s.startMs),
          endTimeUnixNano: nanos(s.endMs),
          attributes: attributesOf(s.attributes),
          events: s.events.map((e) => ({
            timeUnixNano: nanos(e.atMs),
            name: e.name,
            attributes: attributesOf(e.attributes),
          })),
          status: {
            code: STATUS_NUMBER[s.status.code],
            ...(s.status.message === undefined ? {} : { message: s.status.message }),
          },
        })),
      }],
    })),
  };
}

/**
 * What is wrong with a set of spans as one trace tree (empty when it is one): more than one
 * root, a parent that is not in the set, a span from another trace, a child starting before
 * its parent or ending after it (allowed for async children, so only with `nested`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { spanTreeViolations } from "./tracing.ts";
 * const base = { name: "x", service: "s", kind: "internal" as const, attributes: {}, events: [], status: { code: "unset" as const } };
 * const root = { ...base, traceId: "a".repeat(32), spanId: "1".repeat(16), parentSpanId: "", startMs: 0, endMs: 10 };
 * const orphan = { ...root, spanId: "2".repeat(16), parentSpanId: "3".repeat(16) };
 * assert.deepEqual(spanTreeViolations([root]), []);
 * assert.match(spanTreeViolations([root, orphan])[0], /parent 3333333333333333 is missing/);
 * ```
 */
export function spanTreeViolations(
  spans: readonly SpanRecord[],
  options: { nested?: boolean } = {},
): string[] {
  const out: string[] = [];
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const roots = spans.filter((s) => s.parentSpanId === "");
  if (roots.length !== 1) out.push(`expected one root span, found ${roots.length}`);
  const traceId = roots[0]?.traceId ?? spans[0]?.traceId;
  for (const s of spans) {
    if (s.traceId !== traceId) {
      out.push(`span ${s.name} (${s.spanId}) is in trace ${s.traceId}, not ${traceId}`);
    }
    if (s.parentSpanId === "") continue;
    const parent = byId.get(s.parentSpanId);
    if (parent === undefined) {
      out.push(`span ${s.name} (${s.spanId}): parent ${s.parentSpanId} is missing`);
    } else if (options.nested && (s.startMs < parent.startMs || s.endMs > parent.endMs)) {
      out.push(`span ${s.name} (${s.spanId}) is not inside its parent ${parent.name}`);
    }
  }
  return out;
}
