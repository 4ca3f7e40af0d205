import assert from "node:assert/strict";
import fc from "fast-check";
import {
  combineHashes,
  formatMessage,
  formatTime,
  renderEvent,
  renderTrace,
  Trace,
} from "./trace.ts";
import type { TraceEvent, TraceMode } from "./trace.ts";

const ping = (t: number, id = 1): TraceEvent => ({
  t,
  kind: "send",
  id,
  from: "n1",
  to: "n2",
  msg: { type: "Ping", seq: id } as { type: string },
});

/** One event of every kind, in a plausible order. */
const EVERY_KIND: TraceEvent[] = [
  ping(0),
  { t: 1.5, kind: "deliver", id: 1, from: "n1", to: "n2", msg: { type: "Ping" } },
  { t: 2, kind: "drop", id: 2, from: "n1", to: "n3", msg: { type: "Ping" }, reason: "partition" },
  { t: 2, kind: "duplicate", id: 3, from: "n2", to: "n1" },
  { t: 2, kind: "tamper", id: 3, from: "n2", to: "n1", field: "seq" },
  { t: 3, kind: "timer", node: "n1", tag: "election" },
  { t: 4, kind: "crash", node: "n2" },
  { t: 5, kind: "restart", node: "n2" },
  { t: 6, kind: "fault", fault: { atMs: 6, kind: "partition", groups: [["n1", "n2"], ["n3"]] } },
  { t: 7, kind: "state", node: "n1", key: "role", value: "leader" },
  { t: 8, kind: "log", node: "n1", text: "became leader in term 2" },
  {
    t: 9,
    kind: "op",
    node: "c1",
    op: { process: 1, type: "invoke", f: "write", key: "x", value: 3 },
  },
];

function traceOf(events: readonly TraceEvent[], mode: TraceMode = "full"): Trace {
  const trace = new Trace(mode);
  for (const event of events) trace.add(event);
  return trace;
}

const eventArb: fc.Arbitrary<TraceEvent> = fc.oneof(
  fc.record({
    t: fc.double({ min: 0, max: 1e6, noNaN: true }),
    kind: fc.constant("log" as const),
    node: fc.constantFrom("n1", "n2", "n3"),
    text: fc.string({ maxLength: 8 }),
  }),
  fc.record({
    t: fc.double({ min: 0, max: 1e6, noNaN: true }),
    kind: fc.constant("timer" as const),
    node: fc.constantFrom("n1", "n2"),
    tag: fc.constantFrom("election", "heartbeat"),
  }),
  fc.integer({ min: 1, max: 1000 }).map((id) => ping(id / 8, id)),
);

Deno.test("Trace hashes the same events to the same 16 hex digits, in every mode that hashes", () => {
  fc.assert(
    fc.property(fc.array(eventArb, { maxLength: 40 }), (events) => {
      const full = traceOf(events).hash();
      assert.match(full, /^[0-9a-f]{16}$/);
      assert.equal(traceOf(events).hash(), full);
      assert.equal(traceOf(events, "hash").hash(), full, "hash mode hashes like full mode");
    }),
    { seed: 8, verbose: true },
  );
});

Deno.test("Trace hash changes when a time, an id, an endpoint, a type or the order changes", () => {
  const base = traceOf([ping(1, 1), ping(2, 2)]).hash();
  const variants: TraceEvent[][] = [
    [ping(1, 1), ping(2.000001, 2)],
    [ping(1, 1), ping(2, 3)],
    [ping(1, 1), { ...ping(2, 2), to: "n3" } as TraceEvent],
    [ping(1, 1), { ...ping(2, 2), msg: { type: "Pong" } } as TraceEvent],
    [ping(2, 2), ping(1, 1)],
    [ping(1, 1)],
  ];
  for (const events of variants) assert.notEqual(traceOf(events).hash(), base);
});

Deno.test("Trace hash tells apart every kind of event at the same time", () => {
  const hashes = EVERY_KIND.map((event) => traceOf([{ ...event, t: 0 } as TraceEvent]).hash());
  assert.equal(new Set(hashes).size, EVERY_KIND.length);
});

Deno.test("Trace in hash mode keeps no events, and off mode neither keeps nor hashes", () => {
  const hashed = traceOf(EVERY_KIND, "hash");
  assert.equal(hashed.events.length, 0);
  assert.equal(hashed.count, EVERY_KIND.length);
  const off = traceOf(EVERY_KIND, "off");
  assert.equal(off.enabled, false);
  assert.equal(off.events.length, 0);
  assert.equal(off.hash(), "");
  assert.equal(off.count, EVERY_KIND.length, "off still counts what it was given");
});

