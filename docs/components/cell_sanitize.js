// Markup from a cell is untrusted (it may come from a shared link that a reader runs):
// scripts, frames, plugins, stylesheets, event handlers, script URLs and styles that could
// cover the page are removed before it reaches the page. The DOM is passed in, so the rules
// are tested under Deno (tests/cell_security_test.ts) with the same parser a browser has.

// Elements removed with everything inside them.
const REMOVED_ELEMENTS = [
  "script",
  "iframe",
  "frame",
  "frameset",
  "object",
  "embed",
  "applet",
  "link",
  "meta",
  "style",
  "base",
  "form",
  "template",
  "noscript",
  // SVG animation can set an href to a javascript: URL after sanitising.
  "animate",
  "set",
].join(",");

// Attributes that hold a URL a click or a load follows.
const URL_ATTRIBUTES = new Set([
  "href",
  "src",
  "action",
  "formaction",
  "data",
  "poster",
  "background",
  "ping",
]);

// Browsers ignore ASCII whitespace and control characters inside a URL's scheme
// ("java\tscript:"), so they are removed before the scheme is compared.
function urlScheme(value) {
  // deno-lint-ignore no-control-regex
  const compact = value.replace(/[\u0000-\u0020]/g, "").toLowerCase();
  const colon = compact.indexOf(":");
  return colon < 0 ? "" : compact.slice(0, colon);
}

// Inline styles may colour and size, but not lift markup out of its box over the page
// (position: fixed), load from elsewhere (url()) or run code (expression(), bindings).
const UNSAFE_STYLE =
  /url\s*\(|expression\s*\(|@import|-moz-binding|behavior\s*:|position\s*:\s*(fixed|absolute|sticky)|\\/i;

/**
 * Strips everything that could run code or take over the page from untrusted markup.
 *
 * @param {string} markup
 * @param {object} [dom] The DOM to use. @default the page's (`document`, `DOMParser`)
 * @param {Document} [dom.document]
 * @param {typeof DOMParser} [dom.DOMParser]
 * @returns {HTMLElement} A `div.ns-cell-html` holding the cleaned markup.
 */
export function sanitizedFragment(markup, dom = {}) {
  const doc = dom.document ?? globalThis.document;
  const Parser = dom.DOMParser ?? globalThis.DOMParser;
  const parsed = new Parser().parseFromString(`<body>${markup}</body>`, "text/html");
  for (const bad of parsed.body.querySelectorAll(REMOVED_ELEMENTS)) bad.remove();
  for (const element of parsed.body.querySelectorAll("*")) {
    for (const attribute of [...element.attributes]) {
      const name = attribute.name.toLowerCase();
      const isUrl = URL_ATTRIBUTES.has(name) || name.endsWith(":href");
      if (
        name.startsWith("on") ||
        name === "srcdoc" ||
        (isUrl && ["javascript", "vbscript"].includes(urlScheme(attribute.value))) ||
        (isUrl && urlScheme(attribute.value) === "data" && name !== "src") ||
        (name === "style" && UNSAFE_STYLE.test(attribute.value))
      ) {
        element.removeAttribute(attribute.name);
      }
    }
  }
  const fragment = doc.createElement("div");
  fragment.className = "ns-cell-html";
  fragment.append(...[...parsed.body.childNodes].map((node) => doc.importNode(node, true)));
  return fragment;
}
