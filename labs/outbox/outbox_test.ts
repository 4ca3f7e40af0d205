/**
 * Tests for the outbox lab. They run against solution.ts here and against starter.ts in a
 * workshop (`NETSPLIT_LAB_TARGET=starter`): unit cases, then twelve orders through the service,
 * your relay and your consumer in the simulator, with 5 % message loss and the service or the
 * consumer crashed at every moment of the burst. A failure prints the smallest such schedule.
 */
import assert from "node:assert/strict";
import { loadLab } from "../_lib/load.ts";
import type { OutboxLab } from "./api.ts";
import { findOutboxFailure, unitFailures } from "./cases.ts";

const lab = await loadLab<OutboxLab>(import.meta.url);

Deno.test("the relay publishes unmarked rows, marks on ack, and the consumer applies once", () => {
  const failures = unitFailures(lab);
  assert.deepEqual(failures, [], `\n${failures.join("\n")}`);
});

Deno.test("no event is lost and none applied twice, whenever the service or consumer crashes", () => {
  const failure = findOutboxFailure(lab);
  assert.equal(
    failure,
    null,
    failure === null ? "" : [
      "",
      `Seed ${failure.seed}, the smallest crash schedule that breaks it:`,
      ...(failure.faults.length
        ? failure.faults.map((f) => `  ${f.atMs} ms ${f.kind} ${"node" in f ? f.node : ""}`)
        : ["  (no crash at all: message loss alone)"]),
      "What broke:",
      ...failure.violations.slice(0, 5).map((v) => `  ${v}`),
    ].join("\n"),
  );
});
