/**
 * Explains why a history is not linearizable: the minimal non-linearizable prefix, the
 * operation that cannot be linearized there (the culprit), the operations it conflicts with,
 * a text, and timeline data for `historyTimeline` (src/viz/history_timeline.ts).
 *
 * The minimal prefix is where the breadth-first search's frontier empties (lin_frontier.ts).
 * It is well defined because linearizability
 * of prefixes is monotone: cutting a history at line `k` turns the operations still open into
 * unknown outcomes, and every later line only adds constraints (a completion narrows an
 * unknown outcome; an invocation adds an operation that may be dropped). So if the first `k`
 * lines are not linearizable, neither is any longer prefix. The last line of the minimal prefix
 * completes an observation (a read, or a cas that succeeded or failed) or a failed write or
 * append (which some order needed): a successful write or append can always be placed right
 * before its completion.
 *
 * @module
 */

import type { RegisterCheck } from "./depth_first.ts";
import { canonicalJson, type JsonValue, type Operation, operationLabel } from "./history.ts";
import { checkRegisterOperations, linearizationWitness } from "./depth_first.ts";

/** Why an operation appears in an explanation. */
export type OperationRole =
  | "culprit"
  | "preceding"
  | "concurrent"
  | "writer"
  | "frontier"
  | "other";

/** An operation as shown in an explanation (outcomes as seen within the prefix). */
export interface InvolvedOperation extends Operation {
  label: string;
  role: OperationRole;
}

/** One bar of a history timeline. */
export interface TimelineOperation {
  index: number;
  process: number;
  label: string;
  /** Invocation line. */
  start: number;
  /** Completion line, or the line after the prefix when still open. */
  end: number;
  /** True when the outcome is unknown (info, or not completed within the prefix). */
  open: boolean;
  outcome: Operation["outcome"];
  role: OperationRole;
}

/** Input of `historyTimeline`: the window of a history around a violation. */
export interface TimelineData {
  title: string;
  key: string | number | null;
  /** The number of history lines the chart covers (the minimal prefix). */
  prefixLength: number;
  operations: TimelineOperation[];
}

/** The explanation of a linearizability violation. */
export interface Violation {
  key: string | number | null;
  /** The smallest `k` such that lines 1..k are not linearizable (on `key`). */
  prefixLength: number;
  /** False when a search budget ran out and `prefixLength` is only an upper bound. */
  minimal: boolean;
  /** The operation completed on line `prefixLength`: it cannot be linearized. */
  culprit: InvolvedOperation;
  /** The values the register held wherever the culprit could take effect (and did not fit). */
  valuesAtCulprit: JsonValue[];
  /** The values the register could hold after line `prefixLength - 1`, in some linearization
   * of lines 1..prefixLength-1. */
  valuesBefore: JsonValue[];
  /** The latest operations that completed before the culprit was invoked. */
  preceding: InvolvedOperation[];
  /** Operations (in the prefix) overlapping the culprit in time. */
  concurrent: InvolvedOperation[];
  /** Operations that could have produced the value the culprit observed or expected. */
  writers: InvolvedOperation[];
  /** The tail of a valid linearization of lines 1..k-1, and the value after it. */
  frontier: { order: InvolvedOperation[]; value: JsonValue } | null;
  /** Other keys that are not linearizable either (their own prefixes are not computed). */
  otherFailingKeys: (string | number | null)[];
  /** Human-readable explanation, several lines. */
  text: string;
  timeline: TimelineData;
}

const LIST_LIMIT = 8;
const TIMELINE_LIMIT = 60;

/**
 * How a key is named in messages: `key "x"`, `key 3` or `the register`.
 *
 * @param key A key or `null`.
 * @returns The name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { keyName } from "./explain.ts";
 * assert.ok(keyName("x") === 'key "x"' && keyName(null) === "the register");
 * ```
 */
export function keyName(key: string | number | null): string {
  return key === null ? "the register" : `key ${JSON.stringify(key)}`;
}

/**
 * Cuts one key's operations at line `k`: operations invoked later disappear, and those not
 * completed by line `k` get an unknown outcome.
 *
 * @param operations Operations of one key.
 * @param k The last line kept.
 * @returns The operations as they look in the prefix.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { truncateOperations } from "./explain.ts";
 * import { pairOperations } from "./history.ts";
 * const ops = pairOperations([
 *   { process: 1, type: "invoke", f: "write", value: 1 },
 *   { process: 1, type: "ok", f: "write", value: 1 },
 * ]);
 * assert.ok(truncateOperations(ops, 1)[0].outcome === "unknown");
 * ```
 */
export function truncateOperations(operations: readonly Operation[], k: number): Operation[] {
  return operations.filter((op) => op.invokeLine <= k).map((op) =>
    op.completeLine !== null && op.completeLine > k
      ? { ...op, outcome: "unknown", completeLine: null, value: op.f === "read" ? null : op.value }
      : op
  );
}

/**
 * The fallback when only the depth-first search proved the violation: binary search over the
 * key's completion lines for the shortest non-linearizable prefix (prefixes are monotone).
 *
 * @param operations Operations of one key; the whole is known not to be linearizable.
 * @param maxStates The budget of each search.
 * @returns The prefix length and whether it is proven minimal.
 */
