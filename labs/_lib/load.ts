/**
 * Chooses which implementation a lab's tests run against.
 *
 * Every lab folder holds `api.ts` (the types the learner implements), `starter.ts` (the
 * learner's file, with TODOs), `solution.ts` (the reference; absent in a workshop fork) and
 * `*_test.ts`. The tests call {@linkcode loadLab} instead of importing a file directly, so the
 * same tests run against the reference here and against the starter in a workshop.
 *
 * The target is `NETSPLIT_LAB_TARGET=starter|solution`; without it, the starter: the learner's
 * own commands (`deno task lab <name>`, `deno test labs/<name>`) test the learner's file. The
 * repository's suite (`deno task test`) sets `solution`, so the references are tested there.
 * Reading the variable needs no permission flag: without `--allow-env` it counts as unset.
 *
 * @module
 */

/** Which file of a lab the tests exercise. */
export type LabTarget = "starter" | "solution";

/**
 * Resolves the lab target from the environment.
 *
 * @returns `"starter"` or `"solution"`.
 */
export function labTarget(): LabTarget {
  const allowed =
    Deno.permissions.querySync({ name: "env", variable: "NETSPLIT_LAB_TARGET" }).state ===
      "granted";
  const fromEnv = allowed ? Deno.env.get("NETSPLIT_LAB_TARGET") : undefined;
  if (fromEnv === "starter" || fromEnv === "solution") return fromEnv;
  if (fromEnv !== undefined && fromEnv !== "") {
    throw new RangeError(
      `NETSPLIT_LAB_TARGET must be "starter" or "solution", got "${fromEnv}"`,
    );
  }
  return "starter";
}

/**
 * Imports the lab's implementation (starter or solution) as the lab's API type.
 *
 * @example
 * ```ts ignore
 * import type { VoteLab } from "./api.ts";
 * const lab = await loadLab<VoteLab>(import.meta.url);
 * ```
 */
export async function loadLab<T>(labFile: string | URL): Promise<T> {
  const target = labTarget();
  return (await import(new URL(`./${target}.ts`, labFile).href)) as T;
}
