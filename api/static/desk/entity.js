// Person and organization pages: profile, statements with their citations, a timeline of
// events and statements drawn at their dates' precision, and a network of the neighbourhood.
import {
  ACTOR, dateSpan, dateText, gql, graphiqlHref, h, nameOf, passagePath, setUpSearch, showError,
  slugFromPath, slugPath,
} from "./desk.js";

const DATE = "{ iso precision text }";
const CITED = "citations { quote start end article { slug title } }";
const FIRST_CITATION = "citations { start end article { slug } }";

const EVENT_FACTS = `
fragment EventFacts on Event {
  __typename slug title kind date ${DATE}
  participants { role actor { ${ACTOR} } }
  sanctions { __typename slug title }
  ${FIRST_CITATION}
}`;
const STATEMENT_FACTS = `
fragment StatementFacts on Statement {
  __typename slug kind text medium date ${DATE}
  speaker { ${ACTOR} }
  about {
    __typename
    ... on Person { slug name }
    ... on Organization { slug name }
    ... on Event { slug title }
    ... on Sanction { slug title }
  }
  ${CITED}
}`;
const SANCTION_FACTS = `
fragment SanctionFacts on Sanction {
  __typename slug title status date ${DATE}
  authority { ${ACTOR} }
  targets { ${ACTOR} }
  inResponseTo { __typename slug title authority { ${ACTOR} } }
  responses { __typename slug title authority { ${ACTOR} } }
  ${FIRST_CITATION}
}`;

const KINDS = {
  persons: {
    type: "Person",
    query: `query PersonPage($slug: String!) {
  entity: person(slug: $slug) {
    __typename slug name aliases description countries
    positions { title since ${DATE} until ${DATE} organization { __typename slug name } }
    ${CITED}
    sanctions(first: 20) { totalCount nodes { ...SanctionFacts } }
  }
  spokenAbout: statements(filter: { about: $slug }, first: 50) { nodes { slug speaker { ${ACTOR} } } }
}${SANCTION_FACTS}`,
    statements: `query PersonStatements($slug: String!, $after: String) {
  entity: person(slug: $slug) {
    statements(first: 50, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } nodes { ...StatementFacts }
    }
  }
}${STATEMENT_FACTS}`,
    statementsOf: (data) => data.entity.statements,
    events: `query PersonEvents($slug: String!, $after: String) {
  entity: person(slug: $slug) {
    events(first: 50, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } nodes { ...EventFacts }
    }
  }
}${EVENT_FACTS}`,
    eventsOf: (data) => data.entity.events,
  },
  organizations: {
    type: "Organization",
    query: `query OrganizationPage($slug: String!) {
  entity: organization(slug: $slug) {
    __typename slug name aliases kind country description
    ${CITED}
    sanctionsImposed(first: 20) { totalCount nodes { ...SanctionFacts } }
  }
  targetedBy: sanctions(filter: { target: $slug }, first: 10) { nodes { ...SanctionFacts } }
  spokenAbout: statements(filter: { about: $slug }, first: 50) { nodes { slug speaker { ${ACTOR} } } }
}${SANCTION_FACTS}`,
    statements: `query OrganizationStatements($slug: String!, $after: String) {
  entity: organization(slug: $slug) {
    statements(first: 50, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } nodes { ...StatementFacts }
    }
  }
}${STATEMENT_FACTS}`,
    statementsOf: (data) => data.entity.statements,
    events: `query OrganizationEvents($slug: String!, $after: String) {
  events(filter: { participant: $slug }, first: 50, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { ...EventFacts }
  }
}${EVENT_FACTS}`,
    eventsOf: (data) => data.events,
  },
};

const ROWS_PER_PAGE = 100; // the timeline draws this many rows at a time

function citationLinks(citations) {
  return citations.map((citation) =>
    h("li", {}, h("a", { href: passagePath(citation) }, `“${citation.quote}”`),
      h("span", { class: "byline" }, ` (${citation.article.title})`)));
}

