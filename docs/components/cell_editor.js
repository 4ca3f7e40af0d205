// The cells' code editor: CodeMirror 6 with JavaScript highlighting. Loaded on demand by
// cell.js, so a page's cells become runnable (in a plain text area) before the editor's
// ~450 KB of JavaScript has arrived and been evaluated; the editor then takes over.

import { basicSetup, EditorView } from "codemirror";
import { javascript } from "@codemirror/lang-javascript";
import { keymap } from "@codemirror/view";
import { Prec } from "@codemirror/state";
import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { tags } from "@lezer/highlight";

// The site follows the reader's colour scheme (Framework's air/near-midnight themes); the
// editor's default colours are for light backgrounds, so dark readers get their own.
const darkHighlight = HighlightStyle.define([
  { tag: tags.keyword, color: "#c792ea" },
  { tag: [tags.string, tags.special(tags.string), tags.regexp], color: "#a5d6a7" },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: "#f7b267" },
  {
    tag: [tags.comment, tags.lineComment, tags.blockComment],
    color: "#8b949e",
    fontStyle: "italic",
  },
  { tag: [tags.propertyName, tags.function(tags.variableName)], color: "#82aaff" },
  { tag: [tags.definition(tags.variableName)], color: "#ffcb6b" },
  { tag: [tags.operator, tags.punctuation], color: "#89ddff" },
]);
const darkTheme = EditorView.theme({
  "&": { backgroundColor: "transparent", color: "#e6edf3" },
  ".cm-content": { caretColor: "#e6edf3" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "#e6edf3" },
  ".cm-gutters": { backgroundColor: "transparent", color: "#8b949e", border: "none" },
  ".cm-activeLine, .cm-activeLineGutter": { backgroundColor: "rgba(255, 255, 255, 0.06)" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": {
    backgroundColor: "rgba(130, 170, 255, 0.3)",
  },
  ".cm-matchingBracket": { backgroundColor: "rgba(255, 255, 255, 0.15)", outline: "none" },
}, { dark: true });
const prefersDark = typeof matchMedia === "function" &&
  matchMedia("(prefers-color-scheme: dark)").matches;

/**
 * Creates an editor in `parent`.
 *
 * @param {object} options
 * @param {HTMLElement} options.parent Where the editor goes.
 * @param {string} options.doc Initial code.
 * @param {number} options.height Maximum height in px before it scrolls.
 * @param {() => void} options.onRun Called on Shift-Enter and Mod-Enter.
 * @param {() => void} options.onChange Called after each edit.
 * @returns {EditorView}
 */
export function createEditor({ parent, doc, height, onRun, onChange }) {
  return new EditorView({
    doc,
    parent,
    extensions: [
      Prec.highest(keymap.of([
        { key: "Shift-Enter", run: () => (onRun(), true) },
        { key: "Mod-Enter", run: () => (onRun(), true) },
      ])),
      basicSetup,
      javascript(),
      ...(prefersDark ? [darkTheme, syntaxHighlighting(darkHighlight)] : []),
      EditorView.theme({ "&": { maxHeight: `${height}px` }, ".cm-scroller": { overflow: "auto" } }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) onChange();
      }),
    ],
  });
}
