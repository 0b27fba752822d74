from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeAlias

import strawberry

from model.names import ARTICLES, EVENTS, ORGANIZATIONS, PERSONS, SANCTIONS, STATEMENTS
from model.store import Document
from schema.articles.types import Article
from schema.context import Info
from schema.events.types import Event
from schema.limits import bound, size_argument
from schema.organizations.types import Organization
from schema.persons.types import Person
from schema.sanctions.types import Sanction
from schema.search.engine import (
    COLLECTIONS,
    DEFAULT_RESULTS,
    MAX_RESULTS,
    parse_query,
    result_limit,
    search,
)
from schema.search.types import SearchHit, SearchType
from schema.statements.types import Statement

_COLLECTION_OF = {
    SearchType.PERSON: PERSONS,
    SearchType.ORGANIZATION: ORGANIZATIONS,
    SearchType.EVENT: EVENTS,
    SearchType.STATEMENT: STATEMENTS,
    SearchType.SANCTION: SANCTIONS,
    SearchType.ARTICLE: ARTICLES,
}
SearchNode: TypeAlias = Person | Organization | Event | Statement | Sanction | Article
_CONVERT: dict[str, Callable[[Any], SearchNode]] = {
    PERSONS: Person.from_doc,
    ORGANIZATIONS: Organization.from_doc,
    EVENTS: Event.from_doc,
    STATEMENTS: Statement.from_doc,
    SANCTIONS: Sanction.from_doc,
    ARTICLES: Article.from_doc,
}


def _node(collection: str, doc: Document) -> SearchNode:
    return _CONVERT[collection](doc)


@strawberry.type
class SearchQueries:
    @strawberry.field(
        description=(
            "Ranked search over names, aliases, titles and texts; tolerant of case, accents, "
            "transliteration and small misspellings."
        ),
        metadata=bound(size_argument("first", default=DEFAULT_RESULTS, maximum=MAX_RESULTS)),
    )
    async def search(
        self,
        info: Info,
        query: Annotated[str, strawberry.argument(description="What to look for.")],
        types: Annotated[
            list[SearchType] | None,
            strawberry.argument(description="Only these kinds of object; all when null."),
        ] = None,
        first: Annotated[
            int | None,
            strawberry.argument(description=f"At most this many hits (1 to {MAX_RESULTS}; 10)."),
        ] = None,
    ) -> list[SearchHit]:
        parsed, limit = parse_query(query), result_limit(first)
        collections = (
            tuple(_COLLECTION_OF[t] for t in dict.fromkeys(types))
            if types is not None
            else COLLECTIONS
        )
        hits = await search(info.context.db, parsed, collections, limit, info.context.reads)
        return [
            SearchHit(node=_node(hit.collection, hit.doc), score=hit.score, matched=hit.matched)
            for hit in hits
        ]
