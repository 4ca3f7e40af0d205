/// <reference lib="dom" />
/// <reference lib="deno.ns" />
/**
 * `deno task dev` end to end: the preview serves pages, an edited page updates in an open tab,
 * a change under `src/` rebuilds `docs/lib/netsplit.js` and the open tab picks the new bundle
 * up, its log stays quiet through all that (no line per request, per npm package resolved or
 * per live-reload message: issue 12), and Ctrl-C (SIGINT) stops the bundler and the preview.
 *
 * The test edits only a probe page it creates (`docs/__dev_probe.md`) and touches
 * `src/mod.ts` (its modification time, never its contents) to trigger the watcher; it removes
 * the probe page and leaves the bundle rebuilt from the real sources.
 *
 * @module
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { chromiumArgs, chromiumMissing, chromiumPath, repoRoot } from "./browser.ts";

const probePage = `${repoRoot}/docs/__dev_probe.md`;
const bundleFile = `${repoRoot}/docs/lib/netsplit.js`;

function probeMarkdown(heading: string): string {
  return `# ${heading}\n\n\`\`\`js\nimport * as ns from "./lib/netsplit.js";\n\`\`\`\n\n` +
    `<p id="exports">\${Object.keys(ns).length} exports</p>\n`;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/**
 * Polls `probe` until it returns a value. `nudge`, when given, runs first and then every
 * 3 seconds: Framework attaches its file watchers only after it greets a new tab, so an edit
 * made in that window is missed; repeating the edit is what a user would do.
 */
async function poll<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  nudge?: () => Promise<void>,
) {
  const deadline = Date.now() + timeoutMs;
  let nextNudge = 0;
  while (Date.now() < deadline) {
    if (nudge && Date.now() >= nextNudge) {
      await nudge();
      nextNudge = Date.now() + 3000;
    }
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** What the dev log may say without being asked: the bundle, the greeting, the URL. */
const STARTUP_LINES = [/^bundle: /, /^dev: /, /^Observable Framework v/, /^↳ http:/];

/** The lines of a dev log that are not {@linkcode STARTUP_LINES}, colours removed. */
function noise(log: string): string[] {
  return log.split("\n")
    // deno-lint-ignore no-control-regex
    .map((line) => line.replace(/\x1b\[[0-9;]*m/g, "").trim())
    .filter((line) => line !== "" && !STARTUP_LINES.some((pattern) => pattern.test(line)));
}

if (chromiumMissing !== undefined) {
  console.warn(`SKIPPED dev server test (tests/e2e/dev_server_test.ts): ${chromiumMissing}`);
}

Deno.test({
  name:
    "deno task dev live-reloads pages and the core bundle, logs only its startup lines, and Ctrl-C stops it",
  ignore: chromiumMissing !== undefined,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const port = freePort();
    await Deno.writeTextFile(probePage, probeMarkdown("Probe one"));
    const dev = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "tools/dev.ts", `--port=${port}`],
      cwd: repoRoot,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let log = "";
    const decoder = new TextDecoder();
    const drain = (stream: ReadableStream<Uint8Array>) =>
      stream.pipeTo(
        new WritableStream({ write: (chunk) => void (log += decoder.decode(chunk)) }),
      );
    const drained = Promise.all([drain(dev.stdout), drain(dev.stderr)]);
    const profile = await Deno.makeTempDir({ prefix: "netsplit-chromium-" });
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: [...chromiumArgs],
    });
    try {
      const url = `http://127.0.0.1:${port}/__dev_probe`;
      await poll("the preview server", 90_000, async () => {
        const response = await fetch(url);
        await response.body?.cancel();
        return response.ok ? true : undefined;
      });
      const page = await context.newPage();
      await page.goto(url, { waitUntil: "networkidle", timeout: 60_000 });
      const text = (selector: string) => page.locator(selector).first().textContent();
      await poll(
        "the first render",
        30_000,
        async () => /\d+ exports/.test(await text("#exports") ?? "") ? true : undefined,
      );
      assert.equal(await text("h1"), "Probe one");
      const exports = await text("#exports");

      // A page load is quiet: no line per request, per module Framework resolves or bundles
      // from node_modules, or per live-reload message; only the startup lines remain. The home
      // page loads the npm packages (Vega, Inputs), which a fresh cache resolves.
      const home = await context.newPage();
      await home.goto(`http://127.0.0.1:${port}/`, { waitUntil: "networkidle", timeout: 90_000 });
      await home.close();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.deepEqual(noise(log), [], `deno task dev logged more than its startup lines:\n${log}`);

      // A page edit reaches the open tab without a reload.
      await poll(
        "the edited page",
        60_000,
        async () => await text("h1") === "Probe two" ? true : undefined,
        () => Deno.writeTextFile(probePage, probeMarkdown("Probe two")),
      );

      // A changed bundle reaches the open tab (Framework watches local imports).
      const bundle = await Deno.readTextFile(bundleFile);
      await poll(
        "the page to see the changed bundle",
        60_000,
        async () => await text("#exports") !== exports ? true : undefined,
        () => Deno.writeTextFile(bundleFile, `${bundle}\nexport const __devProbe = 1;\n`),
      );

      // A change under src/ makes the watcher rebuild the bundle from the real sources.
      await poll(
        "the rebuilt bundle",
        60_000,
        async () => (await Deno.readTextFile(bundleFile)).includes("__devProbe") ? undefined : true,
        () => Deno.utime(`${repoRoot}/src/mod.ts`, new Date(), new Date()),
      );
      await poll(
        "the page to see the rebuilt bundle",
        60_000,
        async () => await text("#exports") === exports ? true : undefined,
      );

      // Ctrl-C stops everything.
      dev.kill("SIGINT");
      const status = await poll("dev to exit after SIGINT", 15_000, () => dev.status);
      assert.equal(status.code, 0, `dev exited ${status.code}:\n${log}`);
      await drained;
      const refused = await fetch(url).then((r) => r.body?.cancel()).then(() => false, () => true);
      assert.ok(refused, `the preview still answers after Ctrl-C:\n${log}`);
      // Edits, reloads and rebuilds were as quiet as the first page load.
      assert.deepEqual(noise(log), [], `deno task dev logged more than its startup lines`);
    } catch (error) {
      console.error(`deno task dev output:\n${log}`);
      throw error;
    } finally {
      try {
        dev.kill("SIGTERM");
      } catch {
        // Already exited.
      }
      await dev.status;
      await context.close();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
      await Deno.remove(probePage).catch(() => {});
    }
  },
});
