import assert from "node:assert/strict";
import fc from "fast-check";
import { EventQueue } from "./event_queue.ts";

Deno.test("EventQueue pops in (time, insertion) order, like a stable sort", () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), (times) => {
    const q = new EventQueue<{ timeMs: number; seq: number; i: number }>();
    times.forEach((timeMs, i) => q.push({ timeMs, seq: 0, i }));
    const popped: number[] = [];
    while (q.size > 0) popped.push(q.pop()!.i);
    const expected = times.map((t, i) => ({ t, i })).sort((a, b) => a.t - b.t || a.i - b.i)
      .map((x) => x.i);
    assert.deepEqual(popped, expected);
  }));
});

Deno.test("EventQueue.removeWhere keeps the order of what remains", () => {
  const q = new EventQueue<{ timeMs: number; seq: number; i: number }>();
  for (let i = 0; i < 50; i++) q.push({ timeMs: (i * 7) % 13, seq: 0, i });
  assert.equal(q.removeWhere((e) => e.i % 2 === 0), 25);
  let last = -1;
  while (q.size > 0) {
    const e = q.pop()!;
    assert.ok(e.timeMs >= last);
    assert.equal(e.i % 2, 1);
    last = e.timeMs;
  }
});
