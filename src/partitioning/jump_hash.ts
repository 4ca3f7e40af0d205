/**
 * Jump consistent hash: J. Lamping and E. Veach, "A Fast, Minimal Memory, Consistent Hash
 * Algorithm", 2014 (Figure 1). It maps a 64-bit key to one of `buckets` buckets with no
 * state at all; growing from n to n+1 buckets moves exactly the keys that land in the new
 * bucket, about 1/(n+1) of them, and the buckets stay balanced (standard error ~0 beyond
 * sampling noise, the paper's §3 and Table 1).
 *
 * Non-goals: removing an arbitrary bucket (only the last can go, §4: the paper's answer is to
 * replicate buckets, not to remove them) and arbitrary node names (map bucket numbers to
 * nodes yourself, as {@linkcode jumpHashPartitioner} does).
 *
 * @module
 */

import { mulAdd64, type Uint64 } from "./hash.ts";

// The paper's linear congruential generator: key = key * 2862933555777941757 + 1.
const LCG: Uint64 = { hi: 0x27bb2ee6, lo: 0x87b0b0fd };
const TWO_POW_31 = 2 ** 31;

/**
 * The bucket in [0, buckets) of a 64-bit key (Lamping & Veach 2014, Figure 1).
 *
 * @param key The key's 64-bit hash.
 * @param buckets How many buckets; an integer >= 1.
 * @returns The bucket number.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jumpConsistentHash } from "./jump_hash.ts";
 * assert.equal(jumpConsistentHash({ hi: 0, lo: 42 }, 1), 0);
 * const b = jumpConsistentHash({ hi: 7, lo: 42 }, 10);
 * // Growing to 11 buckets either keeps the key or moves it to the new bucket 10.
 * const c = jumpConsistentHash({ hi: 7, lo: 42 }, 11);
 * assert.ok(c === b || c === 10);
 * ```
 */
export function jumpConsistentHash(key: Uint64, buckets: number): number {
  if (!Number.isInteger(buckets) || buckets < 1) {
    throw new RangeError(`jumpConsistentHash: buckets must be an integer >= 1, got ${buckets}`);
  }
  let k = key;
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    k = mulAdd64(k, LCG, 1);
    // (key >>> 33) + 1 as a double: the top 31 bits of the 64-bit state.
    const top31 = k.hi >>> 1;
    j = Math.floor((b + 1) * (TWO_POW_31 / (top31 + 1)));
  }
  return b;
}
