// Editable, runnable code cells for any page:
//
//   import {Cell} from "./components/cell.js";
//   display(Cell(`const r = ns.runExperiment("fallacies", {}, 7);\nr.charts[0].spec`));
//
// The code runs in a module worker (cell_worker.js) that has the core library as `ns`, plus
// `display(value)` for extra outputs and `html\`...\`` for markup. The value of the last
// expression is the cell's output. A cell that overruns its time budget is stopped by
// terminating the worker, which is then respawned, so a `while (true) {}` never freezes the
// page. Edits persist in localStorage; Share puts the code in the URL hash, and code that
// arrives that way is shown but only runs when the reader presses Run.

import { FileAttachment } from "observablehq:stdlib";
import { Inspector } from "observablehq:runtime";
import { parser } from "@lezer/javascript";

const WORKER_URL = FileAttachment("./cell_worker.js").href;
const BUNDLE_URL = FileAttachment("../lib/netsplit.js").href;
const MARK = "__netsplit";
const STORAGE_PREFIX = "netsplit.cell:";
const HASH_PREFIX = "cell-";

/** Metrics the e2e tests read: worker start time and when the first cell became runnable. */
const metrics = (globalThis.__netsplitCells ??= { workerStarts: [], firstReadyMs: null });

// One worker per page, shared by every cell; runs are queued so cells do not interleave.
class Runner {
  #worker = null;
  #ready = null;
  #queue = [];
  #current = null;
  #nextId = 1;
  #listeners = new Set();

  constructor() {
    this.#spawn();
  }

  get ready() {
    return this.#ready;
  }

  onReadyChange(listener) {
    this.#listeners.add(listener);
  }

  #spawn() {
    const started = performance.now();
    metrics.spawnedAtMs ??= started;
    const worker = new Worker(WORKER_URL, { type: "module" });
    this.#worker = worker;
    this.#ready = new Promise((resolve, reject) => {
      worker.onmessage = (event) => {
        const message = event.data;
        if (message.type === "ready") {
          metrics.workerStarts.push({
            totalMs: performance.now() - started,
            importMs: message.loadMs,
            scriptStartMs: message.scriptStartMs,
            initAtMs: message.initAtMs,
            readyAtMs: message.readyAtMs,
          });
          resolve();
        } else if (message.type === "init-failed") {
          reject(
            new Error(`The cell worker could not load the netsplit library: ${message.message}`),
          );
        } else this.#settle(message);
      };
      worker.onerror = (event) =>
        reject(new Error(`The cell worker failed to start: ${event.message ?? "unknown error"}`));
    });
    worker.postMessage({ type: "init", bundleUrl: new URL(BUNDLE_URL, location.href).href });
    for (const listener of this.#listeners) listener(this.#ready);
  }

  /** Queues a function body; `promise` resolves to {type: "result"|"error"|"timeout"|"stopped", ...}. */
  run(body, budgetMs) {
    const id = this.#nextId++;
    const promise = new Promise((resolve) => {
      this.#queue.push({ id, body, budgetMs, resolve });
    });
    this.#pump();
    return { id, promise };
  }

  /** Stops the running job (if `id` matches) by replacing the worker. */
  stop(id, type = "stopped") {
    if (this.#current?.id !== id) {
      const i = this.#queue.findIndex((job) => job.id === id);
      if (i >= 0) this.#queue.splice(i, 1)[0].resolve({ type });
      return;
    }
    const job = this.#current;
    this.#current = null;
    clearTimeout(job.timer);
    this.#worker.terminate();
    this.#spawn();
    job.resolve({ type, ms: performance.now() - job.started });
    this.#pump();
  }

  async #pump() {
    if (this.#current || this.#queue.length === 0) return;
    const job = this.#queue.shift();
    this.#current = job;
    try {
      await this.#ready;
    } catch (error) {
      this.#current = null;
      job.resolve({
        type: "error",
        outputs: [],
        error: { name: "Error", message: error.message, line: null },
      });
      return this.#pump();
    }
    if (this.#current !== job) return;
    job.started = performance.now();
    job.timer = setTimeout(() => this.stop(job.id, "timeout"), job.budgetMs);
    this.#worker.postMessage({ type: "run", id: job.id, body: job.body });
  }

  #settle(message) {
    const job = this.#current;
    if (!job || job.id !== message.id) return;
    clearTimeout(job.timer);
    this.#current = null;
    job.resolve(message);
    this.#pump();
  }
}

