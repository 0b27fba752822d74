from __future__ import annotations

from enum import Enum
from typing import Annotated, TypeAlias

import strawberry

from schema.articles.types import Article
from schema.events.types import Event
from schema.organizations.types import Organization
from schema.persons.types import Person
from schema.sanctions.types import Sanction
from schema.statements.types import Statement

SearchResult: TypeAlias = Annotated[
    Person | Organization | Event | Statement | Sanction | Article,
    strawberry.union("SearchResult", description="Anything search can find."),
]


@strawberry.enum(description="Kinds of object search can return.")
class SearchType(Enum):
    PERSON = "PERSON"
    ORGANIZATION = "ORGANIZATION"
    EVENT = "EVENT"
    STATEMENT = "STATEMENT"
    SANCTION = "SANCTION"
    ARTICLE = "ARTICLE"


@strawberry.type(description="One search result with how well it matched.")
class SearchHit:
    node: SearchResult = strawberry.field(description="The object found.")
    score: float = strawberry.field(description="Higher is better; hits come best first.")
    matched: str | None = strawberry.field(description="The name, alias or text that matched.")
