/// <reference lib="dom" />
/// <reference lib="deno.ns" />
/**
 * Generic browser checks over every page of the built site (discovered from `dist/`): each
 * loads with no console errors, page errors or failed requests, no cell shows an error, every
 * chart renders a non-empty SVG or canvas, and moving the page's first slider changes what
 * the page shows.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  builtPages,
  cellErrors,
  chromiumMissing,
  expectChartsRendered,
  expectNoConsoleErrors,
  moveSlider,
  openPage,
  pageSignature,
  screenshot,
  screenshotsWanted,
  siteMissing,
  waitForChange,
  waitForCharts,
  withSite,
} from "./browser.ts";

if (chromiumMissing !== undefined) {
  console.warn(`SKIPPED browser tests (tests/e2e/site_test.ts): ${chromiumMissing}`);
}

/** URL of a built page as the site links it (`index.html` -> `/`, `raft.html` -> `/raft.html`). */
function pagePath(file: string): string {
  return `/${file.replace(/(^|\/)index\.html$/, "$1")}`;
}

Deno.test({
  name: "Every page of the built site loads cleanly and renders its charts",
  ignore: chromiumMissing !== undefined,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const missing = siteMissing();
    assert.equal(missing, undefined, missing);
    const all = await builtPages();
    assert.ok(all.includes("index.html"), `dist/ has no index.html: ${all.join(", ")}`);
    // NETSPLIT_PAGES=raft,paxos checks (or screenshots) only those pages.
    const only = Deno.env.get("NETSPLIT_PAGES")?.split(",");
    const pages = all.filter((file) => !only || only.includes(file.replace(/\.html$/, "")));
    await withSite(async (site) => {
      for (const file of pages) {
        await t.step(`${pagePath(file)} loads without errors and its charts render`, async () => {
          const opened = await openPage(site.context, `${site.url}${pagePath(file)}`);
          try {
            if (screenshotsWanted) {
              const paths = await screenshot(opened.page, file.replace(/\.html$/, ""));
              // And at phone width: Framework's `width` is reactive, so cells redraw for it.
              await opened.page.setViewportSize({ width: 390, height: 900 });
              await opened.page.waitForTimeout(500);
              await waitForCharts(opened.page);
              paths.push(...await screenshot(opened.page, `${file.replace(/\.html$/, "")}.390`));
              await opened.page.setViewportSize({ width: 1280, height: 900 });
              await opened.page.waitForTimeout(500);
              await waitForCharts(opened.page);
              console.log(`screenshots: ${paths.join(" ")}`);
            }
            assert.deepEqual(await cellErrors(opened.page), [], `${file}: cells threw`);
            await expectChartsRendered(opened.page);
            const sliders = await opened.page.$$eval(
              "input[type=range]",
              (inputs) =>
                inputs.map((input) => ({
                  min: Number((input as HTMLInputElement).min),
                  max: Number((input as HTMLInputElement).max),
                  value: (input as HTMLInputElement).valueAsNumber,
                })),
            );
            if (sliders.length > 0) {
              const { min, max, value } = sliders[0];
              const before = await pageSignature(opened.page);
              await moveSlider(opened.page, 0, value === max ? min : max);
              await waitForChange(opened.page, before);
              assert.deepEqual(await cellErrors(opened.page), [], `${file}: cells threw`);
              await expectChartsRendered(opened.page);
            }
            expectNoConsoleErrors(opened);
          } finally {
            await opened.page.close();
          }
        });
      }
    });
  },
});
