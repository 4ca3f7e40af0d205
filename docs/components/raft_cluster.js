/**
 * A live Raft cluster for the Raft page: a deterministic simulation in the page, stepped in
 * virtual time by buttons, with faults as verbs (crash, restart, isolate, heal) and client
 * requests. Renders a status table, an election timeline and a message diagram.
 *
 * @module
 */
import { VegaChart } from "./vega_chart.js";
import { button as domButton } from "./dom.js";

const ROLE_COLORS = { leader: "#31a354", candidate: "#fd8d3c", follower: "#6b8fd6", down: "#999" };

const button = (label, onClick, options = {}) =>
  domButton(label, onClick, { style: "margin: 0 6px 6px 0", ...options });

/**
 * Builds the widget.
 *
 * @param {object} ns The netsplit bundle (`import * as ns from "./lib/netsplit.js"`).
 * @param {object} [options]
 * @param {number} [options.seed] Simulation seed. Default 1.
 * @param {number} [options.servers] Cluster size. Default 5.
 * @param {boolean} [options.preVote] Servers ask for a pre-vote before standing. Default false.
 * @param {number} [options.width] Width in pixels until the widget is on the page (then it
 *   measures itself).
 * @param {Promise<unknown>} [options.invalidation] Framework's invalidation (stops playback).
 * @returns {HTMLElement}
 */
