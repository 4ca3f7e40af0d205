/**
 * Charts for sagas, the outbox and two-phase commit: saga outcomes stacked against the step
 * failure rate, a per-saga timeline (steps, refusals, compensations, the crash and the resume),
 * duplicates against the relay's crash rate, and 2PC's blocked time against the moment the
 * coordinator crashed. Pure `data -> Vega-Lite spec`.
 *
 * @module
 */

import type { VegaLiteSpec } from "./types.ts";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** Saga outcomes at one sweep point. */
export interface SagaOutcomePoint {
  readonly failureRate: number;
  /** Orchestrator crashes per second during the fault phase. */
  readonly crashRate: number;
  readonly committed: number;
  readonly compensated: number;
  readonly stuck: number;
}

const OUTCOME_COLORS = {
  domain: ["committed", "compensated", "stuck"],
  range: ["#2ca02c", "#ff7f0e", "#d62728"],
};

/**
 * Saga outcomes stacked per step-failure rate, one panel per orchestrator crash rate.
 *
 * @param points The sweep's points.
 * @param options `title`, `width` of each panel (@default left open), `height` (@default 220),
 * `columns`: panels per row before wrapping (@default all in one row; 1 stacks them for phones).
 * @returns A faceted stacked bar chart.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sagaOutcomeChart } from "./transactions_charts.ts";
 * const spec = sagaOutcomeChart([{ failureRate: 0.1, crashRate: 0, committed: 8, compensated: 2, stuck: 0 }]);
 * assert.equal((spec.data as { values: unknown[] }).values.length, 3);
 * ```
 */
export function sagaOutcomeChart(
  points: readonly SagaOutcomePoint[],
  options: { title?: string; width?: number; height?: number; columns?: number } = {},
): VegaLiteSpec {
  const { title = "Saga outcomes against step failure rate", width, height = 220, columns } =
    options;
  const values = points.flatMap((p) =>
    (["committed", "compensated", "stuck"] as const).map((outcome) => ({
      failureRate: p.failureRate,
      crashRate: `${p.crashRate} crash/s`,
      crashOrder: p.crashRate,
      outcome,
      order: OUTCOME_COLORS.domain.indexOf(outcome),
      count: p[outcome],
    }))
  );
  return {
    $schema: SCHEMA,
    title,
    data: { values },
    facet: {
      field: "crashRate",
      type: "ordinal",
      title: "orchestrator crash rate",
      sort: { field: "crashOrder" },
    },
    ...(columns ? { columns } : {}),
    spec: {
      ...(width ? { width } : {}),
      height,
      mark: { type: "bar", tooltip: true },
      encoding: {
        x: {
          field: "failureRate",
          type: "ordinal",
          title: "step failure",
          axis: { format: ".0%", labelAngle: 0 },
        },
        y: { field: "count", type: "quantitative", stack: "zero", title: "sagas" },
        color: { field: "outcome", type: "nominal", scale: OUTCOME_COLORS, title: "outcome" },
        order: { field: "order" },
      },
    },
    resolve: { scale: { x: "shared" } },
  };
}

/** One mark on the saga timeline. */
export interface SagaTimelineEvent {
  readonly sagaId: string;
  readonly t: number;
  /** `begin`, `step-done`, `step-failed`, `compensated`, `undo-failed`, `resume`, `end`. */
  readonly event: string;
  readonly step?: number;
  /** Extra text for the tooltip, e.g. the outcome of an `end`. */
  readonly detail?: string;
}

/** A crash or restart of the coordinating node. */
export interface SagaNodeEvent {
  readonly t: number;
  readonly kind: "crash" | "restart";
  readonly node: string;
}

const EVENT_STYLE = {
  domain: ["begin", "step-done", "step-failed", "compensated", "undo-failed", "resume", "end"],
  range: ["#7f7f7f", "#2ca02c", "#d62728", "#ff7f0e", "#9467bd", "#1f77b4", "#000000"],
};

