/**
 * Ballots (Lamport's "proposal numbers"): totally ordered, and unique per proposer because
 * the proposer's id breaks ties between equal rounds ("Paxos Made Simple" §2.2: "different
 * proposers choose their numbers from disjoint sets of numbers").
 *
 * @module
 */

import type { NodeId } from "../../sim/mod.ts";

/** A ballot: a round number, with the proposer's id as the tie-breaker. */
export interface Ballot {
  readonly round: number;
  readonly proposer: NodeId;
}

/** The ballot below every real one (round 0 is never used by a proposer). */
export const ZERO_BALLOT: Ballot = Object.freeze({ round: 0, proposer: "" });

/**
 * Compares two ballots: negative when `a < b`, zero when equal, positive when `a > b`.
 *
 * @example
 * ```ts
 * import { compareBallots } from "./ballot.ts";
 * compareBallots({ round: 2, proposer: "n1" }, { round: 1, proposer: "n3" }); // > 0
 * compareBallots({ round: 1, proposer: "n1" }, { round: 1, proposer: "n3" }); // < 0
 * ```
 */
export function compareBallots(a: Ballot, b: Ballot): number {
  if (a.round !== b.round) return a.round - b.round;
  return a.proposer < b.proposer ? -1 : a.proposer > b.proposer ? 1 : 0;
}

/**
 * Whether two ballots are the same.
 *
 * @example
 * ```ts
 * import { sameBallot } from "./ballot.ts";
 * sameBallot({ round: 1, proposer: "n1" }, { round: 1, proposer: "n1" }); // true
 * ```
 */
export function sameBallot(a: Ballot, b: Ballot): boolean {
  return compareBallots(a, b) === 0;
}

/**
 * The larger of two ballots.
 *
 * @example
 * ```ts
 * import { maxBallot } from "./ballot.ts";
 * maxBallot({ round: 1, proposer: "n2" }, { round: 1, proposer: "n1" }); // { round: 1, proposer: "n2" }
 * ```
 */
export function maxBallot(a: Ballot, b: Ballot): Ballot {
  return compareBallots(a, b) >= 0 ? a : b;
}

/**
 * The smallest ballot owned by `proposer` that is above `seen`.
 *
 * @example
 * ```ts
 * import { nextBallot } from "./ballot.ts";
 * nextBallot({ round: 4, proposer: "n2" }, "n1"); // { round: 5, proposer: "n1" }
 * ```
 */
export function nextBallot(seen: Ballot, proposer: NodeId): Ballot {
  return { round: seen.round + 1, proposer };
}

/**
 * Renders a ballot as `round.proposer`.
 *
 * @example
 * ```ts
 * import { formatBallot } from "./ballot.ts";
 * formatBallot({ round: 3, proposer: "n1" }); // "3.n1"
 * ```
 */
export function formatBallot(ballot: Ballot): string {
  return ballot.round === 0 ? "0" : `${ballot.round}.${ballot.proposer}`;
}

/**
 * A majority of `count` members: the quorum size.
 *
 * @example
 * ```ts
 * import { majority } from "./ballot.ts";
 * majority(5); // 3
 * ```
 */
export function majority(count: number): number {
  return Math.floor(count / 2) + 1;
}
