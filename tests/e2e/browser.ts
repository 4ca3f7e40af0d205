/// <reference lib="dom" />
/// <reference lib="deno.ns" />
/**
 * Browser test helpers: launch Debian Chromium through playwright-core, serve the built site,
 * open pages while collecting console errors, page errors and failed requests, wait for
 * charts, move sliders, and take screenshots.
 *
 * Page tests elsewhere reuse these (for example tests/e2e/raft_page_test.ts):
 * ```ts ignore
 * import { expectChartsRendered, expectNoConsoleErrors, moveSlider, openPage, pageSignature,
 *   siteTest, waitForChange } from "./browser.ts";
 * siteTest("Raft page re-runs the election when the timeout slider moves", async (site) => {
 *   const opened = await openPage(site.context, `${site.url}/raft.html`);
 *   const before = await pageSignature(opened.page);
 *   await moveSlider(opened.page, "Election timeout", 300);
 *   await waitForChange(opened.page, before);
 *   await expectChartsRendered(opened.page);
 *   expectNoConsoleErrors(opened);
 * });
 * ```
 *
 * Screenshots: set `NETSPLIT_SCREENSHOTS=1` (or run `deno task screenshots`) and the generic
 * site test saves one full-page PNG per page to `tests/e2e/screenshots/` (git-ignored).
 *
 * @module
 */
import assert from "node:assert/strict";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { serveStatic, type StaticServer } from "./static_server.ts";
import { chromiumPath, repoRoot } from "../../tools/_lib/toolchain.ts";

export { repoRoot };
/** The built site. */
export const distDir = `${repoRoot}/dist`;
/** Where {@linkcode screenshot} writes PNGs (git-ignored). */
export const screenshotDir = `${repoRoot}/tests/e2e/screenshots`;
/** The Chromium binary, shared with tools/test.ts (which installs it). */
export { chromiumPath };

/** Flags for headless Chromium in containers and CI, with no background network traffic. */
export const chromiumArgs: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Why browser tests cannot run here, or `undefined` when they can. Browser tests pass this
 * to `Deno.test({ ignore })` and print it, so a skip is reported, never a silent pass.
 */
export const chromiumMissing: string | undefined = (() => {
  try {
    Deno.statSync(chromiumPath);
    return undefined;
  } catch {
    return `${chromiumPath} is missing (install Debian chromium, or set NETSPLIT_CHROMIUM)`;
  }
})();

/**
 * Why the built site is unusable for tests, or `undefined` when `dist/index.html` exists.
 */
export function siteMissing(): string | undefined {
  try {
    Deno.statSync(`${distDir}/index.html`);
    return undefined;
  } catch {
    return `dist/index.html is missing: run "deno task build" first (deno task test does)`;
  }
}

/** A served site and a browser context to visit it with. */
export interface Site {
  /** Origin of the served `dist/`, without a trailing slash. */
  url: string;
  /** A fresh browser context (own profile directory). */
  context: BrowserContext;
  /** The static server, for tests that need its details. */
  server: StaticServer;
}

/** Options for {@linkcode withSite}. */
export interface SiteOptions {
  /** Extra files served at fixed URL paths (see `serveStatic`). @default {} */
  files?: Record<string, string>;
}

/**
 * Serves `dist/`, launches Chromium with a fresh profile, runs `fn`, and always cleans up.
 *
 * @param fn The test body.
 * @param options Extra files to serve.
 * @returns What `fn` returns.
 * @throws {Error} When the site is not built or Chromium is missing.
 */
export async function withSite<T>(
  fn: (site: Site) => Promise<T>,
  options: SiteOptions = {},
): Promise<T> {
  const missing = siteMissing() ?? chromiumMissing;
  if (missing !== undefined) throw new Error(`Cannot run browser tests: ${missing}`);
  const server = serveStatic(distDir, { files: options.files });
  const profile = await Deno.makeTempDir({ prefix: "netsplit-chromium-" });
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: [...chromiumArgs],
      viewport: { width: 1280, height: 900 },
    });
    return await fn({ url: server.url, context, server });
  } finally {
    await context?.close();
    await server.close();
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}

