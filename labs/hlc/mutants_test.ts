/**
 * Mutation battery: hybrid logical clocks a learner could plausibly write, each of which the
 * lab's checks (`checks.ts`) must reject. (It tests the tests; a learner can ignore it, and a
 * workshop fork leaves it out: it needs the reference solution.)
 */

import { registerMutationBattery } from "../_lib/checks.ts";
import type { HlcLab } from "./api.ts";
import { HLC_CHECKS } from "./checks.ts";
import * as reference from "./solution.ts";

type Receive = HlcLab["receive"];
type Send = HlcLab["send"];

const withReceive = (name: string, receive: Receive) => ({
  name,
  lab: { send: reference.send, receive },
});
const withSend = (name: string, send: Send) => ({
  name,
  lab: { send, receive: reference.receive },
});

const MUTANTS: { name: string; lab: HlcLab }[] = [
  withReceive(
    "ignores the message on receive (a physical clock with a counter)",
    (s, _m, pt) => reference.send(s, pt),
  ),
  withReceive(
    "ignores the physical clock on receive",
    (s, m) => ({ l: Math.max(s.l, m.l), c: Math.max(s.c, m.c) + 1 }),
  ),
  {
    name: "never ticks the counter",
    lab: {
      send: (s, pt) => ({ l: Math.max(s.l, pt), c: 0 }),
      receive: (s, m, pt) => ({ l: Math.max(s.l, m.l, pt), c: 0 }),
    },
  },
  {
    name: "never resets the counter",
    lab: {
      send: (s, pt) => ({ l: Math.max(s.l, pt), c: s.c + 1 }),
      receive: (s, m, pt) => ({ l: Math.max(s.l, m.l, pt), c: Math.max(s.c, m.c) + 1 }),
    },
  },
  withSend("lets l follow the physical clock backwards", (s, pt) => ({
    l: pt,
    c: pt === s.l ? s.c + 1 : 0,
  })),
  withSend(
    "resets the counter when pt ties with l (>= instead of >)",
    (s, pt) => (pt >= s.l ? { l: pt, c: 0 } : { l: s.l, c: s.c + 1 }),
  ),
  withSend(
    "adds to l instead of the counter when pt is behind",
    (s, pt) => pt > s.l ? { l: pt, c: 0 } : { l: s.l + 1, c: 0 },
  ),
  withReceive(
    "takes the message's counter without adding one when the message wins",
    (s, m, pt) => {
      const r = reference.receive(s, m, pt);
      return r.l === m.l && r.l !== s.l ? { l: r.l, c: m.c } : r;
    },
  ),
  withReceive("forgets the +1 when all three tie", (s, m, pt) => {
    const r = reference.receive(s, m, pt);
    return r.l === s.l && r.l === m.l ? { l: r.l, c: Math.max(s.c, m.c) } : r;
  }),
  withReceive("uses only the local counter when local and message l tie", (s, m, pt) => {
    const r = reference.receive(s, m, pt);
    return r.l === s.l && r.l === m.l ? { l: r.l, c: s.c + 1 } : r;
  }),
  withReceive(
    "uses the local counter when the message's l wins",
    (s, m, pt) => {
      const r = reference.receive(s, m, pt);
      return r.l === m.l && r.l !== s.l ? { l: r.l, c: s.c + 1 } : r;
    },
  ),
  withReceive("ignores the local state on receive", (_s, m, pt) => {
    const l = Math.max(m.l, pt);
    return { l, c: l === m.l ? m.c + 1 : 0 };
  }),
  withReceive("keeps the counter when the physical clock wins", (s, m, pt) => {
    const r = reference.receive(s, m, pt);
    return r.l === pt && r.l !== s.l && r.l !== m.l ? { l: r.l, c: Math.max(s.c, m.c) + 1 } : r;
  }),
  withSend("changes the state it was given", (s, pt) => {
    const next = reference.send(s, pt);
    Object.assign(s as { l: number; c: number }, next);
    return next;
  }),
];

registerMutationBattery({ lab: "hlc", checks: HLC_CHECKS, reference, mutants: MUTANTS });
