/**
 * Mutation battery: PBFT quorum rules a learner could plausibly write, each of which the lab's
 * checks (`checks.ts`) must reject. (It tests the tests; a learner can ignore it, and a
 * workshop fork leaves it out: it needs the reference solution.)
 */

import { pbftQuorums } from "../../src/mod.ts";
import { type LabMutant, registerMutationBattery } from "../_lib/checks.ts";
import type { PbftQuorumsLab, Quorums, Vote } from "./api.ts";
import { PBFT_CHECKS } from "./checks.ts";
import * as reference from "./solution.ts";

const { isPrepared, isCommittedLocal } = reference;
const withQuorums = (name: string, quorums: (n: number) => Quorums) => ({
  name,
  lab: { ...reference, quorums },
});
const withPrepared = (name: string, rule: PbftQuorumsLab["isPrepared"]) => ({
  name,
  lab: { ...reference, isPrepared: rule },
});
const withCommitted = (name: string, rule: PbftQuorumsLab["isCommittedLocal"]) => ({
  name,
  lab: { ...reference, isCommittedLocal: rule },
});
const distinct = (votes: readonly Vote[]) =>
  votes.map((v, i) => ({ ...v, from: `${v.from}#${i}` }));

const MUTANTS: LabMutant<PbftQuorumsLab>[] = [
  withQuorums("shrinks quorums to 2f", (n) => pbftQuorums(n, "quorum-2f")),
  withQuorums("uses 2f + 1 for every n (too small when n is not 3f + 1)", (n) => {
    const f = Math.floor((n - 1) / 3);
    const q = 2 * f + 1;
    return { f, prepares: q - 1, commits: q, viewChanges: q, checkpoints: q, replies: f + 1 };
  }),
  withQuorums(
    "computes f as a crash-fault majority would, (n - 1) / 2",
    (n) => ({ ...reference.quorums(n), f: Math.floor((n - 1) / 2) }),
  ),
  withQuorums("waits for f replies instead of f + 1", (n) => {
    const q = reference.quorums(n);
    return { ...q, replies: q.f };
  }),
  withQuorums("asks for 2f + 1 Prepares (counts the PrePrepare twice)", (n) => {
    const q = reference.quorums(n);
    return { ...q, prepares: q.commits };
  }),
  withQuorums("uses a simple majority, right for crashes only", (n) => {
    const q = Math.floor(n / 2) + 1;
    const f = Math.floor((n - 1) / 3);
    return { f, prepares: q - 1, commits: q, viewChanges: q, checkpoints: q, replies: f + 1 };
  }),
  withPrepared(
    "counts the primary's own Prepare",
    (pp, prepares, options) =>
      isPrepared(
        pp,
        prepares.map((p) => p.from === options.primary ? { ...p, from: "extra" } : p),
        options,
      ),
  ),
  withPrepared(
    "counts Prepares for any digest (blind to equivocation)",
    (pp, prepares, options) =>
      isPrepared(
        pp,
        pp === null ? prepares : prepares.map((p) => ({ ...p, digest: pp.digest })),
        options,
      ),
  ),
  withPrepared(
    "counts a repeated Prepare twice",
    (pp, prepares, options) => isPrepared(pp, distinct(prepares), options),
  ),
  withPrepared(
    "ignores the view of a Prepare",
    (pp, prepares, options) =>
      isPrepared(
        pp,
        pp === null ? prepares : prepares.map((p) => ({ ...p, view: pp.view })),
        options,
      ),
  ),
  withPrepared(
    "ignores the sequence number of a Prepare",
    (pp, prepares, options) =>
      isPrepared(
        pp,
        pp === null ? prepares : prepares.map((p) => ({ ...p, seq: pp.seq })),
        options,
      ),
  ),
  withPrepared(
    "takes a PrePrepare from any replica",
    (pp, prepares, options) =>
      isPrepared(pp === null ? null : { ...pp, from: options.primary }, prepares, options),
  ),
  withPrepared(
    "asks for more than 2f Prepares (> instead of >=)",
    (pp, prepares, options) =>
      isPrepared(pp, prepares, {
        ...options,
        quorums: { ...options.quorums, prepares: options.quorums.prepares + 1 },
      }),
  ),
  withCommitted(
    "commits without being prepared",
    (_prepared, vote, commits, quorums) => isCommittedLocal(true, vote, commits, quorums),
  ),
  withCommitted(
    "counts a repeated Commit more than once",
    (prepared, vote, commits, quorums) =>
      isCommittedLocal(prepared, vote, distinct(commits), quorums),
  ),
  withCommitted(
    "counts Commits for any digest",
    (prepared, vote, commits, quorums) =>
      isCommittedLocal(
        prepared,
        vote,
        commits.map((c) => ({ ...c, digest: vote.digest })),
        quorums,
      ),
  ),
  withCommitted(
    "commits on 2f Commits (one short)",
    (prepared, vote, commits, quorums) =>
      isCommittedLocal(prepared, vote, commits, { ...quorums, commits: quorums.commits - 1 }),
  ),
];

registerMutationBattery({ lab: "pbft-quorums", checks: PBFT_CHECKS, reference, mutants: MUTANTS });
