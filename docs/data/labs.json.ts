// Data loader for the labs page: every lab under labs/ (a folder with api.ts and starter.ts)
// with its title, goal, README and the site pages that link it. Runs under Node (Framework
// data loaders), so it reads files with node:fs and shares only pure helpers with tools/.
// The READMEs are this repository's own files, rendered to HTML once here.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import MarkdownIt from "markdown-it";
import { linksLab, readmeGoal, readmeTitle } from "../../tools/lab_readme.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const labsDir = `${root}labs`;
const docsDir = `${root}docs`;

function pages(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith(".") || entry.name === "lib") return [];
    const rel = prefix + entry.name;
    if (entry.isDirectory()) return pages(`${dir}/${entry.name}`, `${rel}/`);
    return rel.endsWith(".md") && rel !== "labs.md" ? [rel] : [];
  });
}

const sitePages = pages(docsDir).map((path) => {
  const text = readFileSync(`${docsDir}/${path}`, "utf8");
  const title = /^title:\s*(.+)$/m.exec(text)?.[1] ?? /^#\s+(.+)$/m.exec(text)?.[1] ?? path;
  return {
    path: `/${path.replace(/\.md$/, "").replace(/(^|\/)index$/, "$1")}`,
    title: title.trim(),
    text,
  };
});

const labs = existsSync(labsDir)
  ? readdirSync(labsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith("_") && !e.name.startsWith("."))
    .filter((e) =>
      existsSync(`${labsDir}/${e.name}/api.ts`) && existsSync(`${labsDir}/${e.name}/starter.ts`)
    )
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const readmePath = `${labsDir}/${name}/README.md`;
      const readme = existsSync(readmePath) ? readFileSync(readmePath, "utf8") : "";

      return {
        name,
        title: readmeTitle(readme, name),
        goal: readmeGoal(readme),
        // Rendered here, at build time, so the page ships no Markdown parser.
        readmeHtml: new MarkdownIt().render(readme),
        files: readdirSync(`${labsDir}/${name}`).sort(),
        pages: sitePages.filter((p) => linksLab(p.text, name)).map(({ path, title }) => ({
          path,
          title,
        })),
      };
    })
  : [];

process.stdout.write(JSON.stringify(labs));