/**
 * Registers a browser test against the built site: ignored (and reported as such) when
 * Chromium is missing, with sanitizers off (the browser keeps its own resources), and run
 * inside {@linkcode withSite}.
 *
 * @param name Test name, a sentence.
 * @param fn The test body; it gets the served site and a fresh browser context.
 * @param options Extra files to serve (see {@linkcode withSite}).
 */
export function siteTest(
  name: string,
  fn: (site: Site) => Promise<void>,
  options: SiteOptions = {},
): void {
  if (chromiumMissing !== undefined) console.warn(`SKIPPED "${name}": ${chromiumMissing}`);
  Deno.test({
    name,
    ignore: chromiumMissing !== undefined,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: () => withSite(fn, options),
  });
}

/** A page and the problems seen while it loaded and ran. */
export interface OpenedPage {
  page: Page;
  /** Console errors, page errors, failed requests, HTTP errors and remote requests, as lines. */
  problems: string[];
}

/**
 * Options for {@linkcode openPage}. Timeouts are generous on purpose: CI machines are shared
 * and a page may run several simulations on load; a timeout only ever means "too slow".
 */
export interface OpenOptions {
  /** Longest wait for the page and its charts, in milliseconds. @default 60000 */
  timeoutMs?: number;
  /** Also count console warnings as problems (Vega's spec-version and legend warnings). @default false */
  warnings?: boolean;
  /** Viewport to open the page at, before it loads. @default the context's (1280 x 900) */
  viewport?: { width: number; height: number };
  /**
   * Scroll every chart below the fold into view so that it renders (charts render as they
   * near the viewport). Off: only what a reader sees without scrolling. @default true
   */
  renderAll?: boolean;
}

/**
 * Opens `url` in a new page, recording every console error, uncaught error, failed request,
 * HTTP error status and request to another origin, and waits until the network is idle and no chart is pending.
 *
 * @param context Browser context from {@linkcode withSite}.
 * @param url Page URL.
 * @param options Timeout.
 * @returns The page and the list of problems (check it with {@linkcode expectNoConsoleErrors}).
 */
export async function openPage(
  context: BrowserContext,
  url: string,
  options: OpenOptions = {},
): Promise<OpenedPage> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const page = await context.newPage();
  if (options.viewport) await page.setViewportSize(options.viewport);
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
    if (options.warnings && message.type() === "warning") {
      problems.push(`console warning: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => {
    problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`);
  });
  // The site must work offline: any request to another origin is a problem, even where the
  // network would have answered it.
  const origin = new URL(url).origin;
  page.on("request", (request) => {
    const target = new URL(request.url());
    if (/^(https?|wss?):$/.test(target.protocol) && target.origin !== origin) {
      problems.push(`remote request: ${request.url()}`);
    }
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  await page.goto(url, { waitUntil: "networkidle", timeout: timeoutMs });
  await waitForCharts(page, { timeoutMs });
  if (options.renderAll ?? true) await renderDeferredCharts(page, { timeoutMs });
  return { page, problems };
}

/**
 * Scrolls every chart still `deferred` (vega_chart.js renders a chart only as it nears the
 * viewport) into view, one after the other, until each has rendered; then back to the top.
 *
 * @param page A loaded page.
 * @param options Timeout in milliseconds for the whole page (default 60000).
 */
export async function renderDeferredCharts(
  page: Page,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  for (let round = 0; round < 500; round++) {
    // A chart that never shows (inside a closed <details>) is tried once, then skipped.
    const found = await page.evaluate(() => {
      const chart = [...document.querySelectorAll<HTMLElement>('[data-chart-state="deferred"]')]
        .find((element) => element.dataset.chartTried === undefined);
      if (chart === undefined) return false;
      chart.dataset.chartTried = "1";
      chart.scrollIntoView({ block: "center" });
      return true;
    });
    if (!found) break;
    await page.waitForTimeout(50);
    await waitForCharts(page, options);
  }
  await page.evaluate(() => globalThis.scrollTo(0, 0));
}

/**
 * How far the page scrolls sideways, and the outermost elements that stick out (at most 6).
 *
 * @param page A loaded page.
 * @returns Overflow in pixels (0 or less: none) and a line per culprit.
 */
export async function sidewaysOverflow(
  page: Page,
): Promise<{ overflowPx: number; culprits: string[] }> {
  return await page.evaluate(() => {
    const viewport = document.documentElement.clientWidth;
    const overflowPx = document.documentElement.scrollWidth - viewport;
    // An element sticking out of a box that clips or scrolls (overflow other than visible)
    // does not widen the page; only the outermost unclipped ones are worth reporting.
    const clipped = (element: Element) => {
      for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
        if (getComputedStyle(up).overflowX !== "visible") return true;
      }
      return false;
    };
    const culprits = overflowPx <= 0 ? [] : [...document.querySelectorAll("body *")]
      .filter((element) => element.getBoundingClientRect().right > viewport + 1)
      .filter((element) => !clipped(element))
      .filter((element, _, wide) => !wide.includes(element.parentElement!))
      .slice(0, 6)
      .map((element) =>
        `${element.tagName.toLowerCase()}.${
          String(element.getAttribute("class") ?? "").replaceAll(" ", ".")
        } right=${
          Math.round(element.getBoundingClientRect().right)
        } in ${element.parentElement?.tagName.toLowerCase()}.${
          element.parentElement?.getAttribute("class") ?? ""
        }`
      );
    return { overflowPx, culprits };
  });
}

