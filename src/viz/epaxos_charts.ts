/**
 * Charts for EPaxos: commit latency and the fast-path ratio against the share of conflicting
 * commands beside Multi-Paxos, latency per site (who wins where), and the dependency graph of
 * a run (instances, their deps, strongly connected components and execution order).
 *
 * @module
 */

import type { VegaLiteSpec } from "./types.ts";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** Commit latency of one protocol at one share of conflicting commands. */
export interface EpaxosLatencyPoint {
  protocol: string;
  conflictPercent: number;
  medianMs: number | null;
  p99Ms: number | null;
  /** EPaxos only: the share of commands committed on the fast path, in [0, 1]. */
  fastPathRatio?: number;
}

/**
 * Commit latency (median solid, p99 dashed) against the share of conflicting commands, one
 * colour per protocol, beside the fast-path ratio (below it with `stacked`, for phones).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { epaxosLatencyChart } from "./epaxos_charts.ts";
 * const spec = epaxosLatencyChart([{ protocol: "EPaxos", conflictPercent: 0, medianMs: 80, p99Ms: 120, fastPathRatio: 1 }]);
 * assert.equal((spec.hconcat as unknown[]).length, 2);
 * ```
 */
export function epaxosLatencyChart(
  points: readonly EpaxosLatencyPoint[],
  options: { width?: number; height?: number; stacked?: boolean } = {},
): VegaLiteSpec {
  const width = options.width ?? 260;
  const height = options.height ?? 220;
  const latency = points.flatMap((p) => [
    {
      protocol: p.protocol,
      conflictPercent: p.conflictPercent,
      quantile: "median",
      ms: p.medianMs,
    },
    { protocol: p.protocol, conflictPercent: p.conflictPercent, quantile: "p99", ms: p.p99Ms },
  ]).filter((p) => p.ms !== null);
  const fast = points.filter((p) => p.fastPathRatio !== undefined);
  const x = {
    field: "conflictPercent",
    type: "ordinal",
    title: "conflicting commands (%)",
    axis: { labelAngle: 0 },
  };
  // Side by side on a wide page; stacked when the two would not fit (phones).
  const stacked = options.stacked ?? false;
  return {
    $schema: SCHEMA,
    title: "Latency and fast path vs conflicts",
    [stacked ? "vconcat" : "hconcat"]: [
      {
        width,
        height,
        data: { values: latency },
        mark: { type: "line", point: { filled: true, size: 36 } },
        encoding: {
          x,
          y: { field: "ms", type: "quantitative", title: "commit latency (ms)" },
          color: {
            field: "protocol",
            type: "nominal",
            title: "protocol",
            ...(stacked ? { legend: { orient: "bottom" } } : {}),
          },
          strokeDash: {
            field: "quantile",
            type: "nominal",
            title: "latency",
            ...(stacked ? { legend: { orient: "bottom" } } : {}),
          },
          detail: { field: "quantile" },
          tooltip: [{ field: "protocol" }, { field: "conflictPercent" }, { field: "quantile" }, {
            field: "ms",
            format: ".1f",
          }],
        },
      },
      {
        width: stacked ? width : Math.round(width * 0.7),
        height: stacked ? Math.round(height * 0.6) : height,
        data: { values: fast },
        mark: { type: "bar", color: "#54a24b" },
        encoding: {
          x,
          y: {
            field: "fastPathRatio",
            type: "quantitative",
            title: "EPaxos fast-path commits",
            axis: { format: "%" },
            scale: { domain: [0, 1] },
          },
          tooltip: [{ field: "conflictPercent" }, { field: "fastPathRatio", format: ".0%" }],
        },
      },
    ],
  };
}

/** Median commit latency seen by the clients at one site. */
export interface EpaxosSitePoint {
  protocol: string;
  site: string;
  medianMs: number | null;
}

/**
 * Median commit latency per client site, bars grouped by protocol: the leaderless protocol
 * wins for clients far from the Multi-Paxos leader.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { epaxosSiteChart } from "./epaxos_charts.ts";
 * const spec = epaxosSiteChart([{ protocol: "EPaxos", site: "JP", medianMs: 110 }]);
 * assert.equal((spec.mark as { type: string }).type, "bar");
 * ```
 */