let runner = null;
function getRunner() {
  return (runner ??= new Runner());
}
// Start the sandbox as soon as a page imports this module, while the page is still
// rendering: the worker's start-up then overlaps with the page's own work.
if (typeof Worker !== "undefined" && typeof document !== "undefined") getRunner();
const editorModule = import("./cell_editor.js");

// Makes the last top-level expression the cell's value, without moving any line, so error
// line numbers still match the editor.
export function toFunctionBody(code) {
  const tree = parser.parse(code);
  let last = tree.topNode.lastChild;
  while (
    last && (last.type.isError || last.name === "LineComment" || last.name === "BlockComment")
  ) {
    last = last.prevSibling;
  }
  if (!last || last.name !== "ExpressionStatement") return code;
  let end = last.to;
  const text = code.slice(last.from, last.to);
  const trimmed = text.replace(/[\s;]+$/, "");
  end = last.from + trimmed.length;
  return code.slice(0, last.from) + "return (" + code.slice(last.from, end) + ");" +
    code.slice(end);
}

// The first syntax error's line, from the same parser the editor uses.
function syntaxErrorLine(code) {
  const tree = parser.parse(code);
  let line = null;
  tree.iterate({
    enter(node) {
      if (line === null && node.type.isError) line = code.slice(0, node.from).split("\n").length;
      return line === null;
    },
  });
  return line;
}

function hashCode(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

function toBase64Url(text) {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64Url(text) {
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

function hashParams() {
  return new URLSearchParams(location.hash.slice(1));
}

function storageGet(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function storageSet(key, value) {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch { /* private mode or quota: edits just do not persist */ }
}

// ---------------------------------------------------------------------------------------
// Output rendering

function isVegaLiteSpec(value) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  if (typeof value.$schema === "string") return value.$schema.includes("vega-lite");
  const composite = ["layer", "hconcat", "vconcat", "concat", "facet", "repeat"].some((k) =>
    k in value
  );
  return ("mark" in value || composite) && ("data" in value || "encoding" in value || composite);
}

function isPlainRecord(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype && !(MARK in value);
}

function isChartList(value) {
  return Array.isArray(value?.charts) && value.charts.every((c) => isVegaLiteSpec(c?.spec));
}

// Turns the worker's markers back into inspectable values.
function revive(value) {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(revive);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [revive(k), revive(v)]));
  if (value instanceof Set) return new Set([...value].map(revive));
  if (value instanceof Date || value instanceof RegExp || ArrayBuffer.isView(value)) return value;
  switch (value[MARK]) {
    case "function": {
      const fn = function () {};
      fn.toString = () => value.text;
      Object.defineProperty(fn, "name", { value: value.text });
      return fn;
    }
    case "symbol":
    case "cycle":
    case "elided":
      return { [Symbol.toStringTag]: value.text ?? value[MARK] };
    case "error": {
      const error = new Error(value.message);
      error.name = value.name;
      return error;
    }
    case "instance": {
      const Named = { [value.className]: class {} }[value.className];
      return Object.assign(
        new Named(),
        Object.fromEntries(Object.entries(value.entries).map(([k, v]) => [k, revive(v)])),
      );
    }
    case "html":
      return value;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)]));
}

// Markup from a cell is untrusted (it may come from a shared link): scripts, event handlers,
// frames and javascript: URLs are removed before it reaches the page.
function sanitizedFragment(markup) {
  const doc = new DOMParser().parseFromString(`<body>${markup}</body>`, "text/html");
  for (
    const bad of doc.body.querySelectorAll("script,iframe,object,embed,link,meta,style,base,form")
  ) bad.remove();
  for (const element of doc.body.querySelectorAll("*")) {
    for (const attribute of [...element.attributes]) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value.trim().toLowerCase();
      if (
        name.startsWith("on") ||
        ((name === "href" || name === "src" || name.endsWith(":href")) &&
          value.startsWith("javascript:"))
      ) {
        element.removeAttribute(attribute.name);
      }
    }
  }
  const fragment = document.createElement("div");
  fragment.className = "ns-cell-html";
  fragment.append(...doc.body.childNodes);
  return fragment;
}