/**
 * Text a reader should never see: a cell value or table cell that is the bare word `null` or
 * `undefined` (issue 12: Checking printed "null" under its verdicts, CRDT's summary table
 * showed "first violation: null").
 *
 * @param page A loaded page.
 * @returns The offending texts, one per element.
 */
export function bareNulls(page: Page): Promise<string[]> {
  return page.$$eval(
    "#observablehq-main .observablehq--inspect, #observablehq-main td",
    (elements) =>
      elements.map((element) => (element.textContent ?? "").trim())
        .filter((text) => text === "null" || text === "undefined"),
  );
}

/**
 * Disclosures with nothing to disclose: `<details>` whose only content is their summary.
 *
 * @param page A loaded page.
 * @returns The summaries of the empty ones.
 */
export function emptyDisclosures(page: Page): Promise<string[]> {
  return page.$$eval(
    "#observablehq-main details",
    (elements) =>
      elements.filter((details) =>
        [...details.childNodes].every((node) =>
          node.nodeName === "SUMMARY" || (node.textContent ?? "").trim() === ""
        )
      ).map((details) => details.querySelector("summary")?.textContent?.trim() ?? "(no summary)"),
  );
}

/**
 * Fails with every recorded problem of a page, one per line.
 *
 * @param opened The result of {@linkcode openPage}.
 * @throws {assert.AssertionError} When anything went wrong on the page.
 */
export function expectNoConsoleErrors(opened: OpenedPage): void {
  assert.deepEqual(
    opened.problems,
    [],
    `${opened.page.url()} had problems:\n  ${opened.problems.join("\n  ")}`,
  );
}

/**
 * Returns the error messages Framework shows inline for cells that threw.
 *
 * @param page A loaded page.
 * @returns One message per failed cell.
 */
export function cellErrors(page: Page): Promise<string[]> {
  return page.$$eval(
    ".observablehq--error",
    (elements) => elements.map((element) => (element.textContent ?? "").trim()),
  );
}

/** What a chart element (from `VegaChart`) ended up as. */
export interface ChartStatus {
  /** The `data-chart` title. */
  title: string;
  /** `pending`, `rendered` or `error`. */
  state: string;
  /** Number of elements inside the chart's `<svg>` (0 when there is none). */
  svgElements: number;
  /** Pixel area of the chart's `<canvas>` (0 when there is none). */
  canvasArea: number;
  /** The inline error text, when the chart failed. */
  error: string;
}

