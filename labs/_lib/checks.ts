/**
 * A lab's checks as data, so the same list runs two ways: against the learner's file (each
 * check a `Deno.test`, see {@linkcode registerLabChecks}) and against a battery of plausible
 * wrong solutions that must each fail at least one check (see {@linkcode registerMutationBattery}).
 * A check that no mutant fails proves nothing; a mutant that passes every check is a wrong
 * solution a learner could hand in as done, so the battery fails the build.
 *
 * Checks run in the order given and a mutant stops at its first failure: put the cheap,
 * rule-level cases first and the fault search last, where only the subtle mutants reach it.
 *
 * @module
 */

import assert from "node:assert/strict";

/** One check of a lab: a sentence that names what it checks, and the check itself. */
export interface LabCheck<T> {
  /** The test's name, a sentence (`"handleRequestVote answers each case of Figure 2"`). */
  name: string;
  /** Throws an error whose message teaches what is wrong when `lab` fails the check. */
  run(lab: T): void | Promise<void>;
}

/** A plausible wrong solution: the mistake it makes, in words, and the code that makes it. */
export interface LabMutant<T> {
  /** The mistake, as a learner would make it (`"forgets votedFor in a new term"`). */
  name: string;
  /** The wrong implementation of the lab's API. */
  lab: T;
}

/** Which check caught a mutant, and what it said. */
export interface CaughtBy {
  check: string;
  message: string;
}

/**
 * Makes a check from a function that lists what is wrong (an empty list, null or "" when
 * nothing is): the check fails with every item, one a line, so a learner sees them all.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { failuresCheck } from "./checks.ts";
 * const check = failuresCheck("doubles", (f: (x: number) => number) =>
 *   f(2) === 4 ? [] : [`f(2) should be 4, got ${f(2)}`]
 * );
 * check.run((x) => x * 2);
 * assert.throws(() => check.run((x) => x + 3), /f\(2\) should be 4, got 5/);
 * ```
 */
export function failuresCheck<T>(
  name: string,
  failures: (lab: T) => readonly string[] | string | null,
): LabCheck<T> {
  return {
    name,
    run(lab) {
      const found = failures(lab);
      const list = found === null
        ? []
        : typeof found === "string"
        ? [found].filter(Boolean)
        : found;
      if (list.length > 0) throw new Error(list.join("\n"));
    },
  };
}

/**
 * Registers each check as a `Deno.test` run against `lab` (the learner's file or the reference).
 *
 * @example
 * ```ts ignore
 * const lab = await loadLab<VoteLab>(import.meta.url);
 * registerLabChecks(VOTE_CHECKS, lab);
 * ```
 */
export function registerLabChecks<T>(checks: readonly LabCheck<T>[], lab: T): void {
  for (const check of checks) Deno.test(check.name, () => check.run(lab));
}

/**
 * Runs the checks in order against `lab` and returns the first one that fails, or null when
 * every check passes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { firstFailedCheck } from "./checks.ts";
 * const checks = [{ name: "doubles", run: (f: (x: number) => number) => assert.equal(f(2), 4) }];
 * assert.equal(await firstFailedCheck(checks, (x) => x * 2), null);
 * assert.equal((await firstFailedCheck(checks, (x) => x + 1))?.check, "doubles");
 * ```
 */
export async function firstFailedCheck<T>(
  checks: readonly LabCheck<T>[],
  lab: T,
): Promise<CaughtBy | null> {
  for (const check of checks) {
    try {
      await check.run(lab);
    } catch (error) {
      return {
        check: check.name,
        message: error instanceof Error ? error.message : String(error),
      };
    }
  }
  return null;
}

/** Options of {@linkcode registerMutationBattery}. */
export interface MutationBatteryOptions<T> {
  /** The lab's folder name, for test names (`"raft-election"`). */
  lab: string;
  /** The lab's checks, in the order its test file runs them. */
  checks: readonly LabCheck<T>[];
  /** The reference solution: it must pass every check. */
  reference: T;
  /** The wrong solutions: each must fail at least one check. */
  mutants: readonly LabMutant<T>[];
  /** The battery must hold at least this many mutants. @default 10 */
  minimum?: number;
}

/**
 * Registers the mutation battery of a lab: one test that the reference passes every check, one
 * test per mutant that some check rejects it (naming the check that did), and one that the
 * battery is big enough and its mutants are distinct by name.
 *
 * @example
 * ```ts ignore
 * registerMutationBattery({ lab: "hlc", checks: HLC_CHECKS, reference, mutants: HLC_MUTANTS });
 * ```
 */
export function registerMutationBattery<T>(options: MutationBatteryOptions<T>): void {
  const { lab, checks, reference, mutants } = options;
  const minimum = options.minimum ?? 10;
  Deno.test(`the ${lab} battery holds at least ${minimum} distinct mutants`, () => {
    assert.ok(
      mutants.length >= minimum,
      `${lab}: ${mutants.length} mutants, want at least ${minimum}`,
    );
    const names = mutants.map((m) => m.name);
    assert.equal(new Set(names).size, names.length, `${lab}: two mutants share a name`);
  });
  Deno.test(`the ${lab} checks accept the reference solution`, async () => {
    const failed = await firstFailedCheck(checks, reference);
    assert.equal(
      failed,
      null,
      failed === null ? "" : `the reference fails "${failed.check}":\n${failed.message}`,
    );
  });
  for (const mutant of mutants) {
    Deno.test(`the ${lab} checks reject a solution that ${mutant.name}`, async () => {
      const caught = await firstFailedCheck(checks, mutant.lab);
      assert.notEqual(
        caught,
        null,
        `${lab}: every check passes a solution that ${mutant.name}: strengthen the checks`,
      );
    });
  }
}
