/**
 * Reading a lab's README: its title and its goal, for `deno task lab`, the workshop fork's
 * agenda and the site's labs page. Pure functions on text, so Deno tools and the Node data
 * loader share them.
 *
 * @module
 */

/**
 * The first `# ` heading without a leading "Lab:" label, or `fallback`.
 *
 * @example
 * ```ts
 * import { readmeTitle } from "./lab_readme.ts";
 * if (readmeTitle("# Lab: vector clocks\n", "x") !== "Vector clocks") throw new Error();
 * ```
 */
export function readmeTitle(readme: string, fallback: string): string {
  const heading = /^#\s+(.+)$/m.exec(readme);
  if (!heading) return fallback;
  // "Lab: vector clocks" reads as "Vector clocks" in lists that are all labs anyway.
  const title = heading[1].trim().replace(/^lab:\s*/i, "");
  return title.charAt(0).toUpperCase() + title.slice(1);
}

/**
 * The goal: the first paragraph under a `## Goal` heading, else the first paragraph after the
 * title; joined into one line, as plain text (a leading bold "Goal." label is dropped).
 *
 * @example
 * ```ts
 * import { readmeGoal } from "./lab_readme.ts";
 * const goal = readmeGoal("# Lab\n\nIntro.\n\n## Goal\n\nElect one leader\nper term.\n");
 * if (goal !== "Elect one leader per term.") throw new Error(goal);
 * const labelled = readmeGoal("# Lab\n\n**Goal.** Order _causally_ related events.\n");
 * if (labelled !== "Order causally related events.") throw new Error(labelled);
 * ```
 */
export function readmeGoal(readme: string): string {
  const lines = readme.split("\n");
  let start = lines.findIndex((l) => /^##\s+goal\b/i.test(l.trim()));
  if (start < 0) start = lines.findIndex((l) => /^#\s+/.test(l));
  const paragraph: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const text = line.trim();
    if (text === "") {
      if (paragraph.length) break;
      continue;
    }
    if (/^#{1,6}\s/.test(text)) {
      if (paragraph.length) break;
      continue;
    }
    paragraph.push(text);
  }
  // Plain text for tables and cards: no emphasis markers, no "Goal." label.
  return paragraph.join(" ")
    .replace(/(\*\*|__|\*|_|`)(.+?)\1/g, "$2")
    .replace(/^goal[.:]\s*/i, "");
}

/**
 * Whether a page links a lab: a link to `labs/<name>` or to the labs page's `#<name>` anchor,
 * or the command `deno task lab <name>`. Decides which pages go into a workshop fork and
 * which pages the labs page lists as background.
 *
 * @example
 * ```ts
 * import { linksLab } from "./lab_readme.ts";
 * if (!linksLab("Try [the lab](./labs#hlc).", "hlc")) throw new Error("anchor link");
 * if (linksLab("see labs#hlc-extra", "hlc")) throw new Error("another lab");
 * ```
 */
export function linksLab(page: string, lab: string): boolean {
  const name = lab.replace(/[-/\\^$*+?.()|[\]{}]/g, "\\$&");
  return new RegExp(`(labs[/#]|task lab )${name}(?![\\w-])`).test(page);
}

/**
 * Rewrites the `deno …` commands in a text for a workshop fork, where Deno comes with
 * `npm install` but is not on PATH: `deno task lab x` becomes `npm run lab -- x`,
 * `deno task dev` `npm run dev`, and any other `deno …` runs the fork's own Deno through
 * `node tools/deno.mjs …` (the learner's file is the default target there, so a
 * `NETSPLIT_LAB_TARGET=starter` prefix goes). Prose ("Deno") is left alone.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { forkCommands } from "./lab_readme.ts";
 * assert.equal(forkCommands("run `deno task lab hlc --filter=x`"), "run `npm run lab -- hlc --filter=x`");
 * assert.equal(
 *   forkCommands("NETSPLIT_LAB_TARGET=starter deno test -A labs/hlc"),
 *   "node tools/deno.mjs test -A labs/hlc",
 * );
 * assert.equal(forkCommands("Deno 2; deno task run lww-skew"), "Deno 2; node tools/deno.mjs task run lww-skew");
 * ```
 */
export function forkCommands(text: string): string {
  return text
    .replace(/(?:NETSPLIT_LAB_TARGET=starter )?\bdeno task lab\b/g, "npm run lab --")
    .replace(/\bdeno task (dev|build)\b/g, "npm run $1")
    .replace(
      /(?:NETSPLIT_LAB_TARGET=starter )?(?<![\w./-])deno (?=(?:task|test|run|fmt|lint|check|bundle) )/g,
      "node tools/deno.mjs ",
    );
}
