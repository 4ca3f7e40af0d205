/**
 * `deno task run`: runs a named experiment from the terminal.
 *
 *   deno task run --list
 *   deno task run <experiment> [--param=value ...] [--seed=N] [--format=table|json|svg|vl] [--out=DIR]
 *
 * Exit codes: 0 success, 2 bad input (unknown experiment, parameter or value), 1 a failure
 * inside the run. Never prints a stack trace for bad input.
 *
 * @module
 */

import type * as vl from "vega-lite";
import {
  describeAllowed,
  type Experiment,
  getExperiment,
  listExperiments,
  ParamError,
  parseParamText,
  parseSeed,
  runExperiment,
  SEED_RANGE,
  SimulationLimitError,
} from "../src/mod.ts";
import { fromCaller, shownPath } from "./_lib/caller_paths.ts";
import { renderTable } from "./_lib/cli_table.ts";

const FORMATS = ["table", "json", "svg", "vl"] as const;
type Format = typeof FORMATS[number];

const USAGE =
  `usage: deno task run <experiment> [--param=value ...] [--seed=N] [--format=table|json|svg|vl] [--out=DIR]
       deno task run --list
  --list          every experiment, its title and its parameters with defaults and ranges
  --param=value   an experiment parameter (see --list); a bad one exits with code 2
  --seed=N        an integer in [${SEED_RANGE.min}, ${SEED_RANGE.max}] (default 1); same seed, same run
  --format=F      table (default, readable), json (one object: experiment, seed, params,
                  summary, traceHash), svg (writes each chart to a file), vl (Vega-Lite specs)
  --out=DIR       with --format=svg: the folder for the SVG files, created if missing
                  (default: the folder you are in; relative paths are taken from there)
  --help          this text`;

class UsageError extends Error {}

interface Cli {
  list: boolean;
  help: boolean;
  experiment?: string;
  seed: number;
  format: Format;
  out: string;
  params: Record<string, string>;
}

/** The CLI's own options; everything else after `--` is an experiment parameter. */
const OPTIONS = new Set(["seed", "format", "out"]);

