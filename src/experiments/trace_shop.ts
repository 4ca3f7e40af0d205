/**
 * A small simulated shop for the observability and chaos experiments: a client calls a
 * gateway, the gateway calls orders, orders calls inventory and payments in parallel. Every
 * service traces (server and client spans, W3C `traceparent` in the message headers), logs
 * JSON lines with trace ids, and the client keeps the metrics (latency histogram exact and
 * sketched, request and error counters). Faults are kernel faults, as data.
 *
 * @module
 */

import type { Fault, NodeId, Runtime } from "../sim/mod.ts";
import { Random, Simulation } from "../sim/mod.ts";
import {
  DdSketch,
  ExactHistogram,
  extractContext,
  injectContext,
  MetricCounter,
  type SpanContext,
  type SpanRecord,
  StructuredLogger,
  type StructuredLogRecord,
  Tracer,
  type TraceSpan,
} from "../observe/mod.ts";

/** The shop's services, callers first. */
export const SHOP_SERVICES = ["gateway", "orders", "inventory", "payments"] as const;
export type ShopService = (typeof SHOP_SERVICES)[number];

const DOWNSTREAM: Record<ShopService, readonly ShopService[]> = {
  gateway: ["orders"],
  orders: ["inventory", "payments"],
  inventory: [],
  payments: [],
};

type ShopMessage =
  | { type: "Call"; callId: number; op: string; headers: Record<string, string> }
  | { type: "Reply"; callId: number; ok: boolean; error?: string };

/** Options of {@linkcode runShop}. */
export interface ShopOptions {
  seed: number;
  /** Requests the client sends. @default 50 */
  requests?: number;
  /** Time between requests. @default 20 */
  intervalMs?: number;
  /** Mean work time per service call. @default 3 */
  workMeanMs?: number;
  /** Extra work time per service (an incident: a slow dependency). @default {} */
  slowMs?: Partial<Record<ShopService, number>>;
  /** Chance a service call fails (an incident: a failing dependency). @default {} */
  errorProbability?: Partial<Record<ShopService, number>>;
  /** A caller gives up on a downstream call after this long. @default 200 */
  callTimeoutMs?: number;
  /** Kernel faults to apply. @default [] */
  faults?: readonly Fault[];
}

/** One client request's outcome. */
export interface ShopRequest {
  readonly id: number;
  readonly startMs: number;
  readonly latencyMs: number;
  readonly ok: boolean;
  readonly traceId: string;
}

/** Everything the three signals recorded. */
export interface ShopResult {
  requests: ShopRequest[];
  spans: SpanRecord[];
  logs: StructuredLogRecord[];
  latency: ExactHistogram;
  sketch: DdSketch;
  errors: number;
  traceHash: string;
}

/**
 * The caller's side of a call: a client span, child of `current`, whose context goes into
 * `headers` as a W3C `traceparent`. Its own function so a workshop fork can run the learner's
 * tracing lab here.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Tracer } from "../observe/mod.ts";
 * import { Random } from "../sim/mod.ts";
 * import { shopCallOut, shopHandleIn } from "./trace_shop.ts";
 * const tracer = new Tracer("gateway", { random: new Random(1), now: () => 0 });
 * const root = tracer.startSpan("POST /checkout");
 * const headers: Record<string, string> = {};
 * const client = shopCallOut(tracer, root.context, "orders", headers);
 * const server = shopHandleIn(tracer, "orders.place", headers);
 * assert.equal(server.context.traceId, root.context.traceId);
 * assert.equal(client.context.traceId, root.context.traceId);
 * ```
 */
