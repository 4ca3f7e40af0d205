// The editable cells' sandbox: a module worker that loads the netsplit bundle once and runs
// cell code against it. The page terminates and respawns this worker when a cell overruns
// its time budget, so nothing here needs to be interruptible. Results cross back to the page
// by structured clone, so values are converted to clonable data here (functions and class
// instances become descriptions; charts stay Vega-Lite JSON and render on the page).

// Milliseconds from this worker's creation until its script started, for the cost figures.
const scriptStartMs = performance.now();
const AsyncFunction = (async () => {}).constructor;
const MARK = "__netsplit";
let ns = null;
// Lines the Function constructor adds before the body; measured, not assumed.
let lineOffset = 2;

function stackPosition(error) {
  const match = /<anonymous>:(\d+):(\d+)/.exec(String(error?.stack ?? ""));
  return match ? { line: Number(match[1]) - lineOffset, column: Number(match[2]) } : null;
}

async function measureLineOffset() {
  try {
    await new AsyncFunction("ns", "display", "html", "throw new Error('probe')")();
  } catch (error) {
    const match = /<anonymous>:(\d+):(\d+)/.exec(String(error.stack));
    if (match) lineOffset = Number(match[1]) - 1;
  }
}

function describeFunction(fn) {
  const text = Function.prototype.toString.call(fn);
  const head = text.slice(0, text.indexOf("{") > 0 ? text.indexOf("{") : 60).trim();
  return head.length > 80 ? head.slice(0, 79) + "…" : head;
}

// Converts any value to something structuredClone accepts, keeping class names so the
// page's inspector can show `Simulation {…}` rather than `Object {…}`.
function toClonable(value, depth = 0, seen = new Map()) {
  if (value === null || typeof value !== "object") {
    if (typeof value === "function") return { [MARK]: "function", text: describeFunction(value) };
    if (typeof value === "symbol") return { [MARK]: "symbol", text: String(value) };
    return value;
  }
  // A shared or cyclic reference gets the copy already made: structuredClone keeps both, and
  // chart specs often share sub-objects (one scale used by several layers).
  if (seen.has(value)) return seen.get(value);
  // Deep enough for nested chart specs inside experiment results; giant graphs stop here.
  if (depth > 40) return { [MARK]: "elided", className: value.constructor?.name ?? "Object" };
  if (value instanceof Date || value instanceof RegExp || ArrayBuffer.isView(value)) return value;
  if (value instanceof Error) {
    return { [MARK]: "error", name: value.name, message: value.message };
  }
  if (Array.isArray(value)) {
    const out = [];
    seen.set(value, out);
    const n = Math.min(value.length, 10_000);
    for (let i = 0; i < n; i++) out.push(toClonable(value[i], depth + 1, seen));
    return out;
  }
  if (value instanceof Map) {
    const out = new Map();
    seen.set(value, out);
    for (const [k, v] of value) {
      out.set(toClonable(k, depth + 1, seen), toClonable(v, depth + 1, seen));
    }
    return out;
  }
  if (value instanceof Set) {
    const out = new Set();
    seen.set(value, out);
    for (const v of value) out.add(toClonable(v, depth + 1, seen));
    return out;
  }
  if (value[MARK] === "html") return { [MARK]: "html", html: String(value.html) };
  const entries = {};
  seen.set(value, entries);
  for (const key of Object.keys(value)) entries[key] = toClonable(value[key], depth + 1, seen);
  const className = value.constructor?.name;
  if (className && className !== "Object") {
    // Public getters (e.g. `now`, `nodes`) are what a reader wants to see on class instances.
    for (
      const [key, d] of Object.entries(
        Object.getOwnPropertyDescriptors(value.constructor.prototype),
      )
    ) {
      if (d.get && !(key in entries)) {
        try {
          entries[key] = toClonable(value[key], depth + 1, seen);
        } catch { /* a throwing getter is simply not shown */ }
      }
    }
    return { [MARK]: "instance", className, entries };
  }
  return entries;
}

function html(strings, ...values) {
  const text = typeof strings === "string" ? strings : String.raw({ raw: strings }, ...values);
  return { [MARK]: "html", html: text };
}

async function run(id, body) {
  const outputs = [];
  const display = (value) => {
    outputs.push(toClonable(value));
    return value;
  };
  const started = performance.now();
  try {
    const fn = new AsyncFunction("ns", "display", "html", body);
    const value = await fn(ns, display, html);
    postMessage({
      type: "result",
      id,
      outputs,
      value: value === undefined ? undefined : toClonable(value),
      ms: performance.now() - started,
    });
  } catch (error) {
    const position = error instanceof SyntaxError ? null : stackPosition(error);
    postMessage({
      type: "error",
      id,
      outputs,
      error: {
        name: error?.name ?? "Error",
        message: error?.message ?? String(error),
        line: position?.line ?? null,
      },
      ms: performance.now() - started,
    });
  }
}

self.onmessage = async (event) => {
  const message = event.data;
  if (message.type === "init") {
    const started = performance.now();
    try {
      ns = await import(message.bundleUrl);
      await measureLineOffset();
      postMessage({
        type: "ready",
        loadMs: performance.now() - started,
        scriptStartMs,
        initAtMs: started,
        readyAtMs: performance.now(),
      });
    } catch (error) {
      postMessage({ type: "init-failed", message: String(error?.message ?? error) });
    }
  } else if (message.type === "run") {
    await run(message.id, message.body);
  }
};
