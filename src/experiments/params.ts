/**
 * Parameter validation and parsing for experiments: defaults filled in one place, every bad
 * value rejected with a message naming the parameter and its allowed values.
 *
 * @module
 */

import type { Experiment, Params, ParamsOf, ParamSpec } from "./types.ts";

/** A bad experiment name, parameter name or value. The message is meant for end users. */
export class ParamError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "ParamError";
  }
}

/** Describes the allowed values of a parameter, e.g. `an integer in [1, 1000]`. */
export function describeAllowed(spec: ParamSpec): string {
  switch (spec.kind) {
    case "integer":
      return `an integer in [${spec.min}, ${spec.max}]`;
    case "number":
      return `a number in [${spec.min}, ${spec.max}]`;
    case "boolean":
      return "true or false";
    case "enum":
      return `one of ${spec.values.join(", ")}`;
    case "string":
      return spec.pattern ? `a string matching /${spec.pattern}/` : "a string";
  }
}

function checkValue(experiment: string, name: string, spec: ParamSpec, value: unknown) {
  const fail = () =>
    new ParamError(
      `${experiment}: parameter ${name} must be ${describeAllowed(spec)}, got ${
        JSON.stringify(value)
      }`,
    );
  switch (spec.kind) {
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value)) throw fail();
      if (value < spec.min || value > spec.max) throw fail();
      return value;
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) throw fail();
      if (value < spec.min || value > spec.max) throw fail();
      return value;
    case "boolean":
      if (typeof value !== "boolean") throw fail();
      return value;
    case "enum":
      if (typeof value !== "string" || !spec.values.includes(value)) throw fail();
      return value;
    case "string":
      if (typeof value !== "string") throw fail();
      if (spec.pattern && !new RegExp(spec.pattern).test(value)) throw fail();
      return value;
  }
}

/**
 * Fills defaults and validates every given parameter; unknown names are errors. The result
 * is typed from the specs (`ParamsOf<P>`), so callers need no casts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveParams } from "./params.ts";
 * import { integerParam } from "./param_specs.ts";
 * const demo = { name: "demo", params: { n: integerParam({ default: 3, min: 1, max: 9, description: "Nodes" }) } };
 * const n: number = resolveParams(demo, {}).n;
 * assert.equal(n, 3);
 * assert.throws(() => resolveParams(demo, { n: 0 }), /parameter n must be an integer in \[1, 9\], got 0/);
 * ```
 */
export function resolveParams<P extends Record<string, ParamSpec>>(
  experiment: { name: string; params: P },
  given: Record<string, unknown>,
): ParamsOf<P> {
  const out: Params = {};
  for (const name of Object.keys(given)) {
    if (!(name in experiment.params)) {
      const known = Object.keys(experiment.params);
      throw new ParamError(
        `${experiment.name}: unknown parameter ${name} (known: ${
          known.length ? known.join(", ") : "none"
        })`,
      );
    }
  }
  for (const [name, spec] of Object.entries(experiment.params)) {
    const value = name in given && given[name] !== undefined ? given[name] : spec.default;
    out[name] = checkValue(experiment.name, name, spec, value);
  }
  // The one cast for all experiments: every value was checked against its spec just above.
  return out as ParamsOf<P>;
}

/**
 * Parses a command-line or URL string into a parameter value of the right kind
 * (`"12"` -> 12, `"true"` -> true); leaves validation to {@linkcode resolveParams}.
 */
export function parseParamText(experiment: Experiment, name: string, text: string): unknown {
  const spec = experiment.params[name];
  if (spec === undefined) return text;
  switch (spec.kind) {
    case "integer":
    case "number": {
      const n = text.trim() === "" ? NaN : Number(text);
      return Number.isNaN(n) ? text : n;
    }
    case "boolean":
      return text === "true" ? true : text === "false" ? false : text;
    default:
      return text;
  }
}