export function shopCallOut(
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

/** The callee's side: a server span continuing the caller's trace, or a new trace without one. */
export function shopHandleIn(
  tracer: Tracer,
  name: string,
  headers: Readonly<Record<string, string>>,
): TraceSpan {
  return tracer.startSpan(name, { parent: extractContext(headers), kind: "server" });
}

/**
 * Runs the shop and returns traces, logs and metrics.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runShop } from "./trace_shop.ts";
 * const shop = runShop({ seed: 1, requests: 5 });
 * assert.equal(shop.requests.length, 5);
 * assert.equal(shop.errors, 0);
 * // gateway, orders, inventory, payments: a server span each, plus three client spans
 * assert.equal(shop.spans.filter((s) => s.traceId === shop.requests[0].traceId).length, 8);
 * ```
 */
export function runShop(options: ShopOptions): ShopResult {
  const requests = options.requests ?? 50;
  const intervalMs = options.intervalMs ?? 20;
  const workMeanMs = options.workMeanMs ?? 3;
  const callTimeoutMs = options.callTimeoutMs ?? 200;
  if (!(Number.isInteger(requests) && requests >= 1 && requests <= 100_000)) {
    throw new RangeError(
      `runShop: option requests must be an integer in [1, 100000], got ${requests}`,
    );
  }
  const sim = new Simulation<ShopMessage>({
    seed: options.seed,
    trace: "hash",
    network: { latency: { kind: "uniform", minMs: 0.5, maxMs: 2 } },
  });
  const ids = new Random(options.seed).split("trace-ids");
  const tracers = new Map<string, Tracer>();
  const loggers = new Map<string, StructuredLogger>();
  for (const name of ["client", ...SHOP_SERVICES]) {
    tracers.set(name, new Tracer(name, { random: ids.split(name), now: () => sim.now }));
    loggers.set(name, new StructuredLogger(name, { now: () => sim.now }));
  }
  const latency = new ExactHistogram();
  const sketch = new DdSketch({ alpha: 0.01 });
  const errorCount = new MetricCounter();
  const done: ShopRequest[] = [];

  for (const service of SHOP_SERVICES) {
    sim.addNode(service, (rt: Runtime<ShopMessage>) => {
      const tracer = tracers.get(service)!;
      const log = loggers.get(service)!;
      let nextCall = 1;
      const serving = new Map<
        number,
        { from: NodeId; callId: number; span: TraceSpan; waiting: number; failed: string | null }
      >();
      const outgoing = new Map<
        number,
        { parent: number; span: TraceSpan; timer: number; to: string }
      >();
      const finish = (key: number) => {
        const s = serving.get(key)!;
        serving.delete(key);
        if (s.failed !== null) {
          s.span.setStatus("error", s.failed);
          log.error(`request failed: ${s.failed}`, s.span.context);
        } else s.span.setStatus("ok");
        s.span.end();
        rt.send(
          s.from,
          s.failed === null
            ? { type: "Reply", callId: s.callId, ok: true }
            : { type: "Reply", callId: s.callId, ok: false, error: s.failed },
        );
      };
      const settleOutgoing = (callId: number, ok: boolean, error?: string) => {
        const o = outgoing.get(callId);
        if (o === undefined) return;
        outgoing.delete(callId);
        rt.cancelTimer(o.timer);
        if (!ok) {
          o.span.setStatus("error", error ?? "failed");
          o.span.addEvent("exception", { "exception.message": error ?? "failed" });
        } else o.span.setStatus("ok");
        o.span.end();
        const s = serving.get(o.parent);
        if (s === undefined) return;
        if (!ok && s.failed === null) s.failed = `${o.to}: ${error ?? "failed"}`;
        if (--s.waiting === 0) finish(o.parent);
      };
      return {
        onMessage(from, msg) {
          if (msg.type === "Reply") return settleOutgoing(msg.callId, msg.ok, msg.error);
          const span = shopHandleIn(tracer, `${msg.op}`, msg.headers);
          const key = nextCall++;
          serving.set(key, { from, callId: msg.callId, span, waiting: 0, failed: null });
          const work = rt.random.exponential(workMeanMs) + (options.slowMs?.[service] ?? 0);
          rt.setTimer(work, "worked", key);
        },
        onTimer(tag, data) {
          if (tag === "timeout") {
            return settleOutgoing(data as number, false, "deadline exceeded");
          }
          const key = data as number;
          const s = serving.get(key);
          if (s === undefined) return;
          if (rt.random.bool(options.errorProbability?.[service] ?? 0)) {
            s.failed = `${service} internal error`;
            return finish(key);
          }
          const next = DOWNSTREAM[service];
          if (next.length === 0) return finish(key);
          s.waiting = next.length;
          for (const to of next) {
            const callId = nextCall++;
            const headers: Record<string, string> = {};
            const span = shopCallOut(tracer, s.span.context, to, headers);
            rt.send(to, {
              type: "Call",
              callId,
              op: `${to}.${
                to === "payments" ? "charge" : to === "inventory" ? "reserve" : "place"
              }`,
              headers,
            });
            outgoing.set(callId, {
              parent: key,
              span,
              to,
              timer: rt.setTimer(callTimeoutMs, "timeout", callId),
            });
          }
        },
      };
    });
  }

  sim.addNode("client", (rt: Runtime<ShopMessage>) => {
    const tracer = tracers.get("client")!;
    const log = loggers.get("client")!;
    const open = new Map<number, { span: TraceSpan; startMs: number; timer: number }>();
    let sent = 0;
    const complete = (id: number, ok: boolean, error?: string) => {
      const o = open.get(id);
      if (o === undefined) return;
      open.delete(id);
      rt.cancelTimer(o.timer);
      const ms = sim.now - o.startMs;
      latency.record(ms);
      sketch.record(ms);
      if (!ok) {
        errorCount.add();
        o.span.setStatus("error", error ?? "failed");
        log.warn(`checkout failed: ${error}`, o.span.context, {
          latency_ms: Math.round(ms * 100) / 100,
        });
      } else o.span.setStatus("ok");
      o.span.end();
      done.push({ id, startMs: o.startMs, latencyMs: ms, ok, traceId: o.span.context.traceId });
    };
    return {
      onStart: () => rt.setTimer(intervalMs, "send"),
      onTimer(tag, data) {
        if (tag === "deadline") return complete(data as number, false, "deadline exceeded");
        if (sent >= requests) return;
        const id = ++sent;
        const span = tracer.startSpan("POST /checkout", {
          kind: "client",
          attributes: { "request.id": id },
        });
        const headers: Record<string, string> = {};
        injectContext(span.context, headers);
        rt.send("gateway", { type: "Call", callId: id, op: "POST /checkout", headers });
        open.set(id, {
          span,
          startMs: sim.now,
          timer: rt.setTimer(callTimeoutMs * 2, "deadline", id),
        });
        rt.setTimer(intervalMs, "send");
      },
      onMessage(_from, msg) {
        if (msg.type === "Reply") complete(msg.callId, msg.ok, msg.error);
      },
    };
  });
  sim.schedule(options.faults ?? []);
  sim.run({ untilMs: requests * intervalMs + callTimeoutMs * 4 });
  return {
    requests: done.sort((a, b) => a.id - b.id),
    spans: [...tracers.values()].flatMap((t) => t.finished),
    logs: [...loggers.values()].flatMap((l) => l.records).sort((a, b) => a.ts - b.ts),
    latency,
    sketch,
    errors: errorCount.value,
    traceHash: sim.trace.hash(),
  };
}
