"""The stored document of every collection, as the writers write it and the readers read it.

Keys written ``NotRequired`` are those a read may leave in the database: the large ones
(``citations``, ``body``) when no selected field shows them, and the derived ones, which
no reader reads. Every other key is always stored (``None`` where the source is silent),
so a reader indexes it directly and a read that forgot it fails loudly.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

from model import paths
from model.names import (
    ARTICLES,
    EVENTS,
    ORGANIZATIONS,
    PERSONS,
    REVISIONS,
    SANCTIONS,
    STATEMENTS,
)


class DateDoc(TypedDict):
    iso: str | None  # an ISO 8601 prefix; None when UNKNOWN
    precision: str  # DAY, MONTH, YEAR or UNKNOWN
    text: str | None  # the source's words
    asc: NotRequired[str]  # order keys (model.derived), where the date orders a list
    desc: NotRequired[str]


RefType = Literal["Person", "Organization", "Event", "Sanction"]


class RefDoc(TypedDict):
    type: RefType
    slug: str


class CitationDoc(TypedDict):
    article: str
    quote: str
    start: int
    end: int


class SearchDoc(TypedDict):
    names: list[str]
    tokens: list[str]
    keys: list[str]


class NameOrderDoc(TypedDict):
    name: str


class PhotoDoc(TypedDict):
    caption: str
    credit: str | None


class ArticleDoc(TypedDict):
    _id: str
    revision: NotRequired[int]  # 1 at creation, one more per write (model.revisions)
    slug: str
    title: str
    publisher: str
    url: str | None
    publishedOn: DateDoc | None
    language: str | None
    photo: PhotoDoc | None
    source: str | None  # the seed file; None for an article added through the API
    body: NotRequired[str]
    search: NotRequired[SearchDoc]


class PositionDoc(TypedDict):
    title: str
    organization: str | None
    since: DateDoc | None
    until: DateDoc | None


class PersonDoc(TypedDict):
    _id: str
    revision: NotRequired[int]  # 1 at creation, one more per write (model.revisions)
    slug: str
    name: str
    aliases: list[str]
    description: str | None
    countries: list[str]
    positions: list[PositionDoc]
    citations: NotRequired[list[CitationDoc]]
    sort: NotRequired[NameOrderDoc]
    search: NotRequired[SearchDoc]


class OrganizationDoc(TypedDict):
    _id: str
    revision: NotRequired[int]  # 1 at creation, one more per write (model.revisions)
    slug: str
    name: str
    aliases: list[str]
    kind: str
    country: str | None
    description: str | None
    citations: NotRequired[list[CitationDoc]]
    sort: NotRequired[NameOrderDoc]
    search: NotRequired[SearchDoc]


class ParticipantDoc(TypedDict):
    actor: RefDoc | None
    description: str | None
    role: str


class EventDoc(TypedDict):
    _id: str
    revision: NotRequired[int]  # 1 at creation, one more per write (model.revisions)
    slug: str
    title: str
    kind: str
    description: str | None
    date: DateDoc
    location: str | None
    participants: list[ParticipantDoc]
    sanctions: list[str]
    citations: NotRequired[list[CitationDoc]]
    search: NotRequired[SearchDoc]


class StatementDoc(TypedDict):
    _id: str
    revision: NotRequired[int]  # 1 at creation, one more per write (model.revisions)
    slug: str
    kind: str
    text: str
    speaker: RefDoc | None
    speakerDescription: str | None
    date: DateDoc
    medium: str | None
    reportedBy: str | None
    about: list[RefDoc]
    citations: NotRequired[list[CitationDoc]]
    search: NotRequired[SearchDoc]


class SanctionDoc(TypedDict):
    _id: str
    revision: NotRequired[int]  # 1 at creation, one more per write (model.revisions)
    slug: str
    title: str
    description: str | None
    kinds: list[str]
    status: str
    authority: RefDoc
    targets: list[RefDoc]
    targetDescription: str | None
    targetCount: int | None
    reason: str | None
    date: DateDoc
    inResponseTo: str | None
    citations: NotRequired[list[CitationDoc]]
    search: NotRequired[SearchDoc]


class RevisionDoc(TypedDict):
    _id: str  # the commit sequence number, zero-padded
    type: str  # the object's GraphQL type: "Person"
    node: str  # "<type>:<slug>", what its global id encodes
    number: int  # 1 for the creation, then one more per write of the object
    operation: str
    author: str  # the API key's name; "seed" for the bundled articles
    at: str  # ISO 8601 UTC
    changedFields: list[str]
    reason: str | None
    state: dict[str, Any] | None  # the object as this write left it; None once deleted
    mergedInto: NotRequired[str]  # MERGE: the slug of the object that remains


class ApiKeyDoc(TypedDict):
    _id: str  # the key's name
    role: str  # READER, EDITOR or ADMIN
    hash: str  # SHA-256 of the secret, hex; the secret itself is never stored
    createdAt: str  # ISO 8601 UTC
    revoked: bool


DOCUMENTS: dict[str, type] = {
    ARTICLES: ArticleDoc,
    PERSONS: PersonDoc,
    ORGANIZATIONS: OrganizationDoc,
    EVENTS: EventDoc,
    STATEMENTS: StatementDoc,
    SANCTIONS: SanctionDoc,
    REVISIONS: RevisionDoc,
}

# Stored for the database's own use or the loader's (``slug`` repeats ``_id``, ``source``
# names the seed file): never read to be shown.
# A revision's ``state`` is kept for the record's history, not shown by the API.
NOT_READ = frozenset({"slug", "source", "search", "sort", "state"})
# Large stored fields, each shown by the GraphQL field of the same name.
LARGE = frozenset({paths.CITATIONS, paths.BODY})


def readable_fields(collection: str) -> tuple[str, ...]:
    """The stored fields a reader of ``collection`` may read, in declaration order
    (``_id`` comes with every read)."""
    return tuple(
        name
        for name in DOCUMENTS[collection].__annotations__
        if name != paths.ID and name not in NOT_READ
    )
