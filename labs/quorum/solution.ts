/**
 * Reference solution of the quorum lab.
 *
 * @module
 */

import type { Reply, Version } from "./api.ts";

function compare(a: Version, b: Version): number {
  if (a.counter !== b.counter) return a.counter - b.counter;
  return a.writer < b.writer ? -1 : a.writer > b.writer ? 1 : 0;
}

/** Dynamo §4.5: R + W > N makes every read quorum meet every write quorum. */
export function quorumsOverlap(n: number, r: number, w: number): boolean {
  return r + w > n;
}

/** The newest version wins, whatever order the replies arrived in. */
export function newestReply(replies: readonly Reply[]): Reply {
  if (replies.length === 0) throw new RangeError("newestReply needs at least one reply");
  return replies.reduce((best, reply) => (compare(reply.version, best.version) > 0 ? reply : best));
}

/** Read repair writes the chosen version to every replica that answered with an older one. */
export function staleNodes(replies: readonly Reply[], chosen: Reply): string[] {
  return replies.filter((reply) => compare(reply.version, chosen.version) < 0).map((r) => r.node);
}
