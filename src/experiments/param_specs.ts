/**
 * Parameter specs for experiments, built by small factories in the fast-check style: a
 * lowercase factory plus a constraints object (`integerParam({ default, min, max,
 * description })`). The factories only shape the spec and keep its value type (an enum's
 * values stay a union of literals); {@linkcode checkParamSpec} validates it, and
 * `defineExperiment` calls it for every parameter at definition time, so a bad spec fails
 * when its module loads, with a message naming the experiment and the parameter.
 *
 * @module
 */

import type {
  BooleanParamSpec,
  EnumParamSpec,
  IntegerParamSpec,
  NumberParamSpec,
  ParamSpec,
  StringParamSpec,
} from "./types.ts";

/**
 * An integer parameter in `[min, max]`.
 *
 * @param constraints The default, the inclusive range and a one-line description.
 * @returns The spec; its value type is `number`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { integerParam } from "./param_specs.ts";
 * const nodes = integerParam({ default: 3, min: 1, max: 9, description: "Nodes" });
 * assert.equal(nodes.kind, "integer");
 * assert.equal(nodes.default, 3);
 * ```
 */
export function integerParam(
  constraints: { default: number; min: number; max: number; description: string },
): IntegerParamSpec {
  const { min, max, description } = constraints;
  return { kind: "integer", default: constraints.default, min, max, description };
}

/**
 * A finite number parameter in `[min, max]`.
 *
 * @param constraints The default, the inclusive range and a one-line description.
 * @returns The spec; its value type is `number`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { numberParam } from "./param_specs.ts";
 * const loss = numberParam({ default: 0.1, min: 0, max: 1, description: "Loss probability" });
 * assert.deepEqual([loss.min, loss.max], [0, 1]);
 * ```
 */
export function numberParam(
  constraints: { default: number; min: number; max: number; description: string },
): NumberParamSpec {
  const { min, max, description } = constraints;
  return { kind: "number", default: constraints.default, min, max, description };
}

/**
 * A boolean parameter.
 *
 * @param constraints The default and a one-line description.
 * @returns The spec; its value type is `boolean`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { booleanParam } from "./param_specs.ts";
 * assert.equal(booleanParam({ default: false, description: "FIFO links" }).kind, "boolean");
 * ```
 */
export function booleanParam(
  constraints: { default: boolean; description: string },
): BooleanParamSpec {
  return { kind: "boolean", default: constraints.default, description: constraints.description };
}

/**
 * One of a fixed list of strings. The value type is the union of the listed literals, so
 * `params.mode` inside a typed run is `"a" | "b"`, not `string`.
 *
 * @param constraints The allowed values, the default (one of them) and a description.
 * @returns The spec; its value type is the union of `values`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { enumParam } from "./param_specs.ts";
 * const mode = enumParam({ values: ["single", "multi"], default: "multi", description: "Protocol" });
 * const value: "single" | "multi" = mode.default;
 * assert.equal(value, "multi");
 * ```
 */
export function enumParam<const V extends string>(
  constraints: { default: NoInfer<V>; values: readonly V[]; description: string },
): EnumParamSpec<V> {
  const { values, description } = constraints;
  return { kind: "enum", default: constraints.default, values, description };
}

/**
 * A free string, optionally required to match `pattern` (a RegExp source).
 *
 * @param constraints The default, a description and the optional pattern.
 * @returns The spec; its value type is `string`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stringParam } from "./param_specs.ts";
 * const key = stringParam({ default: "x", pattern: "^[a-z]+$", description: "Key" });
 * assert.equal(key.pattern, "^[a-z]+$");
 * ```
 */
export function stringParam(
  constraints: { default: string; description: string; pattern?: string },
): StringParamSpec {
  const { description, pattern } = constraints;
  const spec: StringParamSpec = { kind: "string", default: constraints.default, description };
  if (pattern !== undefined) spec.pattern = pattern;
  return spec;
}

