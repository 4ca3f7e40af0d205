/**
 * A set of short integer sequences, for the depth-first search's memo of configurations
 * (Lowe, "Testing for linearizability", CCPE 2017, §4: memoisation). The search visits
 * millions of configurations on a hard key; as strings in a `Set` each costs a heap string,
 * its hash and a table entry (about 100–250 bytes for a c50 key-value key). Here a key is a
 * run of 32-bit words in one growable `Int32Array` arena and the table is open addressing
 * over another, so a configuration costs its words plus two table words and nothing for the
 * garbage collector to trace.
 *
 * Exact: keys are compared word for word, the hash only picks the slot, so two different
 * configurations are never taken for the same one (which could turn a linearizable history
 * into a false violation).
 *
 * @module
 */

/** Words per arena page (4 MB). */
const PAGE_BITS = 20;
const PAGE_WORDS = 1 << PAGE_BITS;

/**
 * A set of `Int32` word sequences.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { KeySet } from "./key_set.ts";
 * const set = new KeySet();
 * const key = new Int32Array([7, 1, 2]);
 * assert.equal(set.add(key, 3), true);
 * assert.equal(set.add(key, 3), false);
 * assert.equal(set.add(key, 2), true); // [7, 1] is another key
 * assert.equal(set.size, 2);
 * ```
 */
export class KeySet {
  /**
   * Keys stored back to back, each as its length then its words, in pages of
   * {@linkcode PAGE_WORDS} words (the first grows to that size by doubling, the later ones
   * are allocated full): a key never spans two pages, and the arena grows without copying
   * what it holds (no transient second copy of a large arena).
   */
  #pages: Int32Array[] = [new Int32Array(1 << 10)];
  /** Words used in the last page. */
  #pageUsed = 0;
  /** Open addressing: arena offset + 1 of the key in each slot, 0 for an empty slot. */
  #slots = new Int32Array(1 << 8);
  /** Each slot's key hash, so most probes are settled without reading the arena. */
  #hashes = new Int32Array(1 << 8);
  /** Keys in the set. */
  size = 0;

  /**
   * Adds the first `length` words of `words` unless already present.
   *
   * @param words The key's words (only the first `length` are read).
   * @param length How many words the key has.
   * @returns True if the key was new.
   */
  add(words: Int32Array, length: number): boolean {
    let hash = 0x811c9dc5 ^ length;
    for (let k = 0; k < length; k++) {
      hash = Math.imul(hash ^ words[k], 0x01000193);
      hash ^= hash >>> 15;
    }
    hash = Math.imul(hash ^ (hash >>> 13), 0x5bd1e995);
    hash ^= hash >>> 16;
    const mask = this.#slots.length - 1;
    let slot = hash & mask;
    while (true) {
      const stored = this.#slots[slot];
      if (stored === 0) break;
      if (this.#hashes[slot] === hash && this.#equals(stored - 1, words, length)) return false;
      slot = (slot + 1) & mask;
    }
    const offset = this.#store(words, length);
    this.#slots[slot] = offset + 1;
    this.#hashes[slot] = hash;
    this.size++;
    // Keep the load under three quarters: probe runs stay short (the hash is stored, so a
    // probe past another key rarely reads the arena), and the table stays small.
    if (this.size * 4 > this.#slots.length * 3) this.#grow();
    return true;
  }

  #equals(offset: number, words: Int32Array, length: number): boolean {
    const arena = this.#pages[offset >>> PAGE_BITS];
    const start = offset & (PAGE_WORDS - 1);
    if (arena[start] !== length) return false;
    for (let k = 0; k < length; k++) if (arena[start + 1 + k] !== words[k]) return false;
    return true;
  }

  #store(words: Int32Array, length: number): number {
    if (length + 1 > PAGE_WORDS) {
      throw new RangeError(`KeySet: a key of ${length} words is longer than a page`);
    }
    let page = this.#pages.length - 1;
    let arena = this.#pages[page];
    if (this.#pageUsed + length + 1 > arena.length) {
      if (page === 0 && arena.length < PAGE_WORDS) {
        const grown = new Int32Array(
          PAGE_WORDS >= arena.length * 4 ? arena.length * 4 : PAGE_WORDS,
        );
        grown.set(arena.subarray(0, this.#pageUsed));
        arena = this.#pages[0] = grown;
      } else {
        arena = new Int32Array(PAGE_WORDS);
        this.#pages.push(arena);
        page++;
        this.#pageUsed = 0;
      }
    }
    const start = this.#pageUsed;
    arena[start] = length;
    // A loop, not set(subarray()): keys are a few words, and a subarray is an allocation.
    for (let k = 0; k < length; k++) arena[start + 1 + k] = words[k];
    this.#pageUsed += length + 1;
    return page * PAGE_WORDS + start;
  }

  #grow(): void {
    const slots = new Int32Array(this.#slots.length * 2);
    const hashes = new Int32Array(this.#slots.length * 2);
    const mask = slots.length - 1;
    for (let s = 0; s < this.#slots.length; s++) {
      const stored = this.#slots[s];
      if (stored === 0) continue;
      let slot = this.#hashes[s] & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = stored;
      hashes[slot] = this.#hashes[s];
    }
    this.#slots = slots;
    this.#hashes = hashes;
  }
}
