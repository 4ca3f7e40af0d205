import assert from "node:assert/strict";
import fc from "fast-check";
import { KeySet } from "./key_set.ts";

Deno.test("KeySet agrees with a Set of the keys' texts on random keys", () => {
  // Short keys over few values collide often, and enough of them force the table to grow.
  const seed = 20261202;
  console.log(`KeySet property: seed ${seed}`);
  fc.assert(
    fc.property(
      fc.array(fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 4 }), { maxLength: 3000 }),
      (keys) => {
        const set = new KeySet();
        const reference = new Set<string>();
        for (const key of keys) {
          const words = Int32Array.from(key);
          assert.equal(set.add(words, words.length), !reference.has(key.join()));
          reference.add(key.join());
        }
        assert.equal(set.size, reference.size);
      },
    ),
    { seed, numRuns: 100 },
  );
});

Deno.test("KeySet keeps a million keys apart and finds each again", () => {
  const set = new KeySet();
  const words = new Int32Array(3);
  for (let i = 0; i < 1_000_000; i++) {
    words[0] = i & 1023;
    words[1] = i >> 10;
    assert.equal(set.add(words, 2 + (i & 1)), true);
  }
  for (let i = 0; i < 1_000_000; i += 997) {
    words[0] = i & 1023;
    words[1] = i >> 10;
    assert.equal(set.add(words, 2 + (i & 1)), false);
  }
  assert.equal(set.size, 1_000_000);
});
