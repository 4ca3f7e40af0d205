/**
 * Chooses which implementation a lab's tests run against.
 *
 * Every lab folder holds `api.ts` (the types the learner implements), `starter.ts` (the
 * learner's file, with TODOs), `solution.ts` (the reference; absent in a workshop fork) and
 * `*_test.ts`. The tests call {@linkcode loadLab} instead of importing a file directly, so the
 * same tests run against the reference here and against the starter in a workshop.
 *
 * The target is `NETSPLIT_LAB_TARGET=starter|solution`; without it, the solution when it exists,
 * else the starter.
 *
 * @module
 */

/** Which file of a lab the tests exercise. */
export type LabTarget = "starter" | "solution";

/**
 * Resolves the lab target from the environment and the files present.
 *
 * @param labDir URL of the lab folder (or of any file inside it).
 * @returns `"starter"` or `"solution"`.
 */
export function labTarget(labDir: string | URL): LabTarget {
  const fromEnv = Deno.env.get("NETSPLIT_LAB_TARGET");
  if (fromEnv === "starter" || fromEnv === "solution") return fromEnv;
  if (fromEnv !== undefined && fromEnv !== "") {
    throw new RangeError(
      `NETSPLIT_LAB_TARGET must be "starter" or "solution", got "${fromEnv}"`,
    );
  }
  try {
    Deno.statSync(new URL("./solution.ts", labDir));
    return "solution";
  } catch {
    return "starter";
  }
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
  const target = labTarget(labFile);
  return (await import(new URL(`./${target}.ts`, labFile).href)) as T;
}
