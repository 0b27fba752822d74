"""GraphiQL, opening on a query that shows the data off."""

from __future__ import annotations

import functools
import html
import json

EXAMPLE_QUERY = """\
# dossier: who did, said and sanctioned what, each fact cited.
# Press the play button and choose an operation; follow any citation back to its article.
query Dossier {
  person(slug: "sergei-kislyak") {
    name
    aliases
    positions { title organization { name kind } }
    statements(first: 5) {
      totalCount
      nodes {
        kind
        text
        date { iso precision text }
        medium
        reportedBy { name }
        citations { quote start end article { title } }
      }
    }
    events(first: 5) {
      nodes {
        title
        kind
        date { iso precision text }
        sanctions { title status authority { ... on Organization { name } } }
      }
    }
    sanctions(first: 5) { totalCount nodes { title status } }
    citations { quote }
  }
  search(query: "Magnitsky", first: 5) {
    score
    matched
    node { __typename ... on Sanction { title status } ... on Person { name } }
  }
}

# A misspelled name still finds the person: the score says how close the match was.
query MisspelledSearch {
  search(query: "Kislak", first: 5) {
    score
    matched
    node { __typename ... on Person { name slug description } }
  }
}

# Events in a date range (inclusive ISO prefixes; undated events are left out).
query EventsInRange {
  events(filter: { from: "2008", to: "2009-12" }, first: 20) {
    totalCount
    nodes {
      title
      kind
      date { iso precision text }
      participants { role actor { ... on Person { name } ... on Organization { name } } }
      citations { quote article { slug } }
    }
  }
}

# A sanction, the one it answers and those answering it: the chain of counter-sanctions.
query SanctionChain {
  sanction(slug: "russia-counter-blacklist") {
    title
    status
    targetDescription
    authority { ... on Organization { name } }
    inResponseTo {
      title
      authority { ... on Organization { name } }
      responses { title authority { ... on Organization { name } } }
    }
    citations { quote }
  }
}

# Paste any text: who of the record it names, and who it quotes. Nothing is stored.
query Screening {
  screen(text: "\\"We will respond,\\" said Lavrov, as Magnitskiy's case went on.") {
    mentions { quote start end score matched node { ... on Person { name slug } } }
    quotes { quote speakerText speaker { ... on Person { name } } }
  }
}

# A small write: cite one more passage for Sergei Kislyak (the "he" of the paragraph after
# his quote). It needs an EDITOR key:
# open Headers below and set {"Authorization": "Bearer <your secret>"}. Run it twice:
# the second time expectedRevision is stale and the answer is a CONFLICT, as when two
# editors change one fact at once (read `revision` again, then retry).
mutation CiteAPassage {
  updatePerson(input: {
    id: "UGVyc29uOnNlcmdlaS1raXNseWFr"
    expectedRevision: 1
    addEvidence: {
      article: "moscow-times-magnitsky-bill"
      quote: "He also said the U.S. government was showing a lack of respect for Russia"
    }
  }) {
    person { name revision citations { quote start end } }
    userErrors { field message code }
  }
}
"""


STATIC = "/static"


def _script_json(value: object) -> str:
    """JSON that cannot end the <script> element it is written into."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _asset(path: str) -> str:
    return html.escape(f"{STATIC}/{path}", quote=True)


@functools.cache
def graphiql_html() -> str:
    """The page, every asset from this server (``api/static``); the one script of the page
    is a file too, so a Content-Security-Policy of ``script-src 'self'`` holds."""
    return f"""<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>dossier · GraphiQL</title>
    <link rel="icon" href="{_asset("desk/favicon.svg")}" type="image/svg+xml">
    <link rel="stylesheet" href="{_asset("vendor/graphiql/graphiql.min.css")}">
    <link rel="stylesheet" href="{_asset("vendor/@graphiql/plugin-explorer/dist/style.css")}">
    <link rel="stylesheet" href="{_asset("desk/graphiql.css")}">
    <script type="application/json" id="example-query">{_script_json(EXAMPLE_QUERY)}</script>
    <script src="{_asset("vendor/react/umd/react.production.min.js")}" defer></script>
    <script src="{_asset("vendor/react-dom/umd/react-dom.production.min.js")}" defer></script>
    <script src="{_asset("vendor/graphiql/graphiql.min.js")}" defer></script>
    <script src="{_asset("vendor/@graphiql/plugin-explorer/dist/index.umd.js")}" defer></script>
    <script src="{_asset("desk/graphiql.js")}" defer></script>
  </head>
  <body>
    <div id="graphiql" class="graphiql-container">Loading GraphiQL…</div>
  </body>
</html>
"""
