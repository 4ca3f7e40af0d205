/**
 * The search target for PBFT: 3f + 1 replicas, some of which an adversary runs from time 0,
 * scripted clients driven by the generated workload (writes and reads of one register), and
 * two invariants: PBFT agreement among correct replicas and linearizable client histories.
 *
 * The Byzantine replicas are fixed by the options, not generated: they are the first `byzantine`
 * replicas in primary order (so the primary of view 0 is one of them), each with the next
 * behaviour of `behaviours`. The search then looks for the network schedule and workload that
 * make them win. With at most f of them and the paper's quorums it must find nothing; with
 * f + 1, or quorums shrunk to 2f, it must find a violation.
 *
 * @module
 */

import { BYZANTINE_BEHAVIOURS, type ByzantineBehaviour, Simulation } from "../../sim/mod.ts";
import {
  faultTolerance,
  pbftClient,
  type PbftMessage,
  pbftReplica,
  type PbftRules,
  type PbftVariant,
} from "../../consensus/pbft/mod.ts";
import { pbftAgreement } from "../invariants/pbft.ts";
import { linearizable } from "./linearizable.ts";
import type { NemesisKind } from "./arbitraries.ts";
import type { SearchCase, SearchTarget } from "./search.ts";

/** Options of {@linkcode pbftSearchTarget}. */
export interface PbftSearchTargetOptions {
  /** Replicas (n = 3f + 1 is the design point). @default 4 */
  nodes?: number;
  /** @default "correct" */
  variant?: PbftVariant;
  /** How many replicas are Byzantine from the start. @default f */
  byzantine?: number;
  /** Behaviours of the Byzantine replicas, assigned in turn. @default ["equivocate"] */
  behaviours?: readonly ByzantineBehaviour[];
  /** Whether receivers authenticate messages (fallacy 4). @default true */
  authenticate?: boolean;
  /** Run length. @default 1500 */
  horizonMs?: number;
  /** At most this many nemesis steps. @default 3 */
  maxFaultSteps?: number;
  /** At most this many client operations. @default 6 */
  maxOps?: number;
  /** Nemesis verbs. @default partition, cut, loss, delay, slow */
  faultKinds?: readonly NemesisKind[];
  /** Replacement quorum rules for every replica (the `pbft-quorums` lab). @default the paper's */
  rules?: Partial<PbftRules>;
}

/**
 * A search target for PBFT.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pbftSearchTarget } from "./pbft_target.ts";
 * import { search } from "./search.ts";
 * const caught = search(pbftSearchTarget({ variant: "quorum-2f" }), { seed: 1, numRuns: 20 });
 * assert.equal(caught.ok, false);
 * ```
 */
export function pbftSearchTarget(options: PbftSearchTargetOptions = {}): SearchTarget<PbftMessage> {
  const size = options.nodes ?? 4;
  if (!(Number.isInteger(size) && size >= 4 && size <= 13)) {
    throw new RangeError(
      `pbftSearchTarget option nodes must be an integer in [4, 13], got ${size}`,
    );
  }
  const f = faultTolerance(size);
  const byzantine = options.byzantine ?? f;
  if (!(Number.isInteger(byzantine) && byzantine >= 0 && byzantine < size)) {
    throw new RangeError(
      `pbftSearchTarget option byzantine must be an integer in [0, ${size - 1}], got ${byzantine}`,
    );
  }
  const behaviours = options.behaviours ?? ["equivocate"];
  if (behaviours.length === 0 || behaviours.some((b) => !BYZANTINE_BEHAVIOURS.includes(b))) {
    throw new RangeError(
      `pbftSearchTarget option behaviours must be a non-empty list of ${
        BYZANTINE_BEHAVIOURS.join(", ")
      }`,
    );
  }
  const variant = options.variant ?? "correct";
  const authenticate = options.authenticate ?? true;
  const nodes = Array.from({ length: size }, (_, i) => `r${i + 1}`);
  const clients = ["c1", "c2"];
  const horizonMs = options.horizonMs ?? 1500;
  return {
    nodes,
    clients,
    horizonMs,
    faults: {
      maxSteps: options.maxFaultSteps ?? 3,
      kinds: options.faultKinds ?? ["partition", "cut", "loss", "delay", "slow"],
      // Faults stop two thirds in, so the rest of the run shows whether the cluster recovers.
      horizonMs: Math.floor(horizonMs * 2 / 3),
    },
    workload: {
      functions: ["write", "read"],
      clients: clients.length,
      minOps: 1,
      maxOps: options.maxOps ?? 6,
    },
    build(testCase: SearchCase) {
      const sim = new Simulation<PbftMessage>({ seed: testCase.seed, network: { authenticate } });
      for (const id of nodes) {
        sim.addNode(id, pbftReplica({ nodes, variant, rules: options.rules }));
      }
      clients.forEach((client, i) => {
        const ops = testCase.workload.filter((op) => op.process === i + 1).map((op, k) => ({
          atMs: op.atMs,
          op: op.f === "write"
            ? { f: "write" as const, value: (i + 1) * 100 + k }
            : { f: "read" as const },
        }));
        sim.addNode(client, pbftClient({ replicas: nodes, process: i + 1, ops }));
      });
      sim.schedule(
        nodes.slice(0, byzantine).map((node, i) => ({
          atMs: 0,
          kind: "byzantine" as const,
          node,
          behaviour: behaviours[i % behaviours.length],
        })),
      );
      return sim;
    },
    invariants: [
      (run) => pbftAgreement(run.events),
      linearizable<PbftMessage>({ model: "register" }),
    ],
  };
}
