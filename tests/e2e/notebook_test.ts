/// <reference lib="dom" />
/// <reference lib="deno.ns" />
/**
 * Browser tests of the notebook: editable cells (edit, Run, Shift-Enter, runaway cells,
 * errors with line numbers, local edits, share links that never autorun) and the
 * simulation player (step, rewind, fork, permalink). Also measures what the notebook costs:
 * JavaScript shipped per page, time until the first cell can run, and worker start time.
 *
 * Runs against the built site (`deno task build`), with the helpers in ./browser.ts.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { builtPages, expectNoConsoleErrors, openPage, siteTest } from "./browser.ts";

const CELL = ".ns-cell";

/** Waits until the n-th cell has finished a run (any outcome) at least `runs` times. */
async function waitForRun(page: Page, index: number, runs = 1, timeoutMs = 20_000) {
  await page.waitForFunction(
    ([index, runs]) => {
      const cell = document.querySelectorAll<HTMLElement>(".ns-cell")[index];
      return cell && Number(cell.dataset.runs ?? 0) >= runs && cell.dataset.state !== "running";
    },
    [index, runs] as const,
    { timeout: timeoutMs },
  );
  return page.locator(CELL).nth(index);
}

async function waitForReady(page: Page) {
  await page.waitForFunction(
    () => {
      const button = document.querySelector<HTMLButtonElement>(".ns-cell .ns-cell-run");
      return button !== null && !button.disabled;
    },
    undefined,
    { timeout: 20_000 },
  );
}

/** Replaces a cell's code by typing it into the CodeMirror editor, as a reader would. */
async function typeCode(page: Page, index: number, code: string) {
  await page.waitForFunction(
    (index) =>
      document.querySelectorAll<HTMLElement>(".ns-cell")[index]?.dataset.editor === "codemirror",
    index,
  );
  const editor = page.locator(`${CELL} .cm-content`).nth(index);
  await editor.click();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  // Auto-closed brackets and quotes are typed over, so the result equals `code`.
  await page.keyboard.type(code);
  const text = await editor.evaluate((element) =>
    (element.closest(".ns-cell") as HTMLElement & { code(): string }).code()
  );
  assert.equal(text, code);
}

