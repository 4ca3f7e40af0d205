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

/** The value as the user wrote it: `Infinity` and `NaN` are not JSON (`null`). */
function shown(value: unknown): string {
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (value === undefined) return "nothing";
  return JSON.stringify(value);
}

function checkValue(experiment: string, name: string, spec: ParamSpec, value: unknown) {
  const fail = () =>
    new ParamError(
      `${experiment}: parameter ${name} must be ${describeAllowed(spec)}, got ${shown(value)}`,
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
 * Refuses a range given upside down: for every pair of parameters named `<x>Min<Unit>` and
 * `<x>Max<Unit>` (`latencyMinMs` and `latencyMaxMs`), the minimum must not exceed the maximum.
 * Checked here, once for every experiment, so none of them clamps such a pair silently.
 */
function checkRanges(experiment: string, values: Params): void {
  for (const [minName, min] of Object.entries(values)) {
    const m = /^(.*)Min([A-Z]\w*)?$/.exec(minName);
    if (m === null || typeof min !== "number") continue;
    const maxName = `${m[1]}Max${m[2] ?? ""}`;
    const max = values[maxName];
    if (typeof max === "number" && max < min) {
      throw new ParamError(
        `${experiment}: parameter ${maxName} (${max}) must be ≥ ${minName} (${min})`,
      );
    }
  }
}

/** The seeds the CLI and the pages accept: the 32-bit range every run's seed is folded into. */
export const SEED_RANGE = { min: 0, max: 4_294_967_295 } as const;

/**
 * Parses a seed as the user wrote it; anything but a whole number in {@linkcode SEED_RANGE}
 * is refused, naming the range (an empty text is not seed 0, and 2^32 + 1 is not seed 1).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSeed } from "./params.ts";
 * assert.equal(parseSeed("42"), 42);
 * assert.throws(() => parseSeed(""), /--seed must be an integer in \[0, 4294967295\], got ""/);
 * assert.throws(() => parseSeed("4294967296"), /got "4294967296"/);
 * assert.throws(() => parseSeed("-1"), /got "-1"/);
 * ```
 */
export function parseSeed(text: string): number {
  const seed = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!(Number.isSafeInteger(seed) && seed >= SEED_RANGE.min && seed <= SEED_RANGE.max)) {
    throw new ParamError(
      `--seed must be an integer in [${SEED_RANGE.min}, ${SEED_RANGE.max}], got ${
        JSON.stringify(text)
      }`,
    );
  }
  return seed;
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
 * assert.throws(() => resolveParams(demo, { toString: 5 }), /unknown parameter toString/);
 * ```
 */
export function resolveParams<P extends Record<string, ParamSpec>>(
  experiment: { name: string; params: P },
  given: Record<string, unknown>,
): ParamsOf<P> {
  const out: Params = {};
  for (const name of Object.keys(given)) {
    // Own keys only: `toString` or `__proto__` is "in" every object, and is no parameter.
    if (!Object.hasOwn(experiment.params, name)) {
      const known = Object.keys(experiment.params);
      throw new ParamError(
        `${experiment.name}: unknown parameter ${name} (known: ${
          known.length ? known.join(", ") : "none"
        })`,
      );
    }
  }
  for (const [name, spec] of Object.entries(experiment.params)) {
    const value = Object.hasOwn(given, name) && given[name] !== undefined
      ? given[name]
      : spec.default;
    out[name] = checkValue(experiment.name, name, spec, value);
  }
  checkRanges(experiment.name, out);
  // The one cast for all experiments: every value was checked against its spec just above.
  return out as ParamsOf<P>;
}

/**
 * Parses a command-line or URL string into a parameter value of the right kind
 * (`"12"` -> 12, `"true"` -> true); leaves validation to {@linkcode resolveParams}.
 */
export function parseParamText(experiment: Experiment, name: string, text: string): unknown {
  if (!Object.hasOwn(experiment.params, name)) return text;
  const spec = experiment.params[name];
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
