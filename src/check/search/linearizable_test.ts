import assert from "node:assert/strict";
import { type Message, type OpEvent, Simulation } from "../../sim/mod.ts";
import { search, type SearchTarget } from "./search.ts";
import { linearizable } from "./linearizable.ts";

/**
 * A toy register: one server holds the value; a crash makes it forget (volatile state), so a
 * read after a crash returns null after a completed write — a stale read the checker catches.
 */
function registerTarget(): SearchTarget<Message> {
  return {
    nodes: ["server"],
    horizonMs: 200,
    faults: { kinds: ["crash"], maxSteps: 2 },
    workload: { functions: ["write", "read"], clients: 2, minOps: 2, maxOps: 6 },
    build(testCase) {
      const sim = new Simulation<Message & { op?: OpEvent }>({ seed: testCase.seed });
      let value: unknown = null;
      sim.addNode("server", (rt) => {
        value = null;
        return {
          onMessage(from, msg) {
            const op = msg.op!;
            if (op.f === "write") value = op.value;
            rt.send(from, {
              type: "Reply",
              op: { ...op, value: op.f === "read" ? value : op.value },
            });
          },
        };
      });
      // Each client process runs its operations one at a time.
      for (const process of [1, 2]) {
        const mine = testCase.workload.filter((o) => o.process === process);
        sim.addNode(`c${process}`, (rt) => {
          let next = 0;
          const issue = () => {
            if (next >= mine.length) return;
            const op = mine[next++];
            const event: OpEvent = { process, type: "invoke", f: op.f, value: op.value };
            rt.recordOp(event);
            rt.send("server", { type: "Op", op: event });
          };
          return {
            onStart: () => rt.setTimer(mine[0]?.atMs ?? 0, "go"),
            onTimer: issue,
            onMessage(_from, msg) {
              rt.recordOp({ ...msg.op!, type: "ok" });
              issue();
            },
          };
        });
      }
      return sim as unknown as Simulation<Message>;
    },
    invariants: [linearizable({ model: "register" })],
  };
}

Deno.test("the search finds and shrinks a stale read with the linearizability checker", () => {
  const result = search(registerTarget(), { seed: 4, numRuns: 300 });
  assert.equal(result.ok, false);
  assert.equal(result.violations[0].invariant, "linearizability");
  assert.ok(result.counterexample!.faults.some((f) => f.kind === "crash"));
  assert.ok(result.counterexampleSize! <= 5, result.schedule!.join("\n"));
});
