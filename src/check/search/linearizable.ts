/**
 * Linearizability as one more invariant of the fault-schedule search: the run's client
 * history (`sim.history`, recorded with `Runtime.recordOp`) goes to the exact checker of
 * `linearizability.ts`; a `not-linearizable` verdict becomes a violation whose message is the
 * checker's explanation, timed at the culprit operation's completion.
 *
 * @module
 */

import type { Message } from "../../sim/mod.ts";
import { checkHistory, type Model } from "../linearizability/checker.ts";
import type { InvariantChecker } from "./search.ts";

/**
 * An invariant checker that requires the run's client history to be linearizable.
 *
 * @param options `model`: `register` or `kv` (default `kv`); `maxStates`: the checker's budget
 *   per key (an `unknown` verdict is not reported as a violation).
 *
 * @example
 * ```ts
 * import { Simulation } from "../../sim/mod.ts";
 * import { linearizable } from "./linearizable.ts";
 * const sim = new Simulation({ seed: 1 });
 * const check = linearizable({ model: "register" });
 * check({ sim, events: [], history: [], testCase: { seed: 1, faults: [], workload: [] } }); // []
 * ```
 */
export function linearizable<M extends Message = Message>(
  options: { model?: Model; maxStates?: number } = {},
): InvariantChecker<M> {
  const model = options.model ?? "kv";
  return (run) => {
    if (run.history.length === 0) return [];
    const result = checkHistory(run.history, {
      model,
      maxStates: options.maxStates,
    });
    if (result.verdict !== "not-linearizable") return [];
    const violation = result.violation;
    // The culprit completes on history line `prefixLength`: find that op in the trace.
    const ops = run.events.filter((e) => e.kind === "op");
    const atMs = violation ? ops[violation.prefixLength - 1]?.t : undefined;
    return [{
      invariant: "linearizability",
      message: violation?.text ?? "The client history is not linearizable",
      atMs,
      sinceMs: violation ? ops[0]?.t : undefined,
    }];
  };
}
