/**
 * Mutation battery: wrong vote rules a learner could plausibly write, each of which the lab's
 * checks (`checks.ts`) must reject. A mutant that passes every check is a wrong solution the
 * lab would call done, so this file fails. (It tests the tests; a learner can ignore it, and a
 * workshop fork leaves it out: it needs the reference solution.)
 */

import { registerMutationBattery } from "../_lib/checks.ts";
import { findRuleFailure } from "../../src/check/mod.ts";
import { staleVoteRule } from "../../src/consensus/mod.ts";
import assert from "node:assert/strict";
import type { VoteDecision, VoteLab, VoteRequestView, VoteState } from "./api.ts";
import { ELECTION_CHECKS, ELECTION_SEARCH } from "./checks.ts";
import * as reference from "./solution.ts";

type Rule = (state: VoteState, request: VoteRequestView) => VoteDecision;

/** The reference rule, its steps switched by name, so each mutant is one plausible slip. */
interface Slips {
  grantStaleTerms?: boolean;
  refuseSameTerm?: boolean;
  keepVoteInNewTerm?: boolean;
  keepTermWhenRefused?: boolean;
  resetVoteOnlyWhenGranted?: boolean;
  refuseRetries?: boolean;
  secondVoteForBetterLog?: boolean;
  upToDate?: (state: VoteState, request: VoteRequestView) => boolean;
}

const figure2UpToDate = (s: VoteState, r: VoteRequestView) =>
  r.lastLogTerm === s.lastLogTerm
    ? r.lastLogIndex >= s.lastLogIndex
    : r.lastLogTerm > s.lastLogTerm;

function slipped(slips: Slips): Rule {
  return (state, request) => {
    const stale = slips.refuseSameTerm
      ? request.term <= state.currentTerm && state.votedFor !== request.candidateId
      : request.term < state.currentTerm;
    if (stale && !slips.grantStaleTerms) {
      return { currentTerm: state.currentTerm, votedFor: state.votedFor, voteGranted: false };
    }
    const newTerm = request.term > state.currentTerm;
    let votedFor = newTerm && !slips.keepVoteInNewTerm && !slips.resetVoteOnlyWhenGranted
      ? null
      : state.votedFor;
    const upToDate = (slips.upToDate ?? figure2UpToDate)(state, request);
    const betterLog = request.lastLogTerm > state.lastLogTerm ||
      (request.lastLogTerm === state.lastLogTerm && request.lastLogIndex > state.lastLogIndex);
    const free = votedFor === null ||
      (votedFor === request.candidateId && !slips.refuseRetries) ||
      (slips.secondVoteForBetterLog === true && betterLog) ||
      (slips.resetVoteOnlyWhenGranted === true && newTerm && upToDate);
    const voteGranted = free && upToDate;
    if (voteGranted) votedFor = request.candidateId;
    const currentTerm = slips.keepTermWhenRefused && !voteGranted
      ? state.currentTerm
      : Math.max(state.currentTerm, request.term);
    return { currentTerm, votedFor, voteGranted };
  };
}

const mutant = (name: string, rule: Rule) => ({ name, lab: { handleRequestVote: rule } });

const MUTANTS: { name: string; lab: VoteLab }[] = [
  mutant(
    "keeps voted_for across terms and answers stale terms (the seed page's request_vote)",
    staleVoteRule,
  ),
  mutant("grants votes to candidates of older terms", slipped({ grantStaleTerms: true })),
  mutant(
    "treats a request of its own term as stale (off by one: <= instead of <)",
    slipped({ refuseSameTerm: true }),
  ),
  mutant("keeps the old term's vote in a new term", slipped({ keepVoteInNewTerm: true })),
  mutant(
    "does not adopt a newer term when it refuses the vote",
    slipped({ keepTermWhenRefused: true }),
  ),
  mutant(
    "resets votedFor for a newer term only when it grants the vote",
    slipped({ resetVoteOnlyWhenGranted: true }),
  ),
  mutant(
    "refuses a candidate that asks again for the vote it already has",
    slipped({
      refuseRetries: true,
    }),
  ),
  mutant(
    "grants a second vote in the same term to a candidate with a strictly more up-to-date log",
    slipped({ secondVoteForBetterLog: true }),
  ),
  mutant("skips the up-to-date check (§5.4.1)", slipped({ upToDate: () => true })),
  mutant(
    "compares log lengths before last terms",
    slipped({
      upToDate: (s, r) =>
        r.lastLogIndex === s.lastLogIndex
          ? r.lastLogTerm >= s.lastLogTerm
          : r.lastLogIndex > s.lastLogIndex,
    }),
  ),
  mutant(
    "compares only log lengths",
    slipped({ upToDate: (s, r) => r.lastLogIndex >= s.lastLogIndex }),
  ),
  mutant(
    "compares only last terms (a shorter log with the same last term wins)",
    slipped({ upToDate: (s, r) => r.lastLogTerm >= s.lastLogTerm }),
  ),
  mutant(
    "refuses a candidate whose log is exactly as up-to-date (ties lose)",
    slipped({
      upToDate: (s, r) =>
        r.lastLogTerm === s.lastLogTerm
          ? r.lastLogIndex > s.lastLogIndex
          : r.lastLogTerm > s.lastLogTerm,
    }),
  ),
  mutant(
    "compares the candidate's term, not its last log term, with the voter's last log term",
    slipped({
      upToDate: (s, r) =>
        r.term === s.lastLogTerm ? r.lastLogIndex >= s.lastLogIndex : r.term > s.lastLogTerm,
    }),
  ),
];

registerMutationBattery({
  lab: "raft-election",
  checks: ELECTION_CHECKS,
  reference,
  mutants: MUTANTS,
});

Deno.test("the five-server search alone finds the second vote for a better log", () => {
  // The case table catches this mutant first; the search must catch it too, so that a
  // variation the table does not list is not waved through (issue 16: 12 seeds did not).
  const rule = MUTANTS.find((m) => m.name.startsWith("grants a second vote"))!.lab;
  const failure = findRuleFailure({ requestVote: rule.handleRequestVote }, {
    seeds: ELECTION_SEARCH.fiveServers,
    servers: [5],
  });
  assert.match(failure?.problem ?? "not found", /Election Safety violated/);
});
