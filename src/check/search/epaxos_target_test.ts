import assert from "node:assert/strict";
import { epaxosSearchTarget, type EpaxosSearchTargetOptions } from "./epaxos_target.ts";
import { replay, search } from "./search.ts";

const BROKEN: [string, EpaxosSearchTargetOptions, number][] = [
  ["a fast quorum one replica too small", { variant: "small-fast-quorum" }, 60],
  ["execution that ignores dependencies", { variant: "ignore-dependencies" }, 60],
  // A rarer schedule: a fast commit, its leader crashed before its Commit went out, and a
  // conflicting command in between. Measured: seed 5 finds it on case 38.
  ["recovery that ignores a possible fast commit", {
    variant: "no-recovery-check",
    faultKinds: ["crash", "partition", "cut", "delay"],
  }, 60],
];

for (const [name, options, numRuns] of BROKEN) {
  Deno.test(`The search finds an EPaxos violation with ${name}, and its {seed, path} replays it`, () => {
    const target = epaxosSearchTarget(options);
    const result = search(target, {
      seed: options.variant === "no-recovery-check" ? 5 : 1,
      numRuns,
    });
    assert.equal(result.ok, false, `no violation in ${numRuns} cases`);
    const again = replay(target, result.replay!);
    assert.ok(again.violations.length > 0, `replay ${JSON.stringify(result.replay)} found nothing`);
  });
}

Deno.test("EPaxos keeps consistency, dependencies, execution order and linearizability under crashes and partitions over 100 cases", () => {
  const result = search(epaxosSearchTarget(), { seed: 2, numRuns: 100 });
  assert.ok(result.ok, `${result.violations[0]?.message} replay ${JSON.stringify(result.replay)}`);
});

Deno.test("epaxosSearchTarget names a bad option", () => {
  assert.throws(() => epaxosSearchTarget({ nodes: 4 }), /option nodes must be an odd integer/);
});

// The optimized fast quorum (3 of 5) without the technical report's TryPreAccept: a recovery
// accepts the one unchanged PreAccept it found, while a conflicting command fast-committed
// without it. Pinned: seed 3 finds it on case 255 (measured).
Deno.test("With 5 replicas the optimized fast quorum needs TryPreAccept in recovery: the search finds the hole without it", () => {
  const result = search(epaxosSearchTarget({ nodes: 5, fastQuorum: "optimized" }), {
    seed: 3,
    numRuns: 300,
  });
  assert.equal(result.ok, false);
  assert.ok(result.violations.some((v) => v.invariant === "epaxos-dependency"));
});

Deno.test("EPaxos with 5 replicas and the simple fast quorum keeps every invariant over 100 cases", () => {
  const result = search(epaxosSearchTarget({ nodes: 5 }), { seed: 2, numRuns: 100 });
  assert.ok(result.ok, `${result.violations[0]?.message} replay ${JSON.stringify(result.replay)}`);
});