function profile(entity, kind, slug) {
  const facts = [];
  if (entity.description) facts.push(h("p", {}, entity.description));
  const where = entity.countries ? entity.countries.join(", ") : entity.country;
  if (where) facts.push(h("p", { class: "byline" }, `Country: ${where}`));
  if (entity.kind) facts.push(h("p", { class: "byline" }, `Kind: ${entity.kind.toLowerCase()}`));
  return [
    h("h1", {}, entity.name),
    entity.aliases.length ? h("p", { class: "aliases" }, `Also: ${entity.aliases.join(" · ")}`) : "",
    h("p", { class: "query-link" }, h("a", { href: graphiqlHref(kind.query, { slug }) }, "Open this query in GraphiQL")),
    h("div", { class: "profile" },
      h("section", { "aria-labelledby": "about-heading" },
        h("h2", { id: "about-heading" }, "Who"), facts,
        entity.positions && entity.positions.length ? [
          h("h3", {}, "Positions"),
          h("ul", { class: "positions" }, entity.positions.map((position) => h("li", {},
            position.title,
            position.organization ? [", ", h("a", { href: slugPath(position.organization) }, position.organization.name)] : "",
            position.since && position.since.iso ? ` (since ${dateText(position.since)})` : ""))),
        ] : ""),
      h("section", { "aria-labelledby": "cited-heading" },
        h("h2", { id: "cited-heading" }, "Cited in"),
        h("ul", { class: "positions" }, citationLinks(entity.citations)))),
  ];
}

function statementsSection(statements) {
  return h("section", { "aria-labelledby": "statements-heading" },
    h("h2", { id: "statements-heading" }, `Statements (${statements.length})`),
    statements.length ? h("ul", { class: "statements" }, statements.map((statement) => h("li", {},
      h("span", { class: "kind kind-statement" }, statement.kind.toLowerCase()), " ",
      `“${statement.text}”`,
      h("span", { class: "byline" }, ` ${dateText(statement.date)}${statement.medium ? `, ${statement.medium}` : ""}`),
      statement.about.length ? h("div", { class: "byline" }, "About: ",
        statement.about.flatMap((subject, i) => [i ? ", " : "", slugPath(subject) ? h("a", { href: slugPath(subject) }, nameOf(subject)) : nameOf(subject)])) : "",
      h("ul", {}, citationLinks(statement.citations))))) : h("p", { class: "status" }, "No statements."));
}

// ---- timeline --------------------------------------------------------------------------

function timelineItems(events, statements) {
  return [
    ...events.map((event) => ({ kind: "event", title: event.title, sub: event.kind.toLowerCase(), date: event.date, node: event })),
    ...statements.map((statement) => ({ kind: "statement", title: `“${statement.text}”`, sub: statement.kind.toLowerCase(), date: statement.date, node: statement })),
  ];
}

function timelineSection() {
  const section = h("section", { "aria-labelledby": "timeline-heading", id: "timeline-section" },
    h("h2", { id: "timeline-heading" }, "Timeline"),
    h("p", { class: "legend" },
      h("span", {}, h("span", { class: "span precision-DAY" }), "a day"),
      h("span", {}, h("span", { class: "span precision-MONTH" }), "a month"),
      h("span", {}, h("span", { class: "span precision-YEAR" }), "a year"),
      h("span", {}, "each bar spans what the source says: a month as a month, a year as a year")),
    h("div", { id: "timeline" }, h("p", { class: "status" }, "Loading events…")));
  return section;
}

