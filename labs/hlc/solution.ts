/**
 * Reference solution of the HLC lab (absent from workshop forks): Kulkarni et al. 2014, "HLC algorithm".
 *
 * @module
 */

import type { HlcTimestamp } from "./api.ts";

/** Send or local event: `l := max(l, pt)`; `c := l unchanged ? c + 1 : 0`. */
export function send(state: HlcTimestamp, pt: number): HlcTimestamp {
  const l = Math.max(state.l, pt);
  return { l, c: l === state.l ? state.c + 1 : 0 };
}

/** Receive event: `l := max(l, l.m, pt)`; the counter follows whichever of them won. */
export function receive(state: HlcTimestamp, message: HlcTimestamp, pt: number): HlcTimestamp {
  const l = Math.max(state.l, message.l, pt);
  if (l === state.l && l === message.l) return { l, c: Math.max(state.c, message.c) + 1 };
  if (l === state.l) return { l, c: state.c + 1 };
  if (l === message.l) return { l, c: message.c + 1 };
  return { l, c: 0 };
}
