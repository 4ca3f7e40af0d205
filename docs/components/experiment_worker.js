// Runs named experiments off the page's main thread. The page (experiment_run.js) sends
// {type: "run", id, name, params, seed}; the worker answers with throttled progress messages
// and then the run (plain JSON: summary, data, charts, traceHash) or an error. It also runs
// page tasks ({type: "task", id, name, params}: a function of page_tasks.js, for page work
// that is not one experiment, such as Raft's fault-schedule search and replays). A run is
// synchronous, so the page stops one by terminating this worker and starting a fresh one.
let ns = null;
let tasks = null;

self.onmessage = async (event) => {
  const message = event.data;
  if (message.type === "init") {
    try {
      ns = await import(message.bundleUrl);
      tasks = await import(message.tasksUrl);
      postMessage({ type: "ready" });
    } catch (error) {
      postMessage({ type: "init-failed", message: String(error?.message ?? error) });
    }
    return;
  }
  if (message.type !== "run" && message.type !== "task") return;
  const { id, name, params, seed } = message;
  let lastPostMs = 0;
  try {
    const onProgress = (done, total) => {
      const now = performance.now();
      if (now - lastPostMs < 100) return;
      lastPostMs = now;
      postMessage({ type: "progress", id, done, total });
    };
    let run;
    if (message.type === "run") run = ns.runExperiment(name, params, seed, { onProgress });
    else if (Object.hasOwn(tasks.PAGE_TASKS, name)) {
      run = tasks.PAGE_TASKS[name](ns, params, { onProgress });
    } else throw new Error(`No page task named "${name}"`);
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
