// The cells' code editor: CodeMirror 6 with JavaScript highlighting. Loaded on demand by
// cell.js, so a page's cells become runnable (in a plain text area) before the editor's
// ~450 KB of JavaScript has arrived and been evaluated; the editor then takes over.

import { basicSetup, EditorView } from "codemirror";
import { javascript } from "@codemirror/lang-javascript";
import { keymap } from "@codemirror/view";
import { Prec } from "@codemirror/state";

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
      EditorView.theme({ "&": { maxHeight: `${height}px` }, ".cm-scroller": { overflow: "auto" } }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) onChange();
      }),
    ],
  });
}
