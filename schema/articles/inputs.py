from __future__ import annotations

import strawberry

from schema.editing.inputs import FuzzyDateInput, optional


@strawberry.input(description="An article for the record, as published.")
class AddArticleInput:
    slug: str | None = optional("Derived from the title when omitted.")
    title: str = strawberry.field(description="The headline.")
    publisher: str = strawberry.field(description="Who published it: 'The Moscow Times'.")
    url: str | None = optional("Where it was published.")
    published_on: FuzzyDateInput | None = optional("When it was published.")
    language: str | None = optional("ISO 639-1: 'en', 'ru'.")
    body: str = strawberry.field(
        description=(
            "The article text as published. Site furniture (banners, donation appeals, "
            "'Read more') is removed the same way the seed loader removes it."
        )
    )
