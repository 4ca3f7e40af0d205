/**
 * A workshop fork must not ship a lab's answer in any form. The answer lives in two places: the
 * lab's `solution.ts` (left behind) and the library functions that implement the same thing for
 * the site and the experiments (`hlcSend`, `correctVoteRule`, …). Each lab names the latter in
 * `labs/<lab>/answers.json`; in the fork each such function (with its JSDoc, whose prose and
 * examples state the answer too) is replaced by one that calls the learner's `starter.ts`, so
 * the fork's site and experiments run the learner's code. The library tests that check those
 * functions test the reference, so they stay behind like the mutation batteries.
 *
 * This module edits TypeScript source as text: it finds a top-level `export function` or
 * `export const` definition by scanning brackets, strings, templates and comments.
 *
 * @module
 */

/** One library function that holds a lab's answer, and the starter export that replaces it. */
export interface LibraryAnswer {
  /** The module, relative to the repository root (`src/clocks/hlc.ts`). */
  module: string;
  /** The exported function, const or class (`hlcSend`). */
  export: string;
  /** The learner's export in `labs/<lab>/starter.ts` with the same parameters (`send`). */
  learner: string;
  /**
   * The fork's body, when the library's signature is not the starter's (a variant parameter, a
   * state type the starter leaves open): a block for a function, an expression for a const,
   * a class body for a class (required: a class has no one call to delegate to), where
   * `$learner` names the starter's module. It may hold the library's deliberately broken
   * variants, never the correct one.
   */
  replacement?: string;
}

/** A lab's `answers.json`. */
export interface LabAnswers {
  library: LibraryAnswer[];
  /** Tests (relative to the repository root) that check the reference: left out of a fork. */
  testsOfTheAnswer: string[];
}

/** Reads `labs/<lab>/answers.json`, or an empty manifest when the lab has none. */
export function readLabAnswers(labDir: string): LabAnswers {
  let text: string;
  try {
    text = Deno.readTextFileSync(`${labDir}/answers.json`);
  } catch {
    return { library: [], testsOfTheAnswer: [] };
  }
  const parsed = JSON.parse(text) as Partial<LabAnswers>;
  return { library: parsed.library ?? [], testsOfTheAnswer: parsed.testsOfTheAnswer ?? [] };
}

/** Index just past the string, template or comment starting at `i`, or `i` if none starts. */
function skipLiteral(text: string, i: number): number {
  const c = text[i];
  if (c === "/" && text[i + 1] === "/") {
    const end = text.indexOf("\n", i);
    return end < 0 ? text.length : end;
  }
  if (c === "/" && text[i + 1] === "*") {
    const end = text.indexOf("*/", i + 2);
    return end < 0 ? text.length : end + 2;
  }
  if (c === '"' || c === "'") {
    let j = i + 1;
    while (j < text.length && text[j] !== c) j += text[j] === "\\" ? 2 : 1;
    return j + 1;
  }
  if (c === "`") {
    let j = i + 1;
    while (j < text.length && text[j] !== "`") {
      if (text[j] === "\\") j += 2;
      else if (text[j] === "$" && text[j + 1] === "{") j = matchBracket(text, j + 1) + 1;
      else j++;
    }
    return j + 1;
  }
  return i;
}

/**
 * Index of the bracket closing the one at `open`, skipping strings, templates and comments.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { matchBracket } from "./workshop_answers.ts";
 * assert.equal(matchBracket("f({ a: '}' })", 1), 12);
 * ```
 */
export function matchBracket(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length;) {
    const skipped = skipLiteral(text, i);
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    const c = text[i];
    if (c === "(" || c === "{" || c === "[") depth++;
    if (c === ")" || c === "}" || c === "]") {
      depth--;
      if (depth === 0) return i;
    }
    i++;
  }
  throw new Error(`Unbalanced bracket at ${open}`);
}

/** Where a top-level export is defined: its JSDoc start, its end, its parameters, its body. */
export interface ExportDefinition {
  /** Start of the JSDoc block before it (or of the definition when there is none). */
  start: number;
  /** Index just past the definition. */
  end: number;
  /** The text from `export` up to the parameters' closing parenthesis, inclusive. */
  head: string;
  /** The parameter names, in order. */
  params: string[];
  /** For `export function`, the return type annotation (`: HlcTimestamp`), else "". */
  returns: string;
  kind: "function" | "const" | "class";
  /** The body as written: the function's block, the arrow's body, or the class body. */
  body: string;
}

