/**
 * Turns a search result into an experiment result (summary, data, charts, trace hash), so
 * every `*-search` experiment reports the same way: `violations`, `counterexample`, `replay`.
 *
 * @module
 */

import type { Message } from "../sim/mod.ts";
import { combineHashes } from "../sim/mod.ts";
import type { ExperimentResult } from "./types.ts";
import { counterexampleDiagram } from "../viz/search_charts.ts";
import { runCase, type SearchResult, type SearchTarget } from "../check/search/search.ts";

/**
 * The experiment view of a search: summary fields `ok`, `violations`, `casesRun` (the
 * generated scenarios, shrink runs not included), `shrinkRuns` (runs spent shrinking a failure), `counterexample`,
 * `counterexampleSize`, `schedule`, `replay`; data with the counterexample trace excerpt; a
 * message diagram of the counterexample.
 *
 * The trace hash proves what the search did: a passing search's hash covers the seed, the
 * number of scenarios and a digest of every scenario's trace, so two searches over different
 * clusters, protocols or nemeses never share it; a failing search's hash is the trace of its
 * minimal counterexample.
 *
 * @example
 * ```ts ignore
 * const result = search(target, { seed: 1 });
 * const { summary, charts } = searchReport(target, result);
 * ```
 */
export function searchReport<M extends Message>(
  target: SearchTarget<M>,
  result: SearchResult,
  options: { windowMs?: number; hideTypes?: string[]; stateKeys?: string[] } = {},
): ExperimentResult {
  const summary: Record<string, unknown> = {
    ok: result.ok,
    violations: result.violations.length,
    casesRun: result.casesRun - result.shrinkRuns,
    shrinkRuns: result.shrinkRuns,
    runsToFirstViolation: result.ok ? null : result.numRuns,
    numShrinks: result.numShrinks,
    truncatedRuns: result.truncatedRuns,
    searchSeed: result.seed,
  };
  if (result.ok || !result.counterexample) {
    return {
      summary,
      data: {},
      charts: [],
      traceHash: combineHashes([
        "ok",
        String(result.seed),
        String(result.casesRun - result.shrinkRuns),
        result.scenariosDigest,
      ]),
    };
  }
  const outcome = runCase(target, result.counterexample);
  const first = result.violations[0];
  Object.assign(summary, {
    violation: `${first.invariant}: ${first.message}`,
    counterexampleSize: result.counterexampleSize,
    counterexample: result.counterexample,
    schedule: result.schedule,
    replay: result.replay,
  });
  const events = outcome.sim.trace.events;
  const hidden = new Set(options.hideTypes ?? ["Heartbeat"]);
  // The story starts where the violation says, else at the first fault that preceded it.
  const firstFault = result.counterexample.faults.find((f) => f.atMs <= (first.atMs ?? Infinity));
  const since = first.sinceMs ?? Math.min(firstFault?.atMs ?? Infinity, first.atMs ?? Infinity);
  const sinceMs = Number.isFinite(since) ? since : undefined;
  const from = (sinceMs ?? 0) - (options.windowMs ?? 60);
  const window = events.filter((e) => e.t >= from && e.t <= (first.atMs ?? Infinity) + 0.001);
  // Give each message about 14 px of height so a busy counterexample stays readable.
  const messages = window.filter((e) => e.kind === "send" && !hidden.has(e.msg.type)).length;
  const height = Math.min(1400, Math.max(320, messages * 14));
  return {
    summary,
    data: {
      violations: result.violations,
      trace: result.trace,
      events: window,
      nodes: [...target.nodes],
    },
    charts: [{
      title: "The minimal counterexample as a message diagram",
      spec: counterexampleDiagram(events, {
        nodes: [...target.nodes, ...outcome.sim.nodes.filter((n) => !target.nodes.includes(n))],
        violationAtMs: first.atMs,
        sinceMs,
        windowMs: options.windowMs,
        stateKeys: options.stateKeys,
        hideTypes: options.hideTypes,
        height,
        title: `Counterexample: ${first.invariant}`,
      }),
    }],
    traceHash: outcome.sim.trace.hash(),
  };
}
