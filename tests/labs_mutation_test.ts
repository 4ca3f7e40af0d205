/**
 * The labs' CI check: every lab's reference solution passes its tests and every starter
 * fails them (with tests that actually ran, not a compile error). A lab whose starter passes
 * teaches nothing; a lab whose solution fails cannot be finished. Each lab's mutation battery
 * (`mutants_test.ts`, run by the ordinary suite) checks that wrong solutions fail too; this
 * file checks that every lab has one, on the shared helper, over the checks its tests run.
 */
import assert from "node:assert/strict";
import { discoverLabs, MUTANTS_FILE, parseJunit } from "../tools/lab.ts";
import type { CheckResult } from "../tools/lab.ts";

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const labs = discoverLabs(`${root}/labs`);

/** The lab's test files but its mutation battery (that one runs in the ordinary suite). */
function learnerTests(name: string): string[] {
  return [...Deno.readDirSync(`${root}/labs/${name}`)]
    .filter((e) => e.isFile && e.name.endsWith("_test.ts") && e.name !== MUTANTS_FILE)
    .map((e) => `labs/${name}/${e.name}`);
}

async function runLab(
  name: string,
  target: "starter" | "solution",
): Promise<{ success: boolean; checks: CheckResult[]; output: string }> {
  const junitPath = await Deno.makeTempFile({ suffix: ".xml" });
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", `--junit-path=${junitPath}`, ...learnerTests(name)],
    cwd: root,
    env: { NETSPLIT_LAB_TARGET: target, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  let checks: CheckResult[] = [];
  try {
    checks = parseJunit(await Deno.readTextFile(junitPath));
  } catch { /* no report: compile error, reported through output */ }
  await Deno.remove(junitPath).catch(() => {});
  return {
    success: result.success,
    checks,
    output: decoder.decode(result.stdout) + decoder.decode(result.stderr),
  };
}

Deno.test("every lab folder has a README, api.ts, starter.ts, solution.ts and a test file", () => {
  for (const lab of labs) {
    const files = [...Deno.readDirSync(lab.dir)].map((e) => e.name);
    for (const required of ["README.md", "api.ts", "starter.ts", "solution.ts"]) {
      assert.ok(files.includes(required), `labs/${lab.name} is missing ${required}`);
    }
    assert.ok(
      files.some((f) => f.endsWith("_test.ts") && f !== MUTANTS_FILE),
      `labs/${lab.name} has no *_test.ts`,
    );
  }
});

// Every battery is built on labs/_lib/checks.ts: registerMutationBattery runs the lab's own
// checks (the list its test file registers) against the reference and ten or more mutants.
Deno.test("every lab with a solution has a mutation battery on the shared helper", () => {
  for (const lab of labs.filter((l) => l.hasSolution)) {
    let text = "";
    try {
      text = Deno.readTextFileSync(`${lab.dir}/${MUTANTS_FILE}`);
    } catch {
      assert.fail(`labs/${lab.name} has no ${MUTANTS_FILE}: wrong solutions are never tried`);
    }
    assert.match(
      text,
      /registerMutationBattery\(/,
      `labs/${lab.name}/${MUTANTS_FILE} does not call registerMutationBattery`,
    );
  }
});

Deno.test("every lab's test file registers the same checks its battery runs", () => {
  for (const lab of labs.filter((l) => l.hasSolution)) {
    const battery = Deno.readTextFileSync(`${lab.dir}/${MUTANTS_FILE}`);
    const checks = /checks: ([A-Z_]+)/.exec(battery)?.[1];
    assert.ok(checks, `labs/${lab.name}/${MUTANTS_FILE}: no *_CHECKS list passed as checks`);
    const tests = learnerTests(lab.name).map((f) => Deno.readTextFileSync(`${root}/${f}`)).join();
    assert.match(
      tests,
      new RegExp(`registerLabChecks\\(${checks},`),
      `labs/${lab.name}: the test file does not register ${checks}, so the battery tests other checks`,
    );
  }
});

for (const lab of labs.filter((l) => l.hasSolution)) {
  Deno.test(`lab ${lab.name}: the reference solution passes every check`, async () => {
    const run = await runLab(lab.name, "solution");
    assert.ok(run.success, `labs/${lab.name} fails against solution.ts:\n${run.output}`);
    assert.ok(run.checks.length > 0, `labs/${lab.name} has no tests`);
  });

  Deno.test(`lab ${lab.name}: the starter fails at least one check, and the tests run`, async () => {
    const run = await runLab(lab.name, "starter");
    assert.ok(
      !run.success,
      `labs/${lab.name}: starter.ts passes every test, so the lab teaches nothing`,
    );
    assert.ok(
      run.checks.length > 0,
      `labs/${lab.name}: the tests did not run against starter.ts (compile error?):\n${run.output}`,
    );
    const failed = run.checks.filter((c) => !c.passed && !c.skipped);
    assert.ok(failed.length > 0);
    for (const check of failed) {
      assert.ok(check.message.length > 0, `check "${check.name}" fails without a message`);
    }
  });
}