/**
 * Finds `export function name(…)`, `export const name… = (…) =>` or `export class name` at the top level of a
 * module, or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findExport } from "./workshop_answers.ts";
 * const text = "/** Doc. *\/\nexport function add(a: number, b = { x: 1 }): { n: number } {\n  return { n: a + b.x };\n}\n";
 * const found = findExport(text, "add")!;
 * assert.deepEqual(found.params, ["a", "b"]);
 * assert.equal(found.start, 0);
 * assert.equal(found.body, "{\n  return { n: a + b.x };\n}");
 * ```
 */
export function findExport(text: string, name: string): ExportDefinition | null {
  const escaped = name.replace(/[$]/g, "\\$");
  const match = new RegExp(`^export (function|const|class) ${escaped}\\b`, "m").exec(text);
  if (match === null) return null;
  const kind = match[1] as "function" | "const" | "class";
  const at = match.index;
  let start = at;
  const before = text.slice(0, at).trimEnd();
  if (before.endsWith("*/")) {
    const doc = before.lastIndexOf("/**");
    if (doc >= 0) start = doc;
  }
  if (kind === "class") {
    // A class body: the first brace after the name (no `extends` with a literal type here).
    const open = text.indexOf("{", at);
    const end = matchBracket(text, open) + 1;
    const head = text.slice(at, open).trimEnd();
    return { start, end, head, params: [], returns: "", kind, body: text.slice(open, end) };
  }
  const searchFrom = kind === "const" ? text.indexOf("=", at + match[0].length) : at;
  const open = text.indexOf("(", searchFrom);
  const close = matchBracket(text, open);
  const head = text.slice(at, close + 1);
  const params = splitTopLevel(text.slice(open + 1, close))
    .map((p) => /^\s*(?:\.\.\.)?([A-Za-z_$][\w$]*)/.exec(p)?.[1])
    .filter((p): p is string => p !== undefined);
  if (kind === "const") {
    const arrow = text.indexOf("=>", close);
    let i = arrow + 2;
    while (/\s/.test(text[i])) i++;
    let end: number;
    if (text[i] === "{") end = matchBracket(text, i) + 1;
    else {
      end = i;
      while (end < text.length && text[end] !== ";") {
        const skipped = skipLiteral(text, end);
        if (skipped !== end) end = skipped;
        else if ("({[".includes(text[end])) end = matchBracket(text, end) + 1;
        else end++;
      }
    }
    const body = text.slice(i, end);
    if (text[end] === ";") end++;
    return { start, end, head, params, returns: "", kind, body };
  }
  // A function: the body is the last top-level brace group before the next statement (a return
  // type may hold braces of its own).
  let i = close + 1;
  let bodyStart = -1;
  while (i < text.length) {
    const skipped = skipLiteral(text, i);
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    if (text[i] === "{") {
      const end = matchBracket(text, i);
      const rest = text.slice(end + 1);
      if (
        /^\s*($|export\b|function\b|const\b|let\b|type\b|interface\b|class\b|import\b|\/\*|\/\/)/
          .test(rest)
      ) {
        bodyStart = i;
        const returns = text.slice(close + 1, bodyStart).trim();
        return { start, end: end + 1, head, params, returns, kind, body: text.slice(i, end + 1) };
      }
      i = end + 1;
      continue;
    }
    i++;
  }
  throw new Error(`Cannot find the body of ${name}`);
}

function splitTopLevel(params: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (let i = 0; i < params.length;) {
    const skipped = skipLiteral(params, i);
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    if ("({[<".includes(params[i])) {
      i = params[i] === "<" ? params.indexOf(">", i) + 1 : matchBracket(params, i) + 1;
      continue;
    }
    if (params[i] === ",") {
      out.push(params.slice(from, i));
      from = i + 1;
    }
    i++;
  }
  if (params.slice(from).trim()) out.push(params.slice(from));
  return out;
}

/**
 * Replaces the definition of `answer.export` in `text` (a module's source) with one that calls
 * the learner's starter, imported as `learner` from `starterPath` (relative to the module).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { delegateToLearner } from "./workshop_answers.ts";
 * const text = 'import { x } from "./x.ts";\n\n/** Adds. *\/\nexport const add: Op = (a, b) => {\n  return a + b;\n};\n';
 * const out = delegateToLearner(text, { module: "src/m.ts", export: "add", learner: "plus" }, {
 *   lab: "adder",
 *   starterPath: "../labs/adder/starter.ts",
 * });
 * assert.match(out, /export const add: Op = \(a, b\) => learnerAdder\.plus\(a, b\);/);
 * assert.match(out, /import \* as learnerAdderStarter from "\.\.\/labs\/adder\/starter\.ts";/);
 * assert.match(out, /const learnerAdder = yourLab\("adder", learnerAdderStarter\);/);
 * assert.doesNotMatch(out, /return a \+ b/);
 * ```
 */
