/**
 * A seeded, splittable pseudo-random number generator: xoshiro128** (Blackman & Vigna, 2018)
 * seeded through SplitMix32.
 *
 * Every random choice in netsplit comes from one of these, so a seed reproduces a run exactly,
 * in Deno and in the browser alike (only 32-bit integer arithmetic, no platform randomness).
 * `split()` derives an independent stream, so adding a consumer (a new node, a new knob) does
 * not shift the numbers every other consumer sees.
 *
 * Non-goals: cryptographic strength.
 *
 * @module
 */

function splitMix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [next, z >>> 0];
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Hashes a string label to a 32-bit integer (FNV-1a), for deriving named streams. */
export function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A deterministic random stream.
 *
 * @example
 * ```ts
 * import { Random } from "./random.ts";
 * const a = new Random(7), b = new Random(7);
 * if (a.next() !== b.next()) throw new Error("same seed, same stream");
 * const die = a.int(1, 6); // 1..6 inclusive
 * ```
 */
export class Random {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  /**
   * @param seed Any safe integer; negative and large values are folded into 32 bits.
   */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`Random seed must be a safe integer, got ${seed}`);
    }
    // Low and high 32 bits seed different state words, so distinct seeds give distinct streams.
    const low = seed - Math.floor(seed / 0x100000000) * 0x100000000;
    const high = Math.floor(seed / 0x100000000) | 0;
    let state = low | 0;
    let out: number;
    [state, out] = splitMix32(state);
    this.#s0 = out;
    [state, out] = splitMix32(state);
    this.#s1 = out;
    [state, out] = splitMix32(state);
    this.#s2 = (out ^ splitMix32(high ^ 0x5bd1e995)[1]) >>> 0;
    [, out] = splitMix32(state);
    this.#s3 = (out ^ splitMix32(high)[1]) >>> 0;
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = 1;
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.#s1, 5), 7), 9);
    const t = this.#s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= this.#s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    return result >>> 0;
  }

  /** A float in [0, 1) with 32 bits of randomness. */
  next(): number {
    return this.nextUint32() / 0x100000000;
  }

  /** A uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`Random.int needs integers min <= max, got ${min}..${max}`);
    }
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A uniform float in [min, max). */
  uniform(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** True with probability `p`. */
  bool(p = 0.5): boolean {
    return p > 0 && this.next() < p;
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("Random.pick needs a non-empty array");
    return items[Math.floor(this.next() * items.length)];
  }

  /** A new array with the items in a uniformly random order (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  /** An exponentially distributed float with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** A normally distributed float (Box–Muller). */
  normal(mean = 0, standardDeviation = 1): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + standardDeviation * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /**
   * An independent stream derived from this one. With a label, the child depends only on this
   * stream's current state and the label, so named children are stable.
   */
  split(label?: string): Random {
    const a = this.nextUint32();
    const b = this.nextUint32();
    const mixed = label === undefined ? a : (a ^ hashLabel(label)) >>> 0;
    return new Random(mixed * 0x200000 + (b >>> 11));
  }
}
