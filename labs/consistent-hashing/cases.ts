/**
 * The checks of the consistent-hashing lab, as one function, so the tests and the mutation
 * check share them. Each returns sentences describing what went wrong, with the keys and
 * numbers involved.
 *
 * @module
 */

import fc from "fast-check";
import { murmur3, standardError } from "../../src/mod.ts";
import { failuresCheck, type LabCheck } from "../_lib/checks.ts";
import type { ConsistentHashingLab } from "./api.ts";

const keys = Array.from({ length: 4000 }, (_, i) => `user:${i}`);
const names = (n: number) => Array.from({ length: n }, (_, i) => `node-${i + 1}`);

/** The owner the ring must give: the first point at or after the key's hash, wrapping. */
function referenceOwner(nodes: readonly string[], pointsPerNode: number, key: string): string {
  const h = murmur3(key);
  let best: { position: number; node: string } | undefined;
  let first: { position: number; node: string } | undefined;
  for (const node of nodes) {
    for (let i = 0; i < pointsPerNode; i++) {
      const p = { position: murmur3(`${node}#${i}`), node };
      const before = (a: typeof p, b: typeof p) =>
        a.position < b.position || (a.position === b.position && a.node < b.node);
      if (first === undefined || before(p, first)) first = p;
      if (p.position >= h && (best === undefined || before(p, best))) best = p;
    }
  }
  return (best ?? first)!.node;
}

/** Owners against the definition, on fixed and generated cases. */
export function ownerFailures(lab: ConsistentHashingLab, seed = 1): string[] {
  const failures: string[] = [];
  const result = fc.check(
    fc.property(
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 1, max: 8 }),
      fc.array(fc.string(), { minLength: 1, maxLength: 10 }),
      (n, k, sample) => {
        const nodes = names(n);
        const ring = lab.createRing(nodes, k);
        for (const key of sample) {
          const want = referenceOwner(nodes, k, key);
          const got = ring.locate(key);
          if (got !== want) {
            failures.push(
              `key ${JSON.stringify(key)} (hash ${murmur3(key)}) on ${n} nodes × ${k} points: ` +
                `owner should be ${want} (first point clockwise, wrapping past the top), got ${got}`,
            );
            return false;
          }
        }
        return true;
      },
    ),
    { seed, numRuns: 200 },
  );
  if (result.failed && failures.length === 0) failures.push(String(result.errorInstance));
  if (failures.length > 0) return failures.slice(-1);
  // A key whose hash is exactly a point's position belongs to that point ("at or after"): the
  // point's own label is such a key. Random strings almost never land on a point.
  const nodes = names(3);
  const ring = lab.createRing(nodes, 4);
  for (const node of nodes) {
    for (let i = 0; i < 4; i++) {
      const key = `${node}#${i}`;
      const want = referenceOwner(nodes, 4, key);
      const got = ring.locate(key);
      if (got !== want) {
        return [
          `key ${JSON.stringify(key)} hashes exactly onto ${node}'s point ${i} (${
            murmur3(key)
          }): ` +
          `a point owns the keys up to and including its position, so the owner is ${want}, got ${got}`,
        ];
      }
    }
  }
  return [];
}

/** Each node's exact share: the arcs from the previous point up to each of its points. */
function referenceShares(nodes: readonly string[], pointsPerNode: number): Map<string, number> {
  const points = nodes
    .flatMap((node) =>
      Array.from({ length: pointsPerNode }, (_, i) => ({ position: murmur3(`${node}#${i}`), node }))
    )
    .sort((a, b) => a.position - b.position || (a.node < b.node ? -1 : 1));
  const shares = new Map(nodes.map((n) => [n, 0]));
  points.forEach((p, i) => {
    const previous = i === 0
      ? points[points.length - 1].position - 2 ** 32
      : points[i - 1].position;
    shares.set(p.node, shares.get(p.node)! + (p.position - previous) / 2 ** 32);
  });
  return shares;
}

