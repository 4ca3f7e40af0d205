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

// The runner first: importing it starts the sandbox worker.
import { getRunner, metrics } from "./cell_runner.js";
import * as ns from "../lib/netsplit.js";
import { button, ensureStyle } from "./dom.js";
import { errorBox, notice, renderValue } from "./cell_render.js";
import { hashCode, syntaxErrorLine, toFunctionBody } from "./cell_code.js";

export { renderValue, toFunctionBody };

const STORAGE_PREFIX = "netsplit.cell:";
const HASH_PREFIX = "cell-";

// The sandbox starts when cell_runner.js is imported; the editor loads meanwhile.
const editorModule = import("./cell_editor.js");

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

const STYLE = `
.ns-cell { border: 1px solid var(--theme-foreground-faintest, #ddd); border-radius: 6px; margin: 1rem 0; max-width: 960px; min-width: 0; }
/* Long code lines scroll inside the editor, never the page (phones). */
.ns-cell-editor { max-width: 100%; overflow: hidden; }
.ns-cell-editor .cm-editor { max-width: 100%; }
.ns-cell-editor .cm-scroller { overflow-x: auto; }
.ns-cell-head { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; padding: .35rem .5rem; border-bottom: 1px solid var(--theme-foreground-faintest, #ddd); font: 13px var(--sans-serif, sans-serif); }
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
  ensureStyle("ns-cell-style", STYLE);
  const id = options.id ?? hashCode(code);
  const storageKey = `${STORAGE_PREFIX}${location.pathname}:${id}`;
  const shared = hashParams().get(HASH_PREFIX + id);
  let sharedCode = null;
  if (shared) {
    try {
      sharedCode = ns.fromBase64Url(shared);
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
  const runButton = button("Run", () => (currentJob ? stop() : run()), {
    title: "Run (Shift-Enter)",
  });
  runButton.classList.add("ns-cell-run");
  runButton.disabled = true;
  const resetButton = button("Reset", () => reset(), { title: "Restore the original code" });
  const shareButton = button("Share", () => share(), { title: "Put this code in the page link" });
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
    // Charts get the width asked for, or the output's own width when that is less (a phone):
    // a 640 px chart in a 350 px cell is cut off at the cell's edge.
    const fitted = Math.min(width, output.clientWidth > 0 ? output.clientWidth - 16 : width);
    for (const value of result.outputs ?? []) {
      output.appendChild(renderValue(value, { width: fitted }));
    }
    switch (result.type) {
      case "result":
        status.textContent = `Done${ms}`;
        if (result.value !== undefined) {
          output.appendChild(renderValue(result.value, { width: fitted }));
        }
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
    // Back to the page's own code and its output: the old output belonged to other code.
    stop();
    output.replaceChildren();
    status.textContent = "Ready";
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
    if (autorun) run();
  }

  function share() {
    const params = hashParams();
    params.set(HASH_PREFIX + id, ns.toBase64Url(getCode()));
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
