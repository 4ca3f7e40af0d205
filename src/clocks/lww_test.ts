import assert from "node:assert/strict";
import fc from "fast-check";
import { type LwwValue, mergeLww } from "./lww.ts";

const value: fc.Arbitrary<LwwValue<number>> = fc.record({
  value: fc.nat({ max: 5 }),
  stamp: fc.record({
    l: fc.nat({ max: 5 }),
    c: fc.nat({ max: 2 }),
    node: fc.constantFrom("a", "b"),
  }),
});
const state = fc.option(value, { nil: undefined });

Deno.test("mergeLww is commutative, associative and idempotent (up to equal stamps)", () => {
  fc.assert(
    fc.property(state, state, state, (x, y, z) => {
      const stamp = (v: LwwValue<number> | undefined) => v?.stamp;
      assert.deepEqual(stamp(mergeLww(x, y)), stamp(mergeLww(y, x)));
      assert.deepEqual(stamp(mergeLww(x, mergeLww(y, z))), stamp(mergeLww(mergeLww(x, y), z)));
      assert.deepEqual(mergeLww(x, x), x);
    }),
  );
});

Deno.test("A causally later write with a lagging physical clock loses under LWW", () => {
  const first = { value: "deposit", stamp: { l: 1000, c: 0, node: "fast" } };
  // The second writer read "deposit", but its clock is 50 ms behind.
  const second = { value: "withdraw", stamp: { l: 960, c: 0, node: "slow" } };
  assert.equal(mergeLww(first, second)?.value, "deposit");
});