function base64Url(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

siteTest(
  "A cell runs on load, then runs edited code with Run and with Shift-Enter",
  async (site) => {
    const opened = await openPage(site.context, `${site.url}/playground.html`);
    const { page } = opened;
    const first = await waitForRun(page, 0, 1);
    assert.equal(await first.getAttribute("data-state"), "result");
    assert.match(await first.locator(".ns-cell-output").innerText(), /\S/);

    await typeCode(page, 0, "[1, 2, 3].map((x) => ({ x, square: x * x }))");
    await page.keyboard.press("Shift+Enter");
    await waitForRun(page, 0, 2);
    const rows = await first.locator(".ns-cell-table tbody tr").count();
    assert.equal(rows, 3, "an array of objects shows as a table");
    assert.match(await first.locator(".ns-cell-table").innerText(), /square/);

    await typeCode(page, 0, 'display("first"); 6 * 7');
    await first.locator(".ns-cell-run").click();
    await waitForRun(page, 0, 3);
    const output = await first.locator(".ns-cell-output").innerText();
    assert.match(output, /first/);
    assert.match(output, /42/);

    // The chart cell turns its Vega-Lite value into an SVG chart.
    const chartCell = await waitForRun(page, 1, 1);
    await page.waitForFunction(() =>
      document.querySelectorAll(".ns-cell")[1]?.querySelector(
        ".netsplit-chart svg, .ns-cell-chart svg",
      )
    );
    assert.ok(await chartCell.locator(".ns-cell-table tbody tr").count() > 0);
    expectNoConsoleErrors(opened);
  },
);

siteTest("A runaway cell is stopped after its budget and the page keeps working", async (site) => {
  const opened = await openPage(site.context, `${site.url}/playground.html`);
  const { page } = opened;
  await waitForReady(page);
  const loop = page.locator(CELL).filter({ hasText: "An endless loop" });
  const index = await loop.evaluate((element) =>
    [...document.querySelectorAll(".ns-cell")].indexOf(element)
  );
  const started = Date.now();
  await loop.locator(".ns-cell-run").click();
  await waitForRun(page, index, 1, 15_000);
  const elapsedMs = Date.now() - started;
  assert.equal(await loop.getAttribute("data-state"), "timeout");
  assert.match(await loop.locator(".ns-cell-error").innerText(), /ran longer than its 2 s budget/);
  assert.ok(elapsedMs >= 1_900 && elapsedMs < 10_000, `stopped after ${elapsedMs} ms`);
  // The page still responds and the respawned sandbox runs the next cell.
  assert.equal(await page.evaluate(() => 1 + 1), 2);
  await typeCode(page, 0, "ns.FAULT_KINDS.includes('crash') ? 'fault kinds: ok' : 'missing'");
  await page.keyboard.press("Shift+Enter");
  await waitForRun(page, 0, 2);
  assert.equal(await page.locator(CELL).first().getAttribute("data-state"), "result");
  assert.match(
    await page.locator(CELL).first().locator(".ns-cell-output").innerText(),
    /fault kinds: ok/,
  );
  expectNoConsoleErrors(opened);
});

siteTest("A failing cell shows the error inline with its line number", async (site) => {
  const opened = await openPage(site.context, `${site.url}/playground.html`);
  const { page } = opened;
  await waitForReady(page);
  const cell = page.locator(CELL).filter({ hasText: "An error" });
  const index = await cell.evaluate((element) =>
    [...document.querySelectorAll(".ns-cell")].indexOf(element)
  );
  await cell.locator(".ns-cell-run").click();
  await waitForRun(page, index, 1);
  assert.match(
    await cell.locator(".ns-cell-error").innerText(),
    /^Line 3: RangeError: Node "n1" already exists/,
  );
  await typeCode(page, index, "const a = 1;\nconst b = ;");
  await page.keyboard.press("Shift+Enter");
  await waitForRun(page, index, 2);
  assert.match(await cell.locator(".ns-cell-error").innerText(), /^Line 2: SyntaxError/);
  expectNoConsoleErrors(opened);
});

siteTest("Edits persist locally, Reset restores, and shared code waits for Run", async (site) => {
  const opened = await openPage(site.context, `${site.url}/playground.html`);
  const { page } = opened;
  await waitForRun(page, 0, 1);
  const id = await page.locator(CELL).first().getAttribute("data-cell-id");
  await typeCode(page, 0, "'kept locally'");
  await page.waitForTimeout(500);
  await page.reload({ waitUntil: "networkidle" });
  await waitForRun(page, 0, 1);
  assert.match(await page.locator(`${CELL} .cm-content`).first().innerText(), /kept locally/);
  assert.match(await page.locator(`${CELL} .ns-cell-output`).first().innerText(), /kept locally/);
  await page.locator(`${CELL} button`, { hasText: "Reset" }).first().click();
  assert.match(await page.locator(`${CELL} .cm-content`).first().innerText(), /runExperiment/);
  // Reset clears the edited code's output (and runs the original again, as on load).
  assert.doesNotMatch(
    await page.locator(`${CELL} .ns-cell-output`).first().innerText(),
    /kept locally/,
  );

  // Share puts the code in the hash.
  await typeCode(page, 0, "'shared ' + 2");
  await page.locator(`${CELL} button`, { hasText: "Share" }).first().click();
  assert.ok(page.url().includes(`cell-${id}=`), page.url());

  // A link with code from someone else: shown, not run, until the reader presses Run.
  const shared = await site.context.newPage();
  const problems: string[] = [];
  shared.on("pageerror", (error) => problems.push(error.message));
  await shared.goto(
    `${site.url}/playground.html#cell-${id}=${base64Url("globalThis.ran = true; 40 + 2")}`,
  );
  await waitForReady(shared);
  await shared.waitForTimeout(1_500);
  const first = shared.locator(CELL).first();
  assert.equal(await first.getAttribute("data-runs"), null, "shared code must not autorun");
  assert.match(await first.locator(".ns-cell-warning").innerText(), /came from a link/);
  assert.match(await first.locator(".cm-content").innerText(), /40 \+ 2/);
  await first.locator(".ns-cell-run").click();
  await waitForRun(shared, 0, 1);
  assert.match(await first.locator(".ns-cell-output").innerText(), /42/);
  assert.deepEqual(problems, []);
  expectNoConsoleErrors(opened);
});

siteTest("The player steps, rewinds, forks and restores a permalink", async (site) => {
  const opened = await openPage(site.context, `${site.url}/playground.html`);
  const { page } = opened;
  const player = page.locator(".ns-player");
  const cursor = async () => Number(await player.getAttribute("data-cursor"));
  const length = async () => Number(await player.getAttribute("data-length"));
  assert.equal(await cursor(), 0);
  const mainLength = await length();
  assert.ok(mainLength > 100);
  for (let i = 0; i < 5; i++) {
    await player.getByRole("button", { name: "Step forward one event" }).click();
  }
  assert.equal(await cursor(), 5);
  await player.getByRole("button", { name: "Step back one event" }).click();
  assert.equal(await cursor(), 4);
  await player.getByRole("button", { name: "Jump to the end" }).click();
  assert.equal(await cursor(), mainLength);
  assert.match(
    await player.locator("td.ns-player-down").innerText(),
    /down/,
    "n2 crashed by the end",
  );
  await player.getByRole("button", { name: "Rewind to the start" }).click();
  assert.equal(await cursor(), 0);
  assert.equal(await player.locator("td.ns-player-down").count(), 0, "rewound: nobody is down");

  // Play moves the cursor; pause stops it.
  await player.locator(".ns-player-play").click();
  await page.waitForFunction(() =>
    Number(document.querySelector<HTMLElement>(".ns-player")?.dataset.cursor) > 3
  );
  await player.locator(".ns-player-play").click();
  const paused = await cursor();
  await page.waitForTimeout(300);
  assert.equal(await cursor(), paused);

  // Scrub to the middle, then fork: crash n1 there.
  await player.locator(".ns-player-scrub").evaluate((input: HTMLInputElement) => {
    input.value = "120";
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });
  assert.equal(await cursor(), 120);
  await player.locator(".ns-player-fork-kind").selectOption("crash");
  await player.locator(".ns-player-fork-node").selectOption("n1");
  await player.locator(".ns-player-fork-button").click();
  const branches = player.locator(".ns-player-branches button");
  assert.equal(await branches.count(), 2);
  assert.equal(await branches.nth(1).getAttribute("aria-pressed"), "true");
  assert.match(await branches.nth(1).innerText(), /crash n1/);
  assert.ok(await cursor() >= 120);
  assert.match(await player.locator(".ns-player-log .current").innerText(), /nemesis crash n1/);
  const forkLength = await length();
  assert.notEqual(forkLength, mainLength);
  // Switching back to main restores the original run.
  await branches.nth(0).click();
  assert.equal(await length(), mainLength);
  await branches.nth(1).click();

  // The permalink restores the fork and the moment. The hash is rewritten 250 ms after the
  // last change, later on a busy machine: wait for it rather than for a fixed time.
  await page.waitForFunction(() => {
    const element = document.querySelector(".ns-player") as
      | (HTMLElement & { permalink(): string })
      | null;
    return element !== null && location.href === element.permalink();
  });
  const link = page.url();
  assert.match(link, /#player=/);
  const restored = await site.context.newPage();
  await restored.goto(link, { waitUntil: "networkidle" });
  const again = restored.locator(".ns-player");
  assert.equal(Number(await again.getAttribute("data-length")), forkLength);
  assert.equal(Number(await again.getAttribute("data-cursor")), await cursor());

  // A counterexample link (made by ns.playerLink in a cell) reloads the player in place.
  const linkCell = page.locator(CELL).filter({ hasText: "A counterexample as a player link" });
  const linkIndex = await linkCell.evaluate((element) =>
    [...document.querySelectorAll(".ns-cell")].indexOf(element)
  );
  await waitForRun(page, linkIndex, 1);
  await linkCell.locator(".ns-cell-output a").click();
  await page.waitForFunction(() =>
    /seed 42/.test(document.querySelector(".ns-player-meta")?.textContent ?? "")
  );
  assert.equal(await page.locator(".ns-player tbody tr").count(), 4, "four nodes");
  expectNoConsoleErrors(opened);
});

siteTest("Notebook costs: JS shipped per page, time to interactive, worker start", async (site) => {
  const figures: Record<string, unknown> = {};
  // JS shipped: bytes of every script the page loaded once it settled (network idle, charts
  // drawn, autorun cells done), and, for pages with cells, the part loaded before the first
  // cell could run. Uncompressed sizes (the test server does not compress).
  const paths = (await builtPages()).map((file) => `/${file.replace(/(^|\/)index\.html$/, "$1")}`);
  for (const path of paths) {
    const opened = await openPage(site.context, `${site.url}${path}`);
    await opened.page.waitForTimeout(1_000);
    const bytes = await opened.page.evaluate(() => {
      const scripts = performance.getEntriesByType("resource")
        .filter((e) => e.name.endsWith(".js")) as PerformanceResourceTiming[];
      const ready = (globalThis as unknown as { __netsplitCells?: { firstReadyMs: number } })
        .__netsplitCells?.firstReadyMs;
      const sum = (list: PerformanceResourceTiming[]) =>
        list.reduce((total, e) => total + e.encodedBodySize, 0);
      return {
        settled: sum(scripts),
        beforeFirstRunnableCell: ready ? sum(scripts.filter((e) => e.responseEnd <= ready)) : null,
      };
    });
    figures[`JS KiB ${path} (settled)`] = Math.round(bytes.settled / 1024);
    if (bytes.beforeFirstRunnableCell !== null) {
      figures[`JS KiB ${path} (before the first cell is runnable)`] = Math.round(
        bytes.beforeFirstRunnableCell / 1024,
      );
    }
    await opened.page.close();
  }
  // Time to interactive: from navigation start to the first cell's Run button enabled.
  const samples: { ttiMs: number; workerMs: number; importMs: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const page = await site.context.newPage();
    await page.goto(`${site.url}/playground.html`);
    await waitForReady(page);
    samples.push(
      await page.evaluate(() => {
        const m = (globalThis as unknown as {
          __netsplitCells: {
            firstReadyMs: number;
            workerStarts: { totalMs: number; importMs: number }[];
          };
        }).__netsplitCells;
        return {
          ttiMs: m.firstReadyMs,
          workerMs: m.workerStarts[0].totalMs,
          importMs: m.workerStarts[0].importMs,
        };
      }),
    );
    await page.close();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  figures["playground time to first runnable cell (ms, median of 3)"] = Math.round(
    median(samples.map((s) => s.ttiMs)),
  );
  figures["worker start to ready (ms, median of 3)"] = Math.round(
    median(samples.map((s) => s.workerMs)),
  );
  figures["worker library import (ms, median of 3)"] = Math.round(
    median(samples.map((s) => s.importMs)),
  );
  console.log(`notebook figures: ${JSON.stringify(figures, null, 2)}`);
  assert.ok(samples.every((s) => s.ttiMs > 0));
});
