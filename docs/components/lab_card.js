// The labs page's list: one card per lab from data/labs.json (name, title, goal, the pages
// it builds on and its README rendered at build time). Plain DOM: Framework's html and md
// helpers load from a CDN, and the site must build and run offline.

import { el } from "./dom.js";

/**
 * One lab: title, goal, the command that runs it, background pages and the README.
 *
 * @param {{name: string, title: string, goal?: string, pages: {path: string, title: string}[], readmeHtml: string}} lab
 * @returns {HTMLElement}
 */
export function labCard(lab) {
  const readme = el("div");
  readme.innerHTML = lab.readmeHtml; // this repository's README, rendered at build time
  const background = lab.pages.length
    ? [
      el("p", {}, [
        "Background: ",
        ...lab.pages.flatMap((p, i) => [
          ...(i ? [", "] : []),
          el("a", { href: `.${p.path}`, textContent: p.title }),
        ]),
      ]),
    ]
    : [];
  return el("section", { className: "ns-lab", id: lab.name }, [
    el("h3", {}, [`${lab.title} `, el("code", { textContent: lab.name })]),
    el("p", { textContent: lab.goal || "See the README." }),
    el("pre", {}, [el("code", { textContent: `deno task lab ${lab.name}` })]),
    ...background,
    el("details", {}, [el("summary", { textContent: "README" }), readme]),
  ]);
}

/**
 * Every lab as a card, or a note when none has landed.
 *
 * @param {object[]} labs
 * @returns {HTMLElement}
 */
export function LabList(labs) {
  return labs.length
    ? el("div", {}, labs.map(labCard))
    : el("p", {}, [el("em", { textContent: "No labs have landed in this checkout yet." })]);
}
