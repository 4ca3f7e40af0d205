/**
 * What the vector-clocks lab asks you to implement (see README.md).
 *
 * @module
 */

/** A vector timestamp: node id → number of that node's events known. Missing ids count as 0. */
export type VectorClock = Readonly<Record<string, number>>;

/** How two vector timestamps relate. */
export type VectorOrder = "before" | "after" | "concurrent" | "equal";

/** Your implementation. */
export interface VectorClockLab {
  /**
   * Compares two vector timestamps: `"before"` if every entry of `a` is ≤ the matching entry
   * of `b` and at least one is smaller; `"after"` for the mirror case; `"equal"` if all entries
   * match; otherwise `"concurrent"`.
   */
  compare(a: VectorClock, b: VectorClock): VectorOrder;
  /** The pointwise maximum of two vectors (the least vector that knows all both know). */
  merge(a: VectorClock, b: VectorClock): VectorClock;
}
