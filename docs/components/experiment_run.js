// Experiments that a page starts run here, off the main thread, so a long simulation never
// freezes the tab: a small pool of module workers (experiment_worker.js) that load the netsplit
// bundle once. A run shows its progress and a Stop button; a run made stale by a control that
// moved again is cancelled (pass the cell's `invalidation` promise). A running simulation is
// synchronous, so stopping it means terminating its worker and starting a fresh one.
//
// Usage in a page:
//   const job = experimentRun("raft-election", { ranges: "paper", trials }, 1, { invalidation });
//   display(job.status);          // "Running raft-election… 40%  [Stop]", then nothing
//   const figure16 = job.result;  // in a cell of its own: other cells get the finished run

import { FileAttachment } from "observablehq:stdlib";
import { button, el } from "./dom.js";

const WORKER_URL = FileAttachment("./experiment_worker.js").href;
const BUNDLE_URL = FileAttachment("../lib/netsplit.js").href;
const TASKS_URL = FileAttachment("./page_tasks.js").href;
const POOL_SIZE = Math.max(1, Math.min(2, (navigator.hardwareConcurrency ?? 2) - 1));

class Slot {
  worker = null;
  ready = null;
  job = null;

  start() {
    this.worker = new Worker(WORKER_URL, { type: "module" });
    this.ready = new Promise((resolve, reject) => {
      this.worker.onmessage = (event) => {
        const message = event.data;
        if (message.type === "ready") resolve();
        else if (message.type === "init-failed") {
          reject(new Error(`The experiment worker could not load the library: ${message.message}`));
        } else this.job?.receive(message);
      };
      this.worker.onerror = (event) =>
        reject(new Error(`The experiment worker failed: ${event.message ?? "unknown error"}`));
    });
    this.worker.postMessage({
      type: "init",
      bundleUrl: new URL(BUNDLE_URL, location.href).href,
      tasksUrl: new URL(TASKS_URL, location.href).href,
    });
  }

  restart() {
    this.worker?.terminate();
    this.job = null;
    this.start();
  }
}

const slots = [];
const queue = [];

function pump() {
  if (slots.length === 0) {
    for (let i = 0; i < POOL_SIZE; i++) {
      const slot = new Slot();
      slot.start();
      slots.push(slot);
    }
  }
  for (const slot of slots) {
    if (slot.job !== null || queue.length === 0) continue;
    const job = queue.shift();
    slot.job = job;
    job.slot = slot;
    slot.ready.then(
      () => slot.job === job && slot.worker.postMessage(job.message),
      (error) => job.receive({ type: "error", name: "Error", message: error.message }),
    );
  }
}

let nextId = 1;
let running = 0;

// How many runs are queued or running, on the root element, so tests (and the curious) can
// tell a page that is still computing from one that has settled.
function countRunning(delta) {
  running += delta;
  document.documentElement.dataset.experimentsRunning = String(running);
}

/**
 * Starts an experiment in a worker.
 *
 * @param {string} name Experiment name, as `deno task run --list` shows it.
 * @param {object} params Parameters.
 * @param {number} seed Seed.
 * @param {{invalidation?: Promise<unknown>, label?: string}} [options] `invalidation`: the cell's
 *   invalidation promise, so a stale run is cancelled; `label`: what the status line calls it.
 * @returns {{result: Promise<object>, status: HTMLElement, stop: () => void}}
 */
export function experimentRun(name, params, seed, options = {}) {
  return startJob({ type: "run", id: 0, name, params, seed }, options);
}

/**
 * Starts a page task (a function of page_tasks.js) in a worker, like {@link experimentRun}.
 *
 * @param {string} name Task name, a key of `PAGE_TASKS`.
 * @param {object} params Its parameters (structured-cloneable).
 * @param {{invalidation?: Promise<unknown>, label?: string}} [options]
 * @returns {{result: Promise<object>, status: HTMLElement, stop: () => void}}
 */
export function pageTask(name, params, options = {}) {
  return startJob({ type: "task", id: 0, name, params, seed: 0 }, options);
}

/**
 * The finished run of an experiment started in a worker: for cells that only need the
 * result (`const run = await experimentResult("cap", params, seed, { invalidation })`), so
 * a simulation never blocks the page while it loads or while a control moves.
 *
 * @param {string} name Experiment name.
 * @param {object} params Parameters.
 * @param {number} seed Seed.
 * @param {{invalidation?: Promise<unknown>}} [options]
 * @returns {Promise<object>}
 */
export function experimentResult(name, params, seed, options = {}) {
  return experimentRun(name, params, seed, options).result;
}

function startJob(message, options) {
  const name = message.name;
  const label = options.label ?? name;
  const startedMs = performance.now();
  const text = el("span", { className: "ns-run-text" }, [`Running ${label}…`]);
  const bar = el("progress", { max: 1, className: "ns-run-bar" });
  const stopButton = button("Stop", () => job.stop("Stopped."));
  const status = el("div", { className: "ns-run" }, [text, bar, stopButton]);
  status.setAttribute("role", "status");
  status.style.cssText =
    "display:flex;gap:.6rem;align-items:center;min-height:1.6rem;font:13px var(--sans-serif);color:var(--theme-foreground-muted)";
  bar.style.cssText = "width:8rem";
  let resolve, reject;
  const result = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A stale or stopped run rejects; nobody may be listening any more, so do not report it.
  result.catch(() => {});
  const finish = (message, keep) => {
    bar.remove();
    stopButton.remove();
    text.textContent = message;
    if (!keep) status.style.display = "none";
  };
  const job = {
    id: nextId++,
    slot: null,
    done: false,
    message,
    receive(message) {
      if (job.done || (message.id !== undefined && message.id !== job.id)) return;
      if (message.type === "progress") {
        bar.value = message.total > 0 ? message.done / message.total : 0;
        text.textContent = `Running ${label}… ${Math.round(100 * bar.value)}%`;
        return;
      }
      job.done = true;
      if (job.slot) job.slot.job = null;
      if (message.type === "result") {
        finish(`${label}: ${Math.round(performance.now() - startedMs)} ms`, false);
        resolve(message.run);
      } else {
        finish(`${label} failed: ${message.message}`, true);
        reject(new Error(message.message));
      }
      pump();
    },
    stop(why) {
      if (job.done) return;
      job.done = true;
      const i = queue.indexOf(job);
      if (i >= 0) queue.splice(i, 1);
      if (job.slot?.job === job) job.slot.restart();
      finish(why, why !== null);
      reject(new Error(why ?? "Cancelled: a newer run replaced this one"));
      pump();
    },
  };
  job.message.id = job.id;
  countRunning(1);
  result.then(() => countRunning(-1), () => countRunning(-1));
  queue.push(job);
  pump();
  options.invalidation?.then(() => job.stop(null));
  return { result, status, stop: () => job.stop("Stopped.") };
}
