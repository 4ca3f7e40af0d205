/// <reference lib="dom" />
/// <reference lib="deno.ns" />
/**
 * The same experiment with the same seed gives the same trace hash in Deno and in Chromium
 * running the site's browser bundle (DESIGN: "byte-identical trace, in Deno and in the
 * browser").
 *
 * The bundle under test is the one the built site ships (`dist/_import/lib/netsplit.*.js`),
 * or `docs/lib/netsplit.js` when no page imports it yet.
 *
 * @module
 */
import assert from "node:assert/strict";
import { chromiumMissing, distDir, repoRoot, siteMissing, withSite } from "./browser.ts";

/** Seeds compared between Deno and the browser. */
const seeds = [7, 1, 42];

interface Outcome {
  traceHash: unknown;
  summary: string;
}

type RunExperiment = (
  name: string,
  params: Record<string, unknown>,
  seed: number,
) => { traceHash?: unknown; summary?: unknown };

/** Why the comparison cannot run yet, or the Deno-side `runExperiment`. */
async function loadCore(): Promise<{ skip: string } | { runExperiment: RunExperiment }> {
  let core: Record<string, unknown>;
  try {
    core = await import(`${repoRoot}/src/mod.ts`);
  } catch (error) {
    if (
      error instanceof Error && /Module not found|Cannot (find|load) module/i.test(error.message)
    ) {
      return { skip: "src/mod.ts does not exist yet" };
    }
    throw error;
  }
  if (typeof core.runExperiment !== "function") {
    return { skip: "src/mod.ts does not export runExperiment yet" };
  }
  const runExperiment = core.runExperiment as RunExperiment;
  try {
    runExperiment("fallacies", {}, 7);
  } catch (error) {
    if (
      error instanceof Error &&
      /unknown experiment|not registered|no experiment/i.test(error.message)
    ) {
      return { skip: `the "fallacies" experiment is not registered yet (${error.message})` };
    }
    throw error;
  }
  return { runExperiment };
}

/** The browser bundle the site ships, as a URL path on the test server and a file. */
async function shippedBundle(): Promise<{ urlPath: string; file: string }> {
  try {
    for await (const entry of Deno.readDir(`${distDir}/_import/lib`)) {
      if (/^netsplit\.[0-9a-f]+\.js$/.test(entry.name)) {
        return {
          urlPath: `/_import/lib/${entry.name}`,
          file: `${distDir}/_import/lib/${entry.name}`,
        };
      }
    }
  } catch {
    // No page imports the bundle yet; fall back to the generated file.
  }
  const file = `${repoRoot}/docs/lib/netsplit.js`;
  await Deno.stat(file).catch(() => {
    throw new Error(`Cannot find the browser bundle: ${file} is missing; run "deno task bundle"`);
  });
  return { urlPath: "/__test__/netsplit.js", file };
}

function outcomeOf(result: { traceHash?: unknown; summary?: unknown }): Outcome {
  return { traceHash: result.traceHash, summary: JSON.stringify(result.summary) };
}

const core = await loadCore();
const skip = chromiumMissing ?? ("skip" in core ? core.skip : undefined);
if (skip !== undefined) {
  console.warn(`SKIPPED browser determinism test (tests/e2e/determinism_test.ts): ${skip}`);
}

Deno.test({
  name: "runExperiment gives the same trace hash in Chromium as in Deno",
  ignore: skip !== undefined,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    if ("skip" in core) return;
    const missing = siteMissing();
    assert.equal(missing, undefined, missing);
    const inDeno = seeds.map((seed) => outcomeOf(core.runExperiment("fallacies", {}, seed)));
    assert.equal(typeof inDeno[0].traceHash, "string", "runExperiment returned no traceHash");
    assert.notEqual(inDeno[0].traceHash, inDeno[1].traceHash, "different seeds, same traceHash");
    const bundle = await shippedBundle();
    const inBrowser = await withSite(async (site) => {
      const page = await site.context.newPage();
      await page.goto(`${site.url}/`);
      return await page.evaluate(async ({ url, seeds }) => {
        const ns = await import(url);
        return seeds.map((seed) => {
          const result = ns.runExperiment("fallacies", {}, seed);
          return { traceHash: result.traceHash, summary: JSON.stringify(result.summary) };
        });
      }, { url: `${site.url}${bundle.urlPath}`, seeds });
    }, { files: { "/__test__/netsplit.js": bundle.file } });
    assert.deepEqual(inBrowser, inDeno, `Chromium (${bundle.urlPath}) and Deno disagree`);
  },
});
