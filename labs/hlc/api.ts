/**
 * What the HLC lab asks you to implement (see README.md).
 *
 * @module
 */

/** A hybrid logical clock timestamp: `l`, the largest physical time heard of, and counter `c`. */
export interface HlcTimestamp {
  readonly l: number;
  readonly c: number;
}

/** Your implementation. Physical readings `pt` are whole milliseconds. */
export interface HlcLab {
  /** A local or send event at a node whose clock is `state` and whose physical clock reads `pt`. */
  send(state: HlcTimestamp, pt: number): HlcTimestamp;
  /** The receipt of a message stamped `message`, at a node in `state` whose clock reads `pt`. */
  receive(state: HlcTimestamp, message: HlcTimestamp, pt: number): HlcTimestamp;
}
