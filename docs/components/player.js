// The simulation player: play, pause, step, scrub/rewind and fork a recorded run.
//
//   import {Player} from "./components/player.js";
//   display(Player({scenario: "heartbeat", seed: 3, params: {}, faults: [...]}, {width}));
//
// The model (recording, replay by re-simulation, forks) is `PlayerModel` from the core
// library (src/player/); this file only draws it. A permalink in the URL hash
// (`#player=...`, `ns.encodePlayerSession`) restores seed, parameters, fault schedule, main
// and every fork, the branch on screen and its cursor.

import * as ns from "../lib/netsplit.js";
import { button, el, ensureStyle, svg } from "./dom.js";

const STYLE = `
.ns-player { border: 1px solid var(--theme-foreground-faintest, #ddd); border-radius: 6px; padding: .5rem .75rem; margin: 1rem 0; font: 13px var(--sans-serif, sans-serif); max-width: 1100px; }
.ns-player-head { display: flex; flex-wrap: wrap; gap: .5rem; align-items: baseline; }
.ns-player-title { font-weight: 600; }
.ns-player-meta { color: var(--theme-foreground-muted, #666); font: 12px var(--monospace, monospace); }
.ns-player-controls { display: flex; flex-wrap: wrap; gap: .35rem; align-items: center; margin: .5rem 0; }
.ns-player-controls button { font: inherit; padding: .1rem .5rem; min-width: 2.2rem; cursor: pointer; }
.ns-player-position { font: 12px var(--monospace, monospace); margin-left: .5rem; }
.ns-player input.ns-player-scrub { width: 100%; max-width: none; margin: 0; }
.ns-player-grid { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: .75rem; margin-top: .5rem; }
.ns-player-grid table { font: 12px var(--monospace, monospace); border-collapse: collapse; width: 100%; }
.ns-player-grid th, .ns-player-grid td { text-align: left; padding: 1px 6px; border-bottom: 1px solid var(--theme-foreground-faintest, #eee); vertical-align: top; }
.ns-player-log { font: 12px var(--monospace, monospace); white-space: pre; overflow: hidden; margin: 0; line-height: 1.45; }
.ns-player-log .current { background: color-mix(in srgb, var(--theme-blue, #36c) 18%, transparent); }
.ns-player-log .future { opacity: .35; }
.ns-player-fork { display: flex; flex-wrap: wrap; gap: .35rem; align-items: center; margin-top: .6rem; padding-top: .5rem; border-top: 1px dashed var(--theme-foreground-faintest, #ddd); }
.ns-player-fork input { width: 6em; }
.ns-player-branches { display: flex; flex-wrap: wrap; gap: .35rem; margin-top: .4rem; }
.ns-player-branches button { font: 12px var(--sans-serif, sans-serif); cursor: pointer; }
.ns-player-branches button[aria-pressed="true"] { font-weight: 700; outline: 2px solid var(--theme-blue, #36c); }
.ns-player-process { word-break: break-all; }
.ns-player-error { color: var(--theme-red, #c00); }
.ns-player-down { color: var(--theme-red, #c00); font-weight: 600; }
.ns-player svg text { font: 11px var(--sans-serif, sans-serif); fill: currentColor; }
`;

const COLORS = [
  "#4269d0",
  "#efb118",
  "#ff725c",
  "#6cc5b0",
  "#3ca951",
  "#ff8ab7",
  "#a463f2",
  "#97bbf5",
];

/**
 * A message diagram of the events before `cursor`: one horizontal lane per node, time to the
 * right (fixed to the whole run so nothing moves while playing), a line per delivered
 * message, an × per dropped one, dashed stubs for messages in flight, red marks for crashes
 * and vertical lines for faults and forks.
 */
