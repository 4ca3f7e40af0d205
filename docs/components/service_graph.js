// A live service graph for the resilience pages: services as boxes, calls as arrows, each box
// filled by the share of its workers that are busy at one moment of a simulation run.

import { ensureStyle, svg } from "./dom.js";

const CSS = `
.ns-service-graph { max-width: 100%; height: auto; font: 12px var(--sans-serif, sans-serif); }
.ns-service-graph text { fill: var(--theme-foreground, #222); }
`;

/**
 * Draws services left to right with their busy workers at one instant.
 *
 * @param {{id: string, label?: string, workers: number}[]} services In call order.
 * @param {{from: string, to: string}[]} calls Arrows between services.
 * @param {Record<string, number>} busy Busy workers per service id at the instant shown.
 * @param {object} [options]
 * @param {number} [options.width] Available width in pixels. Default 640.
 * @returns {SVGSVGElement}
 *
 * @example
 * ```js
 * display(ServiceGraph([{id: "web", workers: 16}, {id: "db", workers: 8}], [{from: "web", to: "db"}], {web: 4, db: 8}, {width}));
 * ```
 */
export function ServiceGraph(services, calls, busy, options = {}) {
  ensureStyle("ns-service-graph-style", CSS);
  // Framework's `width` starts at 0 before layout; never draw narrower than a phone.
  const width = Math.max(300, Math.min(options.width ?? 640, 720));
  const boxW = Math.min(110, (width - 20) / services.length - 24);
  const gap = (width - boxW * services.length) / (services.length + 1);
  const height = 96;
  // On a phone the boxes are narrow: smaller names, and "3/16" without " busy" (the 12 px
  // names and "busy" counts of neighbouring boxes ran into each other).
  const narrow = boxW < 80;
  const nameSize = narrow ? 10 : 12;
  const root = svg("svg", {
    class: "ns-service-graph",
    viewBox: `0 0 ${width} ${height}`,
    width,
    role: "img",
    "aria-label": "service graph",
  });
  const defs = svg("defs");
  const marker = svg("marker", {
    id: "ns-arrow",
    viewBox: "0 0 10 10",
    refX: 9,
    refY: 5,
    markerWidth: 6,
    markerHeight: 6,
    orient: "auto-start-reverse",
  });
  marker.append(svg("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#888" }));
  defs.append(marker);
  root.append(defs);
  const x = new Map(services.map((s, i) => [s.id, gap + i * (boxW + gap)]));
  for (const { from, to } of calls) {
    root.append(svg("line", {
      x1: x.get(from) + boxW,
      y1: 40,
      x2: x.get(to) - 2,
      y2: 40,
      stroke: "#888",
      "stroke-width": 1.5,
      "marker-end": "url(#ns-arrow)",
    }));
  }
  for (const s of services) {
    const share = s.workers > 0 ? Math.min(1, (busy[s.id] ?? 0) / s.workers) : 0;
    const color = share >= 0.99 ? "#c0392b" : share >= 0.6 ? "#e3a008" : "#4c9a2a";
    const x0 = x.get(s.id);
    root.append(
      svg("rect", {
        x: x0,
        y: 16,
        width: boxW,
        height: 48,
        rx: 6,
        fill: "none",
        stroke: color,
        "stroke-width": 2,
      }),
    );
    root.append(
      svg("rect", {
        x: x0,
        y: 16 + 48 * (1 - share),
        width: boxW,
        height: 48 * share,
        rx: 6,
        fill: color,
        opacity: 0.35,
      }),
    );
    root.append(
      svg(
        "text",
        {
          x: x0 + boxW / 2,
          y: 44,
          "text-anchor": "middle",
          "font-weight": 600,
          "font-size": nameSize,
        },
        s.label ?? s.id,
      ),
    );
    root.append(
      svg(
        "text",
        { x: x0 + boxW / 2, y: 82, "text-anchor": "middle", "font-size": nameSize },
        `${busy[s.id] ?? 0}/${s.workers}${narrow ? "" : " busy"}`,
      ),
    );
  }
  return root;
}
