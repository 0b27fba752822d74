// The article reader: the cleaned text with every cited passage highlighted; choosing a
// passage lists the facts that cite it.
import { ACTOR, dateText, gql, graphiqlHref, h, nameOf, setUpSearch, showError, slugFromPath, slugPath } from "./desk.js";

const QUERY = `query ArticleReader($slug: String!) {
  article(slug: $slug) {
    slug
    title
    publisher
    url
    publishedOn { iso precision text }
    body
    persons { __typename slug name citations { start end article { slug } } }
    organizations { __typename slug name citations { start end article { slug } } }
    events {
      __typename slug title date { iso precision text }
      participants { role actor { ${ACTOR} } }
      citations { start end article { slug } }
    }
    statements {
      __typename slug kind text date { iso precision text }
      speaker { ${ACTOR} }
      citations { start end article { slug } }
    }
    sanctions {
      __typename slug title status
      authority { ${ACTOR} }
      citations { start end article { slug } }
    }
  }
}`;

const TYPES = [
  ["Person", "persons", "person"],
  ["Organization", "organizations", "organization"],
  ["Event", "events", "event"],
  ["Statement", "statements", "statement"],
  ["Sanction", "sanctions", "sanction"],
];

/** Distinct passages of this article, each with the facts citing it. */
function passagesOf(article) {
  const byId = new Map();
  for (const [, field] of TYPES) {
    for (const fact of article[field]) {
      for (const citation of fact.citations) {
        if (citation.article.slug !== article.slug) continue;
        const id = `${citation.start}-${citation.end}`;
        if (!byId.has(id)) byId.set(id, { id, start: citation.start, end: citation.end, facts: [] });
        const facts = byId.get(id).facts;
        if (!facts.includes(fact)) facts.push(fact);
      }
    }
  }
  return [...byId.values()];
}

const outer = (a, b) => a.start - b.start || b.end - a.end || a.id.localeCompare(b.id);

/** The body with one <mark> per passage, split in pieces where passages cross (offsets
 * count code points, as the API's do). */
function renderBody(chars, passages) {
  const bounds = new Set([0, chars.length]);
  for (const passage of passages) { bounds.add(passage.start); bounds.add(passage.end); }
  const points = [...bounds].sort((a, b) => a - b);
  const root = h("div", { class: "article-body", id: "article-body" });
  const stack = [];
  const started = new Set();
  for (let i = 0; i + 1 < points.length; i++) {
    const [from, to] = [points[i], points[i + 1]];
    const covering = passages.filter((p) => p.start <= from && p.end >= to).sort(outer);
    let kept = 0;
    while (kept < stack.length && kept < covering.length && stack[kept].passage === covering[kept]) kept++;
    stack.length = kept;
    for (const passage of covering.slice(kept)) {
      const first = !started.has(passage.id);
      started.add(passage.id);
      const types = [...new Set(passage.facts.map((f) => f.__typename.toLowerCase()))].join(" ");
      const mark = h("mark", {
        class: "passage",
        "data-passage": passage.id,
        "data-types": types,
        tabindex: first ? "0" : null,
        role: first ? "button" : null,
        "aria-label": first ? `Passage cited by ${passage.facts.length} fact${passage.facts.length > 1 ? "s" : ""}: ${passage.facts.map(nameOf).join("; ")}` : null,
        title: `${passage.facts.length} fact${passage.facts.length > 1 ? "s" : ""} cite this passage`,
      });
      (stack.length ? stack[stack.length - 1].element : root).append(mark);
      stack.push({ passage, element: mark });
    }
    (stack.length ? stack[stack.length - 1].element : root).append(chars.slice(from, to).join(""));
    for (let j = stack.length - 1; j >= 0; j--) {
      const { passage, element } = stack[j];
      if (passage.end === to && passage.facts.length > 1) {
        element.append(h("sup", { class: "count", "aria-hidden": "true" }, String(passage.facts.length)));
      }
    }
  }
  return root;
}

function factLinks(fact) {
  const links = [];
  const add = (node, prefix) => {
    const path = slugPath(node);
    if (path) links.push(h("a", { href: path }, `${prefix}${nameOf(node)}`));
  };
  if (fact.__typename === "Person" || fact.__typename === "Organization") add(fact, "Open ");
  if (fact.__typename === "Statement") add(fact.speaker, "Speaker: ");
  if (fact.__typename === "Sanction") add(fact.authority, "Authority: ");
  if (fact.__typename === "Event") for (const p of fact.participants) if (p.actor) add(p.actor, `${p.role}: `);
  const field = fact.__typename.charAt(0).toLowerCase() + fact.__typename.slice(1);
  const query = `query Fact($slug: String!) {\n  ${field}(slug: $slug) {\n    slug\n    ${fact.__typename === "Statement" ? "text kind" : fact.title !== undefined ? "title" : "name aliases"}\n    citations { quote start end article { slug title } }\n  }\n}`;
  links.push(h("a", { href: graphiqlHref(query, { slug: fact.slug }), class: "query-link" }, "query"));
  return links;
}

