/**
 * The player's permalink against the static build (dist/ behind a plain file server): a link
 * restores main and every fork, which branch is shown and its cursor; a link written before
 * links held every branch (version 1) still opens.
 *
 * Run `deno task build` first.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Locator, Page } from "playwright-core";
import { expectNoConsoleErrors, openPage, siteTest } from "./browser.ts";

/**
 * A version 1 link (a bare recording): the playground's run forked at event 120 (crash n1),
 * cursor 121. The same fixture is decoded in src/player/recording_test.ts.
 */
const OLD_PLAYER_LINK =
  "eyJzY2VuYXJpbyI6ImhlYXJ0YmVhdCIsInNlZWQiOjMsInBhcmFtcyI6eyJub2RlcyI6M30sImZhdWx0cyI6W3siYXRNcyI6MzAwLCJraW5kIjoicGFydGl0aW9uIiwiZ3JvdXBzIjpbWyJuMSIsIm4yIl0sWyJuMyJdXX0seyJhdE1zIjo3MDAsImtpbmQiOiJoZWFsIn0seyJhdE1zIjo5MDAsImtpbmQiOiJjcmFzaCIsIm5vZGUiOiJuMiJ9XSwiZm9ya3MiOlt7ImFmdGVyRXZlbnQiOjEyMCwiZmF1bHRzIjpbeyJraW5kIjoiY3Jhc2giLCJub2RlIjoibjEifV19XSwiY3Vyc29yIjoxMjF9";

async function scrubTo(player: Locator, cursor: number): Promise<void> {
  await player.locator(".ns-player-scrub").evaluate((input: HTMLInputElement, value: number) => {
    input.value = String(value);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }, cursor);
}

async function forkHere(player: Locator, verb: string, node?: string): Promise<void> {
  await player.locator(".ns-player-fork-kind").selectOption(verb);
  if (node !== undefined) await player.locator(".ns-player-fork-node").selectOption(node);
  await player.locator(".ns-player-fork-button").click();
}

/** Labels, the pressed one, length and cursor: what a reader sees of the branches. */
async function branchState(page: Page) {
  const player = page.locator(".ns-player");
  const buttons = player.locator(".ns-player-branches button");
  const labels = await buttons.allInnerTexts();
  const pressed: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    if (await buttons.nth(i).getAttribute("aria-pressed") === "true") pressed.push(i);
  }
  return {
    labels,
    pressed,
    length: Number(await player.getAttribute("data-length")),
    cursor: Number(await player.getAttribute("data-cursor")),
  };
}

siteTest("A player permalink restores main, every fork and the branch on screen", async (site) => {
  await site.context.grantPermissions(["clipboard-read", "clipboard-write"], {
    origin: site.url,
  });
  const opened = await openPage(site.context, `${site.url}/playground.html`);
  const { page } = opened;
  const player = page.locator(".ns-player");
  const buttons = player.locator(".ns-player-branches button");
  const mainLength = Number(await player.getAttribute("data-length"));

  // Fork 1 from main (crash n1 at event 120); fork 2 from main (isolate n3 at event 200).
  await scrubTo(player, 120);
  await forkHere(player, "crash", "n1");
  await buttons.nth(0).click();
  await scrubTo(player, 200);
  await forkHere(player, "isolate", "n3");
  // Fork 3 forks fork 1 before its own fork point: no error, a fourth branch.
  await buttons.nth(1).click();
  await scrubTo(player, 50);
  await forkHere(player, "crash", "n2");
  assert.equal(await player.locator(".ns-player-fork .ns-player-error").innerText(), "");
  // Show fork 2, at a cursor of its own.
  await buttons.nth(2).click();
  await scrubTo(player, 260);
  const before = await branchState(page);
  assert.equal(before.labels.length, 4);
  assert.match(before.labels[1], /^fork 1: crash n1 @ .* \(from main\)$/);
  assert.match(before.labels[2], /^fork 2: isolate n3 @ .* \(from main\)$/);
  assert.match(before.labels[3], /^fork 3: crash n2 @ .* \(from fork 1\)$/);
  assert.deepEqual(before.pressed, [2]);

  await player.getByRole("button", { name: /Copy a link/ }).click();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(link, /\/playground\.html#player=[A-Za-z0-9_-]+$/);
  const hash = new URL(link).hash.slice("#player=".length);
  // A figure for the report, not a timed assertion: how long a realistic link is.
  console.log(`permalink with main and 3 forks: ${hash.length} characters of hash`);
  assert.ok(hash.length < 1_000, `link stays short, got ${hash.length} characters`);

  const fresh = await openPage(site.context, link);
  const after = await branchState(fresh.page);
  assert.deepEqual(after, before);
  // Every branch restores with its own tape: main's is main's.
  await fresh.page.locator(".ns-player-branches button").nth(0).click();
  assert.equal(
    Number(await fresh.page.locator(".ns-player").getAttribute("data-length")),
    mainLength,
  );
  // At phone width the branch row wraps inside the player: every branch stays reachable.
  await fresh.page.setViewportSize({ width: 390, height: 800 });
  const overflow = await fresh.page.locator(".ns-player-branches").evaluate((row) => ({
    row: row.scrollWidth - row.clientWidth,
    buttons: [...row.querySelectorAll("button")].filter((b) =>
      b.getBoundingClientRect().right > document.documentElement.clientWidth
    ).length,
  }));
  assert.deepEqual(overflow, { row: 0, buttons: 0 }, "branches fit at 390 px");
  expectNoConsoleErrors(opened);
  expectNoConsoleErrors(fresh);
});

siteTest(
  "An old player link still opens, and a link that cannot replay falls back to the page's run",
  async (site) => {
    const opened = await openPage(
      site.context,
      `${site.url}/playground.html#player=${OLD_PLAYER_LINK}`,
    );
    const state = await branchState(opened.page);
    assert.deepEqual(state.labels, ["restored (1 fork)"]);
    assert.equal(state.cursor, 121);
    assert.match(
      await opened.page.locator(".ns-player-log .current").innerText(),
      /nemesis crash n1/,
    );
    expectNoConsoleErrors(opened);

    // Decodes, but names a verb no player knows: the reader is told, and gets the page's run.
    const unknownVerb = btoa(JSON.stringify({
      v: 2,
      r: { scenario: "heartbeat", seed: 3, params: { nodes: 3 } },
      b: [[0, 10, "meteor"]],
      s: 1,
    })).replaceAll("=", "");
    const bad = await openPage(site.context, `${site.url}/playground.html#player=${unknownVerb}`);
    assert.match(
      await bad.page.locator(".ns-player .ns-player-error").first().innerText(),
      /^Cannot restore this link: Unknown fault verb "meteor".*showing the page's own recording instead\.$/,
    );
    assert.deepEqual((await branchState(bad.page)).labels, ["main"]);
    expectNoConsoleErrors(bad);
  },
);
