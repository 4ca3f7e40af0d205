/**
 * The layer order of `src/` (DESIGN.md, "Layout"): sim → patterns → check → viz → experiments →
 * player. A non-test file imports only its own layer or a lower one, folders never import each
 * other in a loop, and nothing in `src/` reaches into `docs/`, `labs/` or `tests/`. Test files
 * (`*_test.ts`) are consumers and may import any layer. A new top-level folder must be placed
 * in {@linkcode LAYERS} before it can be imported at all, so the order is decided once, here.
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join, normalize, relative, sep as SEPARATOR } from "node:path";
import { fileURLToPath } from "node:url";

/** Each top-level folder of `src/` and its layer; lower numbers are lower layers. */
export const LAYERS: Readonly<Record<string, number>> = {
  sim: 0,
  clocks: 1,
  consensus: 1,
  replication: 1,
  partitioning: 1,
  crdt: 1,
  resilience: 1,
  services: 1,
  transactions: 1,
  messaging: 1,
  observe: 1,
  check: 2,
  viz: 3,
  experiments: 4,
  player: 5,
};

/** One import edge: the importing file and the file it names, both relative to `src/`. */
export interface ImportEdge {
  from: string;
  to: string;
}

const importPattern =
  /(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/gs;

/** Relative import specifiers of a source file, ignoring JSDoc blocks (their examples). */
export function importsOf(source: string): string[] {
  const code = source.replace(/\/\*\*[\s\S]*?\*\//g, "");
  return [...code.matchAll(importPattern)]
    .map((m) => m[1] ?? m[2])
    .filter((spec) => spec.startsWith("."));
}

/** The top-level folder of a path relative to `src/`, or `"(root)"` for `src/mod.ts`. */
function folderOf(path: string): string {
  const parts = path.split("/");
  return parts.length > 1 ? parts[0] : "(root)";
}

/**
 * Every broken rule among the edges: an import that climbs a layer, leaves `src/`, or names a
 * folder missing from {@linkcode LAYERS}; plus each folder-level import cycle.
 */
export function layerViolations(
  edges: readonly ImportEdge[],
  layers: Readonly<Record<string, number>> = LAYERS,
): string[] {
  const problems: string[] = [];
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    if (to.startsWith("..")) {
      problems.push(`${from} imports ${to}, outside src/`);
      continue;
    }
    const a = folderOf(from);
    const b = folderOf(to);
    if (a === "(root)" || b === "(root)" || a === b) continue;
    for (const folder of [a, b]) {
      if (!(folder in layers)) {
        problems.push(`${from} -> ${to}: folder src/${folder} has no layer; add it to LAYERS`);
      }
    }
    if (!(a in layers) || !(b in layers)) continue;
    if (layers[b] > layers[a]) {
      problems.push(
        `${from} imports ${to}: ${a} (layer ${layers[a]}) may not import ${b} (layer ${layers[b]})`,
      );
    }
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)?.add(b);
  }
  for (const cycle of folderCycles(graph)) problems.push(`folders import each other: ${cycle}`);
  return problems;
}

/** Each strongly connected group of two or more folders, as `a -> b -> a` text (Tarjan). */
function folderCycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v) ?? 0);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
      }
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) cycles.push([...group.sort(), group[0]].join(" -> "));
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

const srcRoot = normalize(join(dirname(fileURLToPath(import.meta.url)), "..", "src"));

/** Import edges of every non-test TypeScript file under `src/`. */
export async function sourceEdges(root: string = srcRoot): Promise<ImportEdge[]> {
  const edges: ImportEdge[] = [];
  const walk = async (dir: string): Promise<void> => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) {
        const from = relative(root, path).split(SEPARATOR).join("/");
        for (const spec of importsOf(await Deno.readTextFile(path))) {
          const to = relative(root, normalize(join(dirname(path), spec))).split(SEPARATOR).join(
            "/",
          );
          edges.push({ from, to });
        }
      }
    }
  };
  await walk(root);
  return edges;
}

Deno.test("src/ imports only its own layer or lower ones, without folder cycles", async () => {
  const problems = layerViolations(await sourceEdges());
  assert.deepEqual(problems, [], `layer order broken:\n${problems.join("\n")}`);
});

Deno.test("the layer check catches a climbing import, a cycle, an unknown folder and an escape", () => {
  const problems = layerViolations([
    { from: "consensus/raft/node.ts", to: "check/mod.ts" },
    { from: "check/mod.ts", to: "consensus/mod.ts" },
    { from: "clocks/hlc.ts", to: "consensus/mod.ts" },
    { from: "consensus/mod.ts", to: "clocks/mod.ts" },
    { from: "gossip/mod.ts", to: "sim/mod.ts" },
    { from: "viz/charts.ts", to: "../docs/components/x.js" },
    { from: "viz/charts.ts", to: "sim/mod.ts" },
  ]);
  assert.ok(problems.some((p) => /consensus \(layer 1\) may not import check \(layer 2\)/.test(p)));
  // check ⇄ consensus ⇄ clocks is one strongly connected group, reported once.
  assert.ok(problems.includes("folders import each other: check -> clocks -> consensus -> check"));
  assert.ok(problems.some((p) => /src\/gossip has no layer/.test(p)));
  assert.ok(problems.some((p) => /outside src/.test(p)));
  assert.equal(problems.length, 4, problems.join("\n"));
});

Deno.test("importsOf reads static, re-export and dynamic imports but not JSDoc examples", () => {
  const source = [
    '/** ```ts\nimport { x } from "../player/mod.ts";\n``` */',
    'import type { A } from "./a.ts";',
    'export * from "../sim/mod.ts";',
    'export {\n  b,\n} from "./b.ts";',
    'const c = await import("./c.ts");',
    'import fc from "fast-check";',
  ].join("\n");
  assert.deepEqual(importsOf(source), ["./a.ts", "../sim/mod.ts", "./b.ts", "./c.ts"]);
});
