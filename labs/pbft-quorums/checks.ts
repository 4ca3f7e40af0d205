/**
 * The checks of the PBFT quorums lab, as functions from an implementation to the failures
 * they find (empty: it passes). The tests run them on your file; `mutants_test.ts` runs them
 * on known-broken rules to prove they catch them.
 */
import {
  type ByzantineBehaviour,
  pbftClient,
  type PbftMessage,
  pbftReplica,
  pbftSearchTarget,
  search,
  Simulation,
} from "../../src/mod.ts";
import fc from "fast-check";
import { failuresCheck, type LabCheck } from "../_lib/checks.ts";
import type { PbftQuorumsLab, Quorums, Vote } from "./api.ts";

/**
 * Every quorum size for n = 4 … 13 against the paper's, with why it matters. Sizes that are not
 * 3f + 1 are included on purpose: n = 6 tolerates f = 1 like n = 4, but needs quorums of 4.
 */
export function quorumFailures(lab: Pick<PbftQuorumsLab, "quorums">): string[] {
  const out: string[] = [];
  for (let n = 4; n <= 13; n++) {
    const f = Math.floor((n - 1) / 3);
    const q = Math.ceil((n + f + 1) / 2);
    const expected: Quorums = {
      f,
      prepares: q - 1,
      commits: q,
      viewChanges: q,
      checkpoints: q,
      replies: f + 1,
    };
    const got = lab.quorums(n);
    for (const key of Object.keys(expected) as (keyof Quorums)[]) {
      if (got[key] === expected[key]) continue;
      const overlap = 2 * got[key] - n;
      const why = key === "f"
        ? `n = ${n} replicas can outvote at most ${f} liars: n - 2f must exceed f`
        : key === "replies"
        ? `f + 1 replies include at least one from a correct replica; fewer may all be lies`
        : key === "prepares"
        ? `with the PrePrepare, ${expected.prepares} Prepares make ${q} votes; two such sets must share a correct replica`
        : `two quorums of ${got[key]} among ${n} share only ${
          Math.max(0, overlap)
        } replicas, and all ${f} liars may be among them`;
      out.push(`quorums(${n}).${key} is ${got[key]}, expected ${expected[key]}: ${why}`);
    }
  }
  return out;
}

const vote = (from: string, digest = "d", view = 0, seq = 1): Vote => ({ from, view, seq, digest });

/** One case of the prepared predicate (n = 4, primary r1 unless stated). */
interface PreparedCase {
  name: string;
  prePrepare: Vote | null;
  prepares: Vote[];
  primary?: string;
  expected: boolean;
}

const PREPARED_CASES: PreparedCase[] = [
  {
    name: "a PrePrepare and 2f = 2 matching Prepares",
    prePrepare: vote("r1"),
    prepares: [vote("r2"), vote("r3")],
    expected: true,
  },
  {
    name: "one backup's Prepare, received twice",
    prePrepare: vote("r1"),
    prepares: [vote("r2"), vote("r2")],
    expected: false,
  },
  {
    name: "a Prepare from the primary itself",
    prePrepare: vote("r1"),
    prepares: [vote("r2"), vote("r1")],
    expected: false,
  },
  {
    name: "a Prepare for another digest (an equivocating primary)",
    prePrepare: vote("r1"),
    prepares: [vote("r2"), vote("r3", "e")],
    expected: false,
  },
  {
    name: "a Prepare from another view",
    prePrepare: vote("r1"),
    prepares: [vote("r2"), vote("r3", "d", 1)],
    expected: false,
  },
  {
    name: "a Prepare for another sequence number",
    prePrepare: vote("r1"),
    prepares: [vote("r2"), vote("r3", "d", 0, 2)],
    expected: false,
  },
  {
    name: "no PrePrepare at all",
    prePrepare: null,
    prepares: [vote("r2"), vote("r3"), vote("r4")],
    expected: false,
  },
  {
    name: "a PrePrepare from a backup",
    prePrepare: vote("r2"),
    prepares: [vote("r3"), vote("r4")],
    expected: false,
  },
  {
    name: "three matching Prepares",
    prePrepare: vote("r1"),
    prepares: [vote("r2"), vote("r3"), vote("r4")],
    expected: true,
  },
  {
    name: "a new view's primary r2",
    prePrepare: vote("r2", "d", 1),
    prepares: [vote("r3", "d", 1), vote("r4", "d", 1)],
    primary: "r2",
    expected: true,
  },
];

const PAPER: Quorums = {
  f: 1,
  prepares: 2,
  commits: 3,
  viewChanges: 3,
  checkpoints: 3,
  replies: 2,
};

/** The prepared predicate on a table of cases (with the paper's quorums for n = 4). */
export function preparedFailures(lab: Pick<PbftQuorumsLab, "isPrepared">): string[] {
  return PREPARED_CASES.flatMap((c) => {
    const got = lab.isPrepared(c.prePrepare, c.prepares, {
      primary: c.primary ?? "r1",
      quorums: PAPER,
    });
    return got === c.expected ? [] : [
      `isPrepared with ${c.name} returned ${got}, expected ${c.expected} (PrePrepare ${
        JSON.stringify(c.prePrepare)
      }, Prepares ${JSON.stringify(c.prepares)})`,
    ];
  });
}

