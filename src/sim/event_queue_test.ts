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
