from __future__ import annotations

import strawberry

from model import paths
from model.names import ARTICLES
from schema.articles.types import Article, ArticleConnection
from schema.common.fields import by_slug, listing
from schema.common.pagination import Order

BY_SLUG = Order(f"{ARTICLES}.slug-asc", paths.ID, 1)


@strawberry.type
class ArticleQueries:
    article = by_slug(Article, description="An article by slug; null when there is none.")
    articles = listing(
        ArticleConnection, Article, ARTICLES, description="Source articles, by slug.", order=BY_SLUG
    )
