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
    cell.textContent = typeof value === "number" && !Number.isInteger(value)
      ? String(Math.round(value * 100) / 100)
      : String(value);
    cell.style.textAlign = "right";
    cell.style.fontVariantNumeric = "tabular-nums";
  }
  return table;
}
