import assert from "node:assert/strict";
import type { TraceEvent } from "../../sim/mod.ts";
import {
  electionSafety,
  leaderCompleteness,
  logMatching,
  raftTraceViolations,
  stateMachineSafety,
} from "./raft.ts";

const state = (t: number, node: string, key: string, value: unknown): TraceEvent => ({
  t,
  kind: "state",
  node,
  key,
  value,
});

Deno.test("electionSafety allows one leader per term, re-elections included", () => {
  const events = [
    state(1, "n1", "term", 1),
    state(1, "n1", "role", "leader"),
    state(5, "n1", "role", "follower"),
    state(6, "n2", "term", 2),
    state(6, "n2", "role", "leader"),
  ];
  assert.deepEqual(electionSafety(events), []);
});

Deno.test("electionSafety reports two leaders of one term, naming both", () => {
  const events = [
    state(1, "n1", "term", 3),
    state(1, "n1", "role", "leader"),
    state(2, "n3", "term", 3),
    state(2, "n3", "role", "leader"),
  ];
  const [v] = electionSafety(events);
  assert.equal(v.invariant, "election-safety");
  assert.deepEqual(v.nodes, ["n1", "n3"]);
  assert.match(v.message, /n1 and n3 were both elected leader in term 3/);
});

Deno.test("stateMachineSafety accepts re-applying the same entry after a restart", () => {
  const events = [
    state(1, "n1", "apply", "1:1:c1#1"),
    state(2, "n2", "apply", "1:1:c1#1"),
    state(9, "n2", "apply", "1:1:c1#1"),
  ];
  assert.deepEqual(stateMachineSafety(events), []);
});

Deno.test("leaderCompleteness ignores leaders of terms not above the commit", () => {
  const events = [
    state(1, "n1", "term", 2),
    state(1, "n1", "role", "leader"),
    state(1, "n1", "leaderLog", [1]),
    state(2, "n1", "apply", "2:2:c1#1"),
    state(3, "n2", "term", 3),
    state(3, "n2", "role", "leader"),
    state(3, "n2", "leaderLog", [1, 2]),
  ];
  assert.deepEqual(leaderCompleteness(events), []);
});

Deno.test("leaderCompleteness reports a later leader that lacks a committed entry", () => {
  const events = [
    state(1, "n1", "term", 4),
    state(1, "n1", "role", "leader"),
    state(2, "n1", "apply", "2:2:c1#1"),
    state(3, "n2", "term", 5),
    state(3, "n2", "role", "leader"),
    state(3, "n2", "leaderLog", [1, 3]),
  ];
  const [v] = leaderCompleteness(events);
  assert.match(
    v.message,
    /entry 2 \(term 2\) was committed by n1 in term 4, but n2 became leader of term 5 with a term-3 entry there/,
  );
});

Deno.test("logMatching accepts logs that are prefixes or diverge only after their last match", () => {
  const a = { id: "n1", log: [{ term: 1, digest: "a" }, { term: 2, digest: "b" }] };
  const b = { id: "n2", log: [{ term: 1, digest: "a" }, { term: 3, digest: "c" }] };
  const c = { id: "n3", log: [{ term: 1, digest: "a" }] };
  assert.deepEqual(logMatching([a, b, c]), []);
});

Deno.test("raftTraceViolations orders violations by time", () => {
  const events = [
    state(5, "n1", "apply", "1:1:c1#1"),
    state(6, "n2", "apply", "1:2:c1#2"),
    state(1, "n1", "term", 1),
    state(1, "n1", "role", "leader"),
    state(2, "n2", "term", 1),
    state(2, "n2", "role", "leader"),
  ];
  const found = raftTraceViolations(events).map((v) => v.invariant);
  assert.deepEqual(found, ["election-safety", "state-machine-safety"]);
});
