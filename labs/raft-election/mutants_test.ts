/**
 * Mutation check: the lab's tests must reject the seed's vote rule and other classic mistakes.
 * (This file tests the tests; a learner can ignore it.)
 */

import assert from "node:assert/strict";
import { correctVoteRule, staleVoteRule } from "../../src/consensus/mod.ts";
import { findRuleFailure } from "../../src/check/mod.ts";
import type { VoteDecision, VoteRequestView, VoteState } from "./api.ts";
import { voteCaseFailures } from "./cases.ts";

type Rule = (state: VoteState, request: VoteRequestView) => VoteDecision;

const MUTANTS: Record<string, Rule> = {
  "the seed's request_vote (keeps voted_for across terms, grants stale terms)": staleVoteRule,
  "no up-to-date check": (state, request) =>
    correctVoteRule({ ...state, lastLogIndex: 0, lastLogTerm: 0 }, request),
  "no stale-term check": (state, request) =>
    correctVoteRule(state, { ...request, term: Math.max(request.term, state.currentTerm) }),
  "vote not forgotten in a new term": (state, request) =>
    correctVoteRule({ ...state, currentTerm: Math.max(state.currentTerm, request.term) }, request),
};

for (const [name, rule] of Object.entries(MUTANTS)) {
  Deno.test(`the raft-election tests reject ${name}`, () => {
    assert.ok(voteCaseFailures(rule).length > 0, "the case table lets it through");
  });
}

Deno.test("the raft-election simulation test rejects the seed's rule on its own", () => {
  assert.notEqual(findRuleFailure({ requestVote: staleVoteRule }, { seeds: 12 }), null);
});

Deno.test("the raft-election tests accept the core's correct rule", () => {
  assert.deepEqual(voteCaseFailures(correctVoteRule), []);
});
