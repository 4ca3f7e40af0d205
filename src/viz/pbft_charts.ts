/**
 * Charts for PBFT: messages per request against cluster size beside Raft's (the quadratic
 * all-to-all phases against a leader's fan-out), and throughput and latency as Byzantine
 * replicas are added.
 *
 * @module
 */

import type { VegaLiteSpec } from "./types.ts";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** Messages per completed client request for one protocol at one cluster size. */
export interface PbftMessagesPoint {
  protocol: string;
  replicas: number;
  messagesPerRequest: number;
}

/**
 * Messages per request against the number of replicas, one line per protocol.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pbftMessagesChart } from "./pbft_charts.ts";
 * const spec = pbftMessagesChart([{ protocol: "PBFT", replicas: 4, messagesPerRequest: 32 }]);
 * assert.equal(spec.mark && (spec.mark as { type: string }).type, "line");
 * ```
 */
export function pbftMessagesChart(
  points: readonly PbftMessagesPoint[],
  options: { width?: number; height?: number; title?: string } = {},
): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    title: options.title ?? "Messages per request: PBFT is quadratic in n, Raft linear",
    width: options.width ?? 420,
    height: options.height ?? 240,
    data: { values: points },
    mark: { type: "line", point: { filled: true, size: 40 } },
    encoding: {
      x: {
        field: "replicas",
        type: "quantitative",
        title: "replicas (n)",
        scale: { zero: false },
        axis: { values: [...new Set(points.map((p) => p.replicas))], format: "d" },
      },
      y: { field: "messagesPerRequest", type: "quantitative", title: "messages per request" },
      color: { field: "protocol", type: "nominal", title: "protocol" },
      tooltip: [{ field: "protocol" }, { field: "replicas" }, {
        field: "messagesPerRequest",
        format: ".1f",
      }],
    },
  };
}

/** Throughput and latency of one run with `byzantine` faulty replicas. */
export interface PbftFaultPoint {
  byzantine: number;
  throughputPerSecond: number;
  medianLatencyMs: number | null;
  p90LatencyMs: number | null;
}

/**
 * Throughput (bars) and median and p90 latency (lines) against the number of Byzantine
 * replicas, side by side.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pbftFaultsChart } from "./pbft_charts.ts";
 * const spec = pbftFaultsChart([{ byzantine: 0, throughputPerSecond: 90, medianLatencyMs: 12, p90LatencyMs: 15 }]);
 * assert.equal((spec.hconcat as unknown[]).length, 2);
 * ```
 */
export function pbftFaultsChart(
  points: readonly PbftFaultPoint[],
  options: { width?: number; height?: number; behaviour?: string } = {},
): VegaLiteSpec {
  const width = options.width ?? 200;
  const height = options.height ?? 200;
  const latency = points.flatMap((p) => [
    { byzantine: p.byzantine, quantile: "median", ms: p.medianLatencyMs },
    { byzantine: p.byzantine, quantile: "p90", ms: p.p90LatencyMs },
  ]).filter((p) => p.ms !== null);
  const x = {
    field: "byzantine",
    type: "ordinal",
    title: `Byzantine replicas${options.behaviour ? ` (${options.behaviour})` : ""}`,
    axis: { labelAngle: 0 },
  };
  return {
    $schema: SCHEMA,
    title: "Throughput and latency as Byzantine replicas are added",
    hconcat: [
      {
        width,
        height,
        data: { values: points },
        mark: { type: "bar", color: "#4c78a8" },
        encoding: {
          x,
          y: { field: "throughputPerSecond", type: "quantitative", title: "requests per second" },
          tooltip: [{ field: "byzantine" }, { field: "throughputPerSecond", format: ".1f" }],
        },
      },
      {
        width,
        height,
        data: { values: latency },
        mark: { type: "line", point: { filled: true, size: 40 } },
        encoding: {
          x,
          y: { field: "ms", type: "quantitative", title: "request latency (ms)" },
          color: { field: "quantile", type: "nominal", title: "latency" },
          tooltip: [{ field: "byzantine" }, { field: "quantile" }, { field: "ms", format: ".1f" }],
        },
      },
    ],
  };
}