function describe(fact) {
  const kind = fact.__typename.toLowerCase();
  let text = nameOf(fact);
  if (fact.__typename === "Statement") text = `${fact.speaker ? nameOf(fact.speaker) : "Unnamed"}: “${fact.text}”`;
  if (fact.__typename === "Event") text = `${fact.title} (${dateText(fact.date)})`;
  if (fact.__typename === "Sanction") text = `${fact.title} (${fact.status.toLowerCase()})`;
  return h("li", { "data-fact": `${kind}:${fact.slug}` },
    h("span", { class: `kind kind-${kind}` }, kind), " ", h("span", { class: "fact-text" }, text),
    h("div", { class: "fact-links" }, factLinks(fact).flatMap((link, i) => (i ? [" · ", link] : [link]))));
}

function render(main, article) {
  const chars = Array.from(article.body);
  const all = passagesOf(article);
  const enabled = new Set(TYPES.map(([type]) => type));
  const panel = h("aside", { class: "facts", "aria-live": "polite", id: "facts" },
    h("h2", {}, "Facts"), h("p", { class: "status" }, "Choose a highlighted passage to see the facts that cite it."));
  let selected = null;
  let bodyHolder = h("div");

  function visible() {
    return all
      .map((p) => ({ ...p, facts: p.facts.filter((f) => enabled.has(f.__typename)) }))
      .filter((p) => p.facts.length);
  }

  function select(id) {
    selected = id;
    for (const mark of bodyHolder.querySelectorAll("mark.selected")) mark.classList.remove("selected");
    const pieces = bodyHolder.querySelectorAll(`mark[data-passage="${id}"]`);
    const passage = visible().find((p) => p.id === id);
    if (!passage || !pieces.length) return;
    for (const mark of pieces) mark.classList.add("selected");
    panel.replaceChildren(
      h("h2", {}, passage.facts.length > 1 ? `${passage.facts.length} facts cite this passage` : "1 fact cites this passage"),
      h("blockquote", {}, chars.slice(passage.start, passage.end).join("")),
      h("ul", { id: "fact-list" }, passage.facts.map(describe)),
    );
    history.replaceState(null, "", `#passage-${id}`);
  }

  function draw() {
    const body = renderBody(chars, visible());
    bodyHolder.replaceWith(body);
    bodyHolder = body;
    if (selected) select(selected);
  }

  const toggles = h("fieldset", { class: "toggles" }, h("legend", {}, "Show passages citing"),
    TYPES.map(([type, field, word]) => {
      const count = article[field].length;
      const id = `toggle-${word}`;
      return h("span", {},
        h("input", { type: "checkbox", id, checked: true, onchange: (event) => {
          if (event.target.checked) enabled.add(type); else enabled.delete(type);
          draw();
        } }),
        " ", h("label", { for: id }, `${word === "person" ? "persons" : `${word}s`} (${count})`));
    }));

  const published = article.publishedOn ? `, ${dateText(article.publishedOn)}` : "";
  document.title = `${article.title} · dossier`;
  main.replaceChildren(
    h("h1", {}, article.title),
    h("p", { class: "byline" }, `${article.publisher}${published}`,
      article.url ? [" · ", h("a", { href: article.url, rel: "noreferrer" }, "original")] : [],
      " · ", h("a", { href: graphiqlHref(QUERY, { slug: article.slug }) }, "Open this query in GraphiQL")),
    h("p", { class: "status", id: "passage-count" }, `${all.length} cited passages.`),
    toggles,
    h("div", { class: "reader" }, h("article", { "aria-label": "Article text" }, bodyHolder), panel),
  );
  draw();

  bodyHolder.parentElement.addEventListener("click", (event) => {
    const mark = event.target.closest("mark.passage");
    if (mark) select(mark.dataset.passage);
  });
  bodyHolder.parentElement.addEventListener("keydown", (event) => {
    const mark = event.target.closest && event.target.closest("mark.passage");
    if (mark && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      select(mark.dataset.passage);
    }
  });
  const wanted = window.location.hash.match(/^#passage-(\d+-\d+)$/);
  if (wanted) {
    select(wanted[1]);
    const mark = bodyHolder.querySelector(`mark[data-passage="${wanted[1]}"]`);
    if (mark) { mark.scrollIntoView({ block: "center" }); mark.focus({ preventScroll: true }); }
  }
  document.body.dataset.ready = "true";
  performance.mark("desk:ready"); // the page drawn and answering: bench/pages.py reads it
}

async function main() {
  setUpSearch();
  const main = document.getElementById("main");
  try {
    const data = await gql(QUERY, { slug: slugFromPath() });
    if (!data.article) {
      main.replaceChildren(h("h1", {}, "No such article"), h("p", {}, `There is no article “${slugFromPath()}”.`));
      document.body.dataset.ready = "true";
      return;
    }
    const article = data.article;
    for (const [, field] of TYPES) {  // each fact once, however often it cites the article
      const seen = new Set();
      article[field] = article[field].filter((fact) => !seen.has(fact.slug) && seen.add(fact.slug));
    }
    render(main, article);
  } catch (error) {
    showError(main, error);
    document.body.dataset.ready = "true";
  }
}

main();
