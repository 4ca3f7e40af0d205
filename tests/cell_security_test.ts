/**
 * The editable cells' untrusted-input boundary, tested without a browser: the sanitiser that
 * markup from a (possibly shared) cell passes through, and the rewrite that turns a cell's
 * code into a function body. jsdom supplies the HTML parser a browser would use.
 */
import assert from "node:assert/strict";
import { JSDOM } from "jsdom";
import { sanitizedFragment } from "../docs/components/cell_sanitize.js";
import { hashCode, syntaxErrorLine, toFunctionBody } from "../docs/components/cell_code.js";

const { window } = new JSDOM("<!doctype html><body></body>");
const dom = { document: window.document, DOMParser: window.DOMParser };
const clean = (markup: string) => sanitizedFragment(markup, dom).innerHTML;

Deno.test("sanitizedFragment keeps ordinary markup and wraps it in ns-cell-html", () => {
  const fragment = sanitizedFragment(`<p class="x">a <b>b</b> <a href="/raft">c</a></p>`, dom);
  assert.equal(fragment.className, "ns-cell-html");
  assert.equal(fragment.innerHTML, `<p class="x">a <b>b</b> <a href="/raft">c</a></p>`);
  assert.equal(fragment.ownerDocument, window.document);
});

Deno.test("sanitizedFragment removes script, frames, plugins, forms and stylesheets", () => {
  for (
    const markup of [
      `<script>alert(1)</script>`,
      `<iframe src="https://example.com"></iframe>`,
      `<iframe srcdoc="<script>alert(1)</script>"></iframe>`,
      `<object data="x.swf"></object>`,
      `<embed src="x.swf">`,
      `<link rel="stylesheet" href="x.css">`,
      `<meta http-equiv="refresh" content="0;url=https://example.com">`,
      `<style>body { display: none }</style>`,
      `<base href="https://example.com/">`,
      `<form action="https://example.com"><input name="p"></form>`,
      `<template><script>alert(1)</script></template>`,
      `<svg><script>alert(1)</script></svg>`,
      `<svg><a><animate attributeName="href" to="javascript:alert(1)"/></a></svg>`,
    ]
  ) {
    const out = clean(`<p>kept</p>${markup}`);
    assert.match(out, /^<p>kept<\/p>/, markup);
    assert.doesNotMatch(
      out,
      /script|iframe|object|embed|link|meta|style|base|form|animate/i,
      markup,
    );
  }
});

Deno.test("sanitizedFragment removes every on* event handler, however it is spelt", () => {
  const out = clean(
    `<img src="x.png" onerror="alert(1)"><div ONCLICK="alert(1)" onMouseOver="x">d</div>` +
      `<svg onload="alert(1)"><circle r="1" onclick="x"></circle></svg>`,
  );
  assert.doesNotMatch(out, /\bon[a-z]+=/i);
  assert.match(out, /<img src="x.png">/);
});

Deno.test("sanitizedFragment removes javascript: URLs, also hidden by case, entities and whitespace", () => {
  for (
    const url of [
      "javascript:alert(1)",
      "JavaScript:alert(1)",
      "  javascript:alert(1)",
      "java\tscript:alert(1)",
      "java&#x0A;script:alert(1)",
      "&#106;avascript:alert(1)",
      "vbscript:msgbox(1)",
      "data:text/html,<script>alert(1)</script>",
    ]
  ) {
    const out = clean(
      `<a href="${url}">a</a><img src="${url.startsWith("data") ? "" : url}">` +
        `<svg><a xlink:href="${url}"><text>t</text></a></svg>` +
        `<button formaction="${url}">b</button>`,
    );
    assert.doesNotMatch(out, /script:|data:text/i, url);
  }
  // Images may still be inline data.
  assert.match(clean(`<img src="data:image/png;base64,AAAA">`), /src="data:image\/png/);
});

Deno.test("sanitizedFragment strips styles that escape the cell or load or run anything", () => {
  for (
    const style of [
      "position: fixed; inset: 0; z-index: 9999",
      "position:absolute;top:0",
      "background: url(https://example.com/track.png)",
      "background: URL( 'javascript:alert(1)' )",
      "width: expression(alert(1))",
      "behavior: url(x.htc)",
      "-moz-binding: url(x.xml#xss)",
      "color: \\72 ed; background: u\\72l(x)",
    ]
  ) {
    assert.equal(clean(`<div style="${style}">d</div>`), "<div>d</div>", style);
  }
  // Harmless styling stays.
  assert.equal(
    clean(`<span style="color: red; font-weight: bold">s</span>`),
    `<span style="color: red; font-weight: bold">s</span>`,
  );
});

Deno.test("toFunctionBody returns the last expression without moving any line", () => {
  assert.equal(toFunctionBody("1 + 1"), "return (1 + 1);");
  // The statement's own semicolon stays behind as an empty statement, harmless.
  assert.equal(toFunctionBody("const a = 2;\na * 3;  \n"), "const a = 2;\nreturn (a * 3);;  \n");
  assert.equal(
    toFunctionBody("const x = 1;\nx // the answer\n"),
    "const x = 1;\nreturn (x); // the answer\n",
  );
  // A trailing comment is not the last statement.
  assert.equal(toFunctionBody("f()\n/* done */"), "return (f());\n/* done */");
  // An object literal must not become a block: the parentheses keep it an expression.
  assert.equal(toFunctionBody("({a: 1})"), "return (({a: 1}));");
  const body = toFunctionBody("let s = 0;\nfor (const i of [1, 2]) s += i;\ns");
  assert.equal(body.split("\n").length, 3);
  assert.equal(new Function(body)(), 3);
});

Deno.test("toFunctionBody leaves code that does not end in an expression alone", () => {
  for (
    const code of [
      "",
      "const a = 1;",
      "function f() { return 1 }",
      "if (x) { y }",
      "// only a comment",
      "for (;;) {}",
    ]
  ) {
    assert.equal(toFunctionBody(code), code);
  }
});

Deno.test("toFunctionBody does not let an expression close the wrapper it is put in", () => {
  // Whatever the last expression is, the rewrite adds exactly "return (" and ");" around
  // one statement the parser found, so code cannot end the function early.
  const code = "1); alert(1); (2";
  const body = toFunctionBody(code);
  assert.ok(!body.includes("return (1); alert"), body);
  assert.equal(syntaxErrorLine(code), 1);
});

Deno.test("syntaxErrorLine finds the line of the first syntax error", () => {
  assert.equal(syntaxErrorLine("const a = 1;\nconst b = ;\nconst c = 3;"), 2);
  assert.equal(syntaxErrorLine("1 +\n\n\n)"), 4);
  assert.equal(syntaxErrorLine("const ok = [1, 2, 3];\nok.length"), null);
});

Deno.test("hashCode is stable and tells different code apart", () => {
  assert.equal(hashCode("a"), hashCode("a"));
  assert.notEqual(hashCode("ns.x(1)"), hashCode("ns.x(2)"));
  assert.match(hashCode(""), /^[0-9a-z]+$/);
});