function bisectPrefix(
  operations: readonly Operation[],
  maxStates: number,
): { k: number; minimal: boolean } {
  const lines = operations
    .filter((op) => op.outcome !== "unknown")
    .map((op) => op.completeLine as number)
    .sort((a, b) => a - b);
  // Invariant: prefix lines[hi] is not linearizable; prefix lines[lo] (or empty) is.
  let lo = -1;
  let hi = lines.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    const check = checkRegisterOperations(truncateOperations(operations, lines[mid]), maxStates);
    if (check.verdict === "not-linearizable") hi = mid;
    else if (check.verdict === "linearizable") lo = mid;
    else return { k: lines[hi], minimal: false };
  }
  return { k: lines[hi], minimal: true };
}

/**
 * Explains a violation: picks the failing key with the shortest non-linearizable prefix and
 * describes its culprit.
 *
 * @param failingKeys Each key found not linearizable: its operations and the check that said
 *   so (from `checkRegisterOperations`).
 * @param maxStates The budget of each search.
 * @returns The explanation.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { explainViolation } from "./explain.ts";
 * import { checkRegisterOperations } from "./depth_first.ts";
 * import { pairOperations } from "./history.ts";
 * const ops = pairOperations([
 *   { process: 1, type: "invoke", f: "write", key: "x", value: 1 },
 *   { process: 1, type: "ok", f: "write", key: "x", value: 1 },
 *   { process: 2, type: "invoke", f: "read", key: "x" },
 *   { process: 2, type: "ok", f: "read", key: "x", value: 2 },
 * ]);
 * const check = checkRegisterOperations(ops, 1000);
 * const violation = explainViolation([{ operations: ops, check }], 1000);
 * assert.ok(violation.culprit.label === "r(x)=2" && violation.prefixLength === 4);
 * ```
 */
export function explainViolation(
  failingKeys: readonly { operations: readonly Operation[]; check: RegisterCheck }[],
  maxStates: number,
): Violation {
  if (failingKeys.length === 0) throw new RangeError("explainViolation: no failing key given");
  let best:
    | { ops: readonly Operation[]; check: RegisterCheck; k: number; minimal: boolean }
    | undefined;
  for (const { operations: ops, check } of failingKeys) {
    if (check.verdict !== "not-linearizable") continue;
    const { k, minimal } = check.failedAtLine !== undefined
      ? { k: check.failedAtLine, minimal: true }
      : bisectPrefix(ops, maxStates);
    if (best === undefined || k < best.k) best = { ops, check, k, minimal };
  }
  if (best === undefined) {
    throw new RangeError("explainViolation: no key was proven not linearizable within the budget");
  }
  const { ops, check, k, minimal } = best;
  const key = ops[0].key;
  const prefixOps = truncateOperations(ops, k);
  const culpritOp = prefixOps.find((op) => op.completeLine === k)!;
  const involve = (op: Operation, role: OperationRole): InvolvedOperation => ({
    ...op,
    label: operationLabel(op),
    role,
  });
  const culprit = involve(culpritOp, "culprit");
  const previous = linearizationWitness(truncateOperations(ops, k - 1), maxStates);
  const modelled = prefixOps.filter(constrains);

  // The maximal real-time predecessors: definite ops done before the culprit began that no
  // other such op follows.
  const before = modelled.filter((op) =>
    op.outcome !== "unknown" && (op.completeLine as number) < culpritOp.invokeLine
  );
  const latestInvoke = Math.max(-1, ...before.map((op) => op.invokeLine));
  const preceding = before
    .filter((op) => (op.completeLine as number) > latestInvoke)
    .map((op) => involve(op, "preceding"));
  const concurrent = modelled
    .filter((op) =>
      op !== culpritOp && op.invokeLine < k &&
      (op.completeLine === null || op.completeLine > culpritOp.invokeLine)
    )
    .map((op) => involve(op, "concurrent"));
  const observed = observedValue(culpritOp);
  const writers = observed === undefined ? [] : modelled
    .filter((op) => op !== culpritOp && writes(op, observed))
    .slice(-3)
    .map((op) => involve(op, "writer"));
  const frontier = previous === undefined ? null : {
    order: previous.order.slice(-5).map((op) => involve(op, "frontier")),
    value: previous.value,
  };
  const violation: Violation = {
    key,
    prefixLength: k,
    minimal,
    culprit,
    valuesAtCulprit: check.culpritValues ?? [],
    valuesBefore: check.frontierValues ?? [],
    preceding: preceding.slice(-LIST_LIMIT),
    concurrent: concurrent.slice(0, LIST_LIMIT),
    writers,
    frontier,
    otherFailingKeys: failingKeys.filter((o) => o.operations !== ops).map((o) =>
      o.operations[0].key
    ),
    text: "",
    timeline: { title: "", key, prefixLength: k, operations: [] },
  };
  violation.text = violationText(violation);
  violation.timeline = timelineData(violation, prefixOps);
  return violation;
}

