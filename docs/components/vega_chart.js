/**
 * Vega-Lite charts for netsplit pages.
 *
 * `VegaChart(spec, {width})` returns an element at once and renders into it asynchronously with
 * vega-embed (imported by bare name from node_modules, so the site builds offline). A chart
 * that fails — a bad spec, a bad data value — shows an inline error box instead of breaking the
 * page, so one broken cell never hides the rest of a notebook.
 *
 * Every chart element carries `data-chart` (its title) and `data-chart-state`
 * (`deferred` until it nears the viewport → `pending` → `rendered` | `error`); the browser
 * tests wait on these.
 *
 * @module
 */
import embed, { vega, vegaLite } from "vega-embed";
import * as themes from "vega-themes";

/**
 * Vega's console logger, minus one warning that Vega-Lite 6 gives wrongly: with autosize
 * "fit-x" (what {@link sizeSpec} asks for) and a discrete y axis it warns that it drops
 * "fit-y", which nobody asked for. Every other warning still reaches the console, where the
 * browser tests look for them.
 */
function chartLogger() {
  const base = vega.logger(vega.Warn);
  const warn = base.warn.bind(base);
  base.warn = (...args) => {
    if (args.length === 1 && args[0] === 'Dropping "fit-y" because spec has discrete height.') {
      return base;
    }
    return warn(...args);
  };
  return base;
}

/** Vega config shared by every chart: transparent background, system fonts. */
const baseConfig = {
  background: "transparent",
  font: "system-ui, -apple-system, sans-serif",
  view: { stroke: null },
};

/** Top-level keys that make a spec a composition, which Vega-Lite cannot "fit" to a width. */
const compositeKeys = ["hconcat", "vconcat", "concat", "facet", "repeat"];

/**
 * Returns a copy of `spec` sized to fit `width`.
 *
 * Single and layered views get `width` and autosize "fit-x", so the whole chart — axes, labels
 * and legend included — fits the width the page gives it; a `width` in the spec (a default for
 * the CLI's SVG output) is overridden. Compositions (concat, facet, repeat) cannot be fitted by
 * Vega-Lite and keep their own sizes. `height` applies only when the spec has none.
 *
 * @param {object} spec A Vega-Lite spec.
 * @param {number | undefined} width Available width in pixels.
 * @param {number | undefined} height Plot height in pixels.
 * @returns {object} The spec to render.
 */
export function sizeSpec(spec, width, height) {
  const sized = { ...spec, config: { ...baseConfig, ...spec.config } };
  const composite = compositeKeys.some((key) => key in spec);
  if (!composite && width !== undefined) {
    sized.width = Math.max(120, Math.floor(width));
    sized.autosize = spec.autosize ?? { type: "fit-x", contains: "padding" };
    // On a phone a title is often wider than the plot it is centred on: it starts at the
    // chart's left edge instead, and a title longer than the chart ends in "…".
    if (sized.width < 500) {
      sized.config.title = {
        anchor: "start",
        frame: "bounds",
        limit: sized.width,
        ...sized.config.title,
      };
    }
  }
  // A vertical stack of plain views without widths of their own (the game day chart) would
  // draw each at Vega-Lite's default width, wider than a phone: each gets the width minus room
  // for its y axis labels instead.
  if (Array.isArray(spec.vconcat) && width !== undefined) {
    sized.vconcat = spec.vconcat.map((view) =>
      view.width !== undefined || compositeKeys.some((key) => key in view)
        ? view
        : { ...view, width: Math.max(120, Math.floor(width) - VCONCAT_AXIS_PX) }
    );
  }
  if (!composite && height !== undefined && spec.height === undefined) sized.height = height;
  // On a phone a row of legends side by side, or one legend of many entries, is wider than the
  // chart and is cut off at the card's edge: entries wrap into columns (their layout stacks).
  if (width !== undefined && width < 500) {
    // A legend on the right would take half of a phone's plot: below it, unless the spec
    // places it itself.
    sized.config.legend = {
      orient: "bottom",
      columns: width < 400 ? 2 : 3,
      labelLimit: 120,
      ...sized.config.legend,
    };
  }
  return sized;
}

/** Room left of a stacked view for its y axis labels and title, in pixels. */
const VCONCAT_AXIS_PX = 170;

/**
 * Vega config for a narrow chart: several legends on one side stack vertically instead of
 * standing side by side (Vega-Lite has no such setting; it goes into the compiled Vega spec).
 *
 * @param {object} compiled A compiled Vega spec.
 * @param {number | undefined} width Available width in pixels.
 * @returns {object} The spec, with legends stacked when `width` is narrow.
 */
