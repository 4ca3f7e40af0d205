/// <reference lib="dom" />
/// <reference lib="deno.ns" />
/**
 * VegaChart's contract, checked in Chromium on the component as the built site ships it:
 * a good spec renders an SVG (or a canvas), a bad spec or a non-object shows an inline error
 * box, and neither breaks the page.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  chartsRendered,
  chromiumMissing,
  distDir,
  expectNoConsoleErrors,
  openPage,
  siteTest,
  waitForCharts,
} from "./browser.ts";

/** The hashed component file in `dist/_import/components/`. */
async function builtComponent(): Promise<string> {
  const dir = `${distDir}/_import/components`;
  for await (const entry of Deno.readDir(dir)) {
    if (/^vega_chart\.[0-9a-f]+\.js$/.test(entry.name)) return `/_import/components/${entry.name}`;
  }
  throw new Error(
    `No vega_chart.<hash>.js in ${dir}: no page imports docs/components/vega_chart.js`,
  );
}

const line = {
  title: "good",
  data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }] },
  mark: "line",
  encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
};

/** A test page, written once per run and served at a fixed path outside dist/. */
const testPage = chromiumMissing === undefined
  ? await Deno.makeTempFile({ prefix: "netsplit-vega-chart-", suffix: ".html" })
  : "";

siteTest("VegaChart renders good specs and shows an inline error for bad ones", async (site) => {
  const component = await builtComponent();
  await Deno.writeTextFile(
    testPage,
    `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
    <body><script type="module">
    import { VegaChart, ChartGrid } from "${component}";
    const line = ${JSON.stringify(line)};
    document.body.append(
      VegaChart(line, { width: 400 }),
      VegaChart({ ...line, title: "canvas" }, { width: 400, renderer: "canvas" }),
      VegaChart({ title: "bad mark", mark: "no-such-mark", data: { values: [] } }, { width: 400 }),
      VegaChart(null, { title: "not a spec" }),
      ChartGrid([{ title: "grid a", spec: line }, { title: "grid b", spec: line }], { width: 800 }),
    );
    </script>`,
  );
  try {
    const opened = await openPage(site.context, `${site.url}/__test__/vega_chart.html`);
    await waitForCharts(opened.page);
    const charts = await chartsRendered(opened.page);
    const byTitle = Object.fromEntries(charts.map((chart) => [chart.title, chart]));
    assert.deepEqual(Object.keys(byTitle).sort(), [
      "bad mark",
      "canvas",
      "good",
      "grid a",
      "grid b",
      "not a spec",
    ]);
    for (const title of ["good", "grid a", "grid b"]) {
      assert.equal(byTitle[title].state, "rendered", title);
      assert.ok(byTitle[title].svgElements > 0, `${title}: empty SVG`);
    }
    assert.equal(byTitle.canvas.state, "rendered");
    assert.ok(byTitle.canvas.canvasArea > 0, "canvas chart has no pixels");
    assert.equal(byTitle["bad mark"].state, "error");
    assert.match(byTitle["not a spec"].error, /Expected a Vega-Lite spec object, got null/);
    const captions = await opened.page.$$eval("figcaption", (els) => els.map((e) => e.textContent));
    assert.deepEqual(captions, ["grid a", "grid b"]);
    // A failed chart is shown on the page, not thrown: the page itself stays error-free.
    expectNoConsoleErrors(opened);
  } finally {
    await Deno.remove(testPage);
  }
}, { files: { "/__test__/vega_chart.html": testPage } });
