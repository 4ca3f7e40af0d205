import assert from "node:assert/strict";
import type { TraceEvent } from "../sim/trace.ts";
import { messageDiagram, messageDiagramData, pairMessages } from "./message_diagram.ts";

const ping = { type: "Ping" };
const pong = { type: "Pong" };

// n1 pings n2 (delivered twice: the network duplicated it), n2 answers with a pong that is
// lost, n1 crashes and restarts, and a last ping is still in flight at the end.
const EVENTS: TraceEvent[] = [
  { t: 0, kind: "send", id: 1, from: "n1", to: "n2", msg: ping },
  { t: 2, kind: "deliver", id: 1, from: "n1", to: "n2", msg: ping },
  { t: 3, kind: "send", id: 2, from: "n2", to: "n1", msg: pong },
  { t: 4, kind: "deliver", id: 1, from: "n1", to: "n2", msg: ping },
  { t: 6, kind: "drop", id: 2, from: "n2", to: "n1", msg: pong, reason: "loss" },
  { t: 7, kind: "crash", node: "n1" },
  { t: 8, kind: "restart", node: "n1" },
  { t: 9, kind: "state", node: "n2", key: "role", value: "leader" },
  { t: 9, kind: "state", node: "n2", key: "term", value: 2 },
  { t: 10, kind: "send", id: 3, from: "n1", to: "n3", msg: ping },
] as TraceEvent[];

Deno.test("pairMessages matches deliveries, duplicates and drops with their sends", () => {
  const pairs = pairMessages(EVENTS);
  assert.deepEqual(
    pairs.map((p) => [p.id, p.status, p.sentMs, p.end?.t ?? null]),
    [[1, "delivered", 0, 2], [1, "duplicate", 0, 4], [2, "dropped", 3, 6], [
      3,
      "in-flight",
      10,
      null,
    ]],
  );
  assert.equal(pairs[0].send, EVENTS[0]);
  assert.equal(pairs[2].end, EVENTS[4]);
});

Deno.test("pairMessages keeps a drop whose send is outside the events, timed at the drop", () => {
  const [pair] = pairMessages(EVENTS.slice(4, 5));
  assert.equal(pair.status, "dropped");
  assert.equal(pair.send, undefined);
  assert.equal(pair.sentMs, 6);
  // The duplicate delivery of message 1 counts as a first delivery once its send is cut off.
  assert.deepEqual(pairMessages(EVENTS.slice(3, 4)).map((p) => p.status), ["delivered"]);
});

Deno.test("pairMessages of no events is empty", () => {
  assert.deepEqual(pairMessages([]), []);
});

Deno.test("messageDiagramData puts nodes on lanes in order of appearance", () => {
  const data = messageDiagramData(EVENTS);
  assert.deepEqual(data.nodes, ["n1", "n2", "n3"]);
  assert.equal(data.truncated, false);
  // Fixed lanes drop anything on a node that is not listed.
  const fixed = messageDiagramData(EVENTS, { nodes: ["n2", "n1"] });
  assert.deepEqual(fixed.nodes, ["n2", "n1"]);
  assert.deepEqual(fixed.arrows.map((a) => [a.x, a.x2]), [[1, 0], [1, 0], [0, 0.35]]);
});

Deno.test("messageDiagramData draws an arrow per delivery and a short stub per drop", () => {
  const { arrows } = messageDiagramData(EVENTS);
  assert.deepEqual(arrows.map((a) => [a.id, a.status, a.x, a.y, a.x2, a.y2]), [
    [1, "delivered", 0, 0, 1, 2],
    [1, "duplicate", 0, 0, 1, 4],
    // A drop ends 35% of the way across and 35% of the way down to the time it was dropped.
    [2, "dropped", 1, 3, 1 - 0.35, 3 + 3 * 0.35],
  ]);
  assert.match(arrows[2].text, /\(dropped: loss\)$/);
  assert.equal(arrows[0].type, "Ping");
});

Deno.test("messageDiagramData marks crashes, restarts and the chosen state keys", () => {
  const { marks } = messageDiagramData(EVENTS);
  assert.deepEqual(marks, [
    { x: 0, y: 7, kind: "crash", text: "n1 crash" },
    { x: 0, y: 8, kind: "restart", text: "n1 restart" },
    { x: 1, y: 9, kind: "state", text: "role=leader" },
  ]);
  const terms = messageDiagramData(EVENTS, { stateKeys: ["term"] }).marks;
  assert.deepEqual(terms.filter((m) => m.kind === "state").map((m) => m.text), ["term=2"]);
});

Deno.test("messageDiagramData keeps only the window and the first maxMessages sends", () => {
  const windowed = messageDiagramData(EVENTS, { fromMs: 3, toMs: 6 });
  assert.deepEqual(windowed.arrows.map((a) => [a.id, a.status]), [[2, "dropped"]]);
  const first = messageDiagramData(EVENTS, { maxMessages: 1 });
  assert.equal(first.truncated, true);
  assert.deepEqual(first.arrows.map((a) => a.id), [1, 1]);
});

Deno.test("messageDiagram labels arrows at their midpoints and is valid JSON", () => {
  const spec = messageDiagram(EVENTS, { width: 300, height: 200, title: "t" });
  assert.deepEqual(JSON.parse(JSON.stringify(spec)), spec);
  assert.equal(spec.width, 300);
  assert.equal(spec.height, 200);
  const layer = spec.layer as Record<string, unknown>[];
  // Rules, arrow heads, labels, mark points and mark texts.
  assert.equal(layer.length, 5);
  const labels = layer[2];
  assert.deepEqual(labels.transform, [
    { calculate: "(datum.x + datum.x2) / 2", as: "mx" },
    { calculate: "(datum.y + datum.y2) / 2", as: "my" },
  ]);
  assert.deepEqual((labels.encoding as Record<string, unknown>).text, { field: "type" });
});

Deno.test("messageDiagram leaves labels out past 40 messages unless asked", () => {
  const many: TraceEvent[] = [];
  for (let id = 1; id <= 41; id++) {
    many.push({ t: id, kind: "send", id, from: "a", to: "b", msg: ping });
    many.push({ t: id + 0.5, kind: "deliver", id, from: "a", to: "b", msg: ping });
  }
  assert.equal((messageDiagram(many).layer as unknown[]).length, 2);
  assert.equal((messageDiagram(many, { labels: true }).layer as unknown[]).length, 3);
  assert.equal(messageDiagram(many).width, undefined);
});

Deno.test("messageDiagram compiles with Vega-Lite", async () => {
  const vl = await import("vega-lite");
  const compiled = vl.compile(messageDiagram(EVENTS) as never);
  assert.ok(compiled.spec);
});

Deno.test("messageDiagram drops a label that would overlap an earlier one and keeps apart ones", () => {
  const burst: TraceEvent[] = [];
  // Two messages a hair apart between the same lanes, then one far later.
  for (const [id, t] of [[1, 0], [2, 0.01], [3, 50]] as const) {
    burst.push({ t, kind: "send", id, from: "a", to: "b", msg: ping });
    burst.push({ t: t + 1, kind: "deliver", id, from: "a", to: "b", msg: ping });
  }
  const layer = messageDiagram(burst, { height: 200 }).layer as Record<string, unknown>[];
  const labelled = (layer[2].data as { values: { id: number }[] }).values.map((a) => a.id);
  assert.deepEqual(labelled, [1, 3]);
  // The arrows themselves are all drawn.
  assert.equal((layer[0].data as { values: unknown[] }).values.length, 3);
});
