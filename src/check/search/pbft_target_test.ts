import assert from "node:assert/strict";
import { pbftSearchTarget, type PbftSearchTargetOptions } from "./pbft_target.ts";
import { replay, search } from "./search.ts";

// Pinned budgets: each broken configuration is caught within them at seed 1 (measured: quorum-2f
// and f + 1 equivocators on the first case, forging without authentication on case 49).
const BROKEN: [string, PbftSearchTargetOptions, number][] = [
  ["quorums shrunk to 2f with one equivocating primary", { variant: "quorum-2f" }, 20],
  ["f + 1 equivocating replicas with the paper's quorums", { byzantine: 2 }, 20],
  ["a forging replica when receivers do not authenticate", {
    behaviours: ["forge"],
    authenticate: false,
  }, 100],
];

for (const [name, options, numRuns] of BROKEN) {
  Deno.test(`The search finds a PBFT safety violation with ${name}, and its {seed, path} replays it`, () => {
    const target = pbftSearchTarget({ ...options, maxOps: 4 });
    const result = search(target, { seed: 1, numRuns });
    assert.equal(result.ok, false, `no violation in ${numRuns} cases`);
    assert.ok(result.violations.some((v) => v.invariant === "pbft-agreement"));
    const again = replay(target, result.replay!);
    assert.ok(again.violations.length > 0, `replay ${JSON.stringify(result.replay)} found nothing`);
  });
}

// The correct protocol with f = 1 Byzantine replica of each behaviour survives a search.
for (const behaviour of ["equivocate", "lie", "silent", "forge"] as const) {
  Deno.test(`PBFT with one Byzantine replica that does "${behaviour}" keeps agreement and linearizability over 60 cases`, () => {
    const result = search(pbftSearchTarget({ behaviours: [behaviour], maxOps: 4 }), {
      seed: 2,
      numRuns: 60,
    });
    assert.ok(
      result.ok,
      `${result.violations[0]?.message} replay ${JSON.stringify(result.replay)}`,
    );
  });
}

Deno.test("pbftSearchTarget names a bad option", () => {
  assert.throws(
    () => pbftSearchTarget({ nodes: 3 }),
    /option nodes must be an integer in \[4, 13\]/,
  );
  assert.throws(() => pbftSearchTarget({ byzantine: 4 }), /option byzantine/);
  assert.throws(() => pbftSearchTarget({ behaviours: [] }), /option behaviours/);
});