function parseArgs(args: string[]): Cli {
  // A map with no prototype: a parameter called `__proto__` or `toString` is just a name here,
  // and the experiment refuses it as unknown.
  const params: Record<string, string> = Object.create(null);
  const cli: Cli = { list: false, help: false, seed: 1, format: "table", out: ".", params };
  const extra: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--list") cli.list = true;
    else if (arg === "--help" || arg === "-h") cli.help = true;
    else if (arg.startsWith("--")) {
      extra.push(arg);
      const eq = arg.indexOf("=");
      let name: string, value: string;
      if (eq >= 0) {
        name = arg.slice(2, eq);
        value = arg.slice(eq + 1);
      } else {
        name = arg.slice(2);
        const next = args[i + 1];
        if (next !== undefined && !next.startsWith("--")) {
          value = next;
          i++;
        } else if (OPTIONS.has(name)) {
          // Only a parameter can be a bare flag (a boolean switched on): `--out` alone would
          // otherwise write into a folder called "true".
          throw new UsageError(`--${name} needs a value: --${name}=...`);
        } else value = "true";
      }
      if (Object.hasOwn(cli.params, name)) {
        throw new UsageError(`--${name} is given twice`);
      }
      if (name === "seed") {
        cli.seed = parseSeed(value);
      } else if (name === "format") {
        if (!(FORMATS as readonly string[]).includes(value)) {
          throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, got "${value}"`);
        }
        cli.format = value as Format;
      } else if (name === "out") {
        if (value.trim() === "") throw new UsageError(`--out needs a folder, got ""`);
        cli.out = value;
      } else if (name === "") throw new UsageError(`empty option "${arg}"`);
      else cli.params[name] = value;
    } else if (cli.experiment === undefined) {
      cli.experiment = arg;
      extra.push(arg);
    } else throw new UsageError(`unexpected argument "${arg}"\n${USAGE}`);
  }
  if (cli.list && !cli.help && extra.length > 0) {
    // --list takes nothing else: an ignored flag would look accepted.
    throw new UsageError(`--list takes no other arguments, got "${extra[0]}"`);
  }
  return cli;
}

function formatDefault(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function listing(experiments: Experiment[]): string {
  const lines: string[] = [];
  for (const e of experiments) {
    lines.push(`${e.name} — ${e.title}`);
    for (const [name, spec] of Object.entries(e.params)) {
      lines.push(
        `    --${name}=${formatDefault(spec.default)}  ${spec.description} (${
          describeAllowed(spec)
        })`,
      );
    }
    lines.push("");
  }
  return lines.join("\n");
}

async function toSvg(spec: Record<string, unknown>): Promise<string> {
  // Specs leave their width open so pages can fit them to a column; a file needs one.
  const composite = ["hconcat", "vconcat", "concat", "facet", "repeat"].some((k) => k in spec);
  const sized = composite || spec.width !== undefined ? spec : { ...spec, width: 560 };
  // Imported here, not at the top: loading Vega costs ~0.3 s, and only SVG output needs it.
  const [vega, vegaLite] = await Promise.all([import("vega"), import("vega-lite")]);
  const compiled = vegaLite.compile(sized as unknown as vl.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

async function main(args: string[]): Promise<number> {
  const cli = parseArgs(args);
  if (cli.help) {
    console.log(USAGE);
    return 0;
  }
  if (cli.list) {
    console.log(listing(listExperiments()));
    return 0;
  }
  if (cli.experiment === undefined) throw new UsageError(USAGE);
  const experiment = getExperiment(cli.experiment);
  const params: Record<string, unknown> = {};
  for (const [name, text] of Object.entries(cli.params)) {
    params[name] = parseParamText(experiment, name, text);
  }
  const started = performance.now();
  let lastReport = started;
  const run = runExperiment(experiment.name, params, cli.seed, {
    onProgress(done, total) {
      const now = performance.now();
      if (now - started > 1000 && now - lastReport > 500) {
        lastReport = now;
        const pct = total > 0 ? Math.round((done / total) * 100) : 0;
        Deno.stderr.writeSync(
          new TextEncoder().encode(`\r${experiment.name}: ${done}/${total} (${pct}%)   `),
        );
      }
    },
  });
  if (lastReport !== started) Deno.stderr.writeSync(new TextEncoder().encode("\n"));
  switch (cli.format) {
    case "json":
      console.log(JSON.stringify({
        experiment: run.experiment,
        seed: run.seed,
        params: run.params,
        summary: run.summary,
        traceHash: run.traceHash,
      }));
      break;
    case "vl":
      console.log(JSON.stringify(run.charts.map((c) => c.spec), null, 2));
      break;
    case "svg": {
      if (run.charts.length === 0) {
        console.error(`${run.experiment} has no charts`);
        return 1;
      }
      // `deno task` runs in the repository root: write where the caller is, and print the
      // path as they would type it.
      const folder = fromCaller(cli.out);
      await Deno.mkdir(folder, { recursive: true });
      for (const [i, chart] of run.charts.entries()) {
        const name = `${run.experiment}-seed${run.seed}-${i + 1}.svg`;
        await Deno.writeTextFile(`${folder}/${name}`, await toSvg(chart.spec));
        console.log(`${shownPath(cli.out, name)}  ${chart.title}`);
      }
      break;
    }
    case "table":
      console.log(renderTable(run));
      break;
  }
  return 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (error) {
    if (error instanceof ParamError || error instanceof UsageError) {
      console.error(`error: ${error.message}`);
      Deno.exit(2);
    }
    if (error instanceof RangeError) {
      console.error(`error: ${error.message}`);
      Deno.exit(2);
    }
    if (error instanceof SimulationLimitError) {
      // The values are each in range, but together the run does not end within the
      // simulator's bounds, which the CLI does not expose: bad input, named as such.
      console.error(
        `error: ${
          Deno.args.find((a) => !a.startsWith("-")) ?? "the experiment"
        }: these parameter values do not finish within the simulator's limit (${
          error.message.replace(/;.*$/, "")
        }); choose other values (e.g. the defaults shown by --list)`,
      );
      Deno.exit(2);
    }
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    Deno.exit(1);
  }
}

export { main, parseArgs };