export function diagram(events, cursor, { nodes, endMs, width = 900, laneHeight = 34 } = {}) {
  const left = 44, right = 12, top = 18;
  const height = top + laneHeight * nodes.length + 18;
  const x = (t) => left + (endMs > 0 ? (t / endMs) * (width - left - right) : 0);
  const lane = new Map(nodes.map((id, i) => [id, top + laneHeight * i + laneHeight / 2]));
  const root = svg("svg", {
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-label": "Message diagram",
  });
  root.style.maxWidth = "100%";
  root.style.height = "auto";
  const color = (id) => COLORS[nodes.indexOf(id) % COLORS.length];
  for (const id of nodes) {
    root.append(
      svg("line", {
        x1: left,
        x2: width - right,
        y1: lane.get(id),
        y2: lane.get(id),
        stroke: "#999",
        "stroke-width": 0.5,
      }),
    );
    root.append(svg("text", { x: 4, y: lane.get(id) + 4 }, id));
  }
  const shown = events.slice(0, cursor);
  const now = shown.length ? shown[shown.length - 1].t : 0;
  const downSince = new Map();
  const messages = svg("g", { "stroke-width": 0.8 });
  const marks = svg("g");
  // Which send each delivery or drop belongs to is the library's pairing (viz/message_diagram).
  const pairs = ns.pairMessages(shown);
  for (const pair of pairs) {
    if (!lane.has(pair.from) || !lane.has(pair.to)) continue;
    const y1 = lane.get(pair.from), y2 = lane.get(pair.to);
    switch (pair.status) {
      case "delivered":
      case "duplicate": {
        if (pair.send === undefined) break;
        const line = svg("line", {
          x1: x(pair.sentMs),
          y1,
          x2: x(pair.end.t),
          y2,
          stroke: color(pair.from),
          "stroke-opacity": 0.75,
        });
        line.append(svg("title", {}, ns.renderEvent(pair.end)));
        messages.append(line);
        break;
      }
      case "dropped": {
        const mx = (x(pair.sentMs) + x(pair.end.t)) / 2 + 4, my = (y1 + y2) / 2;
        messages.append(
          svg("line", {
            x1: x(pair.sentMs),
            y1,
            x2: mx,
            y2: my,
            stroke: "#c00",
            "stroke-dasharray": "2 2",
          }),
        );
        const cross = svg("text", { x: mx - 3, y: my + 4, fill: "#c00" }, "×");
        cross.append(svg("title", {}, ns.renderEvent(pair.end)));
        marks.append(cross);
        break;
      }
      case "in-flight":
        // Drawn after the loop, over the settled messages.
        break;
    }
  }
  for (const e of shown) {
    switch (e.kind) {
      case "crash":
        downSince.set(e.node, e.t);
        break;
      case "restart":
        if (downSince.has(e.node)) {
          marks.append(
            svg("rect", {
              x: x(downSince.get(e.node)),
              width: Math.max(1, x(e.t) - x(downSince.get(e.node))),
              y: lane.get(e.node) - 5,
              height: 10,
              fill: "#c00",
              "fill-opacity": 0.3,
            }),
          );
          downSince.delete(e.node);
        }
        break;
      case "fault": {
        const fx = x(e.t);
        marks.append(
          svg("line", {
            x1: fx,
            x2: fx,
            y1: top - 6,
            y2: height - 14,
            stroke: "#a463f2",
            "stroke-dasharray": "4 3",
          }),
        );
        const label = svg(
          "text",
          { x: fx + 3, y: height - 4, fill: "#a463f2" },
          ns.describeFault(e.fault),
        );
        marks.append(label);
        break;
      }
      case "state": {
        const dot = svg("circle", {
          cx: x(e.t),
          cy: lane.get(e.node) ?? 0,
          r: 3.5,
          fill: color(e.node),
          stroke: "white",
        });
        dot.append(svg("title", {}, ns.renderEvent(e)));
        marks.append(dot);
        break;
      }
    }
  }
  for (const [node, since] of downSince) {
    marks.append(
      svg("rect", {
        x: x(since),
        width: Math.max(1, x(now) - x(since)),
        y: lane.get(node) - 5,
        height: 10,
        fill: "#c00",
        "fill-opacity": 0.3,
      }),
    );
  }
  for (const pair of pairs) {
    if (pair.status !== "in-flight" || !lane.has(pair.to)) continue;
    const y1 = lane.get(pair.from), y2 = lane.get(pair.to);
    messages.append(
      svg("line", {
        x1: x(pair.sentMs),
        y1,
        x2: x(now) + 4,
        y2: y1 + (y2 - y1) * 0.3,
        stroke: color(pair.from),
        "stroke-dasharray": "3 2",
      }),
    );
  }
  root.append(messages, marks);
  root.append(
    svg("line", {
      x1: x(now),
      x2: x(now),
      y1: top - 10,
      y2: height - 14,
      stroke: "currentColor",
      "stroke-width": 1.5,
    }),
  );
  root.append(svg("text", { x: Math.min(x(now) + 3, width - 90), y: 10 }, `${now.toFixed(1)} ms`));
  return root;
}

