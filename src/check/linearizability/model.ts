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
import { EMPTY, StringTrie } from "./string_trie.ts";

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
  // Strings (most values of an append history, and millions on a hard key) live in the trie;
  // other values are interned by canonical JSON and kept here.
  #trie = new StringTrie();
  #ids = new Map<string, number>();
  #others = new Map<number, JsonValue>();

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
    if (typeof value === "string") return this.#trie.intern(value);
    const text = canonicalJson(value);
    let id = this.#ids.get(text);
    if (id === undefined) {
      id = this.#trie.opaque();
      this.#ids.set(text, id);
      this.#others.set(id, value);
    }
    return id;
  }

  /**
   * The id of an appended text, allocating one on first sight.
   *
   * @param text A string an append operation appends.
   * @returns Its id among appended texts.
   */
  textId(text: string): number {
    return this.#trie.textId(text);
  }

  /**
   * The value behind an id.
   *
   * @param id An id from {@linkcode RegisterModel.intern} or {@linkcode RegisterModel.step}.
   * @returns The value.
   */
  value(id: number): JsonValue {
    return this.#trie.isString(id) ? this.#trie.string(id) : this.#others.get(id) as JsonValue;
  }

  /** Values with an id so far (strings reached by appends included). */
  get size(): number {
    return this.#trie.size;
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
    // Id 0 is null, which appends treat as the empty string.
    if (state === 0) return this.#trie.append(EMPTY, textId);
    return this.#trie.isString(state) ? this.#trie.append(state, textId) : INVALID;
  }
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
