"""Citations: the passages of articles that every fact points to."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from model.store import Document
from schema.common.projection import shown
from schema.context import Info

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

        doc = await info.context.loaders.article_by_slug.load(self.article_slug)
        if doc is None:
            raise LookupError(f"citation names a missing article {self.article_slug!r}")
        return Article.from_doc(doc)

    @classmethod
    def list_from(cls, stored: list[Document] | None) -> list[Citation]:
        return [
            cls(quote=c["quote"], start=c["start"], end=c["end"], article_slug=c["article"])
            for c in shown(stored, "citations")
        ]