/**
 * Shares equal the arcs each node owns, on small rings where one arc is a visible part of the
 * whole — node names like `__proto__` included, which a plain object used as a map loses.
 */
export function exactShareFailures(lab: ConsistentHashingLab): string[] {
  const rings: [string[], number][] = [
    [names(3), 1],
    [names(4), 3],
    [["__proto__", "constructor", "toString", "node-1"], 2],
  ];
  for (const [nodes, k] of rings) {
    const want = referenceShares(nodes, k);
    const got = lab.createRing(nodes, k).shares();
    for (const node of nodes) {
      const share = got.get(node);
      if (typeof share !== "number" || !(Math.abs(share - want.get(node)!) <= 1e-9)) {
        return [
          `on ${JSON.stringify(nodes)} × ${k} points, ${node}'s share should be ` +
          `${want.get(node)!.toFixed(6)} (the arcs ending at its points, from the previous ` +
          `point, wrapping), got ${share}`,
        ];
      }
    }
  }
  return [];
}

/** Joins and leaves move only the keys they must. */
export function movementFailures(lab: ConsistentHashingLab): string[] {
  const failures: string[] = [];
  const before = lab.createRing(names(6), 20);
  const joined = lab.createRing([...names(6), "node-7"], 20);
  const left = lab.createRing(names(6).filter((n) => n !== "node-3"), 20);
  let moved = 0;
  for (const key of keys) {
    const a = before.locate(key), b = joined.locate(key), c = left.locate(key);
    if (a !== b) {
      moved++;
      if (b !== "node-7") {
        failures.push(
          `when node-7 joins, ${key} moved from ${a} to ${b}: only moves to node-7 are needed`,
        );
        break;
      }
    }
    if (a !== c && a !== "node-3") {
      failures.push(
        `when node-3 leaves, ${key} moved from ${a} to ${c}: only node-3's keys need to move`,
      );
      break;
    }
  }
  if (failures.length === 0 && !(moved / keys.length < 0.3)) {
    failures.push(
      `a 7th node took ${
        (100 * moved / keys.length).toFixed(1)
      }% of the keys; about 1/7 ≈ 14% expected`,
    );
  }
  return failures;
}

/** Shares sum to 1 and their standard error falls like 1/sqrt(points per node). */
export function balanceFailures(lab: ConsistentHashingLab): string[] {
  const failures: string[] = [];
  for (const k of [1, 10, 100]) {
    const shares = lab.createRing(names(200), k).shares();
    const total = [...shares.values()].reduce((s, x) => s + x, 0);
    if (Math.abs(total - 1) > 1e-9) {
      failures.push(`${k} points per node: shares sum to ${total}, not 1`);
      continue;
    }
    const err = standardError(shares.values());
    // 200 nodes estimate the standard error to within about ±5% (one sigma): allow ±30%.
    if (Math.abs(err * Math.sqrt(k) - 1) > 0.3) {
      failures.push(
        `${k} points per node: standard error of the shares ${err.toFixed(4)}, ` +
          `about 1/√${k} = ${
            (1 / Math.sqrt(k)).toFixed(4)
          } expected (Lamping & Veach 2014, Table 1)`,
      );
    }
  }
  return failures;
}

/** The lab's checks, in the order they run. */
export const HASHING_CHECKS: readonly LabCheck<ConsistentHashingLab>[] = [
  failuresCheck(
    "a key belongs to the first point clockwise from its hash, wrapping past the top",
    (lab) => ownerFailures(lab),
  ),
  failuresCheck(
    "a join moves keys only to the new node, a leave only the leaving node's keys",
    movementFailures,
  ),
  failuresCheck("each node's share is the arcs that end at its points", exactShareFailures),
  failuresCheck("shares sum to 1 and even out like 1/sqrt(points per node)", balanceFailures),
];
