/**
 * Marzullo's algorithm: the smallest interval consistent with the most sources.
 *
 * Source: K. Marzullo, "Maintaining the Time in a Distributed System", PhD thesis, Stanford,
 * 1984; used (as the intersection algorithm) in NTP's source selection, RFC 5905 §11.2.1.
 *
 * Each source says "true time is in [lowMs, highMs]". Sweeping the sorted endpoints finds
 * the region covered by the largest number of intervals. Guarantee: if a majority of sources
 * are correct, true time lies in the result. Non-goal: NTP's clustering step.
 *
 * @module
 */

/** A source's claim. */
export interface TimeInterval {
  readonly lowMs: number;
  readonly highMs: number;
}

/** The best region and how many sources agree on it. */
export interface MarzulloResult extends TimeInterval {
  readonly count: number;
}

/**
 * Finds the region agreed on by the most intervals (the first such region on ties).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { marzullo } from "./marzullo.ts";
 * const best = marzullo([{ lowMs: 8, highMs: 12 }, { lowMs: 11, highMs: 13 },
 *   { lowMs: 10, highMs: 12 }]);
 * assert.deepEqual(best, { lowMs: 11, highMs: 12, count: 3 });
 * ```
 */
export function marzullo(intervals: readonly TimeInterval[]): MarzulloResult {
  if (intervals.length === 0) throw new RangeError("marzullo needs at least one interval, got 0");
  const edges: { at: number; type: 1 | -1 }[] = [];
  for (const { lowMs, highMs } of intervals) {
    if (!(lowMs <= highMs)) {
      throw new RangeError(`Interval [${lowMs}, ${highMs}] has low above high`);
    }
    edges.push({ at: lowMs, type: 1 }, { at: highMs, type: -1 });
  }
  // Starts sort before ends at the same point, so touching intervals count as overlapping.
  edges.sort((a, b) => a.at - b.at || b.type - a.type);
  let best: MarzulloResult = { lowMs: intervals[0].lowMs, highMs: intervals[0].highMs, count: 0 };
  let count = 0;
  for (let i = 0; i < edges.length; i++) {
    count += edges[i].type;
    if (edges[i].type === 1 && count > best.count) {
      best = { lowMs: edges[i].at, highMs: edges[i + 1].at, count };
    }
  }
  return best;
}
