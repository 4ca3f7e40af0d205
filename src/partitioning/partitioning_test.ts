import assert from "node:assert/strict";
import fc from "fast-check";
import {
  bucketSizes,
  expectedMovedFraction,
  geoPartitioner,
  hash64,
  hashRingPartitioner,
  jumpConsistentHash,
  jumpHashPartitioner,
  modNPartitioner,
  movedKeys,
  mulAdd64,
  murmur3,
  type Partitioner,
  rangesFromSample,
  rendezvousPartitioner,
  splitHottestRange,
  standardError,
} from "./mod.ts";

const SEED = 20260412;
const keys = Array.from({ length: 20_000 }, (_, i) => `user:${i}`);
const nodes = (n: number) => Array.from({ length: n }, (_, i) => `n${i + 1}`);

function toBig(x: { hi: number; lo: number }): bigint {
  return (BigInt(x.hi) << 32n) | BigInt(x.lo);
}

// The paper's Figure 1, in BigInt: the reference the 16-bit-limb version is checked against.
function jumpReference(key: bigint, buckets: number): number {
  let b = -1n, j = 0n;
  while (j < BigInt(buckets)) {
    b = j;
    key = BigInt.asUintN(64, key * 2862933555777941757n + 1n);
    j = BigInt(Math.floor(Number(b + 1n) * (2 ** 31 / Number((key >> 33n) + 1n))));
  }
  return Number(b);
}

Deno.test("murmur3 gives the reference implementation's values", () => {
  assert.equal(murmur3(""), 0);
  assert.equal(murmur3("", 1), 0x514e28b7);
  assert.equal(murmur3("aaaa", 0x9747b28c), 0x5a97808a);
  assert.equal(murmur3("The quick brown fox jumps over the lazy dog"), 0x2e4ff723);
  // Non-ASCII keys hash their UTF-8 bytes, the same whichever path encodes them.
  assert.equal(murmur3("ü"), murmur3("\u00fc"));
  assert.notEqual(murmur3("ü"), murmur3("u"));
});

Deno.test("mulAdd64 agrees with BigInt arithmetic mod 2^64", () => {
  const word = fc.integer({ min: 0, max: 0xffffffff });
  fc.assert(
    fc.property(word, word, word, word, word, (ah, al, bh, bl, c) => {
      const got = toBig(mulAdd64({ hi: ah, lo: al }, { hi: bh, lo: bl }, c));
      const want = BigInt.asUintN(
        64,
        toBig({ hi: ah, lo: al }) * toBig({ hi: bh, lo: bl }) + BigInt(c),
      );
      assert.equal(got, want);
    }),
    { seed: SEED, numRuns: 2000 },
  );
});

Deno.test("jumpConsistentHash agrees with the paper's algorithm run in BigInt", () => {
  const word = fc.integer({ min: 0, max: 0xffffffff });
  fc.assert(
    fc.property(word, word, fc.integer({ min: 1, max: 5000 }), (hi, lo, buckets) => {
      assert.equal(
        jumpConsistentHash({ hi, lo }, buckets),
        jumpReference(toBig({ hi, lo }), buckets),
      );
    }),
    { seed: SEED, numRuns: 500 },
  );
});

Deno.test("jumpConsistentHash moves a key only to the new bucket when buckets grow", () => {
  fc.assert(
    fc.property(fc.string(), fc.integer({ min: 1, max: 500 }), (key, n) => {
      const before = jumpConsistentHash(hash64(key), n);
      const after = jumpConsistentHash(hash64(key), n + 1);
      assert.ok(after === before || after === n, `${key}: ${before} -> ${after} at n=${n}`);
    }),
    { seed: SEED, numRuns: 500 },
  );
});

const schemes: Record<string, (ns: string[]) => Partitioner> = {
  mod: modNPartitioner,
  jump: jumpHashPartitioner,
  rendezvous: rendezvousPartitioner,
  ring: (ns) => hashRingPartitioner(ns, { pointsPerNode: 200 }),
};

for (const [scheme, build] of Object.entries(schemes)) {
  Deno.test(`${scheme} moves about the theoretical fraction of keys when a tenth node joins`, () => {
    const moved = movedKeys(build(nodes(9)), build(nodes(10)), keys).length / keys.length;
    const expected = expectedMovedFraction(scheme, 9);
    // Ring shares vary with the new node's points (standard error ~1/sqrt(200)); the others
    // only by sampling noise.
    const tolerance = scheme === "ring" ? 0.25 * expected : 0.05 * expected;
    assert.ok(Math.abs(moved - expected) < tolerance, `moved ${moved}, expected ${expected}`);
  });

  Deno.test(`${scheme} keeps buckets within sampling noise of even`, () => {
    const sizes = bucketSizes(build(nodes(10)), keys);
    // Binomial noise alone gives sqrt((n-1)/keys) ≈ 0.021 for 10 nodes and 20000 keys.
    assert.ok(standardError(sizes.values()) < 0.1, `${[...sizes.values()]}`);
  });
}

