/**
 * Always-on invariant checks for the kernel, in the TigerBeetle style (TIGER_STYLE, "assert
 * all the things"): each check is one comparison, cheap enough to leave on in every run, and a
 * failure names the invariant that broke so a bug in the kernel is never mistaken for a bug in
 * the protocol under test.
 *
 * Non-goal: validating user input. Bad options are a {@linkcode RangeError} naming the option;
 * an {@linkcode InvariantError} always means the kernel itself is wrong.
 *
 * @module
 */

/** Thrown when a kernel invariant does not hold: a bug in the simulator, not in its caller. */
export class InvariantError extends Error {
  constructor(message: string) {
    super(`Kernel invariant broken: ${message}`);
    this.name = "InvariantError";
  }
}

/**
 * Throws an {@linkcode InvariantError} naming the invariant when `condition` is false.
 *
 * @param condition what must hold
 * @param invariant the invariant, phrased as the rule that holds, e.g. "time never goes backwards"
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { assertInvariant, InvariantError } from "./assert.ts";
 * assertInvariant(1 <= 2, "time never goes backwards");
 * assert.throws(
 *   () => assertInvariant(false, "time never goes backwards (2 ms after 5 ms)"),
 *   (e) => e instanceof InvariantError && /time never goes backwards/.test(e.message),
 * );
 * ```
 */
export function assertInvariant(condition: boolean, invariant: string): asserts condition {
  if (!condition) throw new InvariantError(invariant);
}
