// How a cell's outputs look on the page: values arrive from the worker as clonable data
// (cell_worker.js marks functions, class instances and markup) and become a chart, a table,
// sanitised markup or Framework's inspector.

import { Inspector } from "observablehq:runtime";
import { sanitizedFragment } from "./cell_sanitize.js";

// The key cell_worker.js marks converted values with.
const MARK = "__netsplit";

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

export function errorBox(error) {
  const element = document.createElement("div");
  element.className = "ns-cell-error";
  element.setAttribute("role", "alert");
  const where = error.line ? `Line ${error.line}: ` : "";
  element.textContent = `${where}${error.name}: ${error.message}`;
  return element;
}

export function notice(text, kind = "info") {
  return Object.assign(document.createElement("div"), {
    className: `ns-cell-notice ns-cell-${kind}`,
    textContent: text,
  });
}
