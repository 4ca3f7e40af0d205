/**
 * Mutation check: the outbox lab's tests must reject the classic mistakes. (This file tests the
 * tests; a learner can ignore it.)
 */

import assert from "node:assert/strict";
import {
  consumeOutboxEvent,
  outboxMarkPublished,
  outboxRelayPoll,
} from "../../src/transactions/mod.ts";
import type { OutboxLab } from "./api.ts";
import { findOutboxFailure, unitFailures } from "./cases.ts";

const correct: OutboxLab = {
  poll: (db) => outboxRelayPoll(db, "publish-then-mark"),
  ack: outboxMarkPublished,
  consume: (db, event) => consumeOutboxEvent(db, event, true),
};

const MUTANTS: Record<string, OutboxLab> = {
  "a relay that marks rows before publishing them": {
    ...correct,
    poll: (db) => outboxRelayPoll(db, "mark-first"),
  },
  "a consumer that applies every delivery": {
    ...correct,
    consume: (db, event) => consumeOutboxEvent(db, event, false),
  },
  "a relay that never marks (publishes forever)": { ...correct, ack: (db) => db },
};

// Publishing forever loses nothing and the idempotent consumer absorbs it: only the unit case
// catches it (the invariants are about loss and double effects, not wasted messages).
const UNIT_ONLY = new Set(["a relay that never marks (publishes forever)"]);

for (const [name, lab] of Object.entries(MUTANTS)) {
  Deno.test(`the outbox lab rejects ${name}`, () => {
    assert.ok(unitFailures(lab).length > 0, "the unit cases let it through");
    if (!UNIT_ONLY.has(name)) {
      assert.notEqual(findOutboxFailure(lab), null, "the crash runs let it through");
    }
  });
}

Deno.test("the outbox lab accepts the core's correct relay and consumer", () => {
  assert.deepEqual(unitFailures(correct), []);
  assert.equal(findOutboxFailure(correct), null);
});
