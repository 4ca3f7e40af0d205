/**
 * Register values with integer ids, strings made by appends stored as a trie of
 * (parent id, text id) pairs in typed arrays.
 *
 * The breadth-first search on a hard key of an append history reaches millions of distinct
 * strings, each one earlier string plus one appended text. Kept as JavaScript strings (with a
 * hash table from them to ids and a memo of appends) they cost well over 100 bytes each; as a
 * node of the trie, about 30. Equal strings must still share one id (the model compares values
 * by id), also when they are reached by different appends (`"ab" + "c"` and `"a" + "bc"`) or
 * read whole from the history: every string is filed under a polynomial hash that composes
 * under concatenation (h(a + b) = h(a) · B^|b| + h(b)) and its length, and strings with the
 * same hash and length are compared in full. That happens only for such aliases (remembered
 * once found) and for hash collisions, so the common append is a probe and a few integer
 * comparisons.
 *
 * @module
 */

/** The kinds of ids. */
const enum Kind {
  /** A value that is not a string (null, numbers, arrays...): the caller keeps it. */
  Opaque = 0,
  /** A string interned whole. */
  Whole = 1,
  /** A string made by appending a text to another (or to the empty string). */
  Appended = 2,
}

/** The parent of a string appended to the empty string (or to `null`). */
export const EMPTY = -1;

/** Appended texts: their ids fit below this, so (parent, text) is one number below 2^53. */
const TEXT_SPAN = 2 ** 21;
/** The base of the polynomial string hash (odd, so powers of it never vanish mod 2^32). */
const HASH_BASE = 0x01000193;
/** Materialised strings kept for repeated {@linkcode StringTrie.string} calls. */
const CACHE_SIZE = 1024;

/**
 * Integer ids for register values; strings by content, appended ones as trie nodes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EMPTY, StringTrie } from "./string_trie.ts";
 * const trie = new StringTrie();
 * const ab = trie.append(trie.append(EMPTY, trie.textId("a")), trie.textId("b"));
 * assert.equal(trie.string(ab), "ab");
 * assert.equal(trie.intern("ab"), ab); // the same string read whole has the same id
 * assert.equal(trie.append(EMPTY, trie.textId("ab")), ab); // and so has "" + "ab"
 * assert.ok(trie.isString(ab) && !trie.isString(trie.opaque()));
 * ```
 */
export class StringTrie {
  #kind = new Uint8Array(1024);
  /** Appended: the parent id or EMPTY. */
  #parent = new Int32Array(1024);
  /** Appended: the text id; whole: the index in #wholes. */
  #text = new Int32Array(1024);
  #hash = new Uint32Array(1024);
  #length = new Int32Array(1024);
  #count = 0;
  #wholes: string[] = [];
  /** Open addressing over string ids by (hash, length); -1 is empty. */
  #slots = new Int32Array(1024).fill(-1);
  #strings = 0;
  #textIds = new Map<string, number>();
  #texts: string[] = [];
  #textHash: number[] = [];
  #textPower: number[] = [];
  /** (parent, text) -> an existing id of the same string reached another way. */
  #aliases = new Map<number, number>();
  #cacheIds = new Int32Array(CACHE_SIZE).fill(-1);
  #cache: string[] = new Array(CACHE_SIZE).fill("");

  /** Ids allocated so far (every kind). */
  get size(): number {
    return this.#count;
  }

  /**
   * Allocates an id for a value that is not a string; the caller keeps the value.
   *
   * @returns The new id.
   */
  opaque(): number {
    return this.#allocate(Kind.Opaque, EMPTY, -1, 0, 0);
  }

  /**
   * Whether an id stands for a string.
   *
   * @param id An id of this trie.
   * @returns True for strings (whole or appended).
   */
  isString(id: number): boolean {
    return this.#kind[id] !== Kind.Opaque;
  }