// Process views hold raw clock readings; one decimal is plenty on screen.
function compact(value) {
  return JSON.stringify(value, (_, v) => (typeof v === "number" ? Math.round(v * 10) / 10 : v));
}

function readHash(key) {
  const value = new URLSearchParams(location.hash.slice(1)).get(key);
  return value === null ? null : ns.decodePlayerSession(value);
}

function writeHash(key, text) {
  const params = new URLSearchParams(location.hash.slice(1));
  params.set(key, text);
  history.replaceState(null, "", `${location.pathname}${location.search}#${params}`);
}

/**
 * A player for one recording.
 *
 * @param {object} recording `{scenario, seed, params, faults, untilMs?, forks?}`.
 * @param {object} [options]
 * @param {number} [options.width] Diagram width in px. @default 900
 * @param {string|null} [options.hashKey] URL hash key for the permalink; null disables it. @default "player"
 * @param {string} [options.title] Heading. @default the scenario's title
 * @returns {HTMLElement}
 */
export function Player(recording, options = {}) {
  ensureStyle("ns-player-style", STYLE);
  const { width = 900, hashKey = "player" } = options;
  const root = el("div", { className: "ns-player" });
  let restored = null;
  try {
    restored = hashKey ? readHash(hashKey) : null;
  } catch (error) {
    root.append(
      el("p", {
        className: "ns-player-error",
        textContent: `${error.message}; showing the page's own recording instead.`,
      }),
    );
  }
  // Main and every fork, as PlayerBranches keeps them; `model` is the branch on screen.
  let tree;
  if (restored) {
    // A link that decodes but does not replay (an unknown scenario or verb, a node the run
    // lacks) falls back to the page's own recording, as a malformed one does.
    try {
      tree = ns.PlayerBranches.fromSession(restored);
    } catch (error) {
      root.append(
        el("p", {
          className: "ns-player-error",
          textContent: `Cannot restore this link: ${error.message}; showing the page's own ` +
            "recording instead.",
        }),
      );
    }
  }
  try {
    tree ??= new ns.PlayerBranches(recording);
  } catch (error) {
    root.append(
      el("p", {
        className: "ns-player-error",
        textContent: `Cannot play this recording: ${error.message}`,
      }),
    );
    return root;
  }
  let model = tree.model;
  const scenario = ns.getScenario(model.recording.scenario);
  const nodes = model.snapshot(0).nodes.map((n) => n.id);
  const labels = [];
  // An old link's forks are part of main's recording: name main after them.
  const mainForks = tree.all[0].model.recording.forks?.length ?? 0;
  labels.push(mainForks ? `restored (${mainForks} fork${mainForks > 1 ? "s" : ""})` : "main");
  for (let i = 1; i < tree.all.length; i++) labels.push(branchLabel(i));

  // The same label for a fork made here and for one restored from a link: it is built from
  // the branch's data (parent, fork point, verb) only.
  function branchLabel(index) {
    const { point } = tree.all[index];
    const parentEvents = tree.all[point.from].model.tape.events;
    const at = point.afterEvent > 0 ? parentEvents[point.afterEvent - 1]?.t ?? 0 : 0;
    const what = "verb" in point.change
      ? ns.describeFaultVerb(point.change.verb, point.change)
      : point.change.faults.map((f) => ns.describeFault({ ...f, atMs: 0 })).join(", ");
    return `fork ${index}: ${what} @ ${at.toFixed(1)} ms (from ${
      labels[point.from].split(":")[0]
    })`;
  }
  let playing = null;
  let speed = 40;
  // The URL is only rewritten once the reader has done something, never on page load.
  let touched = false;

  const title = el("span", {
    className: "ns-player-title",
    textContent: options.title ?? scenario.title,
  });
  const meta = el("span", { className: "ns-player-meta" });
  const head = el("div", { className: "ns-player-head" }, [title, meta]);
  // Terse button text with a full sentence as title and accessible name.
  const described = (label) => ({ title: label, ariaLabel: label });
  const toStart = button("|◀ Start", () => (pause(), go(0)), described("Rewind to the start"));
  const back = button(
    "◀ Back",
    () => (pause(), go(model.cursor - 1)),
    described("Step back one event"),
  );
  const play = button("▶ Play", () => (playing ? pause() : start()), described("Play"));
  play.classList.add("ns-player-play");
  const forward = button(
    "Step ▶",
    () => (pause(), go(model.cursor + 1)),
    described("Step forward one event"),
  );
  const toEnd = button("End ▶|", () => (pause(), go(model.length)), described("Jump to the end"));
  const speedSelect = el(
    "select",
    { title: "Playback speed" },
    [10, 40, 200, 1000].map((v) =>
      el("option", { value: v, textContent: `${v} events/s`, selected: v === speed })
    ),
  );
  speedSelect.addEventListener("change", () => (speed = Number(speedSelect.value)));
  const position = el("span", { className: "ns-player-position" });
  const viewSelect = el("select", { className: "ns-player-view", title: "Diagram" }, [
    el("option", { value: "timeline", textContent: "timeline (lanes)" }),
    el("option", { value: "space-time", textContent: "space-time (last 300 ms)" }),
  ]);
  viewSelect.addEventListener("change", () => render());
  const controls = el("div", { className: "ns-player-controls" }, [
    toStart,
    back,
    play,
    forward,
    toEnd,
    speedSelect,
    viewSelect,
    position,
  ]);
  const scrub = el("input", { type: "range", className: "ns-player-scrub", min: 0, step: 1 });
  scrub.setAttribute("aria-label", "Event position");
  scrub.addEventListener("input", () => (pause(), go(Number(scrub.value))));
  const picture = el("div", { className: "ns-player-diagram" });
  const nodeTable = el("div");
  const log = el("pre", { className: "ns-player-log" });
  const grid = el("div", { className: "ns-player-grid" }, [nodeTable, log]);

  const kindSelect = el(
    "select",
    { className: "ns-player-fork-kind" },
    ns.FAULT_VERBS.map((k) => el("option", { value: k.verb, textContent: k.label })),
  );
  const nodeSelect = el(
    "select",
    { className: "ns-player-fork-node" },
    nodes.map((id) => el("option", { value: id, textContent: id })),
  );
  const valueInput = el("input", {
    type: "number",
    className: "ns-player-fork-value",
    step: "any",
  });
  const forkButton = button("Fork here", () => fork(), {
    ...described("Apply this change at the current moment and continue as a new branch"),
    className: "ns-player-fork-button",
  });
  const forkError = el("span", { className: "ns-player-error" });
  const syncForkInputs = () => {
    const spec = ns.FAULT_VERBS.find((k) => k.verb === kindSelect.value);
    nodeSelect.hidden = !spec.node;
    valueInput.hidden = spec.value === undefined;
    if (spec.value !== undefined) valueInput.value = String(spec.value);
  };
  kindSelect.addEventListener("change", syncForkInputs);
  syncForkInputs();
  const forkRow = el("div", { className: "ns-player-fork" }, [
    el("strong", { textContent: "What if, right now:" }),
    kindSelect,
    nodeSelect,
    valueInput,
    forkButton,
    forkError,
  ]);
  const branchRow = el("div", { className: "ns-player-branches" });
  const linkButton = button("Copy permalink", () => {
    const url = permalink();
    navigator.clipboard?.writeText(url).catch(() => {});
    linkButton.textContent = "Link copied";
    setTimeout(() => (linkButton.textContent = "Copy permalink"), 1500);
  }, described("Copy a link that restores this run, its forks and this moment"));
  root.append(head, controls, scrub, picture, grid, forkRow, branchRow, linkButton);

  function permalink() {
    const encoded = ns.encodePlayerSession(tree.session());
    const params = new URLSearchParams(location.hash.slice(1));
    params.set(hashKey ?? "player", encoded);
    return `${location.origin}${location.pathname}#${params}`;
  }

  let hashTimer = null;
  function render() {
    const r = model.recording;
    meta.textContent = `seed ${r.seed} · params ${JSON.stringify(r.params)} · faults ${
      r.faults.map((f) => `${ns.describeFault(f)}@${f.atMs}`).join(", ") || "none"
    }`;
    scrub.max = String(model.length);
    scrub.value = String(model.cursor);
    const events = model.tape.events;
    const t = model.cursor > 0 ? events[model.cursor - 1].t : 0;
    position.textContent = `event ${model.cursor} / ${model.length} · t = ${t.toFixed(3)} ms${
      model.tape.truncated ? " (truncated)" : ""
    }`;
    root.dataset.cursor = String(model.cursor);
    root.dataset.length = String(model.length);
    clearTimeout(spaceTimeTimer);
    if (viewSelect.value === "timeline") {
      picture.replaceChildren(
        diagram(events, model.cursor, { nodes, endMs: model.tape.endMs, width }),
      );
    } else {
      // Vega re-renders cost more than the SVG lanes: draw once the cursor rests.
      const visible = events.slice(0, model.cursor);
      spaceTimeTimer = setTimeout(() => drawSpaceTime(visible, t), playing ? 400 : 60);
    }
    // Node state comes from re-simulating to the cursor: the process as it was then.
    const snapshot = model.snapshot(model.cursor);
    const rows = snapshot.nodes.map((n) =>
      el("tr", {}, [
        el("td", { textContent: n.id }),
        el("td", { className: n.up ? "" : "ns-player-down", textContent: n.up ? "up" : "down" }),
        el("td", {
          textContent: Object.entries(n.state).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(
            " ",
          ),
        }),
        ...(scenario.inspect
          ? [el("td", {
            className: "ns-player-process",
            // A node the scenario cannot look inside (the saga's client) has nothing to show,
            // not the word "null".
            textContent: n.process === undefined || n.process === null ? "—" : compact(n.process),
          })]
          : []),
      ])
    );
    // The process column only for scenarios that can show a process's insides.
    const headings = ["node", "", "state", ...(scenario.inspect ? ["process (re-simulated)"] : [])];
    nodeTable.replaceChildren(
      el("table", {}, [
        el("thead", {}, [el(
          "tr",
          {},
          headings.map((h) => el("th", { textContent: h })),
        )]),
        el("tbody", {}, rows),
      ]),
    );
    const from = Math.max(0, model.cursor - 9), to = Math.min(events.length, model.cursor + 4);
    log.replaceChildren(
      ...events.slice(from, to).map((e, i) => {
        const index = from + i;
        const className = index === model.cursor - 1
          ? "current"
          : index >= model.cursor
          ? "future"
          : "";
        return el("div", {
          className,
          textContent: `${String(index + 1).padStart(5)} ${ns.renderEvent(e)}`,
        });
      }),
    );
    branchRow.replaceChildren(
      el("span", { textContent: "Branches:" }),
      ...labels.map((label, index) => {
        const branchButton = button(label, () => {
          pause();
          touched = true;
          forkError.textContent = "";
          model = tree.show(index);
          render();
        }, described(`Switch to ${label}`));
        branchButton.setAttribute("aria-pressed", String(index === tree.shown));
        return branchButton;
      }),
    );
    play.textContent = playing ? "❚❚ Pause" : "▶ Play";
    play.title = playing ? "Pause" : "Play";
    if (hashKey && touched) {
      clearTimeout(hashTimer);
      hashTimer = setTimeout(
        () => writeHash(hashKey, ns.encodePlayerSession(tree.session())),
        250,
      );
    }
  }

  let spaceTimeTimer = null;
  async function drawSpaceTime(visible, nowMs) {
    const stateKeys = [
      ...new Set(visible.filter((e) => e.kind === "state").map((e) => e.key)),
    ];
    const chartWidth = Math.min(width, 720);
    const spec = ns.messageDiagram(visible, {
      nodes,
      fromMs: Math.max(0, nowMs - 300),
      toMs: nowMs,
      stateKeys,
      width: chartWidth,
      height: 360,
      title: `Messages up to ${nowMs.toFixed(1)} ms`,
    });
    const { VegaChart } = await import("./vega_chart.js");
    picture.replaceChildren(VegaChart(spec, { width: chartWidth }));
  }

  function go(cursor) {
    touched = true;
    // A fork's error is about the moment it was tried; moving on clears it.
    forkError.textContent = "";
    model.seek(cursor);
    render();
  }

  function start() {
    if (model.atEnd) model.seek(0);
    let last = performance.now();
    let carry = 0;
    const tick = (now) => {
      if (!playing) return;
      carry += ((now - last) / 1000) * speed;
      last = now;
      const steps = Math.floor(carry);
      if (steps > 0) {
        carry -= steps;
        go(model.cursor + steps);
      }
      if (model.atEnd) return pause();
      playing = requestAnimationFrame(tick);
    };
    playing = requestAnimationFrame(tick);
    render();
  }

  function pause() {
    if (playing) cancelAnimationFrame(playing);
    playing = null;
    play.textContent = "▶ Play";
    play.title = "Play";
  }

  function fork() {
    forkError.textContent = "";
    touched = true;
    try {
      const verb = kindSelect.value;
      const spec = ns.FAULT_VERBS.find((k) => k.verb === verb);
      const options = {
        node: spec.node ? nodeSelect.value : undefined,
        value: spec.value === undefined ? undefined : Number(valueInput.value),
        peers: nodes,
      };
      // Only what the verb takes goes into the branch, so links stay short.
      const change = {
        verb,
        ...(options.node === undefined ? {} : { node: options.node }),
        ...(options.value === undefined ? {} : { value: options.value }),
      };
      model = tree.fork(change);
      labels.push(branchLabel(tree.all.length - 1));
      render();
    } catch (error) {
      forkError.textContent = error.message;
    }
  }

  root.addEventListener("keydown", (event) => {
    if (event.target instanceof HTMLInputElement && event.target.type !== "range") return;
    if (event.key === "ArrowRight") (pause(), go(model.cursor + 1), event.preventDefault());
    if (event.key === "ArrowLeft") (pause(), go(model.cursor - 1), event.preventDefault());
  });
  render();
  root.model = () => model;
  // The link the URL hash holds once the reader's last change has been written (tests wait on it).
  root.permalink = permalink;
  // A player link to this same page only changes the hash: rebuild the player from it.
  if (hashKey) {
    const onHashChange = () => {
      if (!root.isConnected) return removeEventListener("hashchange", onHashChange);
      const text = new URLSearchParams(location.hash.slice(1)).get(hashKey);
      if (text === null || text === ns.encodePlayerSession(tree.session())) return;
      pause();
      removeEventListener("hashchange", onHashChange);
      root.replaceWith(Player(recording, options));
    };
    addEventListener("hashchange", onHashChange);
  }
  return root;
}
