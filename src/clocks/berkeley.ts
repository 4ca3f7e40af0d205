/**
 * The Berkeley algorithm: a master polls everyone, averages the clocks it trusts, and tells
 * each node how much to adjust — no node needs an accurate reference.
 *
 * Source: R. Gusella, S. Zatti, "The Accuracy of the Clock Synchronization Achieved by
 * TEMPO in Berkeley UNIX 4.3BSD", IEEE TSE 15(7), 1989 (the master estimates each slave's
 * difference with round-trip compensation, takes a fault-tolerant average that ignores
 * clocks too far from the rest, and sends each machine its own correction).
 *
 * Guarantee: after applying the adjustments, all trusted clocks agree up to their
 * measurement errors, and outliers are pulled to the average without biasing it.
 * Non-goals: agreement with true time (the average drifts with the group), master election.
 *
 * @module
 */

/** One node's measured clock difference, relative to the master's clock. */
export interface BerkeleyReading {
  readonly id: string;
  /** Node clock minus master clock, estimated with round-trip compensation. */
  readonly offsetMs: number;
}

/** The master's decision. */
export interface BerkeleyRound {
  /** The average offset of the trusted clocks, relative to the master. */
  readonly averageMs: number;
  /** Per node: how much to add to its clock (`averageMs − offsetMs`). */
  readonly adjustmentsMs: Readonly<Record<string, number>>;
  /** Nodes left out of the average as outliers. */
  readonly outliers: readonly string[];
}

/**
 * Computes a Berkeley round: readings further than `toleranceMs` from the median are
 * outliers, the rest are averaged, and every node (outliers included) gets a correction.
 *
 * @param readings One per node, the master included (its own offset is 0).
 * @param options `toleranceMs`: how far from the median a clock may be and still be
 *   trusted (@default Infinity: trust all).
 * @returns The average, the per-node adjustments and the outliers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { berkeleyRound } from "./berkeley.ts";
 * const round = berkeleyRound(
 *   [{ id: "m", offsetMs: 0 }, { id: "a", offsetMs: 10 }, { id: "b", offsetMs: -4 },
 *    { id: "bad", offsetMs: 5000 }],
 *   { toleranceMs: 100 },
 * );
 * assert.deepEqual(round.outliers, ["bad"]);
 * assert.equal(round.averageMs, 2);
 * assert.equal(round.adjustmentsMs.bad, -4998);
 * ```
 */
export function berkeleyRound(
  readings: readonly BerkeleyReading[],
  options: { toleranceMs?: number } = {},
): BerkeleyRound {
  const { toleranceMs = Infinity } = options;
  if (readings.length === 0) {
    throw new RangeError("berkeleyRound needs at least one reading, got 0");
  }
  if (!(toleranceMs >= 0)) {
    throw new RangeError(`Berkeley toleranceMs must be ≥ 0, got ${toleranceMs}`);
  }
  const median = medianOf(readings.map((r) => r.offsetMs));
  const distance = (r: BerkeleyReading) => Math.abs(r.offsetMs - median);
  // With an even count the median may sit between two clocks; if the tolerance then trusts
  // no one, trust the clocks nearest the median rather than none.
  const nearest = Math.min(...readings.map(distance));
  const trusted = readings.filter((r) => distance(r) <= Math.max(toleranceMs, nearest));
  const averageMs = trusted.reduce((sum, r) => sum + r.offsetMs, 0) / trusted.length;
  const adjustmentsMs: Record<string, number> = {};
  for (const r of readings) adjustmentsMs[r.id] = averageMs - r.offsetMs;
  const outliers = readings.filter((r) => !trusted.includes(r)).map((r) => r.id);
  return { averageMs, adjustmentsMs, outliers };
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