  /**
   * The id of a string, allocating one on first sight.
   *
   * @param value Any string.
   * @returns Its id, the same for equal strings however they were made.
   */
  intern(value: string): number {
    const hash = stringHash(value);
    const end = this.#probe(hash, value.length, (id) => this.string(id) === value);
    if (this.#slots[end] >= 0) return this.#slots[end];
    this.#wholes.push(value);
    return this.#insert(end, Kind.Whole, EMPTY, this.#wholes.length - 1, hash, value.length);
  }

  /**
   * The id of an appended text, allocating one on first sight.
   *
   * @param text A string that appends append.
   * @returns Its id among appended texts.
   */
  textId(text: string): number {
    let id = this.#textIds.get(text);
    if (id === undefined) {
      id = this.#texts.length;
      if (id >= TEXT_SPAN) {
        throw new RangeError(`StringTrie: more than ${TEXT_SPAN} distinct appended texts`);
      }
      this.#textIds.set(text, id);
      this.#texts.push(text);
      this.#textHash.push(stringHash(text));
      let power = 1;
      for (let i = 0; i < text.length; i++) power = Math.imul(power, HASH_BASE) >>> 0;
      this.#textPower.push(power);
    }
    return id;
  }

  /**
   * The id of a string with a text appended.
   *
   * @param parent A string id, or {@linkcode EMPTY} for the empty string.
   * @param textId An id from {@linkcode StringTrie.textId}.
   * @returns The id of the concatenation.
   */
  append(parent: number, textId: number): number {
    const textLength = this.#texts[textId].length;
    const hash = parent === EMPTY
      ? this.#textHash[textId]
      : (Math.imul(this.#hash[parent], this.#textPower[textId]) + this.#textHash[textId]) >>> 0;
    const length = (parent === EMPTY ? 0 : this.#length[parent]) + textLength;
    // First the node itself (integers only), then an alias found before, then a full comparison.
    let equalHash = false;
    const mask = this.#slots.length - 1;
    let slot = slotOf(hash, length) & mask;
    for (;; slot = (slot + 1) & mask) {
      const id = this.#slots[slot];
      if (id < 0) break;
      if (this.#hash[id] !== hash || this.#length[id] !== length) continue;
      if (
        this.#kind[id] === Kind.Appended && this.#parent[id] === parent &&
        this.#text[id] === textId
      ) return id;
      equalHash = true;
    }
    if (equalHash) {
      const aliasKey = (parent + 1) * TEXT_SPAN + textId;
      const alias = this.#aliases.get(aliasKey);
      if (alias !== undefined) return alias;
      const value = (parent === EMPTY ? "" : this.string(parent)) + this.#texts[textId];
      const end = this.#probe(hash, length, (id) => this.string(id) === value);
      const found = this.#slots[end];
      if (found >= 0) {
        this.#aliases.set(aliasKey, found);
        return found;
      }
    }
    return this.#insert(slot, Kind.Appended, parent, textId, hash, length);
  }

  /**
   * The string behind an id.
   *
   * @param id A string id.
   * @returns The string, built from its trie path (and cached a while).
   */
  string(id: number): string {
    if (this.#kind[id] === Kind.Whole) return this.#wholes[this.#text[id]];
    const line = id & (CACHE_SIZE - 1);
    if (this.#cacheIds[line] === id) return this.#cache[line];
    const parts: string[] = [];
    let node = id;
    for (; node !== EMPTY && this.#kind[node] === Kind.Appended; node = this.#parent[node]) {
      parts.push(this.#texts[this.#text[node]]);
    }
    if (node !== EMPTY) parts.push(this.#wholes[this.#text[node]]);
    const value = parts.reverse().join("");
    this.#cacheIds[line] = id;
    this.#cache[line] = value;
    return value;
  }

  /** The slot holding a string with this hash and length that `equal` accepts, else the empty slot ending the probe. */
  #probe(hash: number, length: number, equal: (id: number) => boolean): number {
    const mask = this.#slots.length - 1;
    for (let slot = slotOf(hash, length) & mask;; slot = (slot + 1) & mask) {
      const id = this.#slots[slot];
      if (id < 0) return slot;
      if (this.#hash[id] === hash && this.#length[id] === length && equal(id)) return slot;
    }
  }

  #insert(
    slot: number,
    kind: Kind,
    parent: number,
    text: number,
    hash: number,
    length: number,
  ): number {
    const id = this.#allocate(kind, parent, text, hash, length);
    this.#slots[slot] = id;
    if (++this.#strings * 2 > this.#slots.length) this.#growSlots();
    return id;
  }

  #allocate(kind: Kind, parent: number, text: number, hash: number, length: number): number {
    const id = this.#count++;
    if (id === this.#kind.length) this.#growColumns();
    this.#kind[id] = kind;
    this.#parent[id] = parent;
    this.#text[id] = text;
    this.#hash[id] = hash;
    this.#length[id] = length;
    return id;
  }

  #growColumns(): void {
    const size = this.#kind.length * 2;
    const grow = <T extends Uint8Array | Int32Array | Uint32Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.#kind = grow(this.#kind, new Uint8Array(size));
    this.#parent = grow(this.#parent, new Int32Array(size));
    this.#text = grow(this.#text, new Int32Array(size));
    this.#hash = grow(this.#hash, new Uint32Array(size));
    this.#length = grow(this.#length, new Int32Array(size));
  }

  #growSlots(): void {
    const old = this.#slots;
    this.#slots = new Int32Array(old.length * 2).fill(-1);
    const mask = this.#slots.length - 1;
    for (const id of old) {
      if (id < 0) continue;
      let slot = slotOf(this.#hash[id], this.#length[id]) & mask;
      while (this.#slots[slot] >= 0) slot = (slot + 1) & mask;
      this.#slots[slot] = id;
    }
  }
}

/** Mixes a string's hash and length into a table slot hash. */
function slotOf(hash: number, length: number): number {
  const mixed = Math.imul(hash ^ Math.imul(length, 0x85ebca6b), 0x9e3779b1);
  return (mixed ^ (mixed >>> 16)) >>> 0;
}

/** Polynomial hash mod 2^32 of a string's UTF-16 code units (Horner's rule). */
function stringHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) {
    hash = (Math.imul(hash, HASH_BASE) + text.charCodeAt(i)) >>> 0;
  }
  return hash;
}