export function epaxosSiteChart(
  points: readonly EpaxosSitePoint[],
  options: { width?: number; height?: number; title?: string } = {},
): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    title: options.title ?? "Median commit latency by site",
    width: options.width ?? 320,
    height: options.height ?? 220,
    data: { values: points.filter((p) => p.medianMs !== null) },
    mark: { type: "bar" },
    encoding: {
      x: { field: "site", type: "nominal", title: "client site", axis: { labelAngle: 0 } },
      xOffset: { field: "protocol" },
      y: { field: "medianMs", type: "quantitative", title: "median commit latency (ms)" },
      // The legend goes below, so that on a narrow card the bars keep the width.
      color: {
        field: "protocol",
        type: "nominal",
        title: null,
        legend: { orient: "bottom", direction: "vertical" },
      },
      tooltip: [{ field: "protocol" }, { field: "site" }, { field: "medianMs", format: ".1f" }],
    },
  };
}

/** One committed instance of a run, placed for drawing. */
export interface EpaxosGraphNode {
  id: string;
  /** The command leader (a row of the drawing). */
  leader: string;
  /** The command, e.g. `write x=3`, or `no-op`. */
  label: string;
  seq: number;
  deps: string[];
  /** Strongly connected component number, in execution order of components. */
  component: number;
  /** Position in the execution order (the same at every replica for conflicting commands). */
  order: number;
}

/**
 * The dependency graph of a run: one point per instance (x: execution order, y: command
 * leader), one arrow-less segment per dependency, colour by strongly connected component.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { epaxosDependencyGraphChart } from "./epaxos_charts.ts";
 * const spec = epaxosDependencyGraphChart([
 *   { id: "r1.1", leader: "r1", label: "write x=1", seq: 1, deps: ["r2.1"], component: 0, order: 0 },
 *   { id: "r2.1", leader: "r2", label: "write x=2", seq: 2, deps: ["r1.1"], component: 0, order: 1 },
 * ]);
 * assert.equal((spec.layer as unknown[]).length, 3);
 * ```
 */
export function epaxosDependencyGraphChart(
  nodes: readonly EpaxosGraphNode[],
  options: { width?: number; height?: number; title?: string } = {},
): VegaLiteSpec {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const edges = nodes.flatMap((n) =>
    n.deps.filter((d) => byId.has(d)).map((d) => ({
      from: n.id,
      to: d,
      x: n.order,
      y: n.leader,
      x2: byId.get(d)!.order,
      y2: byId.get(d)!.leader,
    }))
  );
  const points = nodes.map((n) => ({
    ...n,
    scc: `SCC ${n.component}`,
    depsText: n.deps.join(", "),
  }));
  const x = {
    field: "x",
    type: "quantitative",
    title: "execution order",
    axis: { format: "d", tickMinStep: 1 },
  };
  return {
    $schema: SCHEMA,
    title: options.title ?? "Dependency graph: instances, deps, components",
    width: options.width ?? 360,
    height: options.height ?? 180,
    layer: [
      {
        data: { values: edges },
        mark: { type: "rule", color: "#999", strokeWidth: 1, opacity: 0.7 },
        encoding: {
          x,
          y: { field: "y", type: "nominal", title: "command leader" },
          x2: { field: "x2" },
          y2: { field: "y2" },
        },
      },
      {
        data: { values: points },
        mark: { type: "circle", size: 160, opacity: 0.9 },
        encoding: {
          x: { ...x, field: "order" },
          y: { field: "leader", type: "nominal", title: "command leader" },
          color: { field: "scc", type: "nominal", title: "component", legend: null },
          tooltip: [{ field: "id" }, { field: "label" }, { field: "seq" }, {
            field: "depsText",
            title: "deps",
          }, {
            field: "scc",
          }],
        },
      },
      {
        data: { values: points },
        mark: { type: "text", dy: -14, fontSize: 10 },
        encoding: {
          x: { ...x, field: "order" },
          y: { field: "leader", type: "nominal" },
          text: { field: "id" },
        },
      },
    ],
  };
}
