/**
 * Charts for the fault-schedule search: the counterexample drawn as a message diagram, with
 * the nemesis' faults and the protocol's decisions marked on the lanes.
 *
 * @module
 */

import type { TraceEvent } from "../sim/trace.ts";
import type { VegaLiteSpec } from "./types.ts";
import { messageDiagram } from "./message_diagram.ts";

/** Options of {@linkcode counterexampleDiagram}. */
export interface CounterexampleDiagramOptions {
  /** Lanes, left to right. @default every node in the events */
  nodes?: string[];
  /** When the violation became visible; the diagram ends shortly after. */
  violationAtMs?: number;
  /** When the violation's story starts (e.g. the first of two conflicting choices). */
  sinceMs?: number;
  /** How much time before `sinceMs` (or the violation) to draw. @default 60 */
  windowMs?: number;
  /** Message types left out (heartbeats clutter). @default ["Heartbeat"] */
  hideTypes?: string[];
  /**
   * Quiet stretches longer than this (no drawn event) are cut down to this length and labelled,
   * so that two bursts far apart both stay readable. @default 30
   */
  maxGapMs?: number;
  /** State keys marked on lanes. @default ["role", "chosen", "accepted", "leader", "commit"] */
  stateKeys?: string[];
  title?: string;
  width?: number;
  height?: number;
}

// State values that are objects ({slot, value}) become short text, e.g. "s0:v1".
function shortValue(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  const v = value as Record<string, unknown>;
  if ("slot" in v && "value" in v) {
    return `s${v.slot}:${String(v.value)}${"ballot" in v ? `@${String(v.ballot)}` : ""}`;
  }
  const text = JSON.stringify(value);
  return text.length > 24 ? text.slice(0, 23) + "…" : text;
}

/**
 * A message diagram of a counterexample run around its violation.
 *
 * @example
 * ```ts
 * import { counterexampleDiagram } from "./search_charts.ts";
 * const spec = counterexampleDiagram([
 *   { t: 0, kind: "send", id: 1, from: "n1", to: "n2", msg: { type: "Prepare" } },
 *   { t: 2, kind: "deliver", id: 1, from: "n1", to: "n2", msg: { type: "Prepare" } },
 *   { t: 2, kind: "state", node: "n2", key: "chosen", value: { slot: 0, value: "a" } },
 * ], { violationAtMs: 2 });
 * if (!Array.isArray(spec.layer)) throw new Error("layers");
 * ```
 */
export function counterexampleDiagram(
  events: readonly TraceEvent[],
  options: CounterexampleDiagramOptions = {},
): VegaLiteSpec {
  const hide = new Set(options.hideTypes ?? ["Heartbeat"]);
  const end = options.violationAtMs ?? Infinity;
  const since = Math.min(options.sinceMs ?? end, end);
  const start = Number.isFinite(since) ? Math.max(0, since - (options.windowMs ?? 60)) : 0;
  const kept = events
    .filter((e) => !("msg" in e) || !hide.has(e.msg.type))
    .filter((e) => e.t >= start && e.t <= end + 0.001)
    .map((e) => e.kind === "state" ? { ...e, value: shortValue(e.value) } : e);
  const { events: drawn, gaps } = cutQuietStretches(kept, options.maxGapMs ?? 30);
  const spec = messageDiagram(drawn, {
    nodes: options.nodes,
    stateKeys: options.stateKeys ?? ["role", "chosen", "accepted", "leader", "commit"],
    width: options.width,
    height: options.height,
    title: options.title ?? "Counterexample",
  });
  return gaps.length === 0 ? spec : markGaps(spec, gaps);
}

interface Gap {
  /** Where the cut sits on the drawn (shortened) time axis. */
  atMs: number;
  /** How long the quiet stretch really was. */
  lengthMs: number;
}

// Shortens every quiet stretch longer than maxGapMs to maxGapMs; drawn times shift earlier.
function cutQuietStretches(
  events: TraceEvent[],
  maxGapMs: number,
): { events: TraceEvent[]; gaps: Gap[] } {
  const gaps: Gap[] = [];
  let removed = 0;
  let previous: number | null = null;
  const out = events.map((e) => {
    if (previous !== null && e.t - previous > maxGapMs) {
      const gapMs = e.t - previous;
      gaps.push({ atMs: previous - removed + maxGapMs / 2, lengthMs: gapMs });
      removed += gapMs - maxGapMs;
    }
    previous = e.t;
    return removed === 0 ? e : { ...e, t: e.t - removed };
  });
  return { events: out, gaps };
}

// With cuts the axis no longer reads true time: drop its numbers and label each cut instead.
function markGaps(spec: VegaLiteSpec, gaps: Gap[]): VegaLiteSpec {
  const layers = (spec.layer as VegaLiteSpec[]).map((layer, i) => {
    if (i !== 0) return layer;
    const encoding = layer.encoding as Record<string, Record<string, unknown>>;
    return {
      ...layer,
      encoding: {
        ...encoding,
        y: {
          ...encoding.y,
          axis: {
            title: "time (quiet stretches cut short, marked ≈)",
            labels: false,
            ticks: false,
          },
        },
      },
    };
  });
  layers.push({
    data: { values: gaps.map((g) => ({ y: g.atMs, text: `≈ ${g.lengthMs.toFixed(0)} ms quiet` })) },
    mark: { type: "text", align: "left", fontSize: 10, color: "#888", fontStyle: "italic" },
    encoding: {
      x: { datum: -0.45, type: "quantitative" },
      y: { field: "y", type: "quantitative" },
      text: { field: "text" },
    },
  });
  return { ...spec, layer: layers };
}
