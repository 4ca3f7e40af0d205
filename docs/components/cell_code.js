// What a cell's code becomes before it runs, with no DOM: the worker runs a function body,
// so the last top-level expression is turned into its `return`, and syntax errors are
// located with the same parser the editor highlights with.

import { parser } from "@lezer/javascript";

/**
 * Makes the last top-level expression the cell's value, without moving any line, so error
 * line numbers still match the editor. Code whose last statement is not an expression
 * (a declaration, a loop, a syntax error) is returned unchanged.
 *
 * @param {string} code
 * @returns {string} A body for `new AsyncFunction("ns", "display", "html", body)`.
 */
export function toFunctionBody(code) {
  const tree = parser.parse(code);
  let last = tree.topNode.lastChild;
  while (
    last && (last.type.isError || last.name === "LineComment" || last.name === "BlockComment")
  ) {
    last = last.prevSibling;
  }
  if (!last || last.name !== "ExpressionStatement") return code;
  const text = code.slice(last.from, last.to);
  const end = last.from + text.replace(/[\s;]+$/, "").length;
  return code.slice(0, last.from) + "return (" + code.slice(last.from, end) + ");" +
    code.slice(end);
}

/**
 * The line (1-based) of the first syntax error, from the editor's parser; null if none.
 *
 * @param {string} code
 * @returns {number|null}
 */
export function syntaxErrorLine(code) {
  const tree = parser.parse(code);
  let line = null;
  tree.iterate({
    enter(node) {
      if (line === null && node.type.isError) line = code.slice(0, node.from).split("\n").length;
      return line === null;
    },
  });
  return line;
}

/**
 * A short stable id for a cell's original code (FNV-1a, base 36): its storage and share key.
 *
 * @param {string} text
 * @returns {string}
 */
export function hashCode(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}
