/// <reference lib="dom" />
/// <reference lib="deno.ns" />
/**
 * The Checking page's two quiet outcomes, reached by clicking as a reader would: a history
 * that is not JSON, and a search that finds no violation. Neither may show a bare `null`
 * (issue 12: the page printed "null" where there was nothing to draw) nor a disclosure with
 * nothing inside, and both must say what happened.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  bareNulls,
  cellErrors,
  emptyDisclosures,
  expectNoConsoleErrors,
  openPage,
  siteTest,
  waitForCharts,
} from "./browser.ts";

siteTest(
  "The Checking page explains a bad history and a clean search with no null and no empty disclosure",
  async (site) => {
    const opened = await openPage(site.context, `${site.url}/checking.html`, {
      viewport: { width: 390, height: 900 },
    });
    const { page } = opened;
    try {
      // A history that is not JSON: the verdict cell says so, and draws no timeline.
      await page.fill("textarea", "{not json");
      await page.getByRole("button", { name: "Check" }).click();
      await page.getByText("Bad history:").waitFor({ timeout: 30_000 });
      await waitForCharts(page);
      assert.deepEqual(await cellErrors(page), [], "cells threw after a bad history");
      assert.deepEqual(await bareNulls(page), [], "a bad history shows a bare null");
      assert.deepEqual(await emptyDisclosures(page), [], "a bad history leaves an empty <details>");
      // The default example's timeline went with its violation.
      const timelines = await page.locator('[data-chart^="Not linearizable"]').count();
      assert.equal(timelines, 0, "a bad history still shows the last violation's timeline");

      // The correct variant: the search finds nothing, and the page says so without a trace
      // disclosure or a counterexample chart.
      await page.getByRole("radio", { name: "correct", exact: true }).check();
      await page.getByText(/No violation in \d+ cases/).waitFor({ timeout: 120_000 });
      await waitForCharts(page, { timeoutMs: 120_000 });
      assert.deepEqual(await cellErrors(page), [], "cells threw after a clean search");
      assert.deepEqual(await bareNulls(page), [], "a clean search shows a bare null");
      assert.deepEqual(
        await emptyDisclosures(page),
        [],
        "a clean search leaves an empty <details>",
      );
      const traces = await page.locator("summary", { hasText: "The trace up to the violation" })
        .count();
      assert.equal(traces, 0, "a clean search offers a trace of a violation it did not find");
      expectNoConsoleErrors(opened);
    } finally {
      await page.close();
    }
  },
);