function drawTimeline(holder, items, loading) {
  const dated = items.filter((item) => item.date.iso)
    .map((item) => ({ ...item, span: dateSpan(item.date) }))
    .sort((a, b) => a.span[0] - b.span[0] || a.span[1] - b.span[1] || a.title.localeCompare(b.title));
  const undated = items.filter((item) => !item.date.iso)
    .sort((a, b) => (a.date.text ? 0 : 1) - (b.date.text ? 0 : 1) || a.title.localeCompare(b.title));
  const parts = [];
  if (dated.length) {
    const low = Math.min(...dated.map((item) => item.span[0]));
    const high = Math.max(...dated.map((item) => item.span[1]));
    const width = Math.max(high - low, 1);
    const at = (ms) => `${((ms - low) / width) * 100}%`;
    const ticks = h("div", { class: "ticks", "aria-hidden": "true" });
    const first = new Date(low).getUTCFullYear();
    const last = new Date(high - 1).getUTCFullYear();
    const step = Math.max(1, Math.ceil((last - first + 1) / 10));
    for (let year = first; year <= last; year += step) {
      const tick = h("span", { class: "tick" }, String(year));
      tick.style.left = at(Date.UTC(year, 0, 1) + (Date.UTC(year + 1, 0, 1) - Date.UTC(year, 0, 1)) / 2);
      ticks.append(tick);
    }
    const list = h("ol", { class: "timeline", id: "timeline-dated", "aria-label": "Dated events and statements, oldest first" });
    let shown = 0;
    const more = h("button", { type: "button", id: "timeline-more" });
    const showMore = () => {
      const rows = dated.slice(shown, shown + ROWS_PER_PAGE).map((item) => {
        const bar = h("span", { class: `span precision-${item.date.precision}`, title: dateText(item.date) });
        bar.style.left = at(item.span[0]);
        bar.style.width = `${((item.span[1] - item.span[0]) / width) * 100}%`;
        return h("li", { "data-iso": item.date.iso, "data-precision": item.date.precision, "data-kind": item.kind },
          h("span", { class: "when" }, dateText(item.date)),
          h("span", {}, h("div", { class: "track", "aria-hidden": "true" }, bar),
            h("span", { class: `kind kind-${item.kind}` }, item.sub), " ", linkTo(item)));
      });
      list.append(...rows);
      shown += rows.length;
      more.textContent = `Show ${Math.min(ROWS_PER_PAGE, dated.length - shown)} more (${dated.length - shown} left)`;
      more.hidden = shown >= dated.length;
    };
    more.addEventListener("click", showMore);
    showMore();
    parts.push(h("div", { class: "timeline-axis" }, h("span", {}, `${dated.length} dated`), ticks), list, more);
  }
  parts.push(h("h3", { id: "undated-heading" }, `Undated (${undated.length})`),
    undated.length ? h("ul", { class: "timeline lane-undated", id: "timeline-undated", "aria-labelledby": "undated-heading" },
      undated.map((item) => h("li", { "data-kind": item.kind },
        h("span", { class: "when" }, item.date.text ? `“${item.date.text}”` : "no date given"),
        h("span", {}, h("span", { class: `kind kind-${item.kind}` }, item.sub), " ", linkTo(item))))) : "");
  if (loading) parts.push(h("p", { class: "status" }, loading));
  holder.replaceChildren(...parts);
}

function linkTo(item) {
  const path = slugPath(item.node);
  return path ? h("a", { href: path }, item.title) : item.title;
}

// ---- network ---------------------------------------------------------------------------

const MAX_NODES = 120;
// Drawn as nodes, the most recent events; beyond them, the people and bodies of the others
// are linked to the entity directly ("n events together"), so a busy entity's graph stays
// readable and quick to lay out.
const MAX_EVENT_NODES = 30;

/** Nodes within two steps of the entity: actors, events and sanctions, each at the fewest
 * steps it is reached by. */
