import assert from "node:assert/strict";
import fc from "fast-check";
import { EMPTY, StringTrie } from "./string_trie.ts";

Deno.test("StringTrie gives equal strings one id however they were made", () => {
  // Few short texts over two letters make the same string by many different appends, and
  // whole strings interned between appends must meet the appended ones.
  const seed = 20261203;
  console.log(`StringTrie property: seed ${seed}`);
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(fc.nat(), fc.stringMatching(/^[ab]{0,3}$/), fc.boolean()),
        { maxLength: 400 },
      ),
      (steps) => {
        const trie = new StringTrie();
        const ids: number[] = [];
        const byText = new Map<string, number>();
        const note = (id: number, value: string) => {
          assert.equal(trie.string(id), value);
          const known = byText.get(value);
          if (known === undefined) byText.set(value, id);
          else assert.equal(id, known, `two ids for ${JSON.stringify(value)}`);
          ids.push(id);
        };
        for (const [pick, text, whole] of steps) {
          if (whole) {
            note(trie.intern(text), text);
            continue;
          }
          const parent = ids.length === 0 || pick % 5 === 0 ? EMPTY : ids[pick % ids.length];
          const value = (parent === EMPTY ? "" : trie.string(parent)) + text;
          note(trie.append(parent, trie.textId(text)), value);
        }
        assert.ok(trie.size === byText.size);
      },
    ),
    { seed, numRuns: 200 },
  );
});

Deno.test("StringTrie keeps a million appended strings apart and tells opaque ids from strings", () => {
  const trie = new StringTrie();
  const nothing = trie.opaque();
  const digits = [..."0123456789"].map((d) => trie.textId(d));
  let frontier = [EMPTY];
  let previous = frontier;
  let made = 0;
  // Every string of up to six digits: 1.1 million nodes, each reached once.
  for (let depth = 0; depth < 6; depth++) {
    const next: number[] = [];
    for (const parent of frontier) for (const d of digits) next.push(trie.append(parent, d));
    made += next.length;
    previous = frontier;
    frontier = next;
  }
  assert.equal(trie.size, made + 1);
  assert.equal(trie.string(frontier[123456]), "123456");
  assert.equal(trie.intern("123456"), frontier[123456]);
  assert.equal(trie.append(previous[12345], digits[6]), frontier[123456]);
  assert.ok(!trie.isString(nothing) && trie.isString(frontier[0]));
});