function table(rows) {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const shown = rows.slice(0, 200);
  const element = document.createElement("div");
  element.className = "ns-cell-table";
  const t = document.createElement("table");
  const head = t.createTHead().insertRow();
  for (const c of columns) {
    head.appendChild(Object.assign(document.createElement("th"), { textContent: c }));
  }
  const body = t.createTBody();
  for (const row of shown) {
    const tr = body.insertRow();
    for (const c of columns) {
      const v = row[c];
      tr.insertCell().textContent = v === undefined
        ? ""
        : typeof v === "object"
        ? JSON.stringify(v)
        : String(v);
    }
  }
  element.appendChild(t);
  if (rows.length > shown.length) {
    element.appendChild(
      Object.assign(document.createElement("p"), {
        textContent: `… ${rows.length - shown.length} more rows`,
      }),
    );
  }
  return element;
}

function inspector(value) {
  const element = document.createElement("div");
  new Inspector(element).fulfilled(value);
  return element;
}

function chart(spec, width) {
  const element = document.createElement("div");
  element.className = "ns-cell-chart";
  // Loaded on first use: Vega is most of a page's JavaScript and many cells never chart.
  import("./vega_chart.js")
    .then(({ VegaChart }) => VegaChart(spec, { width }))
    .then((node) => element.appendChild(node))
    .catch((error) =>
      element.appendChild(errorBox({ name: "Chart error", message: error.message, line: null }))
    );
  return element;
}

export function renderValue(value, { width = 640 } = {}) {
  if (value?.[MARK] === "html") return sanitizedFragment(value.html);
  if (isVegaLiteSpec(value)) return chart(value, width);
  if (isChartList(value)) {
    const element = document.createElement("div");
    for (const c of value.charts) {
      element.appendChild(
        Object.assign(document.createElement("h4"), { textContent: c.title ?? "" }),
      );
      element.appendChild(chart(c.spec, width));
    }
    element.appendChild(inspector(revive(value)));
    return element;
  }
  if (Array.isArray(value) && value.length > 0 && value.every(isPlainRecord)) return table(value);
  return inspector(revive(value));
}

function errorBox(error) {
  const element = document.createElement("div");
  element.className = "ns-cell-error";
  element.setAttribute("role", "alert");
  const where = error.line ? `Line ${error.line}: ` : "";
  element.textContent = `${where}${error.name}: ${error.message}`;
  return element;
}

function notice(text, kind = "info") {
  return Object.assign(document.createElement("div"), {
    className: `ns-cell-notice ns-cell-${kind}`,
    textContent: text,
  });
}

// ---------------------------------------------------------------------------------------
// The component

const STYLE = `
.ns-cell { border: 1px solid var(--theme-foreground-faintest, #ddd); border-radius: 6px; margin: 1rem 0; max-width: 960px; }
.ns-cell-head { display: flex; gap: .5rem; align-items: center; padding: .35rem .5rem; border-bottom: 1px solid var(--theme-foreground-faintest, #ddd); font: 13px var(--sans-serif, sans-serif); }
.ns-cell-title { font-weight: 600; flex: 1; }
.ns-cell-head button { font: inherit; padding: .15rem .6rem; cursor: pointer; }
.ns-cell-head button:disabled { cursor: default; opacity: .55; }
.ns-cell-status { color: var(--theme-foreground-muted, #666); font-size: 12px; min-width: 7em; text-align: right; }
.ns-cell-editor .cm-editor { font-size: 13px; }
.ns-cell-plain { display: block; box-sizing: border-box; width: 100%; border: 0; resize: vertical; padding: 4px 6px 4px 34px; font: 13px/1.4 var(--monospace, monospace); background: transparent; color: inherit; }
.ns-cell-editor .cm-editor.cm-focused { outline: none; }
.ns-cell-output { padding: .5rem; overflow-x: auto; }
.ns-cell-output:empty { display: none; }
.ns-cell-error { color: var(--theme-red, #c00); font: 13px var(--monospace, monospace); white-space: pre-wrap; }
.ns-cell-notice { font: 13px var(--sans-serif, sans-serif); padding: .35rem .5rem; }
.ns-cell-warning { background: color-mix(in srgb, var(--theme-red, #c00) 10%, transparent); }
.ns-cell-info { background: color-mix(in srgb, var(--theme-blue, #36c) 10%, transparent); }
.ns-cell-share { width: 100%; font: 12px var(--monospace, monospace); }
.ns-cell-table { max-height: 320px; overflow: auto; }
.ns-cell-table table { font: 12px var(--monospace, monospace); border-collapse: collapse; }
.ns-cell-table th, .ns-cell-table td { padding: 2px 8px; border-bottom: 1px solid var(--theme-foreground-faintest, #eee); text-align: left; }
`;

