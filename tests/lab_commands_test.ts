/**
 * The lab commands that the README and the pages tell a learner to type, run exactly as
 * written: they test the learner's starter (so they fail, with explanations) and need no
 * permission beyond `-A` as shown. (`deno test labs/<name>` once stopped with "NotCapable:
 * Requires env access" and, with `-A`, tested the reference instead of the learner's file.)
 */
import assert from "node:assert/strict";

const root = new URL("..", import.meta.url).pathname;

async function run(command: string): Promise<{ code: number; output: string }> {
  const [, ...args] = command.split(" ");
  // A learner's shell has no NETSPLIT_LAB_TARGET; the suite's own run sets one, so clear it.
  const env: Record<string, string> = { ...Deno.env.toObject(), NO_COLOR: "1" };
  delete env.NETSPLIT_LAB_TARGET;
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: root,
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code, output: decoder.decode(stdout) + decoder.decode(stderr) };
}

Deno.test("the Time page's `deno test -A labs/vector-clocks` tests the learner's starter", async () => {
  const page = await Deno.readTextFile(`${root}/docs/time.md`);
  const command = "deno test -A labs/vector-clocks";
  assert.ok(page.includes(`\`${command}\``), "the page shows the command");
  const { code, output } = await run(command);
  assert.notEqual(code, 0, "the starter is unfinished, so the checks fail");
  assert.doesNotMatch(output, /NotCapable|Requires env access/);
  assert.match(output, /FAILED/);
});

Deno.test("NETSPLIT_LAB_TARGET=solution runs the same lab against the reference, which passes", async () => {
  const { code, stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", "labs/vector-clocks"],
    cwd: root,
    env: { NETSPLIT_LAB_TARGET: "solution", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "null",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stdout));
});