export function stackLegends(compiled, width) {
  if (width === undefined || width >= 500) return compiled;
  const stacked = { direction: "vertical", anchor: "start" };
  const config = compiled.config ?? {};
  return {
    ...compiled,
    config: {
      ...config,
      legend: { ...config.legend, layout: { top: stacked, bottom: stacked } },
    },
  };
}

/**
 * Renders a Vega-Lite spec into a new element.
 *
 * @param {object} spec A Vega-Lite spec (plain JSON, as returned by the functions in src/viz).
 * @param {object} [options]
 * @param {number} [options.width] Width of the whole chart in pixels (for example Framework's
 *   `width`); overrides the spec's width for single and layered views.
 * @param {number} [options.height] Plot height in pixels, when the spec has none.
 * @param {"svg" | "canvas"} [options.renderer] Vega renderer. Default "svg".
 * @param {string} [options.title] Label for `data-chart`; defaults to the spec's title.
 * @param {Promise<unknown>} [options.invalidation] Framework's `invalidation`; when it resolves
 *   the Vega view is finalized (timers and listeners released).
 * @returns {HTMLElement} A `<div class="netsplit-chart">`; its `rendered` property is a promise
 *   of the Vega view (or `null` when the chart failed).
 *
 * @example
 * ```js
 * display(VegaChart({mark: "bar", data: {values: [{a: 1}]}, encoding: {x: {field: "a"}}}, {width}));
 * ```
 */
export function VegaChart(spec, options = {}) {
  const { width, height, renderer = "svg", invalidation } = options;
  const element = document.createElement("div");
  element.className = "netsplit-chart";
  element.dataset.chart = options.title ?? titleOf(spec) ?? "";
  element.dataset.chartState = "deferred";
  const target = document.createElement("div");
  element.append(target);
  element.rendered = render(element, target, spec, { width, height, renderer, invalidation });
  return element;
}

/**
 * Lays out charts (for example an experiment result's `charts`) in a responsive grid, each
 * with its title as a caption.
 *
 * @param {{title: string, spec: object}[]} charts Charts to show.
 * @param {object} [options]
 * @param {number} [options.width] Available width in pixels (pass Framework's `width`).
 * @param {number} [options.minColumnWidth] Narrowest column in pixels. Default 320.
 * @param {Promise<unknown>} [options.invalidation] Framework's `invalidation`.
 * @returns {HTMLElement} A `<div class="netsplit-chart-grid">` of `<figure>`s.
 *
 * @example
 * ```js
 * display(ChartGrid(ns.runExperiment("fallacies", {}, 7).charts, {width}));
 * ```
 */
export function ChartGrid(charts, options = {}) {
  const { width, minColumnWidth = 320, invalidation } = options;
  const gap = 16;
  const columns = width === undefined
    ? 1
    : Math.max(1, Math.min(charts.length, Math.floor((width + gap) / (minColumnWidth + gap))));
  const columnWidth = width === undefined ? undefined : (width - gap * (columns - 1)) / columns;
  const grid = document.createElement("div");
  grid.className = "netsplit-chart-grid";
  grid.style.display = "grid";
  grid.style.gap = `${gap}px`;
  grid.style.gridTemplateColumns = `repeat(${columns}, minmax(0, 1fr))`;
  for (const { title, spec } of charts) {
    grid.append(Figure(VegaChart(spec, { width: columnWidth, title, invalidation }), title));
  }
  return grid;
}

/**
 * Wraps an element in a `<figure>` with a caption.
 *
 * @param {Node} content What the figure shows.
 * @param {string} caption Caption text (plain text, not HTML).
 * @returns {HTMLElement} The `<figure>`.
 */
export function Figure(content, caption) {
  const figure = document.createElement("figure");
  figure.className = "netsplit-figure";
  figure.style.margin = "0";
  figure.style.maxWidth = "none";
  figure.append(content);
  if (caption) {
    const figcaption = document.createElement("figcaption");
    figcaption.textContent = caption;
    figure.append(figcaption);
  }
  return figure;
}

/**
 * Builds the inline error box shown in place of a chart that failed.
 *
 * @param {string} message What went wrong.
 * @returns {HTMLElement} A Framework "caution" callout.
 */
export function ChartError(message) {
  const box = document.createElement("div");
  box.className = "caution netsplit-chart-error";
  box.setAttribute("role", "alert");
  box.setAttribute("label", "Chart failed");
  box.style.whiteSpace = "pre-wrap";
  box.textContent = message;
  return box;
}

