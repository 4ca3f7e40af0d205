import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type EpaxosCommand,
  type EpaxosCommitted,
  epaxosConflicts,
  type EpaxosExecutionVariant,
  EpaxosExecutor,
} from "./execution.ts";
import { epaxosExecutionConsistency } from "../../check/invariants/epaxos.ts";

const SEED = 31337;

/**
 * Committed instances as the EPaxos agreement protocol would leave them: for every two
 * conflicting commands at least one depends on the other (§4.2, Lemma 1), and sequence
 * numbers exceed those of dependencies unless the two depend on each other.
 */
const committedGraph = fc.integer({ min: 2, max: 8 }).chain((size) =>
  fc.record({
    commands: fc.array(
      fc.record({ key: fc.constantFrom("x", "y"), op: fc.constantFrom("read", "write") }),
      { minLength: size, maxLength: size },
    ) as fc.Arbitrary<EpaxosCommand[]>,
    // For each pair: 0 = later depends on earlier, 1 = earlier on later, 2 = both.
    links: fc.array(fc.integer({ min: 0, max: 2 }), {
      minLength: size * size,
      maxLength: size * size,
    }),
    orders: fc.array(
      fc.array(fc.integer(), { minLength: size, maxLength: size }),
      { minLength: 3, maxLength: 3 },
    ),
  })
).map(({ commands, links, orders }) => {
  const ids = commands.map((_, i) => `r${(i % 3) + 1}.${i + 1}`);
  const deps = commands.map(() => new Set<string>());
  for (let i = 0; i < commands.length; i++) {
    for (let j = i + 1; j < commands.length; j++) {
      if (!epaxosConflicts(commands[i], commands[j])) continue;
      const link = links[i * commands.length + j];
      if (link !== 1) deps[j].add(ids[i]);
      if (link !== 0) deps[i].add(ids[j]);
    }
  }
  const committed: [string, EpaxosCommitted][] = ids.map((id, i) => [id, {
    command: commands[i],
    seq: i + 1,
    deps: [...deps[i]],
  }]);
  // Each replica receives the commits in its own order.
  const arrivals = orders.map((keys) =>
    committed.map((c, i) => ({ c, k: keys[i] })).sort((a, b) => a.k - b.k).map((x) => x.c)
  );
  return { committed, arrivals };
});

function executeEverywhere(
  variant: EpaxosExecutionVariant,
  arrivals: [string, EpaxosCommitted][][],
) {
  const byId = new Map(arrivals[0]);
  return Object.fromEntries(arrivals.map((order, r) => {
    const executor = new EpaxosExecutor({ variant });
    for (const [id, c] of order) executor.commit(id, c);
    return [`r${r + 1}`, executor.executed.map((id) => ({ id, command: byId.get(id)!.command }))];
  }));
}

Deno.test("Replicas that receive the same commits in any order execute conflicting commands in the same order (EPaxos §4.3.2)", () => {
  const result = fc.check(
    fc.property(committedGraph, ({ committed, arrivals }) => {
      const executions = executeEverywhere("correct", arrivals);
      for (const list of Object.values(executions)) {
        if (list.length !== committed.length) return false; // everything committed runs
      }
      return epaxosExecutionConsistency(executions).length === 0;
    }),
    { seed: SEED, numRuns: 300 },
  );
  assert.ok(
    !result.failed,
    `${JSON.stringify(result.counterexample)}; replay with ${
      JSON.stringify({ seed: SEED, path: result.failed ? result.counterexamplePath : "" })
    }`,
  );
});

Deno.test("Execution that ignores dependencies is caught executing conflicting commands in different orders", () => {
  const result = fc.check(
    fc.property(
      committedGraph,
      ({ arrivals }) =>
        epaxosExecutionConsistency(executeEverywhere("ignore-dependencies", arrivals)).length === 0,
    ),
    { seed: SEED, numRuns: 300 },
  );
  assert.ok(result.failed, `not caught within ${JSON.stringify({ seed: SEED, numRuns: 300 })}`);
});

