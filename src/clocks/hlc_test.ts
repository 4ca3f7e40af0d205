import assert from "node:assert/strict";
import fc from "fast-check";
import { hlcRules, stampEvents } from "./causality.ts";
import { checkHlc } from "../check/invariants/causality.ts";
import { hlcIgnoringReceivedL, physicalTimeOnly } from "./broken.ts";
import { compareHlc, hlcReceive, hlcSend } from "./hlc.ts";
import { timedExecution } from "./arbitraries.ts";

Deno.test("hlcSend follows the send rule: l catches up with pt, else the counter ticks", () => {
  assert.deepEqual(hlcSend({ l: 5, c: 3 }, 9), { l: 9, c: 0 });
  assert.deepEqual(hlcSend({ l: 5, c: 3 }, 5), { l: 5, c: 4 });
});

Deno.test("hlcReceive covers the four cases of the receive rule", () => {
  assert.deepEqual(hlcReceive({ l: 5, c: 3 }, { l: 5, c: 7 }, 4), { l: 5, c: 8 });
  assert.deepEqual(hlcReceive({ l: 6, c: 3 }, { l: 5, c: 7 }, 4), { l: 6, c: 4 });
  assert.deepEqual(hlcReceive({ l: 4, c: 3 }, { l: 5, c: 7 }, 4), { l: 5, c: 8 });
  assert.deepEqual(hlcReceive({ l: 4, c: 3 }, { l: 5, c: 7 }, 9), { l: 9, c: 0 });
});

Deno.test("hlcSend rejects a fractional physical reading", () => {
  assert.throws(() => hlcSend({ l: 0, c: 0 }, 1.5), /pt must be a non-negative integer, got 1.5/);
});

Deno.test("compareHlc orders by l, then c", () => {
  assert.ok(compareHlc({ l: 1, c: 9 }, { l: 2, c: 0 }) < 0);
  assert.ok(compareHlc({ l: 2, c: 1 }, { l: 2, c: 0 }) > 0);
  assert.equal(compareHlc({ l: 2, c: 1 }, { l: 2, c: 1 }), 0);
});

Deno.test("HLC keeps causality, l ≥ pt, l − pt ≤ ε and a bounded counter under drift and delays", () => {
  fc.assert(
    fc.property(timedExecution(), ({ events, epsilonMs }) => {
      const violation = checkHlc(events, stampEvents(events, hlcRules), { epsilonMs });
      assert.equal(violation, undefined, violation?.message);
    }),
  );
});

Deno.test("HLC counter stays below N·(ε+1) when each node's clock ticks between its events", () => {
  fc.assert(
    fc.property(timedExecution({ maxDriftPpm: 0 }), ({ events, epsilonMs }) => {
      // Keep only events whose node's pt moved since that node's previous event.
      const last = new Map<string, number>();
      const ticking = events.every((e) => {
        const ok = (last.get(e.node) ?? -1) < e.pt!;
        last.set(e.node, e.pt!);
        return ok;
      });
      fc.pre(ticking);
      const nodes = new Set(events.map((e) => e.node)).size;
      for (const { c } of stampEvents(events, hlcRules)) assert.ok(c <= nodes * (epsilonMs + 1));
    }),
  );
});

for (const broken of [hlcIgnoringReceivedL, physicalTimeOnly]) {
  Deno.test(`The HLC checker catches the broken variant ${broken.name}`, () => {
    const result = fc.check(
      fc.property(
        timedExecution(),
        ({ events, epsilonMs }) =>
          checkHlc(events, stampEvents(events, broken), { epsilonMs }) === undefined,
      ),
    );
    assert.equal(result.failed, true, `${broken.name} was not caught`);
    const [{ events, epsilonMs }] = result.counterexample!;
    const found = checkHlc(events, stampEvents(events, broken), { epsilonMs })!;
    assert.equal(found.rule, "hlc-causality");
  });
}