/**
 * Describes every chart on the page.
 *
 * @param page A loaded page.
 * @returns One status per `[data-chart]` element, in document order.
 */
export function chartsRendered(page: Page): Promise<ChartStatus[]> {
  return page.$$eval("[data-chart]", (elements) =>
    elements.map((element) => {
      const svg = element.querySelector("svg");
      const canvas = element.querySelector("canvas");
      return {
        title: (element as HTMLElement).dataset.chart ?? "",
        state: (element as HTMLElement).dataset.chartState ?? "",
        svgElements: svg ? svg.querySelectorAll("*").length : 0,
        canvasArea: canvas ? canvas.width * canvas.height : 0,
        error: element.querySelector(".netsplit-chart-error")?.textContent ?? "",
      };
    }));
}

/**
 * Fails unless every chart on the page rendered a non-empty SVG or canvas, once scrolled into
 * view ({@linkcode renderDeferredCharts}).
 *
 * @param page A loaded page.
 * @returns The statuses, for further checks.
 */
export async function expectChartsRendered(page: Page): Promise<ChartStatus[]> {
  // Charts render as they near the viewport: bring the rest into view first.
  await renderDeferredCharts(page);
  const charts = await chartsRendered(page);
  const broken = charts.filter((chart) =>
    chart.state !== "rendered" || (chart.svgElements === 0 && chart.canvasArea === 0)
  );
  assert.deepEqual(
    broken,
    [],
    `${page.url()}: ${broken.length} of ${charts.length} charts did not render:\n  ${
      broken.map((c) => `"${c.title}" ${c.state} ${c.error}`).join("\n  ")
    }`,
  );
  return charts;
}

/**
 * Waits until no experiment runs in a worker (`data-experiments-running` on the root element,
 * from experiment_run.js) and no chart on the page is still pending.
 *
 * @param page A page.
 * @param options Timeout in milliseconds (default 60000).
 */
export async function waitForCharts(
  page: Page,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  const settled = () =>
    page.waitForFunction(
      () =>
        (document.documentElement.dataset.experimentsRunning ?? "0") === "0" &&
        [...document.querySelectorAll<HTMLElement>("[data-chart]")].every((element) =>
          element.dataset.chartState !== "pending"
        ),
      undefined,
      { timeout: options.timeoutMs ?? 60_000 },
    );
  // A finished worker run hands its result to cells that then create charts, later on a busy
  // machine: settled means no run, no pending chart, and the page unchanged for a moment.
  for (let round = 0; round < 100; round++) {
    await settled();
    const before = await pageSignature(page);
    await page.waitForTimeout(300);
    await settled();
    if (await pageSignature(page) === before) return;
  }
}

/**
 * Sets a range slider (Framework's `Inputs.range`) and fires the `input` event its cell
 * listens to.
 *
 * @param page A loaded page.
 * @param slider The slider's label text (substring match), or its index among the page's
 *   range inputs.
 * @param value The new value (clamped by the browser to the slider's range and step).
 * @returns The value the slider holds afterwards.
 * @throws {Error} When no such slider exists.
 */
export async function moveSlider(
  page: Page,
  slider: string | number,
  value: number,
): Promise<number> {
  const result = await page.evaluate(([slider, value]) => {
    const inputs = [...document.querySelectorAll<HTMLInputElement>("input[type=range]")];
    // Inputs.range wraps its label and inputs in one <form>.
    const input = typeof slider === "number"
      ? inputs[slider]
      : inputs.find((element) => (element.closest("form")?.textContent ?? "").includes(slider));
    if (!input) {
      return { error: `No slider ${JSON.stringify(slider)} among ${inputs.length} sliders` };
    }
    input.value = String(value);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    return { value: input.valueAsNumber };
  }, [slider, value] as const);
  if ("error" in result) throw new Error(`Cannot move slider: ${result.error}`);
  return result.value as number;
}

