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

type SendEvent = Extract<TraceEvent, { kind: "send" }>;
type DeliverEvent = Extract<TraceEvent, { kind: "deliver" }>;
type DropEvent = Extract<TraceEvent, { kind: "drop" }>;

/** A message's fate: its send (when seen) matched with one delivery or drop, or in flight. */
export interface MessagePair {
  /** The kernel's message id (shared by the send and every delivery or drop of it). */
  id: number;
  from: NodeId;
  to: NodeId;
  msg: SendEvent["msg"];
  /** When it was sent; for a drop whose send was not seen, the time of the drop. */
  sentMs: number;
  /**
   * `delivered` for the first delivery, `duplicate` for any later one (the network duplicated
   * it), `dropped`, or `in-flight` for a send with no delivery or drop yet.
   */
  status: "delivered" | "duplicate" | "dropped" | "in-flight";
  /** The send event; undefined when the events start after it (a window or a truncation). */
  send: SendEvent | undefined;
  /** The delivery or drop; undefined while in flight. */
  end: DeliverEvent | DropEvent | undefined;
}

/**
 * Matches each delivery and drop with its send by message id: the one pairing behind every
 * message diagram (this module's Vega-Lite chart and the player's SVG lanes). Pairs come in
 * the order of their delivery or drop, then the sends still in flight, in send order. A
 * delivery whose send is not among the events is kept with `send` undefined, so the caller
 * decides whether to draw it.
 *
 * @param events Trace events in trace order.
 * @returns One pair per delivery or drop, then one per message still in flight.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pairMessages } from "./message_diagram.ts";
 * const msg = { type: "Ping" };
 * const pairs = pairMessages([
 *   { t: 0, kind: "send", id: 1, from: "n1", to: "n2", msg },
 *   { t: 1, kind: "send", id: 2, from: "n2", to: "n1", msg },
 *   { t: 3, kind: "deliver", id: 1, from: "n1", to: "n2", msg },
 * ]);
 * assert.deepEqual(pairs.map((p) => [p.id, p.status]), [[1, "delivered"], [2, "in-flight"]]);
 * ```
 */
