/**
 * `deno task workshop <dir> --labs a,b [--title=<text>]`: forks chosen labs into a
 * standalone workshop folder.
 *
 * The fork holds its own deno.json (tasks dev, test, lab, bundle, build, ...), package.json
 * and package-lock.json, a README (agenda, setup in two commands), the chosen labs with their
 * starters and without their solutions or mutation batteries, the core library (src/), the tools, the non-browser
 * tests, and the site with only the related pages: home, labs, playground (where the lab
 * tool's player links open) and every page that links one of the chosen labs.
 *
 * The fork ships no answer: the library functions that hold a chosen lab's answer (listed in
 * `labs/<lab>/answers.json`) call the learner's starter instead, and the library tests of those
 * answers stay behind (see tools/_lib/workshop_answers.ts). Links to pages left out become
 * plain text, and every `deno …` command in the fork's pages and labs becomes one that works
 * without Deno on PATH (`npm run lab -- <lab>`, `node tools/deno.mjs …`).
 *
 * In the fork `npm install` then `npm test` work: every library test passes, then every lab is
 * explained as `npm run lab` explains it, failing until the learner solves it.
 *
 * Exit codes: 0 done, 2 bad input (unknown lab, missing flag, existing non-empty folder).
 *
 * @module
 */

import { discoverLabs, MUTANTS_FILE } from "./lab.ts";
import type { LabInfo } from "./lab.ts";
import { forkCommands, linksLab } from "./lab_readme.ts";
import { delegateToLearner, readLabAnswers } from "./_lib/workshop_answers.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** Thrown for bad input; main() prints the message and exits 2. */
export class UsageError extends Error {}

/** Parsed command line. */
export interface WorkshopArgs {
  dir: string;
  labs: string[];
  title: string;
}

/**
 * Parses `<dir> --labs a,b [--title=...]`; throws UsageError naming the problem.
 *
 * @example
 * ```ts
 * import { parseArgs } from "./workshop.ts";
 * const args = parseArgs(["../ws", "--labs", "hlc,vector-clocks"]);
 * if (args.labs.length !== 2 || args.dir !== "../ws") throw new Error("parsed");
 * ```
 */
export function parseArgs(args: string[]): WorkshopArgs {
  const positional: string[] = [];
  let labs: string[] | null = null;
  let title = "Distributed systems workshop";
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--labs" || arg.startsWith("--labs=")) {
      const value = arg === "--labs" ? args[++i] : arg.slice("--labs=".length);
      if (value === undefined || value.startsWith("--")) {
        throw new UsageError("--labs needs a comma-separated list of lab names");
      }
      labs = value.split(",").map((s) => s.trim()).filter(Boolean);
    } else if (arg === "--title" || arg.startsWith("--title=")) {
      const value = arg === "--title" ? args[++i] : arg.slice("--title=".length);
      if (!value) throw new UsageError("--title needs a value");
      title = value;
    } else if (arg.startsWith("--")) {
      throw new UsageError(`Unknown option ${arg}`);
    } else positional.push(arg);
  }
  if (positional.length !== 1) throw new UsageError("Give exactly one target folder");
  if (labs === null || labs.length === 0) throw new UsageError("Choose labs with --labs a,b");
  return { dir: positional[0], labs: [...new Set(labs)], title };
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

function copyTree(
  from: string,
  to: string,
  keep: (relative: string) => boolean,
  relative = "",
): void {
  Deno.mkdirSync(to, { recursive: true });
  for (const entry of Deno.readDirSync(from)) {
    const rel = relative ? `${relative}/${entry.name}` : entry.name;
    if (!keep(rel)) continue;
    if (entry.isDirectory) copyTree(`${from}/${entry.name}`, `${to}/${entry.name}`, keep, rel);
    else if (entry.isFile) Deno.copyFileSync(`${from}/${entry.name}`, `${to}/${entry.name}`);
  }
}

function walk(dir: string, relative = ""): string[] {
  if (!exists(dir)) return [];
  const out: string[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    const rel = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory) out.push(...walk(`${dir}/${entry.name}`, rel));
    else out.push(rel);
  }
  return out;
}