/**
 * A fingerprint of the page's main content (charts, text, tables), to detect re-renders.
 *
 * @param page A loaded page.
 * @returns A string that changes when the rendered content changes.
 */
export function pageSignature(page: Page): Promise<string> {
  return page.evaluate(() => {
    const main = document.querySelector("#observablehq-main") ?? document.body;
    const text = main.innerHTML;
    let hash = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
    return `${text.length}:${(hash >>> 0).toString(16)}`;
  });
}

/**
 * Waits until the page's content differs from `before` and its charts have settled.
 *
 * @param page A loaded page.
 * @param before A {@linkcode pageSignature} taken earlier.
 * @param options Timeout in milliseconds (default 30000).
 * @throws {Error} When nothing changed in time.
 */
export async function waitForChange(
  page: Page,
  before: string,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await pageSignature(page) !== before) {
      await waitForCharts(page, { timeoutMs });
      return;
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`${page.url()}: the page did not change within ${timeoutMs} ms`);
}

/** Whether `NETSPLIT_SCREENSHOTS` asks for screenshots. */
export const screenshotsWanted: boolean = ["1", "true", "yes"].includes(
  (Deno.env.get("NETSPLIT_SCREENSHOTS") ?? "").toLowerCase(),
);

/** Height of one screenshot tile: tall pages are also saved in parts this high. */
export const screenshotTileHeight = 1800;

/**
 * Saves a full-page PNG of `page` to `tests/e2e/screenshots/<name>.png` and, for pages taller
 * than {@linkcode screenshotTileHeight}, also `<name>.part1.png`, `<name>.part2.png`, ... (tall
 * full-page images are hard to read in an image viewer).
 *
 * @param page A loaded page.
 * @param name File name without extension (slashes become dashes).
 * @returns The paths written, the full page first.
 */
export async function screenshot(page: Page, name: string): Promise<string[]> {
  await Deno.mkdir(screenshotDir, { recursive: true });
  const base = `${screenshotDir}/${name.replaceAll("/", "-")}`;
  // A full-page capture resizes the viewport to the page's height, which drops the scrollbar,
  // widens the page, and makes width-dependent cells redraw their charts mid-capture (empty
  // cards in the picture). So: make the viewport as tall as the page first, let the charts
  // settle at that size, then capture what the viewport shows.
  const viewport = page.viewportSize() ?? { width: 1280, height: 900 };
  let height = viewport.height;
  for (let round = 0; round < 3; round++) {
    const pageHeight = await page.evaluate(() => document.documentElement.scrollHeight);
    if (pageHeight === height) break;
    height = pageHeight;
    await page.setViewportSize({ width: viewport.width, height });
    await waitForCharts(page);
  }
  const paths: string[] = [];
  try {
    await page.screenshot({ path: `${base}.png` });
    paths.push(`${base}.png`);
    const width = await page.evaluate(() => document.documentElement.clientWidth);
    if (height > screenshotTileHeight) {
      for (let y = 0, part = 1; y < height; y += screenshotTileHeight, part++) {
        const path = `${base}.part${part}.png`;
        await page.screenshot({
          path,
          clip: { x: 0, y, width, height: Math.min(screenshotTileHeight, height - y) },
        });
        paths.push(path);
      }
    }
  } finally {
    await page.setViewportSize(viewport);
    await waitForCharts(page);
  }
  return paths;
}

/**
 * Lists the pages of the built site.
 *
 * @param dir A built site (default `dist/`).
 * @returns HTML files relative to `dir`, such as `index.html` and `consensus/raft.html`.
 */
export async function builtPages(dir: string = distDir): Promise<string[]> {
  const pages: string[] = [];
  async function walk(relative: string): Promise<void> {
    for await (const entry of Deno.readDir(`${dir}/${relative}`)) {
      const path = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory && !entry.name.startsWith("_")) await walk(path);
      else if (entry.isFile && entry.name.endsWith(".html")) pages.push(path);
    }
  }
  await walk("");
  return pages.sort();
}
