/**
 * Mutation battery: wrong AppendEntries and commit rules a learner could plausibly write,
 * each of which the lab's checks (`checks.ts`) must reject. (It tests the tests; a learner can
 * ignore it, and a workshop fork leaves it out: it needs the reference solution.)
 */

import assert from "node:assert/strict";
import { registerMutationBattery } from "../_lib/checks.ts";
import { countReplicasCommitRule, uncheckedAppendRule } from "../../src/consensus/mod.ts";
import { findRuleFailure } from "../../src/check/mod.ts";
import type { AppendDecision, AppendRequestView, AppendState, CommitState, LogLab } from "./api.ts";
import { LOG_CHECKS, LOG_SEARCH } from "./checks.ts";
import * as reference from "./solution.ts";

type Append = LogLab["handleAppendEntries"];

/** The reference append rule with one step changed after the fact. */
function appendWith(
  change: <C>(
    decision: AppendDecision<C>,
    state: AppendState<C>,
    request: AppendRequestView<C>,
  ) => AppendDecision<C>,
): Append {
  return (state, request) => change(reference.handleAppendEntries(state, request), state, request);
}

/** A success that takes the leader's word for it, as the reference would for a match. */
function acceptAnyway<C>(state: AppendState<C>, request: AppendRequestView<C>) {
  const matching = { ...request, prevLogIndex: Math.min(request.prevLogIndex, state.log.length) };
  const log = state.log.slice(0, matching.prevLogIndex);
  const base = reference.handleAppendEntries({ ...state, log }, matching);
  return { ...base, log: [...base.log, ...state.log.slice(base.log.length)] };
}

const appendMutant = (name: string, rule: Append) => ({
  name,
  lab: { handleAppendEntries: rule, advanceCommitIndex: reference.advanceCommitIndex },
});
const commitMutant = (name: string, rule: (state: CommitState) => number) => ({
  name,
  lab: { handleAppendEntries: reference.handleAppendEntries, advanceCommitIndex: rule },
});

/** The reference commit rule with a different majority and term test. */
function commitWith(
  isMajority: (replicas: number, servers: number) => boolean,
  termOk: (entryTerm: number, currentTerm: number) => boolean = (e, c) => e === c,
) {
  return (state: CommitState) => {
    for (let n = state.logTerms.length; n > state.commitIndex; n--) {
      if (!termOk(state.logTerms[n - 1], state.currentTerm)) continue;
      const replicas = state.matchIndexes.filter((m) => m >= n).length;
      if (isMajority(replicas, state.matchIndexes.length)) return n;
    }
    return state.commitIndex;
  };
}

const MUTANTS: { name: string; lab: LogLab }[] = [
  appendMutant(
    "never checks prevLogIndex/prevLogTerm (the seed page's append_entries)",
    uncheckedAppendRule,
  ),
  appendMutant(
    "skips the prevLogIndex/prevLogTerm check for heartbeats with no entries",
    (state, request) =>
      request.entries.length === 0
        ? {
          success: true,
          log: [...state.log],
          commitIndex: Math.max(
            state.commitIndex,
            Math.min(request.leaderCommit, request.prevLogIndex),
          ),
          matchIndex: request.prevLogIndex,
          conflictTerm: 0,
          conflictIndex: 0,
        }
        : reference.handleAppendEntries(state, request),
  ),
  appendMutant(
    "checks only that the log is long enough, not the term at prevLogIndex",
    (state, request) =>
      request.prevLogIndex > state.log.length
        ? reference.handleAppendEntries(state, request)
        : acceptAnyway(state, request),
  ),
  appendMutant(
    "looks at the entry after prevLogIndex (off by one: log[prevLogIndex])",
    (state, request) =>
      reference.handleAppendEntries(
        { ...state, log: [...state.log] },
        {
          ...request,
          prevLogTerm: request.prevLogIndex > 0 && request.prevLogIndex < state.log.length
            ? state.log[request.prevLogIndex].term === request.prevLogTerm
              ? state.log[request.prevLogIndex - 1].term
              : -1
            : request.prevLogTerm,
        },
      ),
  ),
  appendMutant(
    "cuts the log after prevLogIndex on every AppendEntries, even a late duplicate",
    appendWith((d, state, request) =>
      d.success
        ? { ...d, log: [...state.log.slice(0, request.prevLogIndex), ...request.entries] }
        : d
    ),
  ),
  appendMutant(
    "commits up to leaderCommit without the min with the last new entry",
    appendWith((d, _s, request) =>
      d.success ? { ...d, commitIndex: Math.max(d.commitIndex, request.leaderCommit) } : d
    ),
  ),
  appendMutant(
    "commits up to min(leaderCommit, end of the log) instead of the last new entry",
    appendWith((d, state, request) =>
      d.success
        ? {
          ...d,
          commitIndex: Math.max(
            state.commitIndex,
            Math.min(request.leaderCommit, d.log.length),
          ),
        }
        : d
    ),
  ),
  appendMutant(
    "lets commitIndex go backwards when a delayed message carries an old leaderCommit",
    appendWith((d, _s, request) =>
      d.success
        ? {
          ...d,
          commitIndex: Math.min(
            request.leaderCommit,
            request.prevLogIndex + request.entries.length,
          ),
        }
        : d
    ),
  ),
  appendMutant(
    "answers a refusal without the fast-backup hint (conflictIndex 0)",
    appendWith((d) => d.success ? d : { ...d, conflictTerm: 0, conflictIndex: 0 }),
  ),
  commitMutant(
    "commits an earlier term's entry by counting replicas (Figure 8)",
    countReplicasCommitRule,
  ),
  commitMutant(
    "uses a majority of two, right for three servers and wrong for five",
    commitWith((replicas) => replicas >= 2),
  ),
  commitMutant(
    "counts half of the servers as a majority (off by one)",
    commitWith((replicas, servers) => replicas * 2 >= servers),
  ),
  commitMutant(
    "counts replicas of an entry from the previous term too (off by one on terms)",
    commitWith((r, s) => r * 2 > s, (entry, current) => entry >= current - 1),
  ),
  commitMutant(
    "commits the lowest index held by a majority, not the highest",
    (state) => {
      for (let n = state.commitIndex + 1; n <= state.logTerms.length; n++) {
        if (state.logTerms[n - 1] !== state.currentTerm) continue;
        if (state.matchIndexes.filter((m) => m >= n).length * 2 > state.matchIndexes.length) {
          return n;
        }
      }
      return state.commitIndex;
    },
  ),
];

registerMutationBattery({ lab: "raft-log", checks: LOG_CHECKS, reference, mutants: MUTANTS });

Deno.test("the search alone finds the heartbeat that skips the consistency check", () => {
  // The case table catches it first; the cluster checks must catch it too (issue 16: the
  // lab's 12 schedules did not), so that a variation the table misses is not waved through.
  const rule = MUTANTS[1].lab;
  const failure = findRuleFailure(
    { appendEntries: rule.handleAppendEntries, commit: rule.advanceCommitIndex },
    { seeds: LOG_SEARCH.threeServers, servers: [3] },
  );
  assert.notEqual(failure, null);
});
