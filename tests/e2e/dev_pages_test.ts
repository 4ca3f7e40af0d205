/// <reference lib="dom" />
/// <reference lib="deno.ns" />
/**
 * The pages as `deno task dev` serves them, at phone width (390 px): none scrolls sideways and
 * none shows a bare `null`. `pages_test.ts` checks the same on the static build; the preview
 * server adds its own markup (the live-reload client, unbundled modules), so a page can fit one
 * and not the other.
 *
 * A dev server compiles each page on first request, which is slow on a shared machine, so this
 * checks a subset: the pages with the widest content (tables, message diagrams, code cells).
 * `NETSPLIT_DEV_PAGES=raft,paxos` picks others (`index` is the home page).
 *
 * @module
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import {
  bareNulls,
  cellErrors,
  chromiumArgs,
  chromiumMissing,
  chromiumPath,
  renderDeferredCharts,
  repoRoot,
  sidewaysOverflow,
  waitForCharts,
} from "./browser.ts";

/** The default subset: wide tables, message diagrams, code cells, recorded charts. */
const DEFAULT_PAGES = [
  "index",
  "checking",
  "byzantine",
  "paxos",
  "raft",
  "real",
  "time",
  "playground",
];

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

if (chromiumMissing !== undefined) {
  console.warn(`SKIPPED dev server pages test (tests/e2e/dev_pages_test.ts): ${chromiumMissing}`);
}

Deno.test({
  name: "Pages served by deno task dev fit a phone without sideways scrolling or a bare null",
  ignore: chromiumMissing !== undefined,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const pages = Deno.env.get("NETSPLIT_DEV_PAGES")?.split(",") ?? DEFAULT_PAGES;
    const port = freePort();
    const dev = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "tools/dev.ts", `--port=${port}`],
      cwd: repoRoot,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let log = "";
    const decoder = new TextDecoder();
    const drain = (stream: ReadableStream<Uint8Array>) =>
      stream.pipeTo(
        new WritableStream({ write: (chunk) => void (log += decoder.decode(chunk)) }),
      );
    const drained = Promise.all([drain(dev.stdout), drain(dev.stderr)]);
    const profile = await Deno.makeTempDir({ prefix: "netsplit-chromium-" });
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: [...chromiumArgs],
      viewport: { width: 390, height: 900 },
    });
    try {
      const origin = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 90_000;
      for (;;) {
        const ok = await fetch(`${origin}/`).then(async (response) => {
          await response.body?.cancel();
          return response.ok;
        }, () => false);
        if (ok) break;
        if (Date.now() > deadline) throw new Error("Timed out waiting for the preview server");
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      for (const name of pages) {
        await t.step(`${name} at 390 px`, async () => {
          const page = await context.newPage();
          try {
            await page.goto(`${origin}/${name === "index" ? "" : name}`, {
              waitUntil: "networkidle",
              timeout: 120_000,
            });
            await waitForCharts(page, { timeoutMs: 120_000 });
            // Charts render as they near the viewport; a chart is what most often sticks out.
            await renderDeferredCharts(page, { timeoutMs: 120_000 });
            assert.deepEqual(await cellErrors(page), [], `${name}: cells threw`);
            assert.deepEqual(await bareNulls(page), [], `${name} shows a bare null`);
            const { overflowPx, culprits } = await sidewaysOverflow(page);
            assert.ok(
              overflowPx <= 0,
              `${name} on the dev server scrolls sideways by ${overflowPx} px:\n  ${
                culprits.join("\n  ")
              }`,
            );
          } finally {
            await page.close();
          }
        });
      }
    } catch (error) {
      console.error(`deno task dev output:\n${log}`);
      throw error;
    } finally {
      dev.kill("SIGINT");
      await dev.status;
      await drained.catch(() => {});
      await context.close();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    }
  },
});
