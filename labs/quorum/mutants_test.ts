/**
 * Mutation battery: quorum reads a learner could plausibly write, each of which the lab's
 * checks (`cases.ts`) must reject. (It tests the tests; a learner can ignore it, and a
 * workshop fork leaves it out: it needs the reference solution.)
 */

import { type LabMutant, registerMutationBattery } from "../_lib/checks.ts";
import type { QuorumLab, Reply } from "./api.ts";
import { QUORUM_CHECKS } from "./cases.ts";
import * as reference from "./solution.ts";

const byCounter = (replies: readonly Reply[]) =>
  replies.reduce((best, r) => (r.version.counter > best.version.counter ? r : best));

const MUTANTS: LabMutant<QuorumLab>[] = [
  {
    name: "accepts R + W = N as overlapping (>= instead of >)",
    lab: { ...reference, quorumsOverlap: (n, r, w) => r + w >= n },
  },
  {
    name: "asks for R + W > N + 1 (one too many)",
    lab: { ...reference, quorumsOverlap: (n, r, w) => r + w > n + 1 },
  },
  {
    name: "asks for two majorities instead of R + W > N",
    lab: { ...reference, quorumsOverlap: (n, r, w) => r > n / 2 && w > n / 2 },
  },
  {
    name: "looks only at the write quorum",
    lab: { ...reference, quorumsOverlap: (n, _r, w) => w > n / 2 },
  },
  { name: "returns the first reply", lab: { ...reference, newestReply: (replies) => replies[0] } },
  {
    name: "returns the last reply to arrive",
    lab: { ...reference, newestReply: (replies) => replies[replies.length - 1] },
  },
  { name: "compares versions by counter only", lab: { ...reference, newestReply: byCounter } },
  {
    name: "breaks counter ties towards the smaller writer",
    lab: {
      ...reference,
      newestReply: (replies) =>
        replies.reduce((best, r) =>
          r.version.counter > best.version.counter ||
            (r.version.counter === best.version.counter && r.version.writer < best.version.writer)
            ? r
            : best
        ),
    },
  },
  {
    name: "compares counters as strings",
    lab: {
      ...reference,
      newestReply: (replies) =>
        replies.reduce((best, r) => {
          const a = `${r.version.counter}/${r.version.writer}`;
          const b = `${best.version.counter}/${best.version.writer}`;
          return a > b ? r : best;
        }),
    },
  },
  {
    name: "repairs every replica, fresh ones included",
    lab: { ...reference, staleNodes: (replies) => replies.map((r) => r.node) },
  },
  {
    name: "repairs replicas whose version is older or equal (<= instead of <)",
    lab: {
      ...reference,
      staleNodes: (replies, chosen) =>
        replies.filter((r) => r.node !== chosen.node && r.version.counter <= chosen.version.counter)
          .map((r) => r.node),
    },
  },
  {
    name: "finds stale replicas by counter only (misses a loser of a writer tie)",
    lab: {
      ...reference,
      staleNodes: (replies, chosen) =>
        replies.filter((r) => r.version.counter < chosen.version.counter).map((r) => r.node),
    },
  },
  {
    name: "finds stale replicas by value instead of version",
    lab: {
      ...reference,
      staleNodes: (replies, chosen) =>
        replies.filter((r) => r.value !== chosen.value).map((r) => r.node),
    },
  },
];

registerMutationBattery({ lab: "quorum", checks: QUORUM_CHECKS, reference, mutants: MUTANTS });
