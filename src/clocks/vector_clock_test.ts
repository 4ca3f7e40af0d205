import assert from "node:assert/strict";
import fc from "fast-check";
import { causalOrder, stampEvents, vectorRules } from "./causality.ts";
import { checkVectorClocks } from "../check/invariants/causality.ts";
import { vectorMinMerge, vectorWithoutIncrementOnReceive } from "./broken.ts";
import {
  compareVectors,
  incrementVector,
  mergeVectors,
  receiveVector,
  type VectorClock,
  vectorClock,
} from "./vector_clock.ts";
import { execution } from "./arbitraries.ts";

const vector: fc.Arbitrary<VectorClock> = fc
  .dictionary(fc.constantFrom("a", "b", "c"), fc.nat({ max: 4 }))
  .map((entries) => vectorClock(entries));

Deno.test("compareVectors names all four relations", () => {
  assert.equal(compareVectors({ a: 1 }, { a: 1 }), "equal");
  assert.equal(compareVectors({ a: 1 }, { a: 2 }), "before");
  assert.equal(compareVectors({ a: 1, b: 1 }, { a: 1 }), "after");
  assert.equal(compareVectors({ a: 1 }, { b: 1 }), "concurrent");
});

Deno.test("A missing entry counts as zero", () => {
  assert.equal(compareVectors({ a: 0 }, {}), "equal");
  assert.deepEqual(receiveVector({}, { a: 2 }, "b"), { a: 2, b: 1 });
});

Deno.test("vectorClock rejects a negative entry, naming it", () => {
  assert.throws(() => vectorClock({ a: -1 }), /entry "a" must be a non-negative integer, got -1/);
});

Deno.test("mergeVectors is a join: commutative, associative, idempotent, an upper bound", () => {
  fc.assert(
    fc.property(vector, vector, vector, (x, y, z) => {
      assert.deepEqual(mergeVectors(x, y), mergeVectors(y, x));
      assert.deepEqual(mergeVectors(x, mergeVectors(y, z)), mergeVectors(mergeVectors(x, y), z));
      assert.deepEqual(mergeVectors(x, x), x);
      assert.ok(["after", "equal"].includes(compareVectors(mergeVectors(x, y), x)));
    }),
  );
});

Deno.test("compareVectors is antisymmetric", () => {
  const mirror = { before: "after", after: "before", equal: "equal", concurrent: "concurrent" };
  fc.assert(
    fc.property(vector, vector, (x, y) => {
      assert.equal(compareVectors(y, x), mirror[compareVectors(x, y)]);
    }),
  );
});

Deno.test("incrementVector moves strictly forward", () => {
  fc.assert(
    fc.property(vector, fc.constantFrom("a", "b", "z"), (x, id) => {
      assert.equal(compareVectors(x, incrementVector(x, id)), "before");
    }),
  );
});

Deno.test("Vector clocks characterise happens-before exactly on random executions", () => {
  fc.assert(
    fc.property(execution(4, 30), (events) => {
      const violation = checkVectorClocks(events, stampEvents(events, vectorRules));
      assert.equal(violation, undefined, violation?.message);
    }),
  );
});

Deno.test("Ground truth: causalOrder is transitive and irreflexive", () => {
  fc.assert(
    fc.property(execution(3, 20), (events) => {
      const order = causalOrder(events);
      for (let i = 0; i < events.length; i++) {
        assert.equal(order.before(i, i), false);
        for (let j = 0; j < events.length; j++) {
          for (let k = 0; k < events.length; k++) {
            if (order.before(i, j) && order.before(j, k)) assert.ok(order.before(i, k));
          }
        }
      }
    }),
  );
});

for (const broken of [vectorWithoutIncrementOnReceive, vectorMinMerge]) {
  Deno.test(`The vector checker catches the broken variant ${broken.name}`, () => {
    const result = fc.check(
      fc.property(
        execution(4, 30),
        (events) => checkVectorClocks(events, stampEvents(events, broken)) === undefined,
      ),
    );
    assert.equal(result.failed, true, `${broken.name} was not caught`);
    const [events] = result.counterexample!;
    const found = checkVectorClocks(events, stampEvents(events, broken))!;
    assert.match(found.message, /Vector clocks disagree with causality/);
  });
}

/**
 * Runs `body` with Object.prototype's `__proto__` accessor restored, as browsers have it (Deno
 * removes it, so an `out[id] = n` with id "__proto__" works here and loses the entry there).
 */
function withBrowserProto(body: () => void): void {
  const accessor = {
    get(this: object) {
      return Object.getPrototypeOf(this);
    },
    set(this: object, proto: object | null) {
      if (typeof proto === "object") Object.setPrototypeOf(this, proto);
    },
    configurable: true,
  };
  Object.defineProperty(Object.prototype, "__proto__", accessor);
  try {
    body();
  } finally {
    delete (Object.prototype as { __proto__?: unknown }).__proto__;
  }
}

const PROTO_IDS = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "a"];
const protoVector: fc.Arbitrary<VectorClock> = fc
  .array(fc.tuple(fc.constantFrom(...PROTO_IDS), fc.nat({ max: 4 })), { maxLength: 6 })
  .map((pairs) => vectorClock(Object.fromEntries(pairs)));

Deno.test("Vector clocks keep processes named like Object.prototype members, as in a browser", () => {
  const seed = 1637;
  withBrowserProto(() => {
    const details = fc.check(
      fc.property(protoVector, protoVector, fc.constantFrom(...PROTO_IDS), (a, b, id) => {
        const merged = mergeVectors(a, b);
        for (const p of PROTO_IDS) {
          const want = Math.max(Object.hasOwn(a, p) ? a[p] : 0, Object.hasOwn(b, p) ? b[p] : 0);
          const got = Object.hasOwn(merged, p) ? merged[p] : 0;
          assert.equal(got, want, `merged entry ${p}`);
        }
        assert.equal(Object.getPrototypeOf(merged), Object.prototype);
        const ticked = incrementVector(a, id);
        assert.equal(ticked[id], (Object.hasOwn(a, id) ? a[id] : 0) + 1);
        assert.equal(compareVectors(a, ticked), "before");
        assert.equal(compareVectors(receiveVector(a, b, id), merged), "after");
      }),
      { seed, numRuns: 300 },
    );
    assert.ok(
      !details.failed,
      `${details.errorInstance}\nreplay: ${
        JSON.stringify({ seed, path: details.counterexamplePath })
      }`,
    );
  });
});