export function pairMessages(events: readonly TraceEvent[]): MessagePair[] {
  const sends = new Map<number, SendEvent>();
  const settled = new Set<number>();
  const delivered = new Set<number>();
  const pairs: MessagePair[] = [];
  for (const e of events) {
    if (e.kind === "send") {
      sends.set(e.id, e);
    } else if (e.kind === "deliver" || e.kind === "drop") {
      const send = sends.get(e.id);
      settled.add(e.id);
      let status: MessagePair["status"] = "dropped";
      if (e.kind === "deliver") {
        status = delivered.has(e.id) ? "duplicate" : "delivered";
        delivered.add(e.id);
      }
      pairs.push({
        id: e.id,
        from: e.from,
        to: e.to,
        msg: e.msg,
        sentMs: send?.t ?? e.t,
        status,
        send,
        end: e,
      });
    }
  }
  for (const [id, send] of sends) {
    if (settled.has(id)) continue;
    pairs.push({
      id,
      from: send.from,
      to: send.to,
      msg: send.msg,
      sentMs: send.t,
      status: "in-flight",
      send,
      end: undefined,
    });
  }
  return pairs;
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
  // Sends past the limit are left out, so their deliveries and drops are too.
  const kept: TraceEvent[] = [];
  let sendCount = 0;
  const marks: DiagramMark[] = [];
  let truncated = false;
  for (const e of events) {
    if (e.t < fromMs || e.t > toMs) continue;
    switch (e.kind) {
      case "send":
        if (sendCount >= maxMessages) {
          truncated = true;
          continue;
        }
        sendCount++;
        kept.push(e);
        lane(e.from);
        lane(e.to);
        break;
      case "deliver":
      case "drop":
        kept.push(e);
        break;
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
  // Lanes only grow, so computing arrows after the loop gives the same x as during it.
  const arrows: DiagramArrow[] = [];
  for (const pair of pairMessages(kept)) {
    if (pair.send === undefined || pair.end === undefined) continue;
    const x = lane(pair.from), x2 = lane(pair.to);
    if (x < 0 || x2 < 0) continue;
    const sentMs = pair.sentMs, endMs = pair.end.t;
    if (pair.end.kind === "deliver") {
      arrows.push({
        id: pair.id,
        type: pair.msg.type,
        text: formatMessage(pair.msg),
        status: pair.status as "delivered" | "duplicate",
        x,
        y: sentMs,
        x2,
        y2: endMs,
      });
    } else {
      // A dropped message ends a third of the way across, at the time it was dropped.
      const yEnd = endMs > sentMs ? endMs : sentMs;
      arrows.push({
        id: pair.id,
        type: pair.msg.type,
        text: `${formatMessage(pair.msg)} (dropped: ${pair.end.reason})`,
        status: "dropped",
        x,
        y: sentMs,
        x2: x + (x2 - x) * 0.35,
        y2: yEnd === sentMs ? sentMs + 0.0001 : sentMs + (yEnd - sentMs) * 0.35,
      });
    }
  }
  return { nodes, arrows, marks, truncated };
}

/** Height of a 9 px label line with some air, in pixels. */
const LABEL_LINE_PX = 11;

/**
 * The arrows and marks whose text labels can be drawn without overlapping another label: a
 * label is kept unless one kept before it sits within a line's height (converted to
 * milliseconds with the plot's height) and within one lane sideways. Dropped labels stay
 * readable in the tooltips. Greedy in time order, so the earliest of a burst keeps its label.
 */
function legibleLabels(
  arrows: readonly DiagramArrow[],
  marks: readonly DiagramMark[],
  heightPx: number,
): { arrows: DiagramArrow[]; marks: DiagramMark[] } {
  const ys = [...arrows.flatMap((a) => [a.y, a.y2]), ...marks.map((m) => m.y)];
  if (ys.length === 0) return { arrows: [], marks: [] };
  const spanMs = Math.max(...ys) - Math.min(...ys);
  const lineMs = spanMs === 0 ? 1 : (spanMs / Math.max(heightPx, 1)) * LABEL_LINE_PX;
  // Each kept label as the lane interval it covers and its time: an arrow's label is centred
  // on the arrow's midpoint, a mark's starts at its lane and runs right.
  const kept: { from: number; to: number; y: number }[] = [];
  const fits = (from: number, to: number, y: number) =>
    !kept.some((k) => from < k.to && k.from < to && Math.abs(k.y - y) < lineMs);
  const keep = (from: number, to: number, y: number) => {
    if (!fits(from, to, y)) return false;
    kept.push({ from, to, y });
    return true;
  };
  const legibleMarks = [...marks].sort((a, b) => a.y - b.y).filter((m) =>
    keep(m.x, m.x + 0.9, m.y)
  );
  const legibleArrows = arrows.filter((a) => {
    const mx = (a.x + a.x2) / 2;
    return keep(mx - 0.4, mx + 0.4, (a.y + a.y2) / 2);
  });
  return { arrows: legibleArrows, marks: legibleMarks };
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
      // Every lane needs its name: Vega's default drops every other label once two touch
      // (a phone lost the last acceptor's), and would flush the outer ones inwards.
      labelOverlap: false,
      labelFlush: false,
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
  // A label is cut (with "…") to the share of a lane `legibleLabels` reserved for it, in pixels
  // of the width the chart is drawn at: on a phone lanes are narrow and long state labels
  // (`executed=n1 c1#1#write:1`) would otherwise run across the next lanes' labels.
  const laneLimit = (share: number, offsetPx: number) => ({
    expr: `max(20, width / ${Math.max(nodes.length, 1)} * ${share} - ${offsetPx})`,
  });
  const legible = legibleLabels(arrows, marks, height);
  if (labels) {
    layer.push({
      data: { values: legible.arrows },
      transform: [
        { calculate: "(datum.x + datum.x2) / 2", as: "mx" },
        { calculate: "(datum.y + datum.y2) / 2", as: "my" },
      ],
      mark: { type: "text", fontSize: 9, dy: -4, color: "#555", limit: laneLimit(0.8, 0) },
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
        // The same legend as the shape channel, so Vega-Lite merges the two into one legend of
        // coloured shapes (a `null` legend here conflicts with the shape's and warns).
        fill: {
          field: "kind",
          type: "nominal",
          title: "event",
          legend: { orient: "bottom" },
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
      data: { values: legible.marks },
      mark: {
        type: "text",
        align: "left",
        dx: 7,
        fontSize: 9,
        color: "#333",
        limit: laneLimit(0.9, 7),
      },
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
