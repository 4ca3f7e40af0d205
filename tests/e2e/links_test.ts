/**
 * Every internal link and asset reference in the built site resolves to a file in `dist/`.
 * Links to pages the sidebar plans but nobody has written yet (see `sidebar` in
 * observablehq.config.ts) are allowed and listed, so a page can point at "coming" pages.
 *
 * @module
 */
import assert from "node:assert/strict";
import { sidebar, type SidebarItem } from "../../observablehq.config.ts";
import { builtPages, distDir, siteMissing } from "./browser.ts";
import { candidateFiles } from "./static_server.ts";

/** Paths of every page the sidebar lists, such as `/raft`. */
function plannedPaths(items: SidebarItem[]): string[] {
  return items.flatMap((item) => item.pages ? plannedPaths(item.pages) : [item.path ?? ""]);
}

/**
 * Internal references (`href`/`src`) in an HTML page, resolved to URL paths.
 *
 * @param html The page's HTML.
 * @param pagePath The page's own URL path, such as `/consensus/raft`.
 * @returns Decoded paths without query or fragment.
 */
export function internalReferences(html: string, pagePath: string): string[] {
  const base = new URL(pagePath, "http://site.invalid");
  const paths = new Set<string>();
  for (const [, , reference] of html.matchAll(/\s(href|src)="([^"]*)"/g)) {
    if (reference === "" || reference.startsWith("#") || /^[a-z][\w+.-]*:/i.test(reference)) {
      continue;
    }
    const url = new URL(reference.replaceAll("&amp;", "&"), base);
    if (url.origin === base.origin) paths.add(decodeURIComponent(url.pathname));
  }
  return [...paths];
}

Deno.test("Internal links and assets of the built site resolve", async () => {
  const missing = siteMissing();
  assert.equal(missing, undefined, missing);
  const planned = new Set(plannedPaths(sidebar));
  const broken: string[] = [];
  const coming = new Set<string>();
  for (const file of await builtPages()) {
    const pagePath = `/${file.replace(/\.html$/, "")}`;
    const html = await Deno.readTextFile(`${distDir}/${file}`);
    for (const path of internalReferences(html, pagePath)) {
      const exists = candidateFiles(distDir, path).some((candidate) => {
        try {
          return Deno.statSync(candidate).isFile;
        } catch {
          return false;
        }
      });
      if (exists) continue;
      if (planned.has(path.replace(/\.html$/, ""))) coming.add(path);
      else broken.push(`${file} -> ${path}`);
    }
  }
  if (coming.size > 0) console.log(`links to pages not written yet: ${[...coming].join(", ")}`);
  assert.deepEqual(broken, [], `broken internal links:\n  ${broken.join("\n  ")}`);
});
