/**
 * Anti-entropy with Merkle trees (Merkle, "A Digital Signature Based on a Conventional
 * Encryption Function", 1987; used for replica synchronisation in Dynamo §4.7): each replica
 * hashes its keys into `2^depth` buckets and builds a binary hash tree over them. Two replicas
 * compare roots, then descend only into subtrees whose hashes differ, so the messages exchanged
 * grow with the number of differences (times the depth), not with the data size.
 *
 * {@linkcode merkleSync} plays the exchange between two replicas and counts its messages and
 * bytes; {@linkcode fullSync} is the baseline that ships everything.
 * Non-goals: cryptographic strength (a 32-bit FNV-1a hash stands in for SHA), trees kept
 * incrementally up to date.
 *
 * @module
 */

import { hashLabel } from "../sim/random.ts";
import { compareVersions, type ReplicaVersion } from "./versions.ts";

/** A replica's data for anti-entropy: key to versioned value. */
export type VersionedMap = ReadonlyMap<string, { value: number | null; version: ReplicaVersion }>;

/** A Merkle tree over `2^depth` buckets: `levels[0]` is the root, `levels[depth]` the leaves. */
export interface MerkleTree {
  depth: number;
  levels: number[][];
  /** The keys of each leaf bucket, sorted. */
  buckets: string[][];
}

// Sizes in bytes used to count traffic: a hash, a key with its version, a value.
const HASH_BYTES = 4;
const KEY_VERSION_BYTES = 24;
const VALUE_BYTES = 64;

/**
 * Builds the Merkle tree of a replica's data.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { merkleTree } from "./merkle.ts";
 * const v = { counter: 1, writer: "a" };
 * const a = merkleTree(new Map([["x", { value: 1, version: v }]]), 3);
 * const b = merkleTree(new Map([["x", { value: 1, version: v }]]), 3);
 * assert.equal(a.levels[0][0], b.levels[0][0]);
 * assert.equal(a.levels[3].length, 8);
 * ```
 */
export function merkleTree(data: VersionedMap, depth: number): MerkleTree {
  if (!(Number.isInteger(depth) && depth >= 0 && depth <= 20)) {
    throw new RangeError(`merkleTree depth must be an integer in [0, 20], got ${depth}`);
  }
  const width = 2 ** depth;
  const buckets: string[][] = Array.from({ length: width }, () => []);
  for (const key of data.keys()) buckets[hashLabel(key) % width].push(key);
  for (const bucket of buckets) bucket.sort();
  const leaves = buckets.map((keys) =>
    hashLabel(
      keys.map((k) => {
        const { version } = data.get(k)!;
        return `${k}@${version.counter}/${version.writer}`;
      }).join("|"),
    )
  );
  const levels = [leaves];
  while (levels[0].length > 1) {
    const below = levels[0];
    levels.unshift(
      below.filter((_, i) => i % 2 === 0).map((h, i) => hashLabel(`${h}:${below[2 * i + 1]}`)),
    );
  }
  return { depth, levels, buckets };
}

/** Traffic and outcome of one synchronisation between two replicas. */
export interface SyncReport {
  /** Messages exchanged (both directions). */
  messages: number;
  bytes: number;
  /** Keys whose versions differed before the sync. */
  differences: number;
  /** Values shipped to repair them. */
  valuesShipped: number;
}

function differingKeys(a: VersionedMap, b: VersionedMap, keys: Iterable<string>): string[] {
  const out: string[] = [];
  for (const key of keys) {
    const va = a.get(key)?.version;
    const vb = b.get(key)?.version;
    if (va === undefined || vb === undefined || compareVersions(va, vb) !== 0) out.push(key);
  }
  return out;
}

/**
 * Synchronises `b` towards `a` and `a` towards `b` with a Merkle-tree exchange, one round trip
 * per level: `a` sends the hashes of the children of every node that still differs; at the
 * leaves it sends the differing buckets' keys and versions, and each side ships the values the
 * other lacks. Returns the traffic; the maps are not modified.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fullSync, merkleSync } from "./merkle.ts";
 * const v = (counter: number) => ({ value: counter, version: { counter, writer: "w" } });
 * const a = new Map(Array.from({ length: 1000 }, (_, i) => [`k${i}`, v(1)]));
 * const b = new Map(a);
 * b.set("k7", v(2));
 * const merkle = merkleSync(a, b, { depth: 8 });
 * assert.equal(merkle.differences, 1);
 * assert.ok(merkle.bytes < fullSync(a, b).bytes / 10);
 * ```
 */
export function merkleSync(
  a: VersionedMap,
  b: VersionedMap,
  options: { depth?: number } = {},
): SyncReport {
  const depth = options.depth ?? 10;
  const ta = merkleTree(a, depth);
  const tb = merkleTree(b, depth);
  let messages = 2; // root hashes both ways
  let bytes = 2 * HASH_BYTES;
  let differing = ta.levels[0][0] === tb.levels[0][0] ? [] : [0];
  for (let level = 1; level <= depth && differing.length > 0; level++) {
    const children = differing.flatMap((i) => [2 * i, 2 * i + 1]);
    messages += 2; // the children's hashes out, the ones that differ back
    bytes += children.length * HASH_BYTES * 2;
    differing = children.filter((i) => ta.levels[level][i] !== tb.levels[level][i]);
  }
  const keys = new Set<string>();
  for (const i of differing) for (const k of [...ta.buckets[i], ...tb.buckets[i]]) keys.add(k);
  const diff = differingKeys(a, b, keys);
  if (differing.length > 0) {
    messages += 2; // bucket contents (keys and versions) both ways
    bytes += keys.size * KEY_VERSION_BYTES;
  }
  if (diff.length > 0) {
    messages += 2; // the values each side is missing
    bytes += diff.length * (KEY_VERSION_BYTES + VALUE_BYTES);
  }
  return { messages, bytes, differences: diff.length, valuesShipped: diff.length };
}

/**
 * The baseline: each side ships every key, version and value to the other.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fullSync } from "./merkle.ts";
 * const a = new Map([["x", { value: 1, version: { counter: 1, writer: "w" } }]]);
 * assert.deepEqual(fullSync(a, new Map()), { messages: 2, bytes: 88, differences: 1, valuesShipped: 1 });
 * ```
 */
export function fullSync(a: VersionedMap, b: VersionedMap): SyncReport {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return {
    messages: 2,
    bytes: (a.size + b.size) * (KEY_VERSION_BYTES + VALUE_BYTES),
    differences: differingKeys(a, b, keys).length,
    valuesShipped: a.size + b.size,
  };
}
