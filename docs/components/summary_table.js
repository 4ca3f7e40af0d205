// A compact key/value table for an experiment's summary, with units guessed from the key
// (`...Ms` is milliseconds) and booleans spelled out.
export function SummaryTable(summary, { caption } = {}) {
  const table = document.createElement("table");
  table.className = "summary-table";
  table.style.maxWidth = "480px";
  table.style.marginTop = "0.75rem";
  if (caption) {
    const c = document.createElement("caption");
    c.textContent = caption;
    table.append(c);
  }
  for (const [key, value] of Object.entries(summary)) {
    if (value !== null && typeof value === "object") continue;
    const row = table.insertRow();
    const name = row.insertCell();
    name.textContent = key
      .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
      .replace(/_/g, " ")
      .toLowerCase()
      .replace(/ ms$/, " (ms)");
    const cell = row.insertCell();
    cell.textContent = value === null || value === undefined
      ? "—"
      : typeof value === "number" && !Number.isInteger(value)
      ? String(Math.round(value * 100) / 100)
      : String(value);
    cell.style.textAlign = "right";
    cell.style.fontVariantNumeric = "tabular-nums";
  }
  return table;
}

// A two-column table of every number in a summary, flattening one level of nesting into
// "synced · max abs offset ms" and rounding to three decimals.
export function NumbersTable(summary) {
  const table = document.createElement("table");
  const add = (key, value) => {
    if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) add(`${key} · ${k}`, v);
      return;
    }
    const row = table.insertRow();
    row.insertCell().textContent = key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
    const cell = row.insertCell();
    // A missing value (`firstViolation: null` when nothing broke) reads as a dash, not "null".
    cell.textContent = value === null || value === undefined
      ? "—"
      : typeof value === "number"
      ? String(Math.round(value * 1000) / 1000)
      : String(value);
    cell.style.textAlign = "right";
    cell.style.fontVariantNumeric = "tabular-nums";
  };
  for (const [key, value] of Object.entries(summary)) add(key, value);
  return table;
}
