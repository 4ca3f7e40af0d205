/**
 * Seeded property checks for labs: every run of a lab tries the same cases, so a learner's
 * failure replays exactly, and a failure ends with the line that replays it
 * (`replay: {"seed":…,"path":"…"}`, the options to pass to `fc.assert`).
 *
 * @module
 */

import fc from "fast-check";

/** The seed and run count of a lab property. */
export interface LabPropertyOptions {
  /** fast-check's seed; fixed so that every run of the lab tries the same cases. */
  seed: number;
  /** How many generated cases to try. */
  numRuns: number;
}

/**
 * Checks a property with a fixed seed; on failure, throws the property's own message, the
 * shrunk counterexample and the `replay:` line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import fc from "fast-check";
 * import { checkLabProperty } from "./property.ts";
 * const positive = fc.property(fc.integer({ min: -5, max: 5 }), (x) => assert.ok(x * x > 0));
 * assert.throws(() => checkLabProperty(positive, { seed: 7, numRuns: 100 }), /replay: \{"seed":7,"path":"/);
 * ```
 */
export function checkLabProperty<T extends [unknown, ...unknown[]]>(
  property: fc.IProperty<T>,
  options: LabPropertyOptions,
): void {
  const { seed, numRuns } = options;
  if (!Number.isInteger(seed) || !(Number.isInteger(numRuns) && numRuns > 0)) {
    throw new RangeError(
      `checkLabProperty needs an integer seed and numRuns > 0, got ${seed} and ${numRuns}`,
    );
  }
  const details = fc.check(property, { seed, numRuns });
  if (!details.failed) return;
  const error = details.errorInstance;
  const message = error instanceof Error ? error.message : String(error ?? "no cases generated");
  throw new Error(
    `${message}\nCounterexample (shrunk): ${fc.stringify(details.counterexample)}\n` +
      `replay: ${JSON.stringify({ seed, path: details.counterexamplePath })}`,
  );
}
