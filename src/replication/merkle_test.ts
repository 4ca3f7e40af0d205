import assert from "node:assert/strict";
import fc from "fast-check";
import { fullSync, merkleSync } from "./merkle.ts";

const v = (counter: number) => ({ value: counter, version: { counter, writer: "w" } });

Deno.test("Merkle sync finds exactly the keys whose versions differ", () => {
  const seed = 20261202;
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 400 }),
      fc.uniqueArray(fc.integer({ min: 0, max: 499 }), { maxLength: 40 }),
      fc.integer({ min: 0, max: 10 }),
      (size, changed, depth) => {
        const a = new Map(Array.from({ length: size }, (_, i) => [`k${i}`, v(1)]));
        const b = new Map(a);
        for (const i of changed) b.set(`k${i}`, v(2));
        const expected = fullSync(a, b).differences;
        const report = merkleSync(a, b, { depth });
        assert.equal(report.differences, expected);
        // One round trip per level, plus bucket contents and values: never more.
        assert.ok(report.messages <= 2 + 2 * depth + 4);
      },
    ),
    { seed, numRuns: 200 },
  );
});

Deno.test("Merkle sync traffic grows with the differences, not with the data size", () => {
  const bytesFor = (size: number, differences: number) => {
    const a = new Map(Array.from({ length: size }, (_, i) => [`k${i}`, v(1)]));
    const b = new Map(a);
    for (let i = 0; i < differences; i++) b.set(`k${i * 7}`, v(2));
    return merkleSync(a, b, { depth: 12 }).bytes;
  };
  assert.ok(bytesFor(20_000, 5) < bytesFor(2_000, 50));
  assert.equal(merkleSync(new Map([["x", v(1)]]), new Map([["x", v(1)]])).messages, 2);
});
