import assert from "node:assert/strict";
import fc from "fast-check";
import {
  SagaOrchestrator,
  type SagaOrchestratorOptions,
  SagaParticipant,
  type SagaReady,
  type SagaStepReply,
} from "./saga.ts";

const steps = [
  { name: "reserve", service: "inventory" },
  { name: "charge", service: "payment" },
  { name: "ship", service: "shipping" },
];

// The output as a message log, `to StepRequest s1 0 do`, for readable scenario tests.
const log = (ready: SagaReady) =>
  ready.messages.map(({ to, msg }) =>
    msg.type === "StepRequest"
      ? `${to} ${msg.type} ${msg.sagaId} ${msg.step} ${msg.action}`
      : `${to} ${msg.type} ${msg.sagaId}`
  );

const reply = (
  step: number,
  action: "do" | "undo",
  outcome: SagaStepReply["outcome"],
): SagaStepReply => ({ type: "StepReply", sagaId: "s1", step, action, outcome });

function orchestrator(options: Partial<SagaOrchestratorOptions> = {}) {
  return new SagaOrchestrator({ steps, ...options });
}

Deno.test("SagaOrchestrator runs every step in order and ends committed (Sagas §1)", () => {
  const o = orchestrator();
  o.begin("client", "s1");
  assert.deepEqual(log(o.ready()), ["client SagaAccepted s1", "inventory StepRequest s1 0 do"]);
  o.step("inventory", reply(0, "do", "done"));
  assert.deepEqual(log(o.ready()), ["payment StepRequest s1 1 do"]);
  o.step("payment", reply(1, "do", "done"));
  o.step("shipping", reply(2, "do", "done"));
  const done = o.ready();
  assert.deepEqual(done.log.map((r) => r.kind), ["step-done", "step-done", "end"]);
  assert.equal(o.saga("s1")?.phase, "committed");
});

Deno.test("SagaOrchestrator compensates the applied steps in reverse after a refusal", () => {
  const o = orchestrator();
  o.begin("client", "s1");
  o.step("inventory", reply(0, "do", "done"));
  o.step("payment", reply(1, "do", "done"));
  o.ready();
  o.step("shipping", reply(2, "do", "rejected"));
  assert.deepEqual(log(o.ready()), ["payment StepRequest s1 1 undo"]);
  o.step("payment", reply(1, "undo", "done"));
  assert.deepEqual(log(o.ready()), ["inventory StepRequest s1 0 undo"]);
  o.step("inventory", reply(0, "undo", "done"));
  assert.equal(o.saga("s1")?.phase, "compensated");
});

Deno.test("SagaOrchestrator retries a failed compensation until it succeeds (Sagas §5)", () => {
  const o = orchestrator();
  o.begin("client", "s1");
  o.step("inventory", reply(0, "do", "done"));
  o.step("payment", reply(1, "do", "rejected"));
  o.ready();
  o.step("inventory", reply(0, "undo", "failed"));
  const ready = o.ready();
  assert.deepEqual(ready.messages, []);
  assert.deepEqual(ready.timers, [{ sagaId: "s1", delayMs: 50 }]);
  assert.equal(ready.log[0].kind, "undo-failed"); // logged, so a restart retries it too
  o.retryTimeout("s1");
  assert.deepEqual(log(o.ready()), ["inventory StepRequest s1 0 undo"]);
  assert.equal(o.saga("s1")?.phase, "backward");
});

Deno.test("the no-retry-compensation variant gives up after one failed compensation", () => {
  const o = orchestrator({ variant: "no-retry-compensation" });
  o.begin("client", "s1");
  o.step("inventory", reply(0, "do", "done"));
  o.step("payment", reply(1, "do", "rejected"));
  o.step("inventory", reply(0, "undo", "failed"));
  assert.equal(o.saga("s1")?.phase, "compensated"); // ... while inventory still holds stock
  assert.deepEqual(o.ready().log.slice(-2).map((r) => r.kind), ["undo-failed", "end"]);
});

Deno.test("SagaOrchestrator abandons a step unanswered after maxForwardAttempts and undoes it", () => {
  const o = orchestrator({ maxForwardAttempts: 2 });
  o.begin("client", "s1");
  o.ready();
  o.retryTimeout("s1");
  assert.deepEqual(log(o.ready()), ["inventory StepRequest s1 0 do"]);
  o.retryTimeout("s1");
  // The do may have been applied: compensate the step itself, not only the ones before it.
  assert.deepEqual(log(o.ready()), ["inventory StepRequest s1 0 undo"]);
});

Deno.test("a restarted orchestrator replays its log and resumes where it stopped", () => {
  const first = orchestrator();
  first.begin("client", "s1");
  first.step("inventory", reply(0, "do", "done"));
  const records = [...first.ready().log];
  const again = orchestrator({ log: records });
  again.resume();
  assert.deepEqual(log(again.ready()), ["payment StepRequest s1 1 do"]);
});

Deno.test("SagaOrchestrator ignores stale and duplicate replies", () => {
  const o = orchestrator();
  o.begin("client", "s1");
  o.step("inventory", reply(0, "do", "done"));
  o.ready();
  o.step("inventory", reply(0, "do", "done")); // a duplicate of the first answer
  o.step("inventory", reply(0, "do", "rejected")); // a stale answer
  assert.deepEqual(o.ready().messages, []);
  assert.equal(o.saga("s1")?.step, 1);
});

Deno.test("SagaOrchestrator validates its options, naming the option", () => {
  assert.throws(() => new SagaOrchestrator({ steps: [] }), /option steps/);
  assert.throws(() => orchestrator({ retryMs: 0 }), /option retryMs/);
  assert.throws(() => orchestrator({ maxForwardAttempts: 1.5 }), /option maxForwardAttempts/);
  assert.throws(() => orchestrator({ variant: "nope" as never }), /option variant/);
});

Deno.test("SagaParticipant refuses a do that arrives after its compensation", () => {
  const p = new SagaParticipant({ reject: () => false, failUndo: () => false });
  const request = (action: "do" | "undo") =>
    ({ type: "StepRequest", sagaId: "s1", step: 0, action }) as const;
  assert.deepEqual(p.handle(request("undo")), {
    reply: { ...request("undo"), type: "StepReply", outcome: "done" },
    effect: "cancelled",
  });
  assert.equal(p.handle(request("do")).reply.outcome, "rejected");
  assert.equal(p.applied, 0);
});

// Property: whatever order, duplication and interleaving of do/undo requests a participant
// sees for one step, the step is applied at most once, and once an undo succeeded the
// effect is gone for good.
Deno.test("SagaParticipant applies a step at most once under any request sequence (property)", () => {
  const seed = 20260;
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom("do" as const, "undo" as const), { maxLength: 12 }),
      fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
      (actions, failures) => {
        let i = 0;
        const p = new SagaParticipant({ reject: () => false, failUndo: () => failures[i++ % 12] });
        let undone = false;
        for (const action of actions) {
          const { reply } = p.handle({ type: "StepRequest", sagaId: "s", step: 0, action });
          if (action === "undo" && reply.outcome === "done") undone = true;
        }
        assert.ok(p.applied <= 1);
        if (undone) assert.notEqual(p.effects["s/0"], "done");
      },
    ),
    { seed, numRuns: 300 },
  );
});