function ensureStyle() {
  if (document.getElementById("ns-cell-style")) return;
  document.head.appendChild(
    Object.assign(document.createElement("style"), { id: "ns-cell-style", textContent: STYLE }),
  );
}

function button(text, title, onClick) {
  const element = Object.assign(document.createElement("button"), {
    type: "button",
    textContent: text,
    title,
  });
  element.addEventListener("click", onClick);
  return element;
}

/**
 * An editable, runnable code cell.
 *
 * @param {string} code The cell's original code (JavaScript; the library is `ns`).
 * @param {object} [options]
 * @param {string} [options.title] Heading shown above the editor. @default "Code"
 * @param {number} [options.height] Maximum editor height in px before it scrolls. @default 320
 * @param {boolean} [options.autorun] Run the original (or the reader's saved) code on load. @default true
 * @param {number} [options.budgetMs] Time budget for one run before the worker is stopped. @default 5000
 * @param {string} [options.id] Stable id for storage and share links. @default hash of `code`
 * @param {number} [options.width] Width for charts. @default 640
 * @returns {HTMLElement}
 */
export function Cell(code, options = {}) {
  const { title = "Code", height = 320, autorun = true, budgetMs = 5000, width = 640 } = options;
  if (typeof code !== "string") {
    throw new TypeError(`Cell code must be a string, got ${typeof code}`);
  }
  if (!(budgetMs > 0)) throw new RangeError(`Cell option budgetMs must be > 0, got ${budgetMs}`);
  ensureStyle();
  const id = options.id ?? hashCode(code);
  const storageKey = `${STORAGE_PREFIX}${location.pathname}:${id}`;
  const shared = hashParams().get(HASH_PREFIX + id);
  let sharedCode = null;
  if (shared) {
    try {
      sharedCode = fromBase64Url(shared);
    } catch { /* a mangled link falls back to the original code */ }
  }
  const saved = storageGet(storageKey);
  const initial = sharedCode ?? saved ?? code;

  const root = document.createElement("div");
  root.className = "ns-cell";
  root.dataset.cellId = id;
  const head = document.createElement("div");
  head.className = "ns-cell-head";
  const titleElement = Object.assign(document.createElement("span"), {
    className: "ns-cell-title",
    textContent: title,
  });
  const status = Object.assign(document.createElement("span"), {
    className: "ns-cell-status",
    textContent: "Loading…",
  });
  const runButton = button("Run", "Run (Shift-Enter)", () => (currentJob ? stop() : run()));
  runButton.classList.add("ns-cell-run");
  runButton.disabled = true;
  const resetButton = button("Reset", "Restore the original code", () => reset());
  const shareButton = button("Share", "Put this code in the page link", () => share());
  head.append(titleElement, status, runButton, resetButton, shareButton);
  const banner = document.createElement("div");
  const editorElement = document.createElement("div");
  editorElement.className = "ns-cell-editor";
  const output = document.createElement("div");
  output.className = "ns-cell-output";
  output.setAttribute("aria-live", "polite");
  root.append(head, banner, editorElement, output);

  // A plain text area first, so the cell can run before the editor module has loaded; the
  // CodeMirror editor replaces it, keeping the text, as soon as it is there.
  let saveTimer = null;
  const scheduleSave = () => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      const text = getCode();
      storageSet(storageKey, text === code ? null : text);
    }, 300);
  };
  let view = null;
  const plain = Object.assign(document.createElement("textarea"), {
    className: "ns-cell-plain",
    value: initial,
    spellcheck: false,
    rows: Math.min(initial.split("\n").length, Math.floor(height / 18)),
  });
  plain.setAttribute("aria-label", `${title} code`);
  plain.addEventListener("input", scheduleSave);
  plain.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.shiftKey || event.metaKey || event.ctrlKey)) {
      event.preventDefault();
      run();
    }
  });
  editorElement.append(plain);
  const getCode = () => (view ? view.state.doc.toString() : plain.value);
  const setCode = (text) => {
    if (view) view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    else plain.value = text;
  };
  editorModule.then(({ createEditor }) => {
    const focused = document.activeElement === plain;
    const cursor = plain.selectionStart;
    view = createEditor({
      parent: editorElement,
      doc: plain.value,
      height,
      onRun: () => run(),
      onChange: scheduleSave,
    });
    plain.remove();
    root.dataset.editor = "codemirror";
    if (focused) {
      view.focus();
      view.dispatch({ selection: { anchor: Math.min(cursor, view.state.doc.length) } });
    }
  }, (error) => {
    // Without the editor the text area stays: the cell still works, just without colours.
    root.dataset.editor = "plain";
    console.warn(`Cell editor unavailable: ${error.message}`);
  });

  if (sharedCode !== null) {
    banner.appendChild(
      notice(
        "This code came from a link. Read it first: it runs only when you press Run.",
        "warning",
      ),
    );
  }

  let currentJob = null;
  let runs = 0;

  async function run() {
    if (runButton.disabled && !currentJob) return;
    if (currentJob) return;
    const text = getCode();
    const r = getRunner();
    const syntaxLine = syntaxErrorLine(text);
    runs++;
    root.dataset.runs = String(runs);
    root.dataset.state = "running";
    status.textContent = "Running…";
    runButton.textContent = "Stop";
    currentJob = r.run(toFunctionBody(text), budgetMs);
    const result = await currentJob.promise;
    currentJob = null;
    runButton.textContent = "Run";
    output.replaceChildren();
    banner.replaceChildren();
    root.dataset.state = result.type;
    const ms = result.ms === undefined ? "" : ` in ${Math.round(result.ms)} ms`;
    for (const value of result.outputs ?? []) output.appendChild(renderValue(value, { width }));
    switch (result.type) {
      case "result":
        status.textContent = `Done${ms}`;
        if (result.value !== undefined) output.appendChild(renderValue(result.value, { width }));
        break;
      case "error": {
        const error = { ...result.error };
        if (error.name === "SyntaxError" && syntaxLine !== null) error.line = syntaxLine;
        status.textContent = "Error";
        output.appendChild(errorBox(error));
        break;
      }
      case "timeout":
        status.textContent = "Stopped";
        output.appendChild(errorBox({
          name: "Stopped",
          message: `the cell ran longer than its ${
            budgetMs / 1000
          } s budget (an endless loop?). The sandbox was restarted; edit the code and run again.`,
          line: null,
        }));
        break;
      case "stopped":
        status.textContent = "Stopped";
        output.appendChild(notice("Stopped by you. The sandbox was restarted."));
        break;
    }
  }

  function stop() {
    if (currentJob) getRunner().stop(currentJob.id, "stopped");
  }

  function reset() {
    setCode(code);
    storageSet(storageKey, null);
    const params = hashParams();
    if (params.has(HASH_PREFIX + id)) {
      params.delete(HASH_PREFIX + id);
      history.replaceState(
        null,
        "",
        `${location.pathname}${location.search}${params.size ? "#" + params : ""}`,
      );
    }
    banner.replaceChildren();
  }

  function share() {
    const params = hashParams();
    params.set(HASH_PREFIX + id, toBase64Url(getCode()));
    history.replaceState(null, "", `${location.pathname}${location.search}#${params}`);
    const link = location.href;
    navigator.clipboard?.writeText(link).catch(() => {});
    const field = Object.assign(document.createElement("input"), {
      className: "ns-cell-share",
      value: link,
      readOnly: true,
    });
    banner.replaceChildren(
      notice("Link to this code (copied to the clipboard when allowed):"),
      field,
    );
    field.select();
  }

  const onReady = (ready) => {
    runButton.disabled = true;
    status.textContent = currentJob ? "Restarting…" : "Loading…";
    ready.then(() => {
      runButton.disabled = false;
      if (!currentJob && status.textContent.endsWith("…")) status.textContent = "Ready";
      if (metrics.firstReadyMs === null) {
        metrics.firstReadyMs = performance.now();
        performance.mark("netsplit-first-cell-ready");
      }
    }, (error) => {
      status.textContent = "Unavailable";
      output.replaceChildren(errorBox({ name: "Error", message: error.message, line: null }));
    });
  };
  const r = getRunner();
  r.onReadyChange(onReady);
  onReady(r.ready);
  r.ready.then(() => {
    if (autorun && sharedCode === null) run();
  }, () => {});
  root.code = getCode;
  root.setCode = setCode;
  root.run = run;
  return root;
}
