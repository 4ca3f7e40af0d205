/**
 * A space-time (Lamport) message diagram as a Vega-Lite spec: one vertical lane per node,
 * time flowing down, each message an arrow from its send to its delivery. Drops end in a red
 * cross, duplicates show as a second arrow, crashes and state changes mark the lanes — the
 * picture Maelstrom draws as messages.svg.
 *
 * @module
 */

import type { TraceEvent } from "../sim/trace.ts";
import { formatMessage } from "../sim/trace.ts";
import type { NodeId } from "../sim/types.ts";
import type { VegaLiteSpec } from "./types.ts";

/** Options for {@linkcode messageDiagram}. */
export interface MessageDiagramOptions {
  /** Lanes, left to right. @default every node seen in the events, in order of appearance */
  nodes?: NodeId[];
  /** Only events in [fromMs, toMs]. @default everything */
  fromMs?: number;
  toMs?: number;
  /** At most this many messages are drawn (the earliest). @default 300 */
  maxMessages?: number;
  /** Message-type labels on arrows; off by default when more than 40 messages. */
  labels?: boolean;
  /** Only state changes with these keys are drawn on lanes. @default ["role", "leader"] */
  stateKeys?: string[];
  /** Chart size in px; without a width the chart fits its container. @default height 420 */
  width?: number;
  height?: number;
  title?: string;
}

/** One arrow (or stub, for a dropped message) in the diagram. */
export interface DiagramArrow {
  id: number;
  type: string;
  text: string;
  status: "delivered" | "duplicate" | "dropped";
  x: number;
  y: number;
  x2: number;
  y2: number;
}

/** One mark on a lane: a crash, a restart, a fault, or a state change. */
export interface DiagramMark {
  x: number;
  y: number;
  kind: string;
  text: string;
}

/**
 * Turns trace events into arrows and lane marks (the data behind the chart).
 */
export function messageDiagramData(
  events: readonly TraceEvent[],
  options: MessageDiagramOptions = {},
): { nodes: NodeId[]; arrows: DiagramArrow[]; marks: DiagramMark[]; truncated: boolean } {
  const fromMs = options.fromMs ?? -Infinity;
  const toMs = options.toMs ?? Infinity;
  const maxMessages = options.maxMessages ?? 300;
  const stateKeys = options.stateKeys ?? ["role", "leader"];
  const nodes = options.nodes ? [...options.nodes] : [];
  const lane = (node: NodeId) => {
    let i = nodes.indexOf(node);
    if (i < 0 && !options.nodes) {
      nodes.push(node);
      i = nodes.length - 1;
    }
    return i;
  };
  const sends = new Map<number, { t: number; from: NodeId; to: NodeId }>();
  const delivered = new Set<number>();
  const arrows: DiagramArrow[] = [];
  const marks: DiagramMark[] = [];
  let truncated = false;
  for (const e of events) {
    if (e.t < fromMs || e.t > toMs) continue;
    switch (e.kind) {
      case "send":
        if (sends.size >= maxMessages) {
          truncated = true;
          continue;
        }
        sends.set(e.id, { t: e.t, from: e.from, to: e.to });
        lane(e.from);
        lane(e.to);
        break;
      case "deliver":
      case "drop": {
        const send = sends.get(e.id);
        if (send === undefined) continue;
        const x = lane(send.from), x2 = lane(send.to);
        if (x < 0 || x2 < 0) continue;
        if (e.kind === "deliver") {
          const status = delivered.has(e.id) ? "duplicate" : "delivered";
          delivered.add(e.id);
          arrows.push({
            id: e.id,
            type: e.msg.type,
            text: formatMessage(e.msg),
            status,
            x,
            y: send.t,
            x2,
            y2: e.t,
          });
        } else {
          // A dropped message ends a third of the way across, at the time it was dropped.
          const yEnd = e.t > send.t ? e.t : send.t;
          arrows.push({
            id: e.id,
            type: e.msg.type,
            text: `${formatMessage(e.msg)} (dropped: ${e.reason})`,
            status: "dropped",
            x,
            y: send.t,
            x2: x + (x2 - x) * 0.35,
            y2: yEnd === send.t ? send.t + 0.0001 : send.t + (yEnd - send.t) * 0.35,
          });
        }
        break;
      }
      case "crash":
      case "restart": {
        const x = lane(e.node);
        if (x >= 0) marks.push({ x, y: e.t, kind: e.kind, text: `${e.node} ${e.kind}` });
        break;
      }
      case "state": {
        if (!stateKeys.includes(e.key)) break;
        const x = lane(e.node);
        if (x >= 0) {
          marks.push({ x, y: e.t, kind: "state", text: `${e.key}=${String(e.value)}` });
        }
        break;
      }
      case "fault":
        if (e.fault.kind === "partition" || e.fault.kind === "heal" || e.fault.kind === "cut") {
          marks.push({ x: -0.45, y: e.t, kind: "fault", text: e.fault.kind });
        }
        break;
      default:
        break;
    }
  }
  return { nodes, arrows, marks, truncated };
}

