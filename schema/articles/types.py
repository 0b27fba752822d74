from __future__ import annotations

import strawberry

from model import paths
from model.documents import ArticleDoc
from schema.common.connection import Connection
from schema.common.fields import listed
from schema.common.ids import to_global_id
from schema.common.projection import shown
from schema.common.types import FuzzyDate, Node
from schema.events.types import Event
from schema.organizations.types import Organization
from schema.persons.types import Person
from schema.revisions.fields import revision_history, revision_number
from schema.sanctions.types import Sanction
from schema.statements.types import Statement


@strawberry.type(description="The photo an article runs with.")
class Photo:
    caption: str = strawberry.field(description="The caption, as printed.")
    credit: str | None = strawberry.field(description="Who the photo is credited to.")


@strawberry.type(description="A source article, its cleaned text and what it states.")
class Article(Node):
    slug: str = strawberry.field(description="Stable, human-readable key.")
    revision: int = revision_number()
    title: str = strawberry.field(description="The headline.")
    publisher: str = strawberry.field(description="Who published it: 'The Moscow Times'.")
    url: str | None = strawberry.field(description="Where it was published, when known.")
    published_on: FuzzyDate | None = strawberry.field(
        description="When it was published; null when the source does not say."
    )
    body: str = strawberry.field(
        resolver=lambda root: shown(root.stored_body, "body"),
        description=(
            "The article text, cleaned of site furniture (donation appeals, navigation, "
            "'Read more'). Citation offsets point into it."
        ),
    )
    language: str | None = strawberry.field(description="ISO 639-1 language code: 'en'.")
    photo: Photo | None = strawberry.field(description="The lead photo's caption and credit.")
    stored_body: strawberry.Private[str | None]  # None when the read left it in the database

    @classmethod
    def from_doc(cls, doc: ArticleDoc) -> Article:
        photo = doc["photo"]
        return cls(
            id=strawberry.ID(to_global_id("Article", doc["_id"])),
            slug=doc["_id"],
            revision=doc["revision"],
            title=doc["title"],
            publisher=doc["publisher"],
            url=doc["url"],
            published_on=FuzzyDate.maybe(doc["publishedOn"]),
            stored_body=doc.get(paths.BODY),
            language=doc["language"],
            photo=Photo(caption=photo["caption"], credit=photo["credit"]) if photo else None,
        )

    persons = listed(
        Person, by="article", description="Persons the article names, by name.", most=30
    )
    organizations = listed(
        Organization, by="article", description="Organizations the article names, by name.", most=20
    )
    events = listed(
        Event, by="article", description="Events the article reports, oldest first.", most=20
    )
    statements = listed(
        Statement,
        by="article",
        description="Statements the article reports, oldest first.",
        most=50,
    )
    sanctions = listed(
        Sanction, by="article", description="Sanctions the article reports, oldest first.", most=10
    )

    revisions = revision_history()


@strawberry.type(description="A page of articles.")
class ArticleConnection(Connection[Article]):
    pass
