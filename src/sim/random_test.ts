import assert from "node:assert/strict";
import fc from "fast-check";
import { Random } from "./random.ts";

Deno.test("Random gives the same stream for the same seed", () => {
  fc.assert(fc.property(fc.integer(), (seed) => {
    const a = new Random(seed), b = new Random(seed);
    for (let i = 0; i < 20; i++) assert.equal(a.nextUint32(), b.nextUint32());
  }));
});

Deno.test("Random gives different streams for different seeds", () => {
  fc.assert(fc.property(fc.maxSafeInteger(), fc.maxSafeInteger(), (s1, s2) => {
    fc.pre(s1 !== s2);
    const a = new Random(s1), b = new Random(s2);
    const xs = Array.from({ length: 4 }, () => a.nextUint32());
    const ys = Array.from({ length: 4 }, () => b.nextUint32());
    assert.notDeepEqual(xs, ys);
  }));
});

Deno.test("Random.int stays within its inclusive bounds", () => {
  fc.assert(
    fc.property(fc.integer(), fc.integer({ min: -1000, max: 1000 }), fc.nat(1000), (s, lo, w) => {
      const r = new Random(s);
      for (let i = 0; i < 50; i++) {
        const v = r.int(lo, lo + w);
        assert.ok(v >= lo && v <= lo + w && Number.isInteger(v));
      }
    }),
  );
});

Deno.test("Random.next is roughly uniform (chi-square over 10 buckets)", () => {
  const r = new Random(42);
  const buckets = new Array(10).fill(0);
  const n = 100_000;
  for (let i = 0; i < n; i++) buckets[Math.floor(r.next() * 10)]++;
  const expected = n / 10;
  const chi = buckets.reduce((sum, b) => sum + (b - expected) ** 2 / expected, 0);
  // 9 degrees of freedom: P(chi2 > 27.9) < 0.001.
  assert.ok(chi < 27.9, `chi-square ${chi}`);
});

Deno.test("Random.split streams are independent of later draws on the parent", () => {
  const a = new Random(7), b = new Random(7);
  const childA = a.split("net");
  const childB = b.split("net");
  a.next();
  assert.equal(childA.nextUint32(), childB.nextUint32());
  assert.notEqual(new Random(7).split("x").nextUint32(), new Random(7).split("y").nextUint32());
});

Deno.test("Random rejects a seed that is not a safe integer", () => {
  assert.throws(() => new Random(1.5), /safe integer/);
  assert.throws(() => new Random(1).int(3, 1), /min <= max/);
  assert.throws(() => new Random(1).pick([]), /non-empty/);
});

Deno.test("Random seeds that differ only in sign or high bits give different streams", () => {
  const first = (seed: number) => {
    const r = new Random(seed);
    return [r.nextUint32(), r.nextUint32(), r.nextUint32()].join(",");
  };
  const seeds = [0, -1, 1, 2 ** 32, -(2 ** 32), 2 ** 32 + 1, 2 ** 40, -(2 ** 40), 2 ** 53 - 1];
  assert.equal(new Set(seeds.map(first)).size, seeds.length);
});