Deno.test("Trace interns at most 100,000 strings, and the hash stays exact past that", () => {
  // The intern table is a cache bounded so a long run's memory stays bounded; strings beyond
  // it are hashed afresh each time, which must give the same hash.
  const texts = Array.from({ length: 100_010 }, (_, i) => `line ${i}`);
  const run = (last: string) => {
    const trace = new Trace("hash");
    for (const text of texts) trace.add({ t: 0, kind: "log", node: "n1", text });
    trace.add({ t: 1, kind: "log", node: "n1", text: last });
    return trace.hash();
  };
  assert.equal(run("line 100009"), run("line 100009"));
  assert.notEqual(run("line 100009"), run("line 100008"));
});

Deno.test("Trace.toJsonLines writes one parseable line per event, and nothing for no events", () => {
  const trace = traceOf(EVERY_KIND);
  const text = trace.toJsonLines();
  assert.ok(text.endsWith("\n"));
  const lines = text.trimEnd().split("\n");
  assert.equal(lines.length, EVERY_KIND.length);
  assert.deepEqual(lines.map((line) => JSON.parse(line)), EVERY_KIND);
  assert.equal(new Trace("full").toJsonLines(), "");
});

Deno.test("renderEvent writes one line per kind in the documented shape", () => {
  assert.deepEqual(EVERY_KIND.map(renderEvent), [
    "0.000ms n1->n2 Ping seq=1",
    "1.500ms n2<-n1 Ping",
    "2.000ms n1-xn3 Ping (dropped: partition)",
    "2.000ms n2=>n1 message #3 duplicated",
    "2.000ms n2~>n1 message #3 tampered (seq)",
    "3.000ms n1 timer election",
    "4.000ms n2 CRASH",
    "5.000ms n2 RESTART",
    "6.000ms nemesis partition n1,n2 | n3",
    "7.000ms n1 role=leader",
    "8.000ms n1 became leader in term 2",
    "9.000ms client 1 invoke write x 3",
  ]);
});

Deno.test("formatMessage shortens long arrays and objects and quotes odd strings", () => {
  const msg = {
    type: "AppendEntries",
    entries: [1, 2, 3, 4, 5, 6],
    meta: { a: "0123456789", b: "0123456789", c: "0123456789" },
    note: "two words",
  } as { type: string };
  assert.equal(
    formatMessage(msg),
    'AppendEntries entries=[1,2,3,4,…+2] meta={"a":"0123456789","b":"0123456789","c":… note="two words"',
  );
  assert.equal(formatTime(0.1234), "0.123ms");
});

Deno.test("renderTrace skips deliveries by default, filters by kind and stops at the limit", () => {
  const all = renderTrace(EVERY_KIND).split("\n");
  assert.equal(all.length, EVERY_KIND.length - 1);
  assert.ok(!all.some((line) => line.includes("<-")));
  assert.equal(
    renderTrace(EVERY_KIND, { kinds: ["crash", "restart"] }),
    "4.000ms n2 CRASH\n5.000ms n2 RESTART",
  );
  const limited = renderTrace(EVERY_KIND, { kinds: ["send", "drop", "timer"], limit: 2 }).split(
    "\n",
  );
  assert.equal(limited.length, 3);
  assert.match(limited[2], /^… \d+ more events$/);
});

Deno.test("renderEvent and Trace.add refuse an event of unknown kind by name", () => {
  const bogus = { t: 0, kind: "teleport" } as unknown as TraceEvent;
  assert.throws(() => renderEvent(bogus), /Unknown trace event kind "teleport"/);
  assert.throws(() => new Trace("hash").add(bogus), /Unknown trace event kind "teleport"/);
});

Deno.test("combineHashes is order-sensitive and gives 16 hex digits", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 16, maxLength: 16 }),
        { maxLength: 6 },
      ),
      (hashes) => {
        const combined = combineHashes(hashes);
        assert.match(combined, /^[0-9a-f]{16}$/);
        assert.equal(combineHashes([...hashes]), combined);
      },
    ),
    { seed: 8, verbose: true },
  );
  assert.notEqual(combineHashes(["a", "b"]), combineHashes(["b", "a"]));
});