Deno.test("ring shares match Lamping & Veach's table: standard error ≈ 1/sqrt(points per node)", () => {
  // Table 1 of the jump-hash paper: 0.998, 0.315, 0.0997, 0.0316.
  const table: [number, number, number][] = [[1, 0.998, 1000], [10, 0.315, 1000], [
    100,
    0.0997,
    300,
  ], [
    1000,
    0.0316,
    100,
  ]];
  for (const [points, paper, count] of table) {
    const ring = hashRingPartitioner(nodes(count), { pointsPerNode: points });
    const measured = standardError(ring.shares().values());
    // The estimate of a standard deviation from `count` nodes is itself noisy: ~1/sqrt(2*count).
    assert.ok(
      Math.abs(measured - paper) / paper < 4 / Math.sqrt(2 * count),
      `${points} points per node: measured ${measured}, paper ${paper}`,
    );
  }
});

Deno.test("a ring leave moves only the departed node's keys", () => {
  const before = hashRingPartitioner(nodes(8), { pointsPerNode: 50 });
  const after = hashRingPartitioner(nodes(8).filter((n) => n !== "n3"), { pointsPerNode: 50 });
  for (const key of movedKeys(before, after, keys)) assert.equal(before.locate(key), "n3");
});

Deno.test("rendezvous ranks every node and a leave only moves the departed node's keys", () => {
  const p = rendezvousPartitioner(nodes(5));
  assert.deepEqual([...p.rank("k")].sort(), nodes(5));
  const after = rendezvousPartitioner(nodes(5).filter((n) => n !== "n2"));
  for (const key of movedKeys(p, after, keys)) assert.equal(p.locate(key), "n2");
});

Deno.test("splitting the hottest range moves only that range's keys, to the new node", () => {
  const sorted = [...keys].sort();
  const before = rangesFromSample(sorted, nodes(4));
  const load = sorted.map((key, i) => ({ key, weight: i < 2000 ? 10 : 1 }));
  const after = splitHottestRange(before, "n5", load);
  assert.equal(after.ranges.length, 5);
  const moved = movedKeys(before, after, sorted);
  assert.ok(moved.length > 0);
  for (const key of moved) assert.equal(after.locate(key), "n5");
  // The hot prefix was split: the two halves carry about equal load.
  const loads = bucketSizes(after, sorted, (_k, i) => load[i].weight);
  assert.ok(Math.abs(loads.get("n1")! - loads.get("n5")!) < 0.05 * loads.get("n1")!);
});

Deno.test("a range holding a single hot key cannot be split", () => {
  const p = rangesFromSample(["a"], ["x"]);
  assert.equal(splitHottestRange(p, "y", [{ key: "a", weight: 100 }]), p);
});

Deno.test("geographic placement keeps keys in their region and falls back to all nodes", () => {
  const p = geoPartitioner([
    { node: "eu1", region: "eu" },
    { node: "eu2", region: "eu" },
    { node: "us1", region: "us" },
    { node: "us2", region: "us" },
  ]);
  for (let i = 0; i < 200; i++) {
    assert.match(p.locate(`eu/${i}`), /^eu/);
    assert.match(p.locate(`us/${i}`), /^us/);
  }
  assert.equal(p.regionOf("ap/1"), undefined);
  const spread = new Set(Array.from({ length: 200 }, (_, i) => p.locate(`ap/${i}`)));
  assert.equal(spread.size, 4);
});

Deno.test("partitioners refuse empty, duplicate or badly ordered configurations", () => {
  assert.throws(() => modNPartitioner([]), /modNPartitioner: nodes must not be empty/);
  assert.throws(() => rendezvousPartitioner(["a", "a"]), /must be distinct/);
  assert.throws(
    () => hashRingPartitioner(["a"], { pointsPerNode: 0 }),
    /option pointsPerNode must be an integer in \[1, 10000\], got 0/,
  );
  assert.throws(() => jumpConsistentHash({ hi: 0, lo: 0 }, 0), /buckets must be an integer >= 1/);
  assert.throws(
    () => geoPartitioner([{ node: "a", region: "" }]),
    /node a needs a non-empty region/,
  );
});
