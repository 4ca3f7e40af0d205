import assert from "node:assert/strict";
import fc from "fast-check";
import {
  contextOf,
  covers,
  dominates,
  mergeVersioned,
  putVersioned,
  siblings,
  type Versioned,
  versionOf,
} from "./version_vector.ts";

Deno.test("dominates is strict: a vector does not dominate itself", () => {
  assert.equal(dominates({ r1: 1 }, { r1: 1 }), false);
  assert.equal(dominates({ r1: 1, r2: 1 }, { r1: 1 }), true);
});

Deno.test("A read-modify-write replaces what it read; a blind write becomes a sibling", () => {
  const a = putVersioned<string>([], "a", { replica: "r1" });
  const b = putVersioned(a, "b", { replica: "r1" });
  assert.deepEqual(b.map((v) => v.value), ["b"]);
  const c = putVersioned(b, "c", { replica: "r1", context: {} });
  assert.deepEqual(c.map((v) => v.value), ["b", "c"]);
  assert.deepEqual(contextOf(c), { r1: 3 });
  assert.deepEqual(versionOf(c[1]), { r1: 3 });
});

type Op =
  | { kind: "write"; replica: number; readFrom: number }
  | { kind: "sync"; from: number; to: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant("write" as const),
    replica: fc.nat({ max: 2 }),
    readFrom: fc.nat({ max: 2 }),
  }),
  fc.record({
    kind: fc.constant("sync" as const),
    from: fc.nat({ max: 2 }),
    to: fc.nat({ max: 2 }),
  }),
);

Deno.test("Version vectors never lose an update: the survivors are exactly the unread writes", () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
      // Each value is a write id; `read` records which writes each writer had seen.
      const replicas: Versioned<number>[][] = [[], [], []];
      const read: Set<number>[] = [];
      for (const o of ops) {
        if (o.kind === "write") {
          const seen = replicas[o.readFrom];
          read.push(new Set(seen.map((s) => s.value)));
          const id = read.length - 1;
          replicas[o.replica] = putVersioned(replicas[o.replica], id, {
            replica: `r${o.replica}`,
            context: contextOf(seen),
          });
        } else {
          replicas[o.to] = mergeVersioned(replicas[o.to], replicas[o.from]);
        }
      }
      const final = replicas.reduce((a, b) => mergeVersioned(a, b));
      // Ground truth: a write is overwritten iff a later writer read it (or read a write that
      // overwrote it, which its context then covers too).
      const overwritten = new Set<number>();
      const coveredBy = (id: number, seen: Set<number>): boolean =>
        seen.has(id) || [...seen].some((s) => s > id && coveredBy(id, read[s]));
      for (let w = 0; w < read.length; w++) {
        if (read.some((seen, later) => later > w && coveredBy(w, seen))) overwritten.add(w);
      }
      const survivors = final.map((v) => v.value).sort((a, b) => a - b);
      const expected = read.map((_, w) => w).filter((w) => !overwritten.has(w));
      assert.deepEqual(survivors, expected);
    }),
  );
});

Deno.test("siblings is idempotent and order-independent", () => {
  const versioned = fc.record({
    value: fc.nat({ max: 3 }),
    dot: fc.record({
      replica: fc.constantFrom("r1", "r2"),
      counter: fc.integer({ min: 1, max: 3 }),
    }),
    context: fc.dictionary(fc.constantFrom("r1", "r2"), fc.nat({ max: 3 })),
  });
  fc.assert(
    fc.property(fc.array(versioned, { maxLength: 6 }), (vs) => {
      const once = siblings(vs);
      assert.deepEqual(siblings(once), once);
      const dots = (list: readonly Versioned<number>[]) =>
        list.map((v) => `${v.dot.replica}:${v.dot.counter}`);
      assert.deepEqual(dots(siblings([...vs].reverse())), dots(once));
    }),
  );
});

Deno.test("A replica named like an Object.prototype member starts at counter 1 and is covered by its own dot", () => {
  for (const replica of ["constructor", "toString", "__proto__", "valueOf"]) {
    const first = putVersioned([], "a", { replica });
    assert.deepEqual(first[0].dot, { replica, counter: 1 });
    assert.equal(covers({}, { replica, counter: 1 }), false);
    const second = putVersioned(first, "b", { replica });
    assert.equal(second.length, 1, `${replica}: a write that saw the first one replaces it`);
    assert.deepEqual(second[0].dot, { replica, counter: 2 });
  }
});