/** Pages (paths relative to docs/, e.g. `raft.md`) that link one of `labs`. */
export function pagesLinkingLabs(docsDir: string, labs: readonly string[]): string[] {
  const pages = walk(docsDir).filter((p) => p.endsWith(".md") && !p.startsWith(".observablehq/"));
  return pages.filter((page) => {
    const text = Deno.readTextFileSync(`${docsDir}/${page}`);
    return labs.some((lab) => linksLab(text, lab));
  });
}

/** The page a site-relative link names (`./raft.html#x` → `raft`), or null for anything else. */
function linkedPage(target: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("#") || target.startsWith("//")) {
    return null;
  }
  const path = target.replace(/[?#].*$/, "").replace(/^\.?\//, "");
  if (path === "" || path.startsWith("../")) return null;
  // Files (images, data, scripts) are not pages; a page link has no extension or .html/.md.
  if (/\.(?!html$|md$)[a-z0-9]+$/i.test(path)) return null;
  const page = path.replace(/\.(html|md)$/, "").replace(/\/$/, "/index");
  return page === "" ? "index" : page;
}

/**
 * Turns links to pages a fork leaves out into their plain text, so the fork's site has no
 * broken link; links to kept pages, anchors, files and other sites stay.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unlinkMissingPages } from "./workshop.ts";
 * const kept = new Set(["index", "time"]);
 * assert.equal(
 *   unlinkMissingPages("See [Raft](./raft), [clocks](./time.html#hlc) and [x](https://x.org).", kept),
 *   "See Raft, [clocks](./time.html#hlc) and [x](https://x.org).",
 * );
 * assert.equal(unlinkMissingPages('<a href="./paxos">Paxos</a>', kept), "Paxos");
 * ```
 */
export function unlinkMissingPages(markdown: string, keptPages: ReadonlySet<string>): string {
  const missing = (target: string) => {
    const page = linkedPage(target.trim());
    return page !== null && !keptPages.has(page);
  };
  return markdown
    .replace(
      /(!?)\[([^\]]*)\]\(([^)\s]+)\)/g,
      (link, bang, text, target) => bang === "" && missing(target) ? text : link,
    )
    .replace(
      /<a\s+href="([^"]+)"[^>]*>([\s\S]*?)<\/a>/g,
      (link, target, text) => missing(target) ? text : link,
    );
}

type PageEntry = { name: string; path?: string; pages?: PageEntry[]; [k: string]: unknown };

/**
 * Keeps only the config's pages whose path is kept; drops emptied sections.
 *
 * @example
 * ```ts
 * import { filterPages } from "./workshop.ts";
 * const kept = filterPages([{ name: "Raft", path: "/raft" }, { name: "X", pages: [{ name: "Y", path: "/y" }] }], new Set(["raft"]));
 * if (kept.length !== 1) throw new Error("only Raft stays");
 * ```
 */
