// The components' few DOM helpers, with one argument order everywhere: what it is, what it
// does, then an options object.
//
//   import {button, el, ensureStyle} from "./dom.js";
//   ensureStyle("ns-thing-style", CSS);
//   el("div", {className: "ns-thing"}, [button("Run", () => run(), {title: "Run (Shift-Enter)"})]);

/**
 * An element with properties assigned and children appended.
 *
 * @param {string} tag
 * @param {object} [props] Assigned to the element (`className`, `textContent`, `hidden`, ...).
 * @param {Array<Node|string>} [children]
 * @returns {HTMLElement}
 */
export function el(tag, props = {}, children = []) {
  const element = Object.assign(document.createElement(tag), props);
  element.append(...children);
  return element;
}

/**
 * A `type="button"` button.
 *
 * @param {string} label Its text.
 * @param {(event: MouseEvent) => void} onClick
 * @param {object} [options]
 * @param {string} [options.title] Tooltip. @default label
 * @param {string} [options.ariaLabel] Accessible name when the text is terse (`◀ Back`).
 * @param {string} [options.className]
 * @param {string} [options.style] Inline CSS.
 * @returns {HTMLButtonElement}
 */
export function button(label, onClick, options = {}) {
  const element = el("button", {
    type: "button",
    textContent: label,
    title: options.title ?? label,
  });
  if (options.ariaLabel !== undefined) element.setAttribute("aria-label", options.ariaLabel);
  if (options.className !== undefined) element.className = options.className;
  if (options.style !== undefined) element.style.cssText = options.style;
  element.addEventListener("click", onClick);
  return element;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * An SVG element with attributes set and, optionally, text.
 *
 * @param {string} tag
 * @param {Record<string, string|number>} [attributes]
 * @param {string} [text]
 * @returns {SVGElement}
 */
export function svg(tag, attributes = {}, text) {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attributes)) element.setAttribute(k, String(v));
  if (text !== undefined) element.textContent = text;
  return element;
}

/**
 * Adds a stylesheet to the page once, however many components use it.
 *
 * @param {string} id The style element's id.
 * @param {string} css
 */
export function ensureStyle(id, css) {
  if (document.getElementById(id)) return;
  document.head.appendChild(el("style", { id, textContent: css }));
}