export function RaftLive(ns, options = {}) {
  const servers = options.servers ?? 5;
  // The widget measures its own width at each render, so a page resize never resets it.
  const widthNow = () => Math.max(320, root.clientWidth || options.width || 640);
  const ids = Array.from({ length: servers }, (_, i) => `n${i + 1}`);
  const root = document.createElement("div");
  root.className = "raft-live";
  const controls = document.createElement("div");
  const status = document.createElement("div");
  const charts = document.createElement("div");
  root.append(controls, status, charts);

  let sim;
  let clients = 0;
  let timer = null;

  const node = (id) => sim.processOf(id)?.node ?? null;
  const leader = () => ids.find((id) => node(id)?.role === "leader");
  const now = () => sim.now;
  // Faults are the library's verbs (the player's forks use the same ones), applied now.
  const apply = (verb, node) => {
    const faults = ns.faultVerb(verb, { node, peers: ids });
    sim.schedule(faults.map((fault) => ({ ...fault, atMs: sim.now })));
    sim.run({ untilMs: sim.now });
    render();
  };
  const advance = (ms) => {
    sim.run({ untilMs: sim.now + ms });
    render();
  };
  const request = (op) => {
    clients++;
    sim.addNode(
      `c${clients}`,
      ns.raftClient({ servers: ids, process: clients, script: [op], timeoutMs: 150 }),
    );
    advance(0);
  };
  const reset = () => {
    sim = ns.createRaftCluster({
      seed: options.seed ?? 1,
      servers,
      preVote: options.preVote ?? false,
      network: { latency: { kind: "uniform", minMs: 5, maxMs: 15 } },
    }).sim;
    clients = 0;
    // Start 1.5 s in, so the first election has happened and the seed shows.
    advance(1500);
  };

  const select = document.createElement("select");
  for (const id of ids) select.append(new Option(id, id));
  select.style.marginRight = "6px";
  const play = button("▶ play", () => {
    if (timer === null) {
      timer = setInterval(() => advance(40), 100);
      play.textContent = "⏸ pause";
    } else {
      clearInterval(timer);
      timer = null;
      play.textContent = "▶ play";
    }
  }, { title: "advance 40 ms of virtual time every 100 ms" });
  options.invalidation?.then(() => timer !== null && clearInterval(timer));

  controls.append(
    play,
    button("+100 ms", () => advance(100)),
    button("+1 s", () => advance(1000)),
    document.createElement("br"),
    button("crash leader", () => {
      const l = leader();
      if (l) apply("crash", l);
    }),
    button("isolate leader", () => {
      const l = leader();
      if (l) apply("isolate", l);
    }, {
      title: "cut every link between the leader and the other servers (clients can still reach it)",
    }),
    button("heal", () => apply("heal"), { title: "remove every partition and cut" }),
    select,
    button("crash", () => apply("crash", select.value)),
    button("restart", () => apply("restart", select.value)),
    button("isolate", () => apply("isolate", select.value), {
      title: "cut the selected server off from the others",
    }),
    button("transfer to", () => {
      const l = leader();
      if (l && l !== select.value) sim.processOf(l).transferLeadership(select.value);
      advance(0);
    }, { title: "the leader hands leadership to the selected server (TimeoutNow)" }),
    document.createElement("br"),
    button("client: write x", () => request({ f: "write", key: "x", value: clients + 1 })),
    button("client: append x", () => request({ f: "append", key: "x", value: `${clients + 1};` })),
    button("client: read x", () => request({ f: "read", key: "x" })),
    button("reset", reset),
  );

  function render() {
    const rows = ids.map((id) => {
      const n = node(id);
      const process = sim.processOf(id);
      return {
        server: id,
        role: n ? n.role : "down",
        term: n ? n.term : "",
        votedFor: n?.votedFor ?? "",
        log: n ? n.lastIndex : "",
        commitIndex: n ? n.commitIndex : "",
        "applied x": process
          ? (JSON.stringify(process.kv.get("x") ?? null) === "null"
            ? "–"
            : JSON.stringify(process.kv.get("x")))
          : "",
      };
    });
    const table = document.createElement("table");
    table.innerHTML = `<thead><tr>${
      Object.keys(rows[0]).map((k) => `<th>${k}</th>`).join("")
    }</tr></thead>`;
    const body = table.createTBody();
    for (const row of rows) {
      const tr = body.insertRow();
      for (const [key, value] of Object.entries(row)) {
        const td = tr.insertCell();
        td.textContent = String(value);
        if (key === "role") td.style.color = ROLE_COLORS[value] ?? "";
      }
    }
    const ops = sim.history.slice(-8).map((op) =>
      `client ${op.process} ${op.type} ${op.f} ${op.key ?? ""} ${JSON.stringify(op.value ?? null)}`
    );
    const history = document.createElement("pre");
    history.style.fontSize = "12px";
    history.textContent = ops.length ? ops.join("\n") : "(no client requests yet)";
    const clock = document.createElement("p");
    clock.innerHTML = `virtual time <b>${now().toFixed(1)} ms</b> · leader <b>${
      leader() ?? "none"
    }</b>`;
    // Seven columns are wider than a phone: the table scrolls inside its box, not the page.
    const tableBox = document.createElement("div");
    tableBox.style.overflowX = "auto";
    // A scrolling box keeps its child's margins from collapsing with its neighbours'.
    table.style.margin = "0";
    tableBox.append(table);
    status.replaceChildren(clock, tableBox, history);

    // Charts wait until the widget is on the page and has a width (the ResizeObserver below
    // draws them then): drawn earlier they would take a guessed width, and drawing them twice
    // doubled the main-thread work of loading the page.
    if (!root.isConnected || root.clientWidth === 0) return;
    drawnWidth = root.clientWidth;
    const windowMs = 3000;
    const from = Math.max(0, now() - windowMs);
    const bars = ns.roleIntervals(sim.trace.events, now())
      .filter((b) => b.endMs >= from)
      .map((b) => ({ ...b, startMs: Math.max(b.startMs, from) }));
    const timeline = ns.electionTimelineChart(bars, { title: "Roles and terms (last 3 s)" });
    const lanes = [...ids, ...Array.from({ length: clients }, (_, i) => `c${i + 1}`)];
    const diagram = ns.messageDiagram(sim.trace.events, {
      nodes: lanes,
      fromMs: Math.max(0, now() - 400),
      toMs: now(),
      maxMessages: 160,
      title: "Messages (last 400 ms)",
      height: 380,
    });
    charts.replaceChildren(
      VegaChart(timeline, { width: widthNow() }),
      VegaChart(diagram, { width: widthNow() }),
    );
  }

  let drawnWidth = 0;
  reset();
  // The first render happens before the page attaches the widget; once attached (and whenever
  // its width changes, as when a phone turns) the charts are drawn at the width it has.
  const resizeObserver = new ResizeObserver(() => {
    if (root.clientWidth > 0 && Math.abs(root.clientWidth - drawnWidth) > 1) render();
  });
  resizeObserver.observe(root);
  options.invalidation?.then(() => resizeObserver.disconnect());
  return root;
}