export function filterPages(
  pages: readonly PageEntry[],
  keptPaths: ReadonlySet<string>,
): PageEntry[] {
  const out: PageEntry[] = [];
  for (const page of pages) {
    if (page.pages) {
      const inner = filterPages(page.pages, keptPaths);
      if (inner.length) out.push({ ...page, pages: inner });
    } else if (page.path && keptPaths.has(page.path.replace(/^\//, "").replace(/\/$/, "/index"))) {
      out.push(page);
    }
  }
  return out;
}

async function loadSiteConfig(): Promise<Record<string, unknown>> {
  for (const name of ["observablehq.config.ts", "observablehq.config.js"]) {
    const path = `${ROOT}/${name}`;
    if (!exists(path)) continue;
    try {
      const module = await import(`file://${path}`);
      return { ...(module.default ?? {}) };
    } catch { /* a config that only loads under Node: fall back to a minimal one */ }
  }
  return { root: "docs" };
}

function pageTitle(docsDir: string, page: string): string {
  const text = Deno.readTextFileSync(`${docsDir}/${page}`);
  const front = /^---\n[\s\S]*?^title:\s*(.+)$/m.exec(text);
  const heading = /^#\s+(.+)$/m.exec(text);
  return (front?.[1] ?? heading?.[1] ?? page.replace(/\.md$/, "")).trim();
}

/** The fork's README. */
export function workshopReadme(title: string, labs: readonly LabInfo[]): string {
  const agenda = labs.map((lab, i) =>
    `| ${i + 1} | [${lab.title}](labs/${lab.name}/README.md) | ${
      lab.goal || "—"
    } | \`npm run lab -- ${lab.name}\` |`
  ).join("\n");
  return `# ${title}

A hands-on workshop built with netsplit: runnable distributed-systems labs on a
deterministic simulator. Each lab is a small, real piece of a distributed system;
its tests replay the same seeded runs and faults every time, and when your code is wrong they
print the minimal failing schedule.

## Setup (two commands)

\`\`\`sh
npm install
npm test
\`\`\`

You need Node 20 or newer (Deno comes with \`npm install\`). \`npm test\` runs every test: the
library's tests pass, and **the lab tests fail until you solve the labs** — that is where
you start.

## Agenda

| # | Lab | Goal | Run its tests |
|---|-----|------|---------------|
${agenda}

Plan about 45 minutes per lab, plus a short introduction and a closing discussion.

## Working on a lab

1. Read the lab's README (goal, steps, hints, what the tests check).
2. Edit \`labs/<lab>/starter.ts\` — the only file you need to change.
3. Run \`npm run lab -- <lab>\`. It shows which checks pass, which invariant fails, the
   message schedule that breaks it, and a link that opens that run in the simulation player;
   \`npm run lab -- <lab> --filter=<text>\` runs only the checks whose name holds the text.
   Every command in this folder's READMEs and in the tools' hints works as written: Deno comes
   with \`npm install\` (\`node tools/deno.mjs …\` runs it), so it need not be on your PATH.

## The notebook site

\`npm run dev\` starts the site at http://127.0.0.1:3000 with the pages for these labs, the
labs index and the playground (editable cells and the simulation player).

## What is in this folder

- \`labs/\` — the labs (starters only; no solutions here).
- \`src/\` — the netsplit library: simulator, patterns, checkers, charts.
- \`docs/\` — the site; \`tools/\` — the commands behind the npm scripts; \`tests/\` — library tests.
`;
}

/** Creates the fork; returns the files written (relative paths). */
export async function createWorkshop(args: WorkshopArgs): Promise<string[]> {
  const labs = discoverLabs(`${ROOT}/labs`);
  const unknown = args.labs.filter((name) => !labs.some((l) => l.name === name));
  if (unknown.length) {
    throw new UsageError(
      `Unknown lab${unknown.length > 1 ? "s" : ""} ${
        unknown.map((n) => `"${n}"`).join(", ")
      } (known: ${labs.map((l) => l.name).join(", ") || "none"})`,
    );
  }
  const chosen = args.labs.map((name) => labs.find((l) => l.name === name)!);
  const dir = args.dir.startsWith("/") ? args.dir : `${Deno.cwd()}/${args.dir}`;
  if (exists(dir)) {
    if (!Deno.statSync(dir).isDirectory) {
      throw new UsageError(`${args.dir} exists and is not a folder`);
    }
    if ([...Deno.readDirSync(dir)].length > 0) {
      throw new UsageError(
        `Refusing to write into ${args.dir}: the folder exists and is not empty`,
      );
    }
  }
  try {
    Deno.mkdirSync(dir, { recursive: true });
    // A folder that exists can still refuse files (/proc, a read-only mount): find out now.
    Deno.writeTextFileSync(`${dir}/.netsplit-workshop-probe`, "");
    Deno.removeSync(`${dir}/.netsplit-workshop-probe`);
  } catch (error) {
    throw new UsageError(
      `Cannot create the workshop in ${args.dir}: ${
        error instanceof Error ? error.message.replace(/ \(os error \d+\)/, "") : error
      }`,
    );
  }

  // The library and the lab helpers, as they are.
  copyTree(`${ROOT}/src`, `${dir}/src`, () => true);
  copyTree(`${ROOT}/labs/_lib`, `${dir}/labs/_lib`, () => true);
  // The labs: everything but the reference solutions.
  for (const lab of chosen) {
    // The mutation battery stays behind too: it imports the solution and holds near-answers.
    copyTree(
      lab.dir,
      `${dir}/labs/${lab.name}`,
      // answers.json is the fork maker's own list (below): the fork has no use for it.
      (rel) =>
        !/(^|\/)solutions?(\.ts|\/|$)/.test(rel) && rel !== MUTANTS_FILE && rel !== "answers.json",
    );
  }
  // The library functions that hold a chosen lab's answer call the learner's starter instead
  // (their JSDoc goes too: its prose and examples state the answer).
  const answers = chosen.map((lab) => ({ lab, ...readLabAnswers(lab.dir) }));
  for (const { lab, library } of answers) {
    for (const answer of library) {
      const path = `${dir}/${answer.module}`;
      const depth = answer.module.split("/").length - 1;
      const starterPath = `${"../".repeat(depth)}labs/${lab.name}/starter.ts`;
      const text = Deno.readTextFileSync(path);
      Deno.writeTextFileSync(
        path,
        delegateToLearner(text, answer, { lab: lab.name, starterPath }),
      );
    }
  }
  const testsOfTheAnswers = new Set(answers.flatMap((a) => a.testsOfTheAnswer));
  for (const test of testsOfTheAnswers) {
    if (test.startsWith("src/") && exists(`${dir}/${test}`)) Deno.removeSync(`${dir}/${test}`);
  }
  // Tools, without the fork maker itself.
  copyTree(
    `${ROOT}/tools`,
    `${dir}/tools`,
    (rel) => rel !== "workshop.ts" && rel !== "_lib/workshop_answers.ts",
  );
  // Library tests; browser tests, the labs' mutation check, the fork check, the checks of this
  // repository's page commands and the real-cluster bridge stay behind (they need solutions,
  // pages or a real etcd the fork does not have).
  const staysBehind = new Set([
    "labs_mutation_test.ts",
    "workshop_test.ts",
    "lab_commands_test.ts",
    "doc_commands_test.ts",
    "real_etcd_test.ts",
  ]);
  if (exists(`${ROOT}/tests`)) {
    copyTree(
      `${ROOT}/tests`,
      `${dir}/tests`,
      (rel) =>
        !rel.startsWith("e2e") && !staysBehind.has(rel) &&
        !testsOfTheAnswers.has(`tests/${rel}`) &&
        // The library now calls into labs/ (the learner's starters): the layer test of this
        // repository would refuse that edge.
        !(answers.some((a) => a.library.length > 0) && rel === "layers_test.ts"),
    );
  }
  // The site: shared components and data, then only the related pages.
  const docs = `${ROOT}/docs`;
  const linking = pagesLinkingLabs(docs, args.labs);
  const pages = [...new Set(["index.md", "labs.md", "playground.md", ...linking])]
    .filter((p) => exists(`${docs}/${p}`));
  copyTree(
    docs,
    `${dir}/docs`,
    (rel) =>
      !rel.startsWith("lib") && !rel.startsWith(".observablehq") &&
      (!rel.endsWith(".md") || pages.includes(rel)),
  );
  const config = await loadSiteConfig();
  const kept = new Set(pages.map((p) => p.replace(/\.md$/, "")));
  // Pages the fork leaves out must not be linked (a broken link at build), and commands must
  // run in the fork as written (Deno is not on its PATH).
  for (const page of pages) {
    const path = `${dir}/docs/${page}`;
    Deno.writeTextFileSync(
      path,
      forkCommands(unlinkMissingPages(Deno.readTextFileSync(path), kept)),
    );
  }
  for (const lab of chosen) {
    for (const file of walk(`${dir}/labs/${lab.name}`).filter((f) => /\.(md|ts)$/.test(f))) {
      const path = `${dir}/labs/${lab.name}/${file}`;
      const text = Deno.readTextFileSync(path);
      const forked = forkCommands(text);
      if (forked !== text) Deno.writeTextFileSync(path, forked);
    }
  }
  const navPages = Array.isArray(config.pages)
    ? filterPages(config.pages as PageEntry[], kept)
    : pages.filter((p) => p !== "index.md").map((p) => ({
      name: pageTitle(docs, p),
      path: `/${p.replace(/\.md$/, "")}`,
    }));
  const siteConfig = {
    ...config,
    root: "docs",
    title: args.title,
    pages: navPages,
  };
  // The interpreter path must point into the fork's own node_modules, so it is written as code.
  delete (siteConfig as Record<string, unknown>).interpreters;
  Deno.writeTextFileSync(
    `${dir}/observablehq.config.ts`,
    `// Generated by \`deno task workshop\`: the site with only this workshop's pages.\n` +
      `import { fileURLToPath } from "node:url";\n\n` +
      `export default {\n  ...${JSON.stringify(siteConfig, null, 2).replace(/\n/g, "\n  ")},\n` +
      `  interpreters: {\n    ".ts": ["node", fileURLToPath(new URL("./node_modules/tsx/dist/cli.mjs", import.meta.url))],\n  },\n};\n`,
  );
  // Project files.
  for (const file of ["tsconfig.json", ".gitignore", ".npmrc", "package-lock.json"]) {
    if (exists(`${ROOT}/${file}`)) Deno.copyFileSync(`${ROOT}/${file}`, `${dir}/${file}`);
  }
  const denoJson = JSON.parse(Deno.readTextFileSync(`${ROOT}/deno.json`));
  const tasks: Record<string, string> = {};
  for (const [name, command] of Object.entries(denoJson.tasks ?? {}) as [string, string][]) {
    // A task that names a file or folder the fork does not have would only fail there.
    const paths = command.match(/\b(?:tools|tests|src|labs|docs)\/[\w./-]*/g) ?? [];
    if (name === "workshop" || paths.some((path) => !exists(`${dir}/${path}`))) continue;
    tasks[name] = command;
  }
  const testDirs = ["src/", "tests/"].filter((d) => exists(`${dir}/${d}`));
  // Every test: the library's first, then the labs' against the starters (no solutions here),
  // explained one failure per check as `npm run lab` does, not as raw test output.
  tasks.test = `deno test -A ${testDirs.join(" ")} && deno run -A tools/lab.ts --all`;
  tasks.lab = "deno run -A tools/lab.ts";
  denoJson.tasks = tasks;
  Deno.writeTextFileSync(`${dir}/deno.json`, JSON.stringify(denoJson, null, 2) + "\n");
  const packageJson = JSON.parse(Deno.readTextFileSync(`${ROOT}/package.json`));
  packageJson.name = args.title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") ||
    "netsplit-workshop";
  packageJson.description = `${args.title}: netsplit labs ${args.labs.join(", ")}`;
  const runner = exists(`${dir}/tools/deno.mjs`) ? "node tools/deno.mjs" : "npx deno";
  packageJson.scripts = {
    dev: `${runner} task dev`,
    test: `${runner} task test`,
    lab: `${runner} task lab`,
    build: `${runner} task build`,
  };
  Deno.writeTextFileSync(`${dir}/package.json`, JSON.stringify(packageJson, null, 2) + "\n");
  Deno.writeTextFileSync(`${dir}/README.md`, workshopReadme(args.title, chosen));
  return walk(dir);
}

async function main(argv: string[]): Promise<number> {
  try {
    const args = parseArgs(argv);
    const files = await createWorkshop(args);
    console.log(`Created ${args.dir} with labs ${args.labs.join(", ")} (${files.length} files).`);
    console.log(`Next:\n  cd ${args.dir}\n  npm install\n  npm test`);
    return 0;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const labs = discoverLabs(`${ROOT}/labs`).map((l) => `  ${l.name.padEnd(18)} ${l.title}`);
    console.error(
      `${error.message}\n\nUsage: deno task workshop <dir> --labs a,b [--title=<text>]\n\nLabs:\n${
        labs.join("\n") || "  (none found under labs/)"
      }`,
    );
    return 2;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
