/**
 * Sagas: the cost of the saga runner — a batch of 24 sagas over three services through the
 * simulator — with and without orchestrator crashes, and choreographed, against the bare
 * simulation of the same deployment with nothing begun (the kernel's share), in one run.
 *
 *   deno bench -A tests/bench/saga_bench.ts
 */
import { sagaSimulation } from "../../src/check/mod.ts";
import { runSagaBatch } from "../../src/experiments/saga_outcomes.ts";
import { SagaOrchestrator } from "../../src/transactions/mod.ts";

const batch = {
  failureRate: 0.3,
  sagas: 24,
  variant: "correct" as const,
  mode: "orchestrated" as const,
  undoFailureRate: 0.3,
  lossProbability: 0.02,
  downMs: 150,
};

Deno.bench("baseline: the same deployment, no saga begun (3.7 s simulated)", {
  group: "runner",
  baseline: true,
}, () => {
  sagaSimulation({ seed: 1, sagas: [] }).run({ untilMs: 3700 });
});

Deno.bench("24 orchestrated sagas, no crash", { group: "runner" }, () => {
  runSagaBatch(1, { ...batch, crashRate: 0 });
});

Deno.bench("24 orchestrated sagas, orchestrator crashing 4 times a second", {
  group: "runner",
}, () => {
  runSagaBatch(1, { ...batch, crashRate: 4 });
});

Deno.bench("24 choreographed sagas, first service crashing 4 times a second", {
  group: "runner",
}, () => {
  runSagaBatch(1, { ...batch, mode: "choreographed", crashRate: 4 });
});

const steps = [
  { name: "reserve", service: "inventory" },
  { name: "charge", service: "payment" },
  { name: "ship", service: "shipping" },
];

Deno.bench("SagaOrchestrator alone: 1000 sagas begun and committed (pure state machine)", {
  group: "state machine",
}, () => {
  const o = new SagaOrchestrator({ steps });
  for (let i = 0; i < 1000; i++) {
    const sagaId = `s${i}`;
    o.begin("client", sagaId);
    for (let step = 0; step < 3; step++) {
      o.step(steps[step].service, {
        type: "StepReply",
        sagaId,
        step,
        action: "do",
        outcome: "done",
      });
    }
    o.ready();
  }
});
