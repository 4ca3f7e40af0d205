/**
 * The shape every invariant monitor returns, so the fault-schedule search can run any mix of
 * them and point at the moment things went wrong.
 *
 * @module
 */

/** One broken invariant, found in a trace or a history. */
export interface InvariantViolation {
  /** The invariant's name, e.g. `paxos-agreement`. */
  invariant: string;
  /** What went wrong, with the values involved. */
  message: string;
  /** True time (ms) at which the violation became visible, when known. */
  atMs?: number;
  /** When the story of the violation starts (e.g. the earlier of two conflicting choices). */
  sinceMs?: number;
}
