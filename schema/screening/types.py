from __future__ import annotations

import strawberry

from model.documents import RefDoc
from schema.actors import Actor, load_actor
from schema.context import Info
from schema.limits import UNCUT, bound
from schema.organizations.types import Organization
from schema.persons.types import Person
from schema.screening import engine
from schema.search.types import SearchResult


def _ref(actor: engine.Known) -> RefDoc:
    return RefDoc(type=actor.kind, slug=actor.slug)


@strawberry.type(
    description="A passage of a text that names a person or organization already in the record."
)
class Mention:
    quote: str = strawberry.field(description="The passage as the text writes it.")
    start: int = strawberry.field(
        description="Offsets into the screened text (Unicode code points)."
    )
    end: int = strawberry.field(description="Where the passage ends (exclusive), in code points.")
    score: float = strawberry.field(
        description=(
            "1.0 for a name or alias as written (in any script); less for another spelling, "
            "and less again for a surname alone, least when several known persons bear it."
        )
    )
    matched: str | None = strawberry.field(description="The name or alias that matched.")
    ref: strawberry.Private[RefDoc]

    @classmethod
    def of(cls, text: str, found: engine.Mention) -> Mention:
        return cls(
            quote=text[found.start : found.end],
            start=found.start,
            end=found.end,
            score=found.score,
            matched=found.matched,
            ref=_ref(found.actor),
        )

    @strawberry.field(description="The person or organization named.")
    async def node(self, info: Info) -> SearchResult:
        actor: Person | Organization | None = await load_actor(info, self.ref)
        if actor is None:
            raise LookupError(f"{self.ref['slug']!r} was removed while the text was screened")
        return actor


@strawberry.type(description="Words in quotation marks, with whoever the text says spoke them.")
class QuotedPassage:
    quote: str = strawberry.field(description="The words inside the quotation marks.")
    start: int = strawberry.field(
        description="Where the words start in the screened text (Unicode code points)."
    )
    end: int = strawberry.field(description="Where the words end (exclusive), in code points.")
    speaker_text: str | None = strawberry.field(
        description="The words naming the speaker: 'Ambassador Sergei Kislyak', 'he'."
    )
    speaker_ref: strawberry.Private[RefDoc | None]

    @classmethod
    def of(cls, text: str, found: engine.Quote) -> QuotedPassage:
        return cls(
            quote=text[found.start : found.end],
            start=found.start,
            end=found.end,
            speaker_text=found.speaker_text,
            speaker_ref=None if found.speaker is None else _ref(found.speaker),
        )

    @strawberry.field(description="The known person or organization they name, when there is one.")
    async def speaker(self, info: Info) -> Actor | None:
        return await load_actor(info, self.speaker_ref)


@strawberry.type(
    description=(
        "What a text names that the record already knows, for an editor to confirm; nothing "
        "in it\nis stored as a fact."
    )
)
class Screening:
    mentions: list[Mention] = strawberry.field(
        description="The persons and organizations the text names, in the order it names them.",
        metadata=bound(UNCUT),
    )
    quotes: list[QuotedPassage] = strawberry.field(
        description="The quoted passages, in the order of the text.", metadata=bound(UNCUT)
    )

    @classmethod
    def of(cls, text: str, found: engine.Screening) -> Screening:
        return cls(
            mentions=[Mention.of(text, mention) for mention in found.mentions],
            quotes=[QuotedPassage.of(text, quote) for quote in found.quotes],
        )