/**
 * One row per saga: a line from begin to end (or to the horizon when it never ended), a mark
 * per step done, refusal, compensation, failed compensation and resume, and vertical rules where
 * the orchestrator crashed (red) and restarted (blue).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sagaTimelineChart } from "./transactions_charts.ts";
 * const spec = sagaTimelineChart({
 *   events: [{ sagaId: "s1", t: 1, event: "begin" }, { sagaId: "s1", t: 9, event: "end", detail: "committed" }],
 *   nodeEvents: [{ t: 5, kind: "crash", node: "orchestrator" }],
 *   horizonMs: 20,
 * });
 * assert.equal((spec.layer as unknown[]).length, 3);
 * ```
 */
export function sagaTimelineChart(
  data: {
    events: readonly SagaTimelineEvent[];
    nodeEvents: readonly SagaNodeEvent[];
    horizonMs: number;
  },
  options: { title?: string; width?: number } = {},
): VegaLiteSpec {
  const { title = "Each saga over time", width } = options;
  // Sagas in id order (s2 before s10), so a row stays put when a run changes.
  const ids = [...new Set(data.events.map((e) => e.sagaId))].sort((a, b) =>
    a.localeCompare(b, "en", { numeric: true })
  );
  const spans = ids.map((sagaId) => {
    const mine = data.events.filter((e) => e.sagaId === sagaId);
    const end = mine.find((e) => e.event === "end");
    return {
      sagaId,
      from: mine[0].t,
      to: end ? end.t : data.horizonMs,
      outcome: end?.detail ?? "never ended",
    };
  });
  const y = { field: "sagaId", type: "nominal", title: "saga", sort: ids };
  return {
    $schema: SCHEMA,
    title,
    ...(width ? { width } : {}),
    height: { step: 16 },
    layer: [
      {
        data: { values: spans },
        mark: { type: "rule", strokeWidth: 2, opacity: 0.5 },
        encoding: {
          y,
          x: {
            field: "from",
            type: "quantitative",
            title: "true time (ms)",
            scale: { domain: [0, data.horizonMs], nice: false },
          },
          x2: { field: "to" },
          strokeDash: {
            condition: { test: "datum.outcome === 'never ended'", value: [4, 3] },
            value: [1, 0],
          },
          tooltip: [{ field: "sagaId" }, { field: "outcome" }],
        },
      },
      {
        data: { values: data.events.map((e) => ({ ...e, detail: e.detail ?? "" })) },
        mark: { type: "point", filled: true, size: 45 },
        encoding: {
          y,
          x: { field: "t", type: "quantitative" },
          color: { field: "event", type: "nominal", scale: EVENT_STYLE, title: "event" },
          shape: {
            field: "event",
            type: "nominal",
            scale: {
              domain: EVENT_STYLE.domain,
              range: ["circle", "circle", "cross", "triangle-left", "diamond", "square", "stroke"],
            },
            legend: null,
          },
          tooltip: [
            { field: "sagaId" },
            { field: "event" },
            { field: "step" },
            { field: "t", title: "ms", format: ".1f" },
            { field: "detail" },
          ],
        },
      },
      {
        data: { values: data.nodeEvents },
        mark: { type: "rule", strokeWidth: 1.5 },
        encoding: {
          x: { field: "t", type: "quantitative" },
          color: {
            field: "kind",
            type: "nominal",
            scale: { domain: ["crash", "restart"], range: ["#d62728", "#1f77b4"] },
            legend: null,
          },
          strokeDash: { value: [6, 3] },
          tooltip: [{ field: "node" }, { field: "kind" }, { field: "t", format: ".1f" }],
        },
      },
    ],
    resolve: { scale: { color: "independent" } },
  };
}

/** Duplicates at one relay crash rate. */
export interface OutboxPoint {
  readonly crashRate: number;
  /** Deliveries of an event the consumer had already seen. */
  readonly duplicatesDelivered: number;
  /** Effects applied twice by a naive consumer. */
  readonly appliedTwiceNaive: number;
  /** Effects applied twice by the idempotent consumer (always 0 when it works). */
  readonly appliedTwiceIdempotent: number;
  readonly lost: number;
}

/**
 * Duplicates against the relay's crash rate: deliveries of an already-seen event, and effects
 * applied twice with a naive and with an idempotent consumer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outboxDuplicatesChart } from "./transactions_charts.ts";
 * const spec = outboxDuplicatesChart([{ crashRate: 1, duplicatesDelivered: 3, appliedTwiceNaive: 3, appliedTwiceIdempotent: 0, lost: 0 }]);
 * assert.equal((spec.data as { values: unknown[] }).values.length, 3);
 * ```
 */
