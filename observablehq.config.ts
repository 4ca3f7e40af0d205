// Observable Framework configuration for the netsplit site (https://observablehq.com/framework/config).
// Pages import the core library as "./lib/netsplit.js", a bundle of src/mod.ts made by
// `deno task bundle`; npm packages are imported by bare name so the build never needs a CDN.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** A sidebar entry: a page, or a section of pages. */
export interface SidebarItem {
  name: string;
  path?: string;
  open?: boolean;
  pages?: SidebarItem[];
}

/**
 * The sidebar, in reading order (the home page, docs/index.md, comes first on its own).
 * Pages are written by different people at different times and Framework refuses to build
 * when a listed page is missing, so {@linkcode existing} drops the ones whose Markdown file does
 * not exist yet. Restart `deno task dev` to see a newly added page in the sidebar.
 */
export const sidebar: SidebarItem[] = [
  { name: "Time and order", path: "/time" },
  {
    name: "Consensus",
    open: true,
    pages: [
      { name: "Raft", path: "/raft" },
      { name: "Paxos", path: "/paxos" },
      { name: "Byzantine faults", path: "/byzantine" },
    ],
  },
  {
    name: "Data",
    open: true,
    pages: [
      { name: "Partitioning", path: "/partitioning" },
      { name: "CRDTs", path: "/crdt" },
      { name: "Replication", path: "/replication" },
      { name: "CAP and PACELC", path: "/cap" },
    ],
  },
  {
    name: "Services",
    open: true,
    pages: [
      { name: "Resilience", path: "/resilience" },
      { name: "Gateway & service mesh", path: "/services" },
      { name: "Sagas and outbox", path: "/sagas" },
    ],
  },
  { name: "Checking", path: "/checking" },
  { name: "Messaging", path: "/messaging" },
  { name: "Observability", path: "/observability" },
  { name: "Chaos engineering", path: "/chaos" },
  { name: "Choosing a pattern", path: "/choosing" },
  { name: "A real cluster", path: "/real" },
  { name: "Playground", path: "/playground" },
  { name: "Labs", path: "/labs" },
];

/** Keeps the pages whose `docs/<path>.md` exists, and the sections that keep any page. */
function existing(items: SidebarItem[]): SidebarItem[] {
  return items.flatMap((item) => {
    if (item.pages) {
      const pages = existing(item.pages);
      return pages.length > 0 ? [{ ...item, pages }] : [];
    }
    return existsSync(new URL(`./docs${item.path}.md`, import.meta.url)) ? [item] : [];
  });
}

/** A small inline icon, so browsers do not request a missing /favicon.ico. */
const favicon = "data:image/svg+xml," + encodeURIComponent(
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">` +
    `<circle cx="4" cy="8" r="3" fill="#4269d0"/><circle cx="12" cy="8" r="3" fill="#ff725c"/>` +
    `</svg>`,
);

/**
 * Site-wide rules that keep pages from scrolling sideways on a phone (390 px): long unbroken
 * strings (a search's replay path, a player's parameters) wrap; wide tables scroll inside
 * their own box.
 */
const phoneStyle = [
  "#observablehq-main{overflow-wrap:break-word}",
  ".ns-player-meta{min-width:0;overflow-wrap:anywhere}",
  // A grid item's min-width is auto (its content's), so one wide chart widened the column.
  ".grid>*{min-width:0}",
  // Framework's grid gives every row the tallest row's height (grid-auto-rows: 1fr); once the
  // columns collapse into one on a phone, that left a short card mostly empty.
  "@media (max-width:640px){#observablehq-main table{display:block;overflow-x:auto}" +
  ".grid{grid-auto-rows:auto}}",
].join("");

export default {
  root: "docs",
  output: "dist",
  title: "netsplit",
  // Framework's default loads the Source Serif font from Google Fonts; the site must work
  // offline, so it uses the theme's fallback fonts instead.
  globalStylesheets: [],
  // TypeScript data loaders run under tsx, which Framework finds on PATH by default; npm's bin
  // links are off here (see .npmrc), so name Framework's own copy in node_modules.
  interpreters: {
    ".ts": ["node", fileURLToPath(new URL("./node_modules/tsx/dist/cli.mjs", import.meta.url))],
  },
  head: `<link rel="icon" href="${favicon}" type="image/svg+xml"><style>${phoneStyle}</style>`,
  pages: existing(sidebar),
  // Links end in .html (./raft.html, not ./raft), so dist/ works from any static file server,
  // not only from one that maps clean URLs to files.
  preserveExtension: true,
  toc: true,
  pager: true,
  search: true,
  footer: "netsplit — runnable distributed-systems labs on a deterministic simulator.",
};
