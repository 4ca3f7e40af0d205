// Runs named experiments off the page's main thread. The page (experiment_run.js) sends
// {type: "run", id, name, params, seed}; the worker answers with throttled progress messages
// and then the run (plain JSON: summary, data, charts, traceHash) or an error. A run is
// synchronous, so the page stops one by terminating this worker and starting a fresh one.
let ns = null;

self.onmessage = async (event) => {
  const message = event.data;
  if (message.type === "init") {
    try {
      ns = await import(message.bundleUrl);
      postMessage({ type: "ready" });
    } catch (error) {
      postMessage({ type: "init-failed", message: String(error?.message ?? error) });
    }
    return;
  }
  if (message.type !== "run") return;
  const { id, name, params, seed } = message;
  let lastPostMs = 0;
  try {
    const run = ns.runExperiment(name, params, seed, {
      onProgress(done, total) {
        const now = performance.now();
        if (now - lastPostMs < 100) return;
        lastPostMs = now;
        postMessage({ type: "progress", id, done, total });
      },
    });
    postMessage({ type: "result", id, run });
  } catch (error) {
    postMessage({
      type: "error",
      id,
      name: error?.name ?? "Error",
      message: String(error?.message ?? error),
    });
  }
};
