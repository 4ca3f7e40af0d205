/**
 * What the quorum lab asks you to implement (see README.md).
 *
 * @module
 */

/** A totally ordered version: by `counter`, then by `writer`. */
export interface Version {
  readonly counter: number;
  readonly writer: string;
}

/** One replica's answer to a quorum read. */
export interface Reply {
  readonly node: string;
  readonly value: number | null;
  readonly version: Version;
}

/** Your implementation. */
export interface QuorumLab {
  /** Whether every read quorum of `r` replicas meets every write quorum of `w`, out of `n`. */
  quorumsOverlap(n: number, r: number, w: number): boolean;
  /** The reply a quorum read must return: the one with the newest version. */
  newestReply(replies: readonly Reply[]): Reply;
  /** The nodes whose replies are older than `chosen`: the ones read repair must write to. */
  staleNodes(replies: readonly Reply[], chosen: Reply): string[];
}
