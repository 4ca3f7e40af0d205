/**
 * Mutation check: the lab's checks must reject classic mistakes. (This file tests the tests;
 * a learner can ignore it.)
 */

import assert from "node:assert/strict";
import { modNPartitioner, murmur3 } from "../../src/mod.ts";
import type { ConsistentHashingLab, Ring } from "./api.ts";
import { balanceFailures, movementFailures, ownerFailures } from "./cases.ts";
import { createRing } from "./solution.ts";

const failures = (lab: ConsistentHashingLab) => [
  ...ownerFailures(lab),
  ...movementFailures(lab),
  ...balanceFailures(lab),
];

const MUTANTS: Record<string, ConsistentHashingLab> = {
  "mod-N placement": {
    createRing: (nodes, k) => ({
      locate: (key) => modNPartitioner(nodes).locate(key),
      shares: () => createRing(nodes, k).shares(),
    }),
  },
  "no virtual nodes (pointsPerNode ignored)": {
    createRing: (nodes) => createRing(nodes, 1),
  },
  "no wrap-around (keys past the last point go to the last node)": {
    createRing: (nodes, k): Ring => {
      const good = createRing(nodes, k);
      const points = nodes.flatMap((n) =>
        Array.from({ length: k }, (_, i) => ({ p: murmur3(`${n}#${i}`), n }))
      )
        .sort((a, b) => a.p - b.p);
      return {
        locate: (
          key,
        ) => (murmur3(key) > points[points.length - 1].p
          ? points[points.length - 1].n
          : good.locate(key)),
        shares: () => good.shares(),
      };
    },
  },
  "points hashed from the node's index, not its name": {
    createRing: (nodes, k): Ring => {
      const renamed = nodes.map((_, i) => `node-${i + 1}`);
      const good = createRing(renamed, k);
      return {
        locate: (key) => nodes[renamed.indexOf(good.locate(key))],
        shares: () => new Map([...good.shares()].map(([n, s]) => [nodes[renamed.indexOf(n)], s])),
      };
    },
  },
};

for (const [name, lab] of Object.entries(MUTANTS)) {
  Deno.test(`the consistent-hashing checks reject ${name}`, () => {
    assert.ok(failures(lab).length > 0);
  });
}

Deno.test("the consistent-hashing checks accept the reference solution", () => {
  assert.deepEqual(failures({ createRing }), []);
});