/** What is wrong with a range spec, or undefined. */
function rangeProblem(spec: IntegerParamSpec | NumberParamSpec): string | undefined {
  const ok = spec.kind === "integer" ? Number.isSafeInteger : Number.isFinite;
  const what = spec.kind === "integer" ? "a safe integer" : "a finite number";
  for (const field of ["min", "max", "default"] as const) {
    const value: unknown = spec[field];
    if (typeof value !== "number" || !ok(value)) {
      return `${field} must be ${what}, got ${JSON.stringify(value)}`;
    }
  }
  if (spec.min > spec.max) return `min ${spec.min} is above max ${spec.max}`;
  if (spec.default < spec.min || spec.default > spec.max) {
    return `default ${spec.default} is outside [${spec.min}, ${spec.max}]`;
  }
  return undefined;
}

/** What is wrong with an enum spec, or undefined. */
function enumProblem(spec: EnumParamSpec): string | undefined {
  if (!Array.isArray(spec.values) || spec.values.length === 0) {
    return "values must list at least one value";
  }
  const bad = spec.values.find((v) => typeof v !== "string" || v === "");
  if (bad !== undefined) return `values must be non-empty strings, got ${JSON.stringify(bad)}`;
  const repeated = spec.values.find((v, i) => spec.values.indexOf(v) !== i);
  if (repeated !== undefined) return `values list "${repeated}" twice`;
  if (!spec.values.includes(spec.default)) {
    return `default ${JSON.stringify(spec.default)} is not one of ${spec.values.join(", ")}`;
  }
  return undefined;
}

/** What is wrong with a string spec, or undefined. */
function stringProblem(spec: StringParamSpec): string | undefined {
  if (typeof spec.default !== "string") {
    return `default must be a string, got ${JSON.stringify(spec.default)}`;
  }
  if (spec.pattern === undefined) return undefined;
  let pattern: RegExp;
  try {
    pattern = new RegExp(spec.pattern);
  } catch {
    return `pattern /${spec.pattern}/ is not a valid regular expression`;
  }
  if (!pattern.test(spec.default)) {
    return `default ${JSON.stringify(spec.default)} does not match /${spec.pattern}/`;
  }
  return undefined;
}

/** What is wrong with a spec, or undefined if it is sound. */
function specProblem(spec: ParamSpec): string | undefined {
  if (typeof spec.description !== "string" || spec.description.trim() === "") {
    return "description must be a non-empty string";
  }
  switch (spec.kind) {
    case "integer":
    case "number":
      return rangeProblem(spec);
    case "boolean": {
      const value: unknown = spec.default;
      return typeof value === "boolean"
        ? undefined
        : `default must be true or false, got ${JSON.stringify(value)}`;
    }
    case "enum":
      return enumProblem(spec);
    case "string":
      return stringProblem(spec);
    default: {
      // Specs written as plain objects (not by a factory) may carry any kind at run time.
      const unknownKind: never = spec;
      return `kind ${JSON.stringify((unknownKind as { kind: unknown }).kind)} is not one of ` +
        "integer, number, boolean, enum, string";
    }
  }
}

/**
 * Throws a RangeError naming the owner and the parameter if a spec cannot work: a range with
 * `min > max`, a default outside its range or list, an empty enum, a pattern the default does
 * not match, a missing description.
 *
 * @param owner Who declares the parameter (an experiment or scenario name), for the message.
 * @param name The parameter's name.
 * @param spec The spec to check.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkParamSpec, integerParam } from "./param_specs.ts";
 * const spec = integerParam({ default: 0, min: 1, max: 9, description: "Nodes" });
 * assert.throws(() => checkParamSpec("demo", "nodes", spec), {
 *   name: "RangeError",
 *   message: "demo: parameter nodes: default 0 is outside [1, 9]",
 * });
 * ```
 */
export function checkParamSpec(owner: string, name: string, spec: ParamSpec): void {
  const problem = specProblem(spec);
  if (problem !== undefined) throw new RangeError(`${owner}: parameter ${name}: ${problem}`);
}
