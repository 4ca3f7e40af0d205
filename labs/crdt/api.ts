/**
 * What the CRDT lab asks you to implement (see README.md): a PN-Counter and an add-wins
 * OR-Set, each as a state-based CRDT with delta-mutators — the same {@linkcode CrdtType}
 * interface netsplit's own types implement.
 *
 * @module
 */

import type { CounterOp, CrdtType, SetOp } from "../../src/mod.ts";
export type { CounterOp, CrdtType, SetOp };

/** Your implementation. States may be any JSON-serialisable value you choose. */
export interface CrdtLab {
  /** A PN-Counter; its `name` must be `"pn-counter"`. */
  pnCounter(): CrdtType<unknown, CounterOp, number>;
  /** An add-wins OR-Set of strings; its `name` must be `"or-set"`, `value` sorted. */
  orSet(): CrdtType<unknown, SetOp, string[]>;
}
