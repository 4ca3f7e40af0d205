/**
 * Mutation check: the lab's tests must reject the seed's rules and other classic mistakes.
 * (This file tests the tests; a learner can ignore it.)
 */

import assert from "node:assert/strict";
import {
  correctAppendRule,
  correctCommitRule,
  countReplicasCommitRule,
  uncheckedAppendRule,
} from "../../src/consensus/mod.ts";
import { figure8Schedule, findRuleFailure, laggingFollowerSchedule } from "../../src/check/mod.ts";
import { appendCaseFailures, commitCaseFailures } from "./cases.ts";

const schedules = () => [laggingFollowerSchedule(1), figure8Schedule(1)];

Deno.test("the raft-log tests reject the seed's append_entries (no prevLog check)", () => {
  assert.ok(appendCaseFailures(uncheckedAppendRule).length > 0);
  assert.notEqual(
    findRuleFailure({ appendEntries: uncheckedAppendRule }, { seeds: 0, schedules: schedules() }),
    null,
  );
});

Deno.test("the raft-log tests reject committing an earlier term's entry by counting (Figure 8)", () => {
  assert.ok(commitCaseFailures(countReplicasCommitRule).length > 0);
  assert.notEqual(
    findRuleFailure({ commit: countReplicasCommitRule }, { seeds: 0, schedules: schedules() }),
    null,
  );
});

Deno.test("the raft-log tests reject truncating on every AppendEntries", () => {
  const truncating: typeof correctAppendRule = (state, request) => {
    const d = correctAppendRule(state, request);
    if (!d.success) return d;
    const log = [...state.log.slice(0, request.prevLogIndex), ...request.entries];
    return { ...d, log };
  };
  assert.ok(appendCaseFailures(truncating).length > 0);
});

Deno.test("the raft-log tests reject committing up to leaderCommit without the min", () => {
  const eager: typeof correctAppendRule = (state, request) => {
    const d = correctAppendRule(state, request);
    return d.success ? { ...d, commitIndex: Math.max(d.commitIndex, request.leaderCommit) } : d;
  };
  assert.ok(appendCaseFailures(eager).length > 0);
});

Deno.test("the raft-log tests accept the core's correct rules", () => {
  assert.deepEqual(appendCaseFailures(correctAppendRule), []);
  assert.deepEqual(commitCaseFailures(correctCommitRule), []);
});
