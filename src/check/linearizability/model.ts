/**
 * The register model the linearizability search runs: operations compiled to small integer
 * codes over interned values, and the sequential specification `step(state, op)`.
 *
 * Semantics (DESIGN.md "History files for `check`"): a register starts as `null`; `write`
 * sets it; `read` ok observes it; `cas [e, n]` ok requires it to equal `e` and sets `n`; `cas`
 * fail observes that it differs from `e` (it is kept as an observation, not dropped);
 * `append s` concatenates (null counts as `""`; appending to a non-string, non-null value is
 * impossible). Operations that definitely had no effect and observed nothing (a failed write,
 * append or read) and reads with an unknown result are left out: they constrain nothing.
 *
 * @module
 */

import { canonicalJson, type JsonValue, type Operation } from "./history.ts";

/** Opcodes of compiled operations. */
export enum OpCode {
  Read = 0,
  Write = 1,
  Cas = 2,
  CasFail = 3,
  Append = 4,
}

/** Result of {@linkcode RegisterModel.step} when an operation cannot apply in a state. */
export const INVALID = -1;

/** An operation as the search sees it. */
export interface ModelOperation {
  code: OpCode;
  /** Read: value id observed; write: value id written; cas/cas-fail: expected value id. */
  a: number;
  /** Cas: new value id. */
  b: number;
  /** Append: the string appended. */
  text: string;
  /** Append: the id of `text` (see {@linkcode RegisterModel.textId}). */
  textId: number;
  /** True when the operation must take effect before `completeLine` (ok or fail). */
  definite: boolean;
  /**
   * A failed write or append, kept (see {@linkcode RegisterModel.compile}): it may take effect
   * only while it is open, and must not have taken effect by `completeLine`.
   */
  failed: boolean;
  invokeLine: number;
  /** The completion line; `Infinity` when the outcome is unknown. */
  completeLine: number;
  /** The history operation this came from. */
  source: Operation;
}

/**
 * Interns register values (by canonical JSON) to integer ids and runs the sequential
 * specification on them. Id 0 is `null`, the initial value of every register.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RegisterModel, INVALID } from "./model.ts";
 * import { pairOperations } from "./history.ts";
 * const model = new RegisterModel();
 * const [write, read] = model.compile(pairOperations([
 *   { process: 1, type: "invoke", f: "write", value: 5 },
 *   { process: 1, type: "ok", f: "write", value: 5 },
 *   { process: 1, type: "invoke", f: "read" },
 *   { process: 1, type: "ok", f: "read", value: 5 },
 * ]));
 * const state = model.step(0, write);
 * assert.ok(model.step(state, read) === state && model.step(0, read) === INVALID);
 * ```
 */
export class RegisterModel {
  #ids = new Map<string, number>();
  #values: JsonValue[] = [];
  // Strings are identified by a polynomial hash that composes under concatenation
  // (h(a + b) = h(a) * B^|b| + h(b)), so the value an append makes is found from its parent's
  // hash and the appended text's, without hashing the whole (long) string; a full comparison
  // happens only when the hash and length match, which is when the value is already known.
  #stringBuckets = new NumberTable(); // bucket key -> latest id with it
  #nextInBucket: number[] = []; // id -> the previous id in its bucket, or -1
  #stringHash: number[] = [];
  // Appended texts get small ids, so the append memo is keyed by one number.
  #textIds = new Map<string, number>();
  #texts: string[] = [];
  #textHash: number[] = [];
  #textPower: number[] = [];
  #appendMemo = new NumberTable();

  constructor() {
    this.intern(null);
  }

  /**
   * Returns the id of a value, allocating one on first sight.
   *
   * @param value A JSON value.
   * @returns Its id; equal values (by canonical JSON) share an id.
   */
  intern(value: JsonValue): number {
    if (typeof value === "string") return this.#internString(value, stringHash(value));
    const text = canonicalJson(value);
    let id = this.#ids.get(text);
    if (id === undefined) {
      id = this.#values.length;
      this.#ids.set(text, id);
      this.#values.push(value);
      this.#stringHash.push(0);
      this.#nextInBucket.push(-1);
    }
    return id;
  }

  #internString(value: string, hash: number): number {
    const bucketKey = hash * LENGTH_SPAN + (value.length % LENGTH_SPAN);
    const first = this.#stringBuckets.get(bucketKey);
    for (let id = first; id >= 0; id = this.#nextInBucket[id]) {
      if (this.#values[id] === value) return id;
    }
    const id = this.#values.length;
    this.#stringBuckets.set(bucketKey, id);
    this.#nextInBucket[id] = first;
    this.#values.push(value);
    this.#stringHash.push(hash);
    return id;
  }