function neighbourhood(entity, events, statements, sanctions, spokenAbout) {
  const nodes = new Map();
  const edges = new Map();
  const key = (node) => `${node.__typename}:${node.slug}`;
  const add = (node, step) => {
    if (!node || !node.slug) return null;
    const id = key(node);
    const known = nodes.get(id);
    if (!known) nodes.set(id, { id, node, step });
    else known.step = Math.min(known.step, step);
    return id;
  };
  const link = (a, b, label) => {
    if (!a || !b || a === b) return;
    const id = [a, b].sort().join("|");
    if (!edges.has(id)) edges.set(id, { id, source: a, target: b, label });
  };
  const centre = add(entity, 0);
  const together = new Map();
  // The latest dated events first (the API gives them oldest first, undated last).
  const drawn = new Set([...events.filter((e) => e.date.iso).reverse(), ...events.filter((e) => !e.date.iso)]
    .slice(0, MAX_EVENT_NODES));
  events.forEach((event) => {
    if (!drawn.has(event)) {
      for (const participant of event.participants) {
        if (!participant.actor || key(participant.actor) === centre) continue;
        const id = add(participant.actor, 1);
        together.set(id, (together.get(id) || 0) + 1);
      }
      return;
    }
    const e = add(event, 1);
    link(centre, e, "took part");
    for (const participant of event.participants) link(e, add(participant.actor, 2), participant.role);
    for (const sanction of event.sanctions) link(e, add(sanction, 2), "sanction");
  });
  for (const [id, count] of together) link(centre, id, `${count} more event${count > 1 ? "s" : ""} together`);
  for (const statement of statements) {
    for (const subject of statement.about) link(centre, add(subject, 1), "spoke about");
  }
  for (const statement of spokenAbout) {
    if (statement.speaker) link(add(statement.speaker, 1), centre, "spoke about");
  }
  for (const sanction of sanctions) {
    const s = add(sanction, 1);
    link(s, centre, sanction.authority && key(sanction.authority) === centre ? "imposed" : "targets");
    link(add(sanction.authority, 2), s, "imposed");
    for (const target of sanction.targets) link(s, add(target, 2), "targets");
    if (sanction.inResponseTo) link(s, add(sanction.inResponseTo, 2), "responds to");
    for (const response of sanction.responses) link(add(response, 2), s, "responds to");
  }
  for (const position of entity.positions || []) {
    if (position.organization) link(centre, add(position.organization, 1), position.title);
  }
  const kept = [...nodes.values()].sort((a, b) => a.step - b.step || a.id.localeCompare(b.id)).slice(0, MAX_NODES);
  const ids = new Set(kept.map((n) => n.id));
  return {
    nodes: kept, total: nodes.size, foldedEvents: Math.max(0, events.length - MAX_EVENT_NODES),
    edges: [...edges.values()].filter((edge) => ids.has(edge.source) && ids.has(edge.target)),
  };
}

function networkSection(graph) {
  const canvas = h("div", { class: "network", id: "network", role: "img",
    "aria-label": `Network of ${graph.nodes.length - 1} neighbours within two steps; the list below has the same links` });
  const byStep = [1, 2].map((step) => graph.nodes.filter((n) => n.step === step));
  const section = h("section", { "aria-labelledby": "network-heading" },
    h("h2", { id: "network-heading" }, "Network"),
    h("p", { class: "status" }, `Persons, organizations, events and sanctions within two steps${graph.total > graph.nodes.length ? ` (the nearest ${graph.nodes.length} of ${graph.total})` : ""}. Click a node to open it.`),
    graph.foldedEvents ? h("p", { class: "status" }, `The ${MAX_EVENT_NODES} latest dated events are drawn; the other ${graph.foldedEvents} are in the timeline, and who took part in them is linked directly.`) : "",
    canvas,
    byStep.map((nodes, i) => nodes.length ? [
      h("h3", {}, `${i ? "Two steps" : "One step"} away (${nodes.length})`),
      h("ul", { class: "neighbours", id: `neighbours-${i + 1}` }, nodes.map((n) => h("li", { "data-node": n.id },
        h("span", { class: `kind kind-${n.node.__typename.toLowerCase()}` }, n.node.__typename.toLowerCase()), " ",
        h("a", { href: slugPath(n.node) || graphiqlHref(CITATION_QUERY, { slug: n.node.slug }),
          onclick: (event) => { event.preventDefault(); open(n.node); } }, nameOf(n.node))))),
    ] : ""));
  return { section, canvas };
}

const COLOURS = { Person: "#f6d6a8", Organization: "#cfe3f7", Event: "#d7ecd2", Sanction: "#ffd0c2" };
const SHAPES = { Person: "ellipse", Organization: "round-rectangle", Event: "diamond", Sanction: "hexagon" };

