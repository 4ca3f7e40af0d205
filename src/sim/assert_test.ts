import assert from "node:assert/strict";
import { assertInvariant, InvariantError } from "./assert.ts";
import { advanceTime } from "./simulation.ts";

Deno.test("assertInvariant passes silently when the invariant holds", () => {
  assert.doesNotThrow(() => assertInvariant(true, "anything"));
});

Deno.test("assertInvariant throws an InvariantError that names the broken invariant", () => {
  assert.throws(
    () => assertInvariant(false, "a crashed node runs nothing"),
    (error: unknown) =>
      error instanceof InvariantError && error.name === "InvariantError" &&
      error.message === "Kernel invariant broken: a crashed node runs nothing",
  );
});

Deno.test("advanceTime moves time forward or keeps it, and refuses to go backwards", () => {
  assert.equal(advanceTime(5, 5), 5);
  assert.equal(advanceTime(5, 7.5), 7.5);
  assert.throws(() => advanceTime(5, 4.999), InvariantError);
  assert.throws(() => advanceTime(5, 4.999), /time never goes backwards/);
});
