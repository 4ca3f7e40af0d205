/**
 * Deterministic hashes for placing keys: MurmurHash3 x86_32 (Austin Appleby, public domain)
 * over a string's UTF-8 bytes, a 64-bit key built from two seeds of it, and the 64-bit
 * multiply that jump consistent hash needs, done in 16-bit limbs so no BigInt is involved.
 *
 * Guarantees: the same string gives the same hash in Deno and in the browser (32-bit integer
 * arithmetic only); `murmur3` matches the published x86_32 reference vectors.
 * Non-goals: resistance to chosen keys (hash flooding); use a keyed cryptographic hash when
 * clients choose keys adversarially.
 *
 * @module
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function rotl32(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/**
 * MurmurHash3's finaliser: every input bit affects every output bit (avalanche).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fmix32 } from "./hash.ts";
 * assert.equal(fmix32(0), 0);
 * assert.notEqual(fmix32(1), fmix32(2));
 * ```
 */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mixBlock(h: number, k: number): number {
  k = Math.imul(k, C1);
  k = rotl32(k, 15);
  k = Math.imul(k, C2);
  h ^= k;
  h = rotl32(h, 13);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

const encoder = new TextEncoder();

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}

/**
 * MurmurHash3 x86_32 of a string's UTF-8 bytes, as an unsigned 32-bit integer.
 *
 * @param key The string to hash.
 * @param seed A 32-bit seed; different seeds give independent-looking hashes. @default 0
 * @returns The hash in [0, 2^32).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { murmur3 } from "./hash.ts";
 * assert.equal(murmur3("hello"), 0x248bfa47); // the reference implementation's value
 * assert.equal(murmur3("", 1), 0x514e28b7);
 * ```
 */
export function murmur3(key: string, seed = 0): number {
  // ASCII (the common case) is its own UTF-8: read the bytes straight from the string.
  if (isAscii(key)) return murmur3Bytes((i) => key.charCodeAt(i), key.length, seed);
  const bytes = encoder.encode(key);
  return murmur3Bytes((i) => bytes[i], bytes.length, seed);
}

function murmur3Bytes(byteAt: (i: number) => number, n: number, seed: number): number {
  const blocks = n & ~3;
  let h = seed | 0;
  for (let i = 0; i < blocks; i += 4) {
    h = mixBlock(
      h,
      byteAt(i) | (byteAt(i + 1) << 8) | (byteAt(i + 2) << 16) | (byteAt(i + 3) << 24),
    );
  }
  let k = 0;
  switch (n & 3) {
    case 3:
      k ^= byteAt(blocks + 2) << 16;
    // falls through
    case 2:
      k ^= byteAt(blocks + 1) << 8;
    // falls through
    case 1:
      k ^= byteAt(blocks);
      k = Math.imul(k, C1);
      k = rotl32(k, 15);
      k = Math.imul(k, C2);
      h ^= k;
  }
  h ^= n;
  return fmix32(h);
}

/**
 * Hashes two 32-bit words together, as MurmurHash3 would hash their 8 little-endian bytes.
 * Rendezvous hashing scores a (key, node) pair with it without building a string per pair.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hashPair } from "./hash.ts";
 * assert.notEqual(hashPair(1, 2), hashPair(2, 1));
 * ```
 */
export function hashPair(a: number, b: number, seed = 0): number {
  let h = mixBlock(seed | 0, a | 0);
  h = mixBlock(h, b | 0);
  return fmix32(h ^ 8);
}

/** A 64-bit unsigned integer as two unsigned 32-bit halves. */
export interface Uint64 {
  readonly hi: number;
  readonly lo: number;
}

/**
 * A 64-bit hash of a string: MurmurHash3 with two fixed seeds as the high and low halves.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hash64 } from "./hash.ts";
 * assert.deepEqual(hash64("k"), hash64("k"));
 * ```
 */
export function hash64(key: string): Uint64 {
  return { hi: murmur3(key, 0x9747b28c), lo: murmur3(key, 0x5bd1e995) };
}

/**
 * `(a * b + c) mod 2^64` on unsigned 64-bit values, in 16-bit limbs so every partial product
 * stays an exact double.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mulAdd64 } from "./hash.ts";
 * assert.deepEqual(mulAdd64({ hi: 0, lo: 0xffffffff }, { hi: 0, lo: 2 }, 1), { hi: 1, lo: 0xffffffff });
 * ```
 */
export function mulAdd64(a: Uint64, b: Uint64, c: number): Uint64 {
  const a0 = a.lo & 0xffff, a1 = a.lo >>> 16, a2 = a.hi & 0xffff, a3 = a.hi >>> 16;
  const b0 = b.lo & 0xffff, b1 = b.lo >>> 16, b2 = b.hi & 0xffff, b3 = b.hi >>> 16;
  let l0 = a0 * b0 + (c & 0xffff);
  let l1 = a1 * b0 + a0 * b1 + (c >>> 16) + Math.floor(l0 / 0x10000);
  l0 &= 0xffff;
  let l2 = a2 * b0 + a1 * b1 + a0 * b2 + Math.floor(l1 / 0x10000);
  l1 &= 0xffff;
  // Only the low 16 bits of the top limb survive mod 2^64, so its carries may be dropped.
  const l3 = (a3 * b0 + a2 * b1 + a1 * b2 + a0 * b3 + Math.floor(l2 / 0x10000)) & 0xffff;
  l2 &= 0xffff;
  return { hi: ((l3 << 16) | l2) >>> 0, lo: ((l1 << 16) | l0) >>> 0 };
}
