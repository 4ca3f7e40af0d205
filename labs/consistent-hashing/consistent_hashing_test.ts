/**
 * Tests for the consistent-hashing lab. They run against solution.ts here and against
 * starter.ts in a workshop (`NETSPLIT_LAB_TARGET=starter`).
 */
import assert from "node:assert/strict";
import { loadLab } from "../_lib/load.ts";
import type { ConsistentHashingLab } from "./api.ts";
import { balanceFailures, movementFailures, ownerFailures } from "./cases.ts";

const lab = await loadLab<ConsistentHashingLab>(import.meta.url);

Deno.test("a key belongs to the first point clockwise from its hash, wrapping past the top", () => {
  assert.deepEqual(ownerFailures(lab), []);
});

Deno.test("a join moves keys only to the new node, a leave only the leaving node's keys", () => {
  assert.deepEqual(movementFailures(lab), []);
});

Deno.test("shares sum to 1 and even out like 1/sqrt(points per node)", () => {
  assert.deepEqual(balanceFailures(lab), []);
});