// Compiling and drawing a chart takes 50-300 ms of main thread, and a page displays several
// charts in one go: rendered together they made one long task of a second or more, with no
// frame drawn. Charts therefore render one at a time, each in a task of its own, so the page
// paints its first chart early and stays responsive while the rest follow.
let renderQueue = Promise.resolve();

function nextTask() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function enqueue(work) {
  const run = renderQueue.then(nextTask).then(work);
  renderQueue = run.catch(() => {});
  return run;
}

async function render(element, target, spec, { width, height, renderer, invalidation }) {
  try {
    if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
      throw new TypeError(`Expected a Vega-Lite spec object, got ${describe(spec)}`);
    }
    await nearViewport(element, invalidation);
    element.dataset.chartState = "pending";
    const result = await enqueue(async () => {
      // A User Timing entry per chart ("chart: <title>"): the browser tests and DevTools show
      // which chart costs the main thread what.
      const startMs = performance.now();
      const done = () => performance.measure(`chart: ${element.dataset.chart}`, { start: startMs });
      const logger = chartLogger();
      try {
        // Compiling Vega-Lite is about a third of a chart's cost: done in a task of its own,
        // so the browser can paint and answer input before parsing and drawing. Framework's
        // default theme follows the reader's light/dark preference; so do charts.
        const compiled = stackLegends(
          vegaLite.compile(sizeSpec(spec, width, height), {
            logger,
            ...(prefersDark() ? { config: themes.dark } : {}),
          }).spec,
          width,
        );
        await nextTask();
        return await embed(target, compiled, { renderer, actions: false, mode: "vega", logger });
      } finally {
        done();
      }
    });
    invalidation?.then(() => result.finalize());
    element.dataset.chartState = "rendered";
    return result.view;
  } catch (error) {
    target.replaceChildren(ChartError(error instanceof Error ? error.message : String(error)));
    element.dataset.chartState = "error";
    return null;
  }
}

/**
 * Resolves once `element` is on screen or within a screen's height of it. A page displays
 * all its charts at load, and compiling and drawing those below the fold made the reader wait
 * (a resilience page's load had main-thread tasks of 0.6 to 0.9 s): charts now render as they
 * come near the viewport. Until then a chart's `data-chart-state` is `deferred`.
 *
 * @param {Element} element The chart element (it may not be in the document yet).
 * @param {Promise<unknown> | undefined} invalidation Stops watching when the cell is redrawn.
 * @returns {Promise<void>}
 */
function nearViewport(element, invalidation) {
  if (typeof IntersectionObserver !== "function") return Promise.resolve();
  return new Promise((resolve) => {
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) {
        observer.disconnect();
        resolve();
      }
    }, { rootMargin: "100% 0px" });
    observer.observe(element);
    invalidation?.then(() => observer.disconnect());
  });
}

function prefersDark() {
  return globalThis.matchMedia?.("(prefers-color-scheme: dark)").matches ?? false;
}

function titleOf(spec) {
  const title = spec?.title;
  if (typeof title === "string") return title;
  if (typeof title?.text === "string") return title.text;
  return undefined;
}

function describe(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}

/**
 * A chart whose plot gets an explicit width, `width` minus room for axes and a legend, rather
 * than autosize "fit": for specs whose legend or long axis titles would otherwise squeeze the
 * plot (the clock pages' charts).
 *
 * @param {object} spec A Vega-Lite spec.
 * @param {object} options
 * @param {number} options.width Available width in pixels.
 * @returns {HTMLElement}
 */
export function PlotWidthChart(spec, { width }) {
  // On a phone a legend on the right takes half the plot: legends go below it instead (specs
  // that place a legend themselves keep it), and the plot keeps room for its y axis only.
  if (width < 500) {
    const config = { ...spec.config, legend: { orient: "bottom", ...spec.config?.legend } };
    const plotWidth = Math.max(160, Math.floor(width) - 70);
    return VegaChart({ ...spec, config, width: plotWidth }, { width });
  }
  const plotWidth = Math.max(160, Math.floor(width) - 150);
  return VegaChart({ ...spec, width: plotWidth }, { width });
}

/**
 * The width a chart gets inside one cell of a Framework `grid grid-cols-N`: the grid shows N
 * columns only from 640 px of page width and one column below, so a chart sized `width / 2`
 * on a phone would draw in half of its card.
 *
 * @param {number} width The page's `width`.
 * @param {{columns?: number, max?: number, padding?: number}} [options]
 * @returns {number}
 */
export function gridCellWidth(width, { columns = 2, max = Infinity, padding = 40 } = {}) {
  const cell = width >= 640 ? width / columns - padding : width - padding;
  return Math.max(160, Math.min(max, cell));
}