  /**
   * The id of an appended text, allocating one on first sight.
   *
   * @param text A string an append operation appends.
   * @returns Its id among appended texts.
   */
  textId(text: string): number {
    let id = this.#textIds.get(text);
    if (id === undefined) {
      id = this.#texts.length;
      if (id >= TEXT_SPAN) {
        throw new RangeError(`RegisterModel: more than ${TEXT_SPAN} distinct appended texts`);
      }
      this.#textIds.set(text, id);
      this.#texts.push(text);
      this.#textHash.push(stringHash(text));
      this.#textPower.push(hashPower(text.length));
    }
    return id;
  }

  /**
   * The value behind an id.
   *
   * @param id An id from {@linkcode RegisterModel.intern}.
   * @returns The value.
   */
  value(id: number): JsonValue {
    return this.#values[id];
  }

  /**
   * Compiles history operations of one register, leaving out those that constrain nothing.
   *
   * @param operations Operations of a single key, in invocation order.
   * @param keepFailed Keep the success of failed writes, appends and cas as operations
   *   flagged `failed`. They cannot change the verdict of the whole history, but a prefix cut
   *   before the failure treats the operation as unknown, so the breadth-first search, which
   *   judges every prefix, needs them.
   * @returns The operations the search must place, in invocation order.
   */
  compile(operations: readonly Operation[], keepFailed = false): ModelOperation[] {
    const compiled: ModelOperation[] = [];
    for (const op of operations) {
      const definite = op.outcome !== "unknown";
      const base = {
        a: 0,
        b: 0,
        text: "",
        textId: -1,
        definite,
        failed: false,
        invokeLine: op.invokeLine,
        completeLine: definite ? op.completeLine as number : Infinity,
        source: op,
      };
      switch (op.f) {
        case "read":
          if (op.outcome === "ok") {
            compiled.push({ ...base, code: OpCode.Read, a: this.intern(op.value) });
          }
          break;
        case "write":
          if (op.outcome !== "fail" || keepFailed) {
            compiled.push({
              ...base,
              failed: op.outcome === "fail",
              code: OpCode.Write,
              a: this.intern(op.value),
            });
          }
          break;
        case "append":
          if (op.outcome !== "fail" || keepFailed) {
            compiled.push({
              ...base,
              failed: op.outcome === "fail",
              code: OpCode.Append,
              text: op.value as string,
              textId: this.textId(op.value as string),
            });
          }
          break;
        case "cas": {
          const [expected, next] = op.value as JsonValue[];
          const code = op.outcome === "fail" ? OpCode.CasFail : OpCode.Cas;
          compiled.push({ ...base, code, a: this.intern(expected), b: this.intern(next) });
          if (op.outcome === "fail" && keepFailed) {
            // While open, a cas that will fail may as well succeed, in the prefix's eyes.
            compiled.push({
              ...base,
              failed: true,
              code: OpCode.Cas,
              a: this.intern(expected),
              b: this.intern(next),
            });
          }
          break;
        }
      }
    }
    return compiled;
  }

  /**
   * The sequential specification of a register.
   *
   * @param state The current value id.
   * @param op The operation taking effect now.
   * @returns The next value id, or {@linkcode INVALID} if `op` cannot take effect in `state`.
   */
  step(state: number, op: ModelOperation): number {
    switch (op.code) {
      case OpCode.Read:
        return state === op.a ? state : INVALID;
      case OpCode.Write:
        return op.a;
      case OpCode.Cas:
        return state === op.a ? op.b : INVALID;
      case OpCode.CasFail:
        return state !== op.a ? state : INVALID;
      case OpCode.Append:
        return this.#append(state, op.textId);
    }
  }

  #append(state: number, textId: number): number {
    const memoKey = state * TEXT_SPAN + textId;
    const known = this.#appendMemo.get(memoKey);
    if (known !== NOT_FOUND) return known;
    const current = this.#values[state];
    const text = this.#texts[textId];
    const next = current === null
      ? this.#internString(text, this.#textHash[textId])
      : typeof current === "string"
      ? this.#internString(
        current + text,
        (Math.imul(this.#stringHash[state], this.#textPower[textId]) + this.#textHash[textId]) >>>
          0,
      )
      : INVALID;
    this.#appendMemo.set(memoKey, next);
    return next;
  }
}

