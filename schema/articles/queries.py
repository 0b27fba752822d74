from __future__ import annotations

from typing import Annotated

import strawberry

from model import paths
from model.names import ARTICLES
from schema.articles.types import Article, ArticleConnection
from schema.common.arguments import After, Before, First, Last
from schema.common.pagination import Order, Window
from schema.context import Info

BY_SLUG = Order(f"{ARTICLES}.slug-asc", paths.ID, 1)


@strawberry.type
class ArticleQueries:
    @strawberry.field(description="An article by slug; null when there is none.")
    async def article(
        self, info: Info, slug: Annotated[str, strawberry.argument(description="The slug.")]
    ) -> Article | None:
        doc = await info.context.loaders.article_by_slug.load(slug)
        return Article.from_doc(doc) if doc else None

    @strawberry.field(description="Source articles, by slug.")
    async def articles(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> ArticleConnection:
        window = Window.parse(BY_SLUG, first, after, last, before)
        return await ArticleConnection.find(info, ARTICLES, {}, window, Article.from_doc)
