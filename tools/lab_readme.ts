/**
 * Reading a lab's README: its title and its goal, for `deno task lab`, the workshop fork's
 * agenda and the site's labs page. Pure functions on text, so Deno tools and the Node data
 * loader share them.
 *
 * @module
 */

/**
 * The first `# ` heading, or `fallback`.
 *
 * @example
 * ```ts
 * import { readmeTitle } from "./lab_readme.ts";
 * if (readmeTitle("# Vector clocks\n", "x") !== "Vector clocks") throw new Error();
 * ```
 */
export function readmeTitle(readme: string, fallback: string): string {
  const heading = /^#\s+(.+)$/m.exec(readme);
  return heading ? heading[1].trim() : fallback;
}

/**
 * The goal: the first paragraph under a `## Goal` heading, else the first paragraph after the
 * title; joined into one line.
 *
 * @example
 * ```ts
 * import { readmeGoal } from "./lab_readme.ts";
 * const goal = readmeGoal("# Lab\n\nIntro.\n\n## Goal\n\nElect one leader\nper term.\n");
 * if (goal !== "Elect one leader per term.") throw new Error(goal);
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
  return paragraph.join(" ");
}
