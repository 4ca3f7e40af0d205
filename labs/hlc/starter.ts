/**
 * Your hybrid logical clock. Replace each `throw`; run
 * `NETSPLIT_LAB_TARGET=starter deno test -A labs/hlc` until it is green.
 *
 * @module
 */

import type { HlcTimestamp } from "./api.ts";

/**
 * A local or send event.
 *
 * Hint: `l` moves to the physical clock if that is ahead; if `l` did not move, the counter
 * must grow so the new event still orders after the previous one.
 */
export function send(state: HlcTimestamp, pt: number): HlcTimestamp {
  throw new Error(
    `TODO send(${JSON.stringify(state)}, pt=${pt}): return the event's {l, c} (README.md, step 1)`,
  );
}

/**
 * The receipt of a message.
 *
 * Hint: the new `l` is the largest of three values. The counter depends on which of them won.
 */
export function receive(state: HlcTimestamp, message: HlcTimestamp, pt: number): HlcTimestamp {
  throw new Error(
    `TODO receive(${JSON.stringify(state)}, ${JSON.stringify(message)}, pt=${pt}): ` +
      `return the event's {l, c} (README.md, step 2)`,
  );
}
