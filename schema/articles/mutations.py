from __future__ import annotations

from typing import Annotated

import strawberry

from model import paths
from model.articles import clean_body
from model.names import ARTICLES
from model.store import Document
from schema.articles.inputs import AddArticleInput
from schema.articles.types import Article
from schema.common.mutations import INPUT, UserError, user_errors, written
from schema.context import Info
from schema.editing.cleaners import LANGUAGE, code, fuzzy_date, text, web_address
from schema.editing.draft import Draft
from schema.editing.writing import Fact, create
from schema.keys.permissions import IsEditor
from schema.screening.queries import screened
from schema.screening.types import Screening

_NEWLINES = str.maketrans({"\r": None})


async def _cleaned_body(draft: Draft, doc: Document) -> None:
    """The body as the seed loader keeps one: site furniture (and the title, when the
    text repeats it) removed."""
    raw = doc[paths.BODY]
    if len(raw) > draft.max_article_chars:
        draft.fail(
            "input.body",
            f"An article body is at most {draft.max_article_chars} characters, got {len(raw)}.",
        )
        return
    body = clean_body(raw, title=doc["title"], title_required=False)
    if not body:
        draft.fail("input.body", "Nothing is left of the body once site furniture is removed.")
    doc[paths.BODY] = body


async def _body(draft: Draft, value: str, path: str) -> str | None:
    cleaned: str | None = await _text(draft, value.translate(_NEWLINES), path)
    return cleaned


_text = text(10**9, required=True)  # its length is checked against the setting, whole

ARTICLE = Fact(
    ARTICLES,
    {
        "title": text(500, required=True),
        "publisher": text(required=True),
        "url": web_address(),
        "publishedOn": fuzzy_date(required=False),
        "language": code(LANGUAGE, "en", str.lower),
        "body": _body,
    },
    slug_source=lambda doc: doc["title"] or "",
    defaults={"photo": None, "source": None},
    finish=_cleaned_body,
    cited=False,
    slug_space=(ARTICLES,),
)


@strawberry.type(description="The article added, screened; or why nothing was added.")
class AddArticlePayload:
    article: Article | None = written("article")
    screening: Screening | None = strawberry.field(
        description="The cleaned body screened against the record."
    )
    user_errors: list[UserError] = user_errors()


@strawberry.type
class ArticleMutations:
    @strawberry.mutation(
        description=(
            "Add an article, as published: its body is cleaned of site furniture, stored, and "
            "returned screened against the record, for an editor to confirm facts from. EDITOR."
        ),
        permission_classes=[IsEditor],
    )
    async def add_article(
        self, info: Info, input: Annotated[AddArticleInput, INPUT]
    ) -> AddArticlePayload:
        outcome = await create(info, ARTICLE, input)
        if outcome.doc is None:
            return AddArticlePayload(article=None, screening=None, user_errors=outcome.user_errors)
        screening = await screened(info.context.db, outcome.doc[paths.BODY])
        return AddArticlePayload(article=outcome.made(Article), screening=screening, user_errors=[])
