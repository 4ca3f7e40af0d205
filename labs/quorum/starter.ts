/**
 * Your quorum read. Replace each `throw`; run
 * `NETSPLIT_LAB_TARGET=starter deno test -A labs/quorum` until it is green.
 *
 * @module
 */

import type { Reply } from "./api.ts";

/**
 * Whether R + W quorums out of N replicas always share a replica.
 *
 * Hint: two sets drawn from N elements must meet when their sizes add up to more than N.
 */
export function quorumsOverlap(n: number, r: number, w: number): boolean {
  throw new Error(`TODO quorumsOverlap(n=${n}, r=${r}, w=${w}) (README.md, step 1)`);
}

/**
 * The reply a read returns.
 *
 * Hint: compare versions by `counter` first, then by `writer`; never by arrival order.
 */
export function newestReply(replies: readonly Reply[]): Reply {
  throw new Error(
    `TODO newestReply(${replies.length} replies): return the newest one (README.md, step 2)`,
  );
}

/**
 * Replicas that answered with an older version than the chosen one.
 *
 * Hint: a replica that already holds the chosen version needs no repair.
 */
export function staleNodes(replies: readonly Reply[], chosen: Reply): string[] {
  throw new Error(
    `TODO staleNodes(${replies.length} replies, chosen from ${chosen.node}) (README.md, step 3)`,
  );
}
