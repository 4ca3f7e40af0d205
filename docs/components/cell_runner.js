// The cells' sandbox on the page side: one module worker (cell_worker.js) per page, shared
// by every cell, with runs queued so cells do not interleave. A run that overruns its budget
// is stopped by terminating the worker, which is then respawned, so a `while (true) {}`
// never freezes the page.

import { FileAttachment } from "observablehq:stdlib";

const WORKER_URL = FileAttachment("./cell_worker.js").href;
const BUNDLE_URL = FileAttachment("../lib/netsplit.js").href;

/** Metrics the e2e tests read: worker start time and when the first cell became runnable. */
export const metrics = (globalThis.__netsplitCells ??= { workerStarts: [], firstReadyMs: null });

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
/** The page's one runner, started on first use. */
export function getRunner() {
  return (runner ??= new Runner());
}
// Start the sandbox as soon as a page imports this module, while the page is still
// rendering: the worker's start-up then overlaps with the page's own work.
if (typeof Worker !== "undefined" && typeof document !== "undefined") getRunner();
