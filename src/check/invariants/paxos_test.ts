import assert from "node:assert/strict";
import type { TraceEvent } from "../../sim/mod.ts";
import { acceptorChosenValues, paxosAgreement, paxosValidity } from "./paxos.ts";

const accepted = (
  t: number,
  node: string,
  ballot: string,
  value: string,
  slot = 0,
): TraceEvent => ({
  t,
  kind: "state",
  node,
  key: "accepted",
  value: { slot, ballot, value },
});

Deno.test("acceptorChosenValues finds a value once a majority accepted it at one ballot", () => {
  const events = [
    accepted(1, "n1", "1.n1", "a"),
    accepted(2, "n2", "2.n2", "a"), // same value, other ballot: does not count together
    accepted(3, "n3", "1.n1", "a"),
  ];
  assert.deepEqual(acceptorChosenValues(events, 3), [
    { slot: 0, value: "a", atMs: 3, by: "ballot 1.n1" },
  ]);
  assert.deepEqual(acceptorChosenValues(events.slice(0, 2), 3), []);
});

Deno.test("paxosAgreement reports two values chosen in one slot by acceptor majorities", () => {
  const events = [
    accepted(1, "n1", "1.n1", "a"),
    accepted(2, "n2", "1.n1", "a"),
    accepted(3, "n2", "2.n3", "b"),
    accepted(4, "n3", "2.n3", "b"),
    accepted(5, "n3", "2.n3", "c", 1),
  ];
  const violations = paxosAgreement(events, { acceptorCount: 3 });
  assert.equal(violations.length, 1);
  assert.equal(violations[0].invariant, "paxos-agreement");
  assert.equal(violations[0].atMs, 4);
  assert.match(violations[0].message, /slot 0 .*"a".*"b"/);
});

Deno.test("paxosAgreement accepts different values in different slots", () => {
  const chosen = (t: number, node: string, slot: number, value: string): TraceEvent => ({
    t,
    kind: "state",
    node,
    key: "chosen",
    value: { slot, value },
  });
  const events = [chosen(1, "n1", 0, "a"), chosen(2, "n2", 1, "b"), chosen(3, "n3", 0, "a")];
  assert.deepEqual(paxosAgreement(events, { acceptorCount: 3 }), []);
  assert.throws(() => paxosAgreement(events, { acceptorCount: 0 }), /acceptorCount/);
});

Deno.test("paxosValidity allows proposed values and fillers only", () => {
  const events: TraceEvent[] = [
    { t: 0, kind: "state", node: "c", key: "proposed", value: { value: "a" } },
    { t: 1, kind: "state", node: "n1", key: "chosen", value: { slot: 0, value: "a" } },
    { t: 2, kind: "state", node: "n1", key: "chosen", value: { slot: 1, value: "noop" } },
  ];
  assert.equal(paxosValidity(events).length, 1);
  assert.deepEqual(paxosValidity(events, { fillers: ["noop"] }), []);
});