export function outboxDuplicatesChart(
  points: readonly OutboxPoint[],
  options: { title?: string; width?: number; height?: number } = {},
): VegaLiteSpec {
  const { title = "Duplicates against relay crash rate", width, height = 240 } = options;
  const series = [
    ["delivered twice", "duplicatesDelivered"],
    ["applied twice (naive consumer)", "appliedTwiceNaive"],
    ["applied twice (idempotent consumer)", "appliedTwiceIdempotent"],
  ] as const;
  // The dashed "delivered twice" line is drawn last, on top of the naive consumer's.
  const values = [1, 2, 0].flatMap((i) =>
    points.map((p) => ({ crashRate: p.crashRate, series: series[i][0], count: p[series[i][1]] }))
  );
  return {
    $schema: SCHEMA,
    title,
    ...(width ? { width } : {}),
    height,
    data: { values },
    mark: { type: "line", point: true, tooltip: true },
    encoding: {
      x: { field: "crashRate", type: "quantitative", title: "relay crashes per second" },
      y: { field: "count", type: "quantitative", title: "events" },
      color: {
        field: "series",
        type: "nominal",
        title: null,
        scale: { domain: series.map(([l]) => l), range: ["#1f77b4", "#d62728", "#2ca02c"] },
        legend: { orient: "bottom", direction: "vertical", labelLimit: 0 },
      },
      // Every duplicate delivered is applied twice by the naive consumer, so those two lines
      // coincide: dash one and draw it on top so both stay visible. Dash and width join the
      // colour legend (one legend per field; hiding theirs made Vega-Lite warn of a conflict).
      strokeDash: {
        field: "series",
        type: "nominal",
        scale: { domain: series.map(([l]) => l), range: [[6, 4], [1, 0], [1, 0]] },
      },
      // Ordinal, not nominal: a width channel needs an order, given here by the domain.
      strokeWidth: {
        field: "series",
        type: "ordinal",
        scale: { domain: series.map(([l]) => l), range: [2.5, 3.5, 2] },
      },
    },
  };
}

/** 2PC blocked time for one coordinator crash time. */
export interface TwoPhasePoint {
  /** When the coordinator crashed, in ms after the transaction began. */
  readonly crashAtMs: number;
  readonly variant: string;
  /** Longest uncertainty period of any participant (ms), averaged over trials. */
  readonly blockedMs: number;
  /** Trials that committed at one participant and aborted at another. */
  readonly violations: number;
}

/**
 * Blocked time (a participant's uncertainty period: voted Yes, decision unknown) against the
 * moment the coordinator crashed, one line per participant variant; red rings mark points
 * where atomicity broke.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { twoPhaseBlockedChart } from "./transactions_charts.ts";
 * const spec = twoPhaseBlockedChart([{ crashAtMs: 5, variant: "correct", blockedMs: 300, violations: 0 }]);
 * assert.equal((spec.layer as unknown[]).length, 2);
 * ```
 */
export function twoPhaseBlockedChart(
  points: readonly TwoPhasePoint[],
  options: { title?: string; width?: number; height?: number; downMs?: number } = {},
): VegaLiteSpec {
  const { title = "2PC: blocked time against coordinator crash time", width, height = 240 } =
    options;
  const x = {
    field: "crashAtMs",
    type: "quantitative",
    title: "coordinator crash (ms after begin)",
  };
  return {
    $schema: SCHEMA,
    title,
    ...(width ? { width } : {}),
    height,
    data: { values: points },
    layer: [
      {
        mark: { type: "line", point: true, tooltip: true },
        encoding: {
          x,
          y: {
            field: "blockedMs",
            type: "quantitative",
            title: "longest blocked participant (ms)",
          },
          color: {
            field: "variant",
            type: "nominal",
            title: "participant",
            legend: { orient: "bottom" },
          },
        },
      },
      {
        transform: [{ filter: "datum.violations > 0" }],
        mark: { type: "point", size: 140, color: "#d62728", strokeWidth: 2 },
        encoding: {
          x,
          y: { field: "blockedMs", type: "quantitative" },
          tooltip: [{ field: "crashAtMs" }, { field: "violations", title: "atomicity broken" }],
        },
      },
    ],
  };
}
