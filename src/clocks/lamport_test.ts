import assert from "node:assert/strict";
import fc from "fast-check";
import { lamportRules, stampEvents } from "./causality.ts";
import { checkClockCondition } from "../check/invariants/causality.ts";
import { lamportWithoutMax } from "./broken.ts";
import { lamportReceive, lamportTick } from "./lamport.ts";
import { execution } from "./arbitraries.ts";

Deno.test("lamportTick and lamportReceive follow IR1 and IR2", () => {
  assert.equal(lamportTick(0), 1);
  assert.equal(lamportReceive(3, 7), 8);
  assert.equal(lamportReceive(9, 7), 10);
});

Deno.test("lamportTick rejects a negative or fractional time", () => {
  assert.throws(() => lamportTick(-1), /non-negative integer, got -1/);
  assert.throws(() => lamportReceive(1, 0.5), /received must be a non-negative integer/);
});

Deno.test("Lamport clocks satisfy the clock condition on random executions", () => {
  fc.assert(
    fc.property(execution(), (events) => {
      const violation = checkClockCondition(events, stampEvents(events, lamportRules));
      assert.equal(violation, undefined, violation?.message);
    }),
  );
});

Deno.test("The clock-condition checker catches a Lamport receive without max", () => {
  const result = fc.check(
    fc.property(execution(), (events) => {
      return checkClockCondition(events, stampEvents(events, lamportWithoutMax)) === undefined;
    }),
  );
  assert.equal(result.failed, true);
  const [events] = result.counterexample!;
  const found = checkClockCondition(events, stampEvents(events, lamportWithoutMax))!;
  assert.match(found.message, /Clock condition violated/);
  assert.match(found.message, /receive m0 from/);
});