/** The committed-local predicate on a table of cases (n = 4). */
export function committedFailures(lab: Pick<PbftQuorumsLab, "isCommittedLocal">): string[] {
  const cases: { name: string; prepared: boolean; commits: Vote[]; expected: boolean }[] = [
    {
      name: "prepared and 2f + 1 = 3 matching Commits",
      prepared: true,
      commits: [vote("r1"), vote("r2"), vote("r3")],
      expected: true,
    },
    {
      name: "prepared and only 2f = 2 Commits",
      prepared: true,
      commits: [vote("r1"), vote("r2")],
      expected: false,
    },
    {
      name: "3 Commits but not prepared",
      prepared: false,
      commits: [vote("r1"), vote("r2"), vote("r3")],
      expected: false,
    },
    {
      name: "one replica's Commit three times",
      prepared: true,
      commits: [vote("r2"), vote("r2"), vote("r2")],
      expected: false,
    },
    {
      name: "a Commit for another digest",
      prepared: true,
      commits: [vote("r1"), vote("r2"), vote("r3", "e")],
      expected: false,
    },
  ];
  return cases.flatMap((c) => {
    const got = lab.isCommittedLocal(c.prepared, vote("r1"), c.commits, PAPER);
    return got === c.expected
      ? []
      : [`isCommittedLocal with ${c.name} returned ${got}, expected ${c.expected}`];
  });
}

/**
 * Four replicas on your rules and a client: without faults every request must complete;
 * with one Byzantine replica (`behaviour`) the fault-schedule search must find no two correct
 * replicas executing different requests. Returns the failure, or null.
 */
export function simulationFailure(
  lab: PbftQuorumsLab,
  options: { behaviour?: ByzantineBehaviour; numRuns?: number } = {},
): string | null {
  const rules = lab;
  const nodes = ["r1", "r2", "r3", "r4"];
  const sim = new Simulation<PbftMessage>({ seed: 1 });
  for (const id of nodes) sim.addNode(id, pbftReplica({ nodes, rules }));
  const ops = [1, 2, 3].map((value, i) => ({ atMs: i * 10, op: { f: "write" as const, value } }));
  sim.addNode("c1", pbftClient({ replicas: nodes, process: 1, ops }));
  sim.run({ untilMs: 2000 });
  const completed = sim.history.filter((e) => e.type === "ok").length;
  if (completed < 3) {
    return `Without any fault only ${completed} of 3 requests completed in 2 s: are your quorums larger than the replicas that can answer?`;
  }
  const behaviour = options.behaviour ?? "equivocate";
  const result = search(pbftSearchTarget({ rules, behaviours: [behaviour], maxOps: 4 }), {
    seed: 1,
    numRuns: options.numRuns ?? 40,
  });
  if (result.ok) return null;
  return [
    `With one Byzantine replica that does "${behaviour}", correct replicas disagreed:`,
    ...result.violations.map((v) => `  ${v.message}`),
    "Minimal schedule:",
    ...(result.schedule ?? []).map((line) => `  ${line}`),
    `Replay: replay(pbftSearchTarget({ rules, behaviours: ["${behaviour}"], maxOps: 4 }), ${
      JSON.stringify(result.replay)
    })`,
  ].join("\n");
}

/** Two commit quorums share a correct replica for every n in 4 … 40 (a seeded property). */
export function overlapPropertyFailure(lab: Pick<PbftQuorumsLab, "quorums">): string | null {
  const seed = 4242;
  // Two quorums of q among n replicas share at least 2q - n of them; all f liars may be there.
  const result = fc.check(
    fc.property(fc.integer({ min: 4, max: 40 }), (n) => {
      const q = lab.quorums(n);
      return 2 * q.commits - n - q.f >= 1 && q.commits <= n - q.f;
    }),
    { seed, numRuns: 200 },
  );
  if (!result.failed) return null;
  return `n = ${JSON.stringify(result.counterexample?.[0])}: either two commit quorums can meet ` +
    `only in liars, or a quorum needs a liar's vote\nreplay: ${
      JSON.stringify({ seed, path: result.counterexamplePath })
    }`;
}

/** The lab's checks, in the order they run: tables first, the fault search last. */
export const PBFT_CHECKS: readonly LabCheck<PbftQuorumsLab>[] = [
  failuresCheck(
    "quorum sizes overlap in f + 1 replicas (2f + 1 of 3f + 1) and clients wait for f + 1 replies, for n = 4 to 13",
    quorumFailures,
  ),
  failuresCheck(
    "two commit quorums share a correct replica whichever f replicas lie (property)",
    overlapPropertyFailure,
  ),
  failuresCheck(
    "isPrepared needs the primary's PrePrepare and 2f matching Prepares from distinct backups",
    preparedFailures,
  ),
  failuresCheck(
    "isCommittedLocal needs a prepared request and 2f + 1 matching Commits from distinct replicas",
    committedFailures,
  ),
  failuresCheck(
    "four replicas on your rules complete requests and survive an equivocating primary",
    (lab) => simulationFailure(lab, { behaviour: "equivocate" }),
  ),
];