function drawNetwork(canvas, graph) {
  const cy = cytoscape({
    container: canvas,
    elements: [
      ...graph.nodes.map((n) => ({ data: { id: n.id, label: nameOf(n.node).slice(0, 40), step: n.step, type: n.node.__typename, node: n.node } })),
      ...graph.edges.map((e) => ({ data: { id: e.id, source: e.source, target: e.target, label: e.label } })),
    ],
    layout: { name: "concentric", concentric: (node) => 3 - node.data("step"), levelWidth: () => 1, minNodeSpacing: 60, spacingFactor: 1.1, animate: false },
    style: [
      { selector: "node", style: {
        label: "data(label)", "font-size": 11, color: "#1b1b1b", "text-wrap": "wrap", "text-max-width": 110,
        "text-valign": "bottom", "text-margin-y": 3, "border-width": 1, "border-color": "#555",
        width: 26, height: 26,
        "background-color": (node) => COLOURS[node.data("type")] || "#ddd",
        shape: (node) => SHAPES[node.data("type")] || "ellipse",
      } },
      { selector: "node[step = 0]", style: { width: 40, height: 40, "border-width": 3, "border-color": "#1d3557", "font-weight": "bold", "font-size": 13 } },
      { selector: "edge", style: { width: 1.2, "line-color": "#8a8a8a", "curve-style": "bezier", label: "data(label)", "font-size": 8, color: "#4a4a4a", "text-rotation": "autorotate" } },
    ],
  });
  cy.on("tap", "node", (event) => {
    if (event.target.data("step") !== 0) open(event.target.data("node"));
  });
  window.deskNetwork = cy; // for the tests and the curious: the graph as drawn
  return cy;
}

/** Where a node opens: an actor's page, or the first passage citing an event or a
 * sanction (looked up when it is chosen: the page's queries leave nested citations out). */
const CITATION_QUERY = `query FirstCitation($slug: String!) {
  event(slug: $slug) { citations { start end article { slug } } }
  sanction(slug: $slug) { citations { start end article { slug } } }
}`;

async function open(node) {
  let path = slugPath(node);
  if (!path) {
    const data = await gql(CITATION_QUERY, { slug: node.slug });
    const fact = data.event || data.sanction;
    path = fact && fact.citations.length ? passagePath(fact.citations[0]) : graphiqlHref(CITATION_QUERY, { slug: node.slug });
  }
  window.location.assign(path);
}

// ---- the page --------------------------------------------------------------------------

/** Every page of a connection, one request after another. */
async function every(query, pick, slug, onPage) {
  const items = [];
  let after = null;
  for (;;) {
    const connection = pick(await gql(query, { slug, after }));
    items.push(...connection.nodes);
    onPage(items, connection.totalCount);
    if (!connection.pageInfo.hasNextPage) return items;
    after = connection.pageInfo.endCursor;
  }
}

async function main() {
  setUpSearch();
  const main = document.getElementById("main");
  const kind = KINDS[window.location.pathname.split("/")[1]];
  const slug = slugFromPath();
  try {
    const data = await gql(kind.query, { slug });
    const entity = data.entity;
    if (!entity) {
      main.replaceChildren(h("h1", {}, `No such ${kind.type.toLowerCase()}`), h("p", {}, `There is none with the slug “${slug}”.`));
      document.body.dataset.ready = "true";
      return;
    }
    document.title = `${entity.name} · dossier`;
    const sanctions = [...(entity.sanctions || entity.sanctionsImposed).nodes, ...(data.targetedBy ? data.targetedBy.nodes : [])];
    const timeline = timelineSection();
    main.replaceChildren(...profile(entity, kind, slug), timeline,
      h("section", { id: "network-holder" }), h("section", { id: "statements-holder" }));
    performance.mark("desk:profile"); // the profile shown; timeline and network to come
    const holder = document.getElementById("timeline");
    const statementsLoaded = every(kind.statements, kind.statementsOf, slug, () => {});
    const events = await every(kind.events, kind.eventsOf, slug, (sofar, total) => {
      if (sofar.length < total) drawTimeline(holder, timelineItems(sofar, []), `Loading events… ${sofar.length} of ${total}`);
    });
    const statements = await statementsLoaded;
    document.getElementById("statements-holder").replaceWith(statementsSection(statements));
    performance.mark("desk:timeline-start");
    drawTimeline(holder, timelineItems(events, statements));
    performance.measure("desk:timeline", "desk:timeline-start");
    const graph = neighbourhood(entity, events, statements, sanctions, data.spokenAbout.nodes);
    const { section, canvas } = networkSection(graph);
    document.getElementById("network-holder").replaceWith(section);
    performance.mark("desk:network-start");
    drawNetwork(canvas, graph);
    performance.measure("desk:network", "desk:network-start");
    document.body.dataset.ready = "true";
    performance.mark("desk:ready"); // the page drawn and answering: bench/pages.py reads it
  } catch (error) {
    showError(main, error);
    document.body.dataset.ready = "true";
  }
}

main();