Deno.test("An instance waits for its dependencies to be committed, transitively", () => {
  const w = (key: string): EpaxosCommand => ({ key, op: "write" });
  const executor = new EpaxosExecutor();
  assert.deepEqual(executor.commit("r1.2", { command: w("x"), seq: 3, deps: ["r2.1"] }), []);
  assert.deepEqual(executor.commit("r2.1", { command: w("x"), seq: 2, deps: ["r3.1"] }), []);
  assert.deepEqual(executor.commit("r3.1", { command: w("x"), seq: 1, deps: [] }), [
    "r3.1",
    "r2.1",
    "r1.2",
  ]);
});

Deno.test("EpaxosExecutor refuses one instance committed with two different attributes", () => {
  const executor = new EpaxosExecutor();
  executor.commit("r1.1", { command: { key: "x", op: "write" }, seq: 1, deps: [] });
  assert.throws(
    () => executor.commit("r1.1", { command: { key: "x", op: "write" }, seq: 2, deps: [] }),
    /committed twice with different attributes/,
  );
  assert.throws(() => new EpaxosExecutor({ variant: "fast" as never }), /option variant/);
});

/**
 * Any dependency graph (not only one the protocol would leave), some of it pointing at an
 * instance that never commits, with one arrival order.
 */
const anyGraph = fc.integer({ min: 1, max: 12 }).chain((size) =>
  fc.record({
    deps: fc.array(fc.uniqueArray(fc.integer({ min: 0, max: size }), { maxLength: 3 }), {
      minLength: size,
      maxLength: size,
    }),
    seqs: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: size, maxLength: size }),
    order: fc.shuffledSubarray([...Array(size).keys()], { minLength: size, maxLength: size }),
  })
).map(({ deps, seqs, order }) => {
  // Index `size` is the instance that never commits.
  const id = (i: number) => `r${(i % 3) + 1}.${i + 1}`;
  const committed = deps.map((ds, i) =>
    [id(i), {
      command: { key: "x", op: "write" as const },
      seq: seqs[i],
      deps: ds.filter((d) => d !== i).map(id),
    }] as [string, EpaxosCommitted]
  );
  return { committed, arrivals: order.map((i) => committed[i]) };
});

/** The definition, recomputed from scratch: what can run, and what must run before what. */
function naiveReach(graph: Map<string, EpaxosCommitted>, from: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(graph.get(from)?.deps ?? [])];
  while (stack.length > 0) {
    const d = stack.pop()!;
    if (seen.has(d)) continue;
    seen.add(d);
    stack.push(...(graph.get(d)?.deps ?? []));
  }
  return seen;
}

Deno.test("The incremental executor runs, after every commit, exactly the instances whose transitive deps are all committed, dependencies first and by seq within a cycle (differential against the definition)", () => {
  const result = fc.check(
    fc.property(anyGraph, ({ arrivals }) => {
      const executor = new EpaxosExecutor();
      const graph = new Map<string, EpaxosCommitted>();
      for (const [id, c] of arrivals) {
        executor.commit(id, c);
        graph.set(id, c);
        const expected = [...graph.keys()].filter((x) =>
          [...naiveReach(graph, x)].every((d) => graph.has(d))
        ).sort();
        assert.deepEqual([...executor.executed].sort(), expected);
      }
      const position = new Map(executor.executed.map((x, i) => [x, i]));
      for (const x of executor.executed) {
        for (const d of graph.get(x)!.deps) {
          if (d === x) continue;
          const cycle = naiveReach(graph, d).has(x);
          const dFirst = position.get(d)! < position.get(x)!;
          if (!cycle) assert.ok(dFirst, `${d} ran after ${x}, which depends on it`);
          else {
            const [a, b] = [graph.get(d)!, graph.get(x)!];
            const before = a.seq < b.seq || (a.seq === b.seq && d < x);
            assert.equal(dFirst, before, `${d} and ${x} in one cycle ran out of seq order`);
          }
        }
      }
    }),
    { seed: SEED, numRuns: 500 },
  );
  assert.ok(
    !result.failed,
    `${fc.defaultReportMessage(result)}\nreplay: ${
      JSON.stringify({ seed: SEED, path: result.failed ? result.counterexamplePath : "" })
    }`,
  );
});
