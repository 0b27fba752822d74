// What every page of the desk shares: asking /graphql, links, dates, the search box.

export async function gql(query, variables = {}) {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors && body.errors.length) {
    const error = new Error(body.errors.map((e) => e.message).join("; "));
    error.codes = body.errors.map((e) => (e.extensions || {}).code);
    throw error;
  }
  return body.data;
}

/** A link that opens the query, with its variables, in GraphiQL. */
export function graphiqlHref(query, variables) {
  const parameters = new URLSearchParams({ query });
  if (variables) parameters.set("variables", JSON.stringify(variables, null, 2));
  return `/graphql?${parameters}`;
}

/** An element with attributes and children (strings become text, never HTML). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export function slugPath(node) {
  if (!node) return null;
  if (node.__typename === "Person") return `/persons/${encodeURIComponent(node.slug)}`;
  if (node.__typename === "Organization") return `/organizations/${encodeURIComponent(node.slug)}`;
  if (node.__typename === "Article") return `/articles/${encodeURIComponent(node.slug)}`;
  const citation = (node.citations || [])[0];
  return citation ? passagePath(citation) : null;
}

/** The article reader, opened on one cited passage. */
export function passagePath(citation) {
  const article = encodeURIComponent(citation.article.slug);
  return `/articles/${article}#passage-${citation.start}-${citation.end}`;
}

export function nameOf(node) {
  if (!node) return "unnamed";
  return node.name || node.title || node.text || node.slug;
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December"];

/** A FuzzyDate in words, no more precise than it is. */
export function dateText(date) {
  if (!date || !date.iso) return date && date.text ? `“${date.text}”` : "undated";
  const [year, month, day] = date.iso.split("-").map(Number);
  if (date.precision === "YEAR" || !month) return String(year);
  if (date.precision === "MONTH" || !day) return `${MONTHS[month - 1]} ${year}`;
  return `${day} ${MONTHS[month - 1]} ${year}`;
}

/** [start, end) of a dated FuzzyDate in milliseconds: a year spans its year. */
export function dateSpan(date) {
  const [year, month, day] = date.iso.split("-").map(Number);
  if (date.precision === "YEAR" || !month) return [Date.UTC(year, 0, 1), Date.UTC(year + 1, 0, 1)];
  if (date.precision === "MONTH" || !day) return [Date.UTC(year, month - 1, 1), Date.UTC(year, month, 1)];
  return [Date.UTC(year, month - 1, day), Date.UTC(year, month - 1, day + 1)];
}

export const ACTOR = "__typename ... on Person { slug name } ... on Organization { slug name }";

export const SEARCH_QUERY = `query Search($query: String!) {
  search(query: $query, first: 10) {
    score
    matched
    node {
      __typename
      ... on Person { slug name }
      ... on Organization { slug name }
      ... on Article { slug title }
      ... on Event { slug title citations { start end article { slug } } }
      ... on Statement { slug text citations { start end article { slug } } }
      ... on Sanction { slug title citations { start end article { slug } } }
    }
  }
}`;

const KIND_WORDS = { Person: "person", Organization: "organization", Article: "article",
  Event: "event", Statement: "statement", Sanction: "sanction" };

export function setUpSearch() {
  const form = document.getElementById("search");
  const input = document.getElementById("search-input");
  const results = document.getElementById("search-results");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const query = input.value.trim();
    results.replaceChildren();
    if (!query) return;
    results.append(h("p", { class: "status" }, "Searching…"));
    try {
      const data = await gql(SEARCH_QUERY, { query });
      const items = data.search.map((hit) => {
        const path = slugPath(hit.node);
        const label = nameOf(hit.node);
        return h("li", {},
          h("span", { class: `kind kind-${KIND_WORDS[hit.node.__typename]}` }, KIND_WORDS[hit.node.__typename]),
          " ", path ? h("a", { href: path }, label) : label,
          hit.matched && hit.matched !== label ? h("span", { class: "matched" }, ` (matched “${hit.matched}”)`) : "");
      });
      results.replaceChildren(
        items.length ? h("ul", { "aria-label": `Results for ${query}` }, items) : h("p", { class: "status" }, `Nothing found for “${query}”.`),
        h("p", { class: "query-link" }, h("a", { href: graphiqlHref(SEARCH_QUERY, { query }) }, "Open this query in GraphiQL")),
      );
    } catch (error) {
      results.replaceChildren(h("p", { class: "error", role: "alert" }, error.message));
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") results.replaceChildren();
  });
}

export function showError(main, error) {
  main.replaceChildren(h("p", { class: "error", role: "alert" }, error.message));
}

/** The slug a page is about: the last part of its path. */
export function slugFromPath() {
  return decodeURIComponent(window.location.pathname.split("/").filter(Boolean).pop() || "");
}
