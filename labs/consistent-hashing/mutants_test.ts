/**
 * Mutation battery: rings a learner could plausibly write, each of which the lab's checks
 * (`cases.ts`) must reject. (It tests the tests; a learner can ignore it, and a workshop fork
 * leaves it out: it needs the reference solution.)
 */

import { modNPartitioner, murmur3 } from "../../src/mod.ts";
import { type LabMutant, registerMutationBattery } from "../_lib/checks.ts";
import type { ConsistentHashingLab, Ring } from "./api.ts";
import { HASHING_CHECKS } from "./cases.ts";
import * as reference from "./solution.ts";

const SIZE = 2 ** 32;

interface Point {
  position: number;
  node: string;
}

/** The reference ring with one step switched: each option is one slip. */
interface Slips {
  label?: (node: string, i: number) => string;
  /** Sorts positions as strings (`Array.prototype.sort` without a comparator). */
  sortAsStrings?: boolean;
  /** A key exactly on a point goes to the next point (`<=` in the search). */
  strictAfter?: boolean;
  /** Keys past the last point stay with the last point. */
  noWrap?: boolean;
  /** A point's share is the arc after it, not the arc before it. */
  shareAfter?: boolean;
  /** The first point's arc stops at 0, and the shares are scaled to sum to 1. */
  shareNoWrap?: boolean;
  /** Shares summed in a plain object (a node named `__proto__` is lost). */
  objectShares?: boolean;
}

function slippedRing(slips: Slips) {
  return (nodes: readonly string[], k: number): Ring => {
    const label = slips.label ?? ((node, i) => `${node}#${i}`);
    const points: Point[] = nodes.flatMap((node) =>
      Array.from({ length: k }, (_, i) => ({ position: murmur3(label(node, i)), node }))
    );
    if (slips.sortAsStrings) points.sort((a, b) => (`${a.position}` < `${b.position}` ? -1 : 1));
    else points.sort((a, b) => a.position - b.position || (a.node < b.node ? -1 : 1));
    return {
      locate(key) {
        const h = murmur3(key);
        const i = points.findIndex((p) => slips.strictAfter ? p.position > h : p.position >= h);
        if (i === -1) return slips.noWrap ? points[points.length - 1].node : points[0].node;
        return points[i].node;
      },
      shares() {
        const arcs = points.map((p, i) => {
          if (slips.shareAfter) {
            const next = i === points.length - 1
              ? points[0].position + SIZE
              : points[i + 1].position;
            return next - p.position;
          }
          if (i === 0) {
            return slips.shareNoWrap
              ? p.position
              : p.position - (points[points.length - 1].position - SIZE);
          }
          return p.position - points[i - 1].position;
        });
        const total = slips.shareNoWrap ? arcs.reduce((a, b) => a + b, 0) : SIZE;
        if (slips.objectShares) {
          const acc: Record<string, number> = {};
          points.forEach((p, i) => (acc[p.node] = (acc[p.node] ?? 0) + arcs[i] / total));
          return new Map(Object.entries(acc));
        }
        const out = new Map(nodes.map((n) => [n, 0]));
        points.forEach((p, i) => out.set(p.node, out.get(p.node)! + arcs[i] / total));
        return out;
      },
    };
  };
}

const mutant = (name: string, createRing: ConsistentHashingLab["createRing"]) => ({
  name,
  lab: { createRing },
});

const MUTANTS: LabMutant<ConsistentHashingLab>[] = [
  mutant("places keys mod N", (nodes, k) => ({
    locate: (key) => modNPartitioner(nodes).locate(key),
    shares: () => reference.createRing(nodes, k).shares(),
  })),
  mutant("ignores pointsPerNode (no virtual nodes)", (nodes) => reference.createRing(nodes, 1)),
  mutant(
    "keeps keys past the last point on the last node (no wrap-around)",
    slippedRing({ noWrap: true }),
  ),
  mutant("hashes points from the node's index, not its name", (nodes, k) => {
    const renamed = nodes.map((_, i) => `node-${i + 1}`);
    const good = reference.createRing(renamed, k);
    return {
      locate: (key) => nodes[renamed.indexOf(good.locate(key))],
      shares: () => new Map([...good.shares()].map(([n, s]) => [nodes[renamed.indexOf(n)], s])),
    };
  }),
  mutant("numbers a node's points from 1", slippedRing({ label: (node, i) => `${node}#${i + 1}` })),
  mutant(
    "labels points node-i instead of node#i",
    slippedRing({ label: (node, i) => `${node}-${i}` }),
  ),
  mutant("sorts positions as strings", slippedRing({ sortAsStrings: true })),
  mutant("gives a key exactly on a point to the next point", slippedRing({ strictAfter: true })),
  mutant("gives each point the arc after it", slippedRing({ shareAfter: true })),
  mutant("drops the arc that wraps past zero and rescales", slippedRing({ shareNoWrap: true })),
  mutant("sums shares in a plain object (prototype keys)", slippedRing({ objectShares: true })),
];

registerMutationBattery({
  lab: "consistent-hashing",
  checks: HASHING_CHECKS,
  reference,
  mutants: MUTANTS,
});