/** What {@linkcode NumberTable.get} returns for a key it does not hold. */
const NOT_FOUND = -1;

/**
 * A map from non-negative integers below 2^53 to small non-negative integers, in two typed
 * arrays (open addressing, linear probing). The search makes millions of append memo and
 * string bucket entries whose keys exceed the small-integer range, which a `Map` would box
 * one by one; here an entry costs 12–24 bytes.
 */
class NumberTable {
  #keys = new Float64Array(1024).fill(-1);
  #values = new Int32Array(1024);
  #size = 0;

  get(key: number): number {
    const mask = this.#keys.length - 1;
    for (let slot = mix(key) & mask;; slot = (slot + 1) & mask) {
      const k = this.#keys[slot];
      if (k === key) return this.#values[slot];
      if (k === -1) return NOT_FOUND;
    }
  }

  set(key: number, value: number): void {
    if (2 * (this.#size + 1) > this.#keys.length) this.#grow();
    const mask = this.#keys.length - 1;
    for (let slot = mix(key) & mask;; slot = (slot + 1) & mask) {
      const k = this.#keys[slot];
      if (k === key || k === -1) {
        if (k === -1) this.#size++;
        this.#keys[slot] = key;
        this.#values[slot] = value;
        return;
      }
    }
  }

  #grow(): void {
    const keys = this.#keys;
    const values = this.#values;
    this.#keys = new Float64Array(keys.length * 2).fill(-1);
    this.#values = new Int32Array(keys.length * 2);
    this.#size = 0;
    for (let slot = 0; slot < keys.length; slot++) {
      if (keys[slot] !== -1) this.set(keys[slot], values[slot]);
    }
  }
}

/** Scrambles both 32-bit halves of an integer key into a table slot hash. */
function mix(key: number): number {
  const low = key >>> 0;
  const high = (key - low) / 2 ** 32;
  const hash = Math.imul(low ^ Math.imul(high, 0x85ebca6b), 0x9e3779b1);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/** Appended texts per model: their ids fit below this, so (state, text) is one number. */
const TEXT_SPAN = 2 ** 21;
/** String lengths enter the bucket key modulo this (a collision only costs a comparison). */
const LENGTH_SPAN = 2 ** 20;
/** The base of the polynomial string hash (odd, so powers of it never vanish mod 2^32). */
const HASH_BASE = 0x01000193;

/** Polynomial hash mod 2^32 of a string's UTF-16 code units (Horner's rule). */
function stringHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) {
    hash = (Math.imul(hash, HASH_BASE) + text.charCodeAt(i)) >>> 0;
  }
  return hash;
}

/** HASH_BASE to the power `length`, mod 2^32. */
function hashPower(length: number): number {
  let power = 1;
  for (let i = 0; i < length; i++) power = Math.imul(power, HASH_BASE) >>> 0;
  return power;
}

/**
 * Groups the unknown-outcome operations by effect (same opcode and arguments).
 *
 * Operations of a group are interchangeable: if a linearization uses a later-invoked one,
 * swapping in the earliest unused one (available at least as early, and never forced) is
 * also a linearization. So the searches only try the earliest unused operation of each group,
 * the used ones always form a prefix of the group, and a configuration records just how many
 * of each group it used.
 *
 * @param operations Compiled operations in invocation order.
 * @returns For each operation its group (-1 when definite), and each group's members in
 *   invocation order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RegisterModel, unknownOutcomeGroups } from "./model.ts";
 * import { pairOperations } from "./history.ts";
 * const ops = new RegisterModel().compile(pairOperations([
 *   { process: 1, type: "invoke", f: "write", value: 1 },
 *   { process: 2, type: "invoke", f: "write", value: 1 },
 * ]));
 * assert.ok(unknownOutcomeGroups(ops).members[0].length === 2);
 * ```
 */
export function unknownOutcomeGroups(
  operations: readonly ModelOperation[],
): { groupOf: Int32Array; members: number[][] } {
  const groupOf = new Int32Array(operations.length).fill(-1);
  const members: number[][] = [];
  const bySignature = new Map<string, number>();
  operations.forEach((op, i) => {
    if (op.definite) return;
    const signature = `${op.code}:${op.a}:${op.b}:${op.text}`;
    let group = bySignature.get(signature);
    if (group === undefined) {
      group = members.length;
      bySignature.set(signature, group);
      members.push([]);
    }
    groupOf[i] = group;
    members[group].push(i);
  });
  return { groupOf, members };
}
