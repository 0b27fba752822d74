"""GraphiQL, opening on a query that shows the data off."""

from __future__ import annotations

import functools
import json

from strawberry.http.ides import get_graphql_ide_html

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
    addEvidence: [{
      article: "moscow-times-magnitsky-bill"
      quote: "He also said the U.S. government was showing a lack of respect for Russia"
    }]
  }) {
    person { name revision citations { quote start end } }
    userErrors { field message code }
  }
}
"""


@functools.cache
def graphiql_html() -> str:
    html = get_graphql_ide_html("graphiql")
    start = html.find("const EXAMPLE_QUERY = `")
    end = html.find("`;", start)
    if start == -1 or end == -1:  # Strawberry changed its page: serve it as it is
        return html
    return html[:start] + f"const EXAMPLE_QUERY = {json.dumps(EXAMPLE_QUERY)};" + html[end + 2 :]