/**
 * Builds the Vega-Lite spec of a message diagram.
 *
 * @example
 * ```ts
 * import { messageDiagram } from "./message_diagram.ts";
 * const spec = messageDiagram([
 *   { t: 0, kind: "send", id: 1, from: "n1", to: "n2", msg: { type: "Ping" } },
 *   { t: 3, kind: "deliver", id: 1, from: "n1", to: "n2", msg: { type: "Ping" } },
 * ]);
 * if (!Array.isArray(spec.layer)) throw new Error("a layered chart");
 * ```
 */
export function messageDiagram(
  events: readonly TraceEvent[],
  options: MessageDiagramOptions = {},
): VegaLiteSpec {
  const { nodes, arrows, marks, truncated } = messageDiagramData(events, options);
  const height = options.height ?? 420;
  const labels = options.labels ?? arrows.length <= 40;
  const laneNames = JSON.stringify(nodes);
  const xScale = { domain: [-0.5, Math.max(nodes.length - 0.5, 0.5)] };
  const x = {
    field: "x",
    type: "quantitative",
    scale: xScale,
    axis: {
      title: null,
      orient: "top",
      values: nodes.map((_, i) => i),
      labelExpr: `${laneNames}[datum.value] || ''`,
      grid: true,
      gridColor: "#bbb",
      gridDash: [2, 2],
      ticks: false,
      domain: false,
      labelFontWeight: "bold",
    },
  };
  const y = {
    field: "y",
    type: "quantitative",
    scale: { reverse: true, zero: false, nice: false },
    axis: { title: "time (ms)" },
  };
  const statusColor = {
    field: "status",
    type: "nominal",
    title: "message",
    legend: { orient: "bottom" },
    scale: {
      domain: ["delivered", "duplicate", "dropped"],
      range: ["#4c78a8", "#f58518", "#e45756"],
    },
  };
  const layer: VegaLiteSpec[] = [
    {
      data: { values: arrows },
      mark: { type: "rule", strokeWidth: 1.4 },
      encoding: {
        x,
        y,
        x2: { field: "x2" },
        y2: { field: "y2" },
        color: statusColor,
        strokeDash: {
          condition: { test: "datum.status === 'dropped'", value: [4, 3] },
          value: [1, 0],
        },
        tooltip: [
          { field: "text", title: "message" },
          { field: "y", title: "sent (ms)", format: ".3f" },
          { field: "y2", title: "arrived (ms)", format: ".3f" },
        ],
      },
    },
    {
      data: { values: arrows },
      mark: { type: "point", filled: true, size: 28 },
      encoding: {
        x: { field: "x2", type: "quantitative", scale: xScale },
        y: { field: "y2", type: "quantitative" },
        color: statusColor,
        shape: {
          condition: { test: "datum.status === 'dropped'", value: "cross" },
          value: "circle",
        },
        tooltip: [{ field: "text", title: "message" }],
      },
    },
  ];
  if (labels) {
    layer.push({
      data: { values: arrows },
      transform: [
        { calculate: "(datum.x + datum.x2) / 2", as: "mx" },
        { calculate: "(datum.y + datum.y2) / 2", as: "my" },
      ],
      mark: { type: "text", fontSize: 9, dy: -4, color: "#555" },
      encoding: {
        x: { field: "mx", type: "quantitative", scale: xScale },
        y: { field: "my", type: "quantitative" },
        text: { field: "type" },
      },
    });
  }
  if (marks.length > 0) {
    layer.push({
      data: { values: marks },
      mark: { type: "point", filled: true, size: 90 },
      encoding: {
        x: { field: "x", type: "quantitative", scale: xScale },
        y: { field: "y", type: "quantitative" },
        shape: {
          field: "kind",
          type: "nominal",
          title: "event",
          legend: { orient: "bottom" },
          scale: {
            domain: ["crash", "restart", "state", "fault"],
            range: ["cross", "triangle-up", "diamond", "square"],
          },
        },
        fill: {
          field: "kind",
          type: "nominal",
          legend: null,
          scale: {
            domain: ["crash", "restart", "state", "fault"],
            range: ["#e45756", "#54a24b", "#b279a2", "#777"],
          },
        },
        tooltip: [{ field: "text", title: "event" }, {
          field: "y",
          title: "at (ms)",
          format: ".3f",
        }],
      },
    }, {
      data: { values: marks },
      mark: { type: "text", align: "left", dx: 7, fontSize: 9, color: "#333" },
      encoding: {
        x: { field: "x", type: "quantitative", scale: xScale },
        y: { field: "y", type: "quantitative" },
        text: { field: "text" },
      },
    });
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: options.title ?? (truncated ? "Messages (first " + arrows.length + ")" : "Messages"),
    ...(options.width === undefined ? {} : { width: options.width }),
    height,
    layer,
    config: { view: { stroke: null } },
  };
}