export function delegateToLearner(
  text: string,
  answer: LibraryAnswer,
  options: { lab: string; starterPath: string },
): string {
  const found = findExport(text, answer.export);
  if (found === null) {
    throw new Error(`${answer.module} has no top-level export ${answer.export}`);
  }
  const alias = `learner${
    options.lab.replace(/(^|[-_])([a-z0-9])/g, (_, _sep, ch: string) => ch.toUpperCase())
  }`;
  const call = `${alias}.${answer.learner}(${found.params.join(", ")})`;
  const replacement = answer.replacement?.replaceAll("$learner", alias);
  const doc =
    `/**\n * In this workshop \`${answer.export}\` is yours: it runs \`${answer.learner}\` from ` +
    `labs/${options.lab}/starter.ts,\n * so the site and the experiments run your code.\n */\n`;
  if (found.kind === "class" && replacement === undefined) {
    throw new Error(
      `${answer.module} ${answer.export} is a class: answers.json must give its replacement`,
    );
  }
  const definition = found.kind === "class"
    ? `${found.head} ${replacement}`
    : found.kind === "function"
    ? `${found.head}${found.returns ? ` ${found.returns}` : ""} ${
      replacement ?? `{\n  return ${call};\n}`
    }`
    : `${found.head} => ${replacement ?? call};`;
  let out = text.slice(0, found.start) + doc + definition + text.slice(found.end);
  const importLine = `import * as ${alias}Starter from "${options.starterPath}";\n` +
    `// A throw from your code names the lab to finish, so a page that runs it says what to do.\n` +
    `const ${alias} = yourLab("${options.lab}", ${alias}Starter);`;
  if (!out.includes(importLine)) {
    if (!out.includes("function yourLab<")) out += YOUR_LAB;
    // After the last import, so the module's own doc comment stays first.
    const imports = [...out.matchAll(/^import [\s\S]*?;\n/gm)];
    const moduleDoc = /^\/\*\*[\s\S]*?\*\/\n/.exec(out);
    const at = imports.length
      ? imports[imports.length - 1].index! + imports[imports.length - 1][0].length
      : moduleDoc
      ? moduleDoc[0].length
      : 0;
    out = out.slice(0, at) + importLine + "\n" + out.slice(at);
  }
  return out;
}

/**
 * The helper a delegating module gets: the starter's functions, each turning a throw into one
 * that names the lab (the pages show the message of what they run).
 */
const YOUR_LAB = `
/** The starter's functions; a throw says which lab to finish. */
function yourLab<T extends object>(lab: string, starter: T): T {
  // Looked up on each call, not copied: the starter may not have run yet when this module does.
  return new Proxy(starter, {
    get(target, name) {
      const value: unknown = Reflect.get(target, name);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        try {
          return value(...args);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          if (message.startsWith("This page runs your labs/")) throw error;
          throw new Error(
            \`This page runs your labs/\${lab} code; it throws: \${message} — run \\\`npm run lab -- \${lab}\\\`\`,
            { cause: error },
          );
        }
      };
    },
  });
}
`;

/**
 * Text with comments and all whitespace removed, for finding code however it is laid out.
 * Text the scanner cannot follow (Markdown, a regular expression holding a quote) loses only
 * its whitespace.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalizeCode } from "./workshop_answers.ts";
 * assert.equal(normalizeCode("const a = 1; // one\nconst b = `x ${a}`;"), "consta=1;constb=`x${a}`;");
 * assert.equal(normalizeCode("Use `${` here"), "Use`${`here");
 * ```
 */
export function normalizeCode(text: string): string {
  try {
    return stripCode(text);
  } catch {
    return text.replace(/\s+/g, "");
  }
}

function stripCode(text: string): string {
  let out = "";
  for (let i = 0; i < text.length;) {
    if (text[i] === "/" && (text[i + 1] === "/" || text[i + 1] === "*")) {
      i = skipLiteral(text, i);
      continue;
    }
    const skipped = skipLiteral(text, i);
    if (skipped !== i) {
      out += text.slice(i, skipped).replace(/\s+/g, "");
      i = skipped;
      continue;
    }
    if (!/\s/.test(text[i])) out += text[i];
    i++;
  }
  return out;
}
