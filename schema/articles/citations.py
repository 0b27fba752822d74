"""Citations: the passages of articles that every fact points to."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from model.documents import CitationDoc
from schema.common.fields import load_one
from schema.common.projection import shown
from schema.context import Info
from schema.limits import bound

if TYPE_CHECKING:
    from schema.articles.types import Article


@strawberry.type(description="Where a fact comes from: an exact passage of a source article.")
class Citation:
    quote: str = strawberry.field(
        description=(
            "The passage, verbatim: article.body[start:end] == quote "
            "(offsets count Unicode code points)."
        )
    )
    start: int = strawberry.field(description="Offset of the passage's first code point in body.")
    end: int = strawberry.field(description="Offset just past the passage's last code point.")
    article_slug: strawberry.Private[str]

    @strawberry.field(description="The article the passage is from.")
    async def article(
        self, info: Info
    ) -> Annotated[Article, strawberry.lazy("schema.articles.types")]:
        from schema.articles.types import Article

        article = await load_one(info, Article, self.article_slug)
        if article is None:
            raise LookupError(f"citation names a missing article {self.article_slug!r}")
        return article

    @classmethod
    def list_from(cls, stored: list[CitationDoc] | None) -> list[Citation]:
        return [
            cls(quote=c["quote"], start=c["start"], end=c["end"], article_slug=c["article"])
            for c in shown(stored, "citations")
        ]


def cited_passages(*, description: str, most: int) -> Any:
    """The ``citations`` field of a fact type, made from its private ``cited`` documents."""

    def resolve(root: Any) -> list[Citation]:
        return Citation.list_from(root.cited)

    return strawberry.field(resolver=resolve, description=description, metadata=bound(most))
