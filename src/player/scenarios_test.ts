import assert from "node:assert/strict";
import { lastHeardAtMs } from "./scenarios.ts";

Deno.test("the heartbeat detector has never heard from a peer named like an Object.prototype member", () => {
  assert.equal(lastHeardAtMs({}, "constructor"), 0);
  assert.equal(lastHeardAtMs({}, "toString"), 0);
  assert.equal(lastHeardAtMs({ constructor: 25 }, "constructor"), 25);
});