/** Operations the model keeps (see lin_model.ts): the others constrain nothing. */
function constrains(op: Operation): boolean {
  if (op.f === "read") return op.outcome === "ok";
  return op.f === "cas" || op.outcome !== "fail";
}

/** The value an observation requires: the read's value, the successful cas's expectation. */
function observedValue(op: Operation): JsonValue | undefined {
  if (op.f === "read" && op.outcome === "ok") return op.value;
  if (op.f === "cas" && op.outcome === "ok") return (op.value as JsonValue[])[0];
  return undefined;
}

function writes(op: Operation, value: JsonValue): boolean {
  const text = canonicalJson(value);
  if (op.f === "write") return canonicalJson(op.value) === text;
  if (op.f === "cas" && op.outcome !== "fail") {
    return canonicalJson((op.value as JsonValue[])[1]) === text;
  }
  return false;
}

function describeOp(op: Operation): string {
  const end = op.completeLine === null ? "open" : String(op.completeLine);
  return `${operationLabel(op)} by process ${op.process} (lines ${op.invokeLine}–${end})`;
}

function listOps(ops: readonly Operation[]): string {
  return ops.length === 0 ? "none" : ops.map(describeOp).join("; ");
}

function listValues(values: readonly JsonValue[]): string {
  return values.map(canonicalJson).join(", ");
}

function violationText(v: Violation): string {
  const name = keyName(v.key);
  const c = v.culprit;
  const lines = [
    `Not linearizable on ${name}.`,
    v.minimal
      ? `Minimal non-linearizable prefix: lines 1–${v.prefixLength} (lines 1–${
        v.prefixLength - 1
      } are linearizable).`
      : `Non-linearizable prefix: lines 1–${v.prefixLength} (the search budget ran out ` +
        `while shortening it; a shorter one may exist).`,
    `Line ${v.prefixLength} completes ${describeOp(c)}, which cannot be linearized:`,
  ];
  const need = c.f === "read"
    ? `it returned ${canonicalJson(c.value)}`
    : c.f !== "cas"
    ? "its failure means it never took effect, but every order of the earlier lines needed it"
    : c.outcome === "fail"
    ? `its failure says the value was not ${canonicalJson((c.value as JsonValue[])[0])}`
    : `it expected ${canonicalJson((c.value as JsonValue[])[0])}`;
  if (v.valuesAtCulprit.length > 0) {
    lines.push(
      `  ${need}, but wherever it could take effect the value was ${
        listValues(v.valuesAtCulprit)
      }.`,
    );
  } else {
    lines.push(`  ${need}.`);
  }
  if (v.valuesBefore.length > 0) {
    lines.push(
      `  After line ${v.prefixLength - 1} the value could be: ${listValues(v.valuesBefore)}.`,
    );
  }
  lines.push(`  It began after: ${listOps(v.preceding)}.`);
  lines.push(`  Concurrent with it: ${listOps(v.concurrent)}.`);
  const observed = observedValue(c);
  if (observed !== undefined) {
    const initial = observed === null ? "the initial value; " : "";
    lines.push(`  ${canonicalJson(observed)} is ${initial}written by: ${listOps(v.writers)}.`);
  }
  if (v.frontier !== null) {
    const order = v.frontier.order.map((op) => `${op.label} p${op.process}`).join(", ");
    lines.push(
      `  A valid order for lines 1–${v.prefixLength - 1} ends with: ${order || "(nothing)"}` +
        ` → ${canonicalJson(v.frontier.value)}.`,
    );
  }
  if (v.otherFailingKeys.length > 0) {
    lines.push(`Also not linearizable: ${v.otherFailingKeys.map(keyName).join(", ")}.`);
  }
  return lines.join("\n");
}

function timelineData(v: Violation, prefixOps: readonly Operation[]): TimelineData {
  const roles = new Map<number, OperationRole>();
  for (const op of [...(v.frontier?.order ?? []), ...v.writers]) roles.set(op.index, op.role);
  for (const op of [...v.preceding, ...v.concurrent]) roles.set(op.index, op.role);
  roles.set(v.culprit.index, "culprit");
  const start = Math.min(
    ...[...roles.keys()].map((i) => prefixOps.find((op) => op.index === i)!)
      .map((op) => op.invokeLine),
  );
  let window = prefixOps.filter((op) => op.completeLine === null || op.completeLine >= start);
  if (window.length > TIMELINE_LIMIT) {
    const others = window.filter((op) => !roles.has(op.index));
    const keep = new Set(others.slice(-(TIMELINE_LIMIT - roles.size)));
    window = window.filter((op) => roles.has(op.index) || keep.has(op));
  }
  return {
    title: `Not linearizable on ${keyName(v.key)}: ${v.culprit.label} (lines 1–${v.prefixLength})`,
    key: v.key,
    prefixLength: v.prefixLength,
    operations: window.map((op) => ({
      index: op.index,
      process: op.process,
      label: operationLabel(op),
      start: op.invokeLine,
      end: op.completeLine ?? v.prefixLength + 1,
      open: op.outcome === "unknown",
      outcome: op.outcome,
      role: roles.get(op.index) ?? "other",
    })),
  };
}
