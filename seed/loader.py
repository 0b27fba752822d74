"""Write annotated articles to MongoDB: validated whole, then upserted by slug.

Everything is checked in memory first (schema, evidence offsets, references),
so a bad annotation fails the load before a single document is written; the
writes of one article then go in one transaction where the server has them.
"""

from __future__ import annotations

import copy
import functools
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar, overload

from pymongo.asynchronous.client_session import AsyncClientSession

from model import paths
from model.articles import NotInArticle, clean_body
from model.citations import occurrences
from model.documents import (
    ArticleDoc,
    CitationDoc,
    DateDoc,
    EventDoc,
    OrganizationDoc,
    PersonDoc,
    PhotoDoc,
    RefDoc,
    RefType,
    SanctionDoc,
    StatementDoc,
)
from model.names import ARTICLES, COLLECTIONS, EVENTS, ORGANIZATIONS, PERSONS, SANCTIONS, STATEMENTS
from model.revisions import (
    SEED_AUTHOR,
    Operation,
    Write,
    commit,
    content,
    edited_since_seed,
    in_transaction,
)
from model.store import Database, Document
from seed import ARTICLES_DIR
from seed.annotations import (
    AnnotationError,
    Annotations,
    Event,
    FuzzyDate,
    Organization,
    Person,
    Quote,
    Sanction,
    Statement,
    read_annotations,
)

logger = logging.getLogger(__name__)

_REF_TYPES: dict[str, tuple[RefType, str]] = {
    "person": ("Person", PERSONS),
    "organization": ("Organization", ORGANIZATIONS),
    "event": ("Event", EVENTS),
    "sanction": ("Sanction", SANCTIONS),
}


class _Entity(Protocol):
    """What every annotated entity has: a slug and the evidence that cites it."""

    @property
    def slug(self) -> str: ...
    @property
    def evidence(self) -> Sequence[Quote | str]: ...


_E = TypeVar("_E", bound=_Entity)


@dataclass(frozen=True)
class LoadResult:
    article: str
    counts: dict[str, int]


@overload
def date_document(date: FuzzyDate) -> DateDoc: ...
@overload
def date_document(date: FuzzyDate | None) -> DateDoc | None: ...
def date_document(date: FuzzyDate | None) -> DateDoc | None:
    if date is None:
        return None
    return DateDoc(iso=date.iso, precision=date.precision.value, text=date.text)


def stored(doc: Mapping[str, object]) -> Document:
    """A typed document (``model.documents``) as the driver writes it."""
    return dict(doc)


class _Builder:
    """Turns one article's annotations into documents, checking every quote and reference."""

    def __init__(self, annotations: Annotations, body: str, file_name: str) -> None:
        self.annotations = annotations
        self.body = body
        self.file_name = file_name
        self.article_slug = annotations.article.slug
        self.refs: set[tuple[str, str]] = set()

    def fail(self, where: str, message: str) -> AnnotationError:
        return AnnotationError(f"{self.file_name}: {where}: {message}")

    def citations(self, where: str, evidence: Sequence[Quote | str]) -> list[CitationDoc]:
        cited: list[CitationDoc] = []
        for item in evidence:
            quote = Quote(quote=item) if isinstance(item, str) else item
            starts = occurrences(self.body, quote.quote)
            if not starts:
                raise self.fail(where, f"evidence quote not found in the article: {quote.quote!r}")
            if quote.occurrence is None and len(starts) > 1:
                raise self.fail(
                    where,
                    f"evidence quote occurs {len(starts)} times; add an occurrence: "
                    f"{quote.quote!r}",
                )
            index = (quote.occurrence or 1) - 1
            if index >= len(starts):
                raise self.fail(
                    where,
                    f"evidence quote occurs {len(starts)} times, not {quote.occurrence}: "
                    f"{quote.quote!r}",
                )
            start = starts[index]
            cited.append(
                CitationDoc(
                    article=self.article_slug,
                    quote=self.body[start : start + len(quote.quote)],
                    start=start,
                    end=start + len(quote.quote),
                )
            )
        return cited

    def ref(self, where: str, reference: str) -> RefDoc:
        kind, _, slug = reference.partition(":")
        if kind not in _REF_TYPES:
            raise self.fail(where, f"unknown reference kind in {reference!r}")
        type_name, collection = _REF_TYPES[kind]
        self.refs.add((collection, slug))
        return RefDoc(type=type_name, slug=slug)

    def slug_ref(self, where: str, collection: str, slug: str) -> str:
        self.ref(where, f"{_kind_of(collection)}:{slug}")
        return slug

    def build(self) -> dict[str, list[Document]]:
        a = self.annotations
        documents: dict[str, list[Document]] = {
            ARTICLES: [stored(self.article())],
            PERSONS: self.entities("person", a.persons, self.person),
            ORGANIZATIONS: self.entities("organization", a.organizations, self.organization),
            EVENTS: self.entities("event", a.events, self.event),
            STATEMENTS: self.entities("statement", a.statements, self.statement),
            SANCTIONS: self.entities("sanction", a.sanctions, self.sanction),
        }
        for collection, docs in documents.items():
            seen: set[str] = set()
            for doc in docs:
                if doc["_id"] in seen:
                    raise self.fail(collection, f"slug {doc['_id']!r} is defined twice")
                seen.add(doc["_id"])
        return documents

    def entities(
        self,
        kind: str,
        entities: Sequence[_E],
        document: Callable[[str, _E], Mapping[str, object]],
    ) -> list[Document]:
        """Every kind of entity is checked and cited alike; only its own fields differ.

        ``where`` names the entity in errors; its citations are checked after its fields.
        """
        built: list[Document] = []
        for entity in entities:
            where = f"{kind} {entity.slug!r}"
            doc = stored(document(where, entity))
            doc["citations"] = self.citations(where, entity.evidence)
            built.append(doc)
        return built

    def article(self) -> ArticleDoc:
        meta = self.annotations.article
        return ArticleDoc(
            _id=meta.slug,
            slug=meta.slug,
            title=meta.title,
            publisher=meta.publisher,
            url=meta.url,
            publishedOn=date_document(meta.published_on),
            language=meta.language,
            photo=PhotoDoc(caption=meta.photo.caption, credit=meta.photo.credit)
            if meta.photo
            else None,
            source=meta.source,
            body=self.body,
        )

    def person(self, where: str, person: Person) -> PersonDoc:
        return PersonDoc(
            _id=person.slug,
            slug=person.slug,
            name=person.name,
            aliases=list(person.aliases),
            description=person.description,
            countries=list(person.countries),
            positions=[
                {
                    "title": position.title,
                    "organization": position.organization
                    and self.ref(where, position.organization)["slug"],
                    "since": date_document(position.since),
                    "until": date_document(position.until),
                }
                for position in person.positions
            ],
        )

    def organization(self, where: str, organization: Organization) -> OrganizationDoc:
        return OrganizationDoc(
            _id=organization.slug,
            slug=organization.slug,
            name=organization.name,
            aliases=list(organization.aliases),
            kind=organization.kind.value,
            country=organization.country,
            description=organization.description,
        )

    def event(self, where: str, event: Event) -> EventDoc:
        return EventDoc(
            _id=event.slug,
            slug=event.slug,
            title=event.title,
            kind=event.kind.value,
            description=event.description,
            date=date_document(event.date),
            location=event.location,
            participants=[
                {
                    "actor": self.ref(where, participant.actor) if participant.actor else None,
                    "description": participant.description,
                    "role": participant.role,
                }
                for participant in event.participants
            ],
            sanctions=[self.slug_ref(where, SANCTIONS, s) for s in event.sanctions],
        )

    def statement(self, where: str, statement: Statement) -> StatementDoc:
        if statement.kind == "QUOTE" and not occurrences(self.body, statement.text):
            raise self.fail(where, f"a QUOTE's text must be verbatim: {statement.text!r}")
        return StatementDoc(
            _id=statement.slug,
            slug=statement.slug,
            kind=statement.kind,
            text=statement.text,
            speaker=self.ref(where, statement.speaker) if statement.speaker else None,
            speakerDescription=statement.speaker_description,
            date=date_document(statement.date),
            medium=statement.medium,
            reportedBy=statement.reported_by and self.ref(where, statement.reported_by)["slug"],
            about=[self.ref(where, subject) for subject in statement.about],
        )

    def sanction(self, where: str, sanction: Sanction) -> SanctionDoc:
        return SanctionDoc(
            _id=sanction.slug,
            slug=sanction.slug,
            title=sanction.title,
            description=sanction.description,
            kinds=[kind.value for kind in sanction.kinds],
            status=sanction.status.value,
            authority=self.ref(where, sanction.authority),
            targets=[self.ref(where, target) for target in sanction.targets],
            targetDescription=sanction.target_description,
            targetCount=sanction.target_count,
            reason=sanction.reason,
            date=date_document(sanction.date),
            inResponseTo=sanction.in_response_to
            and self.slug_ref(where, SANCTIONS, sanction.in_response_to),
        )


def _kind_of(collection: str) -> str:
    return next(kind for kind, (_, coll) in _REF_TYPES.items() if coll == collection)


def _union(first: Iterable[Any], second: Iterable[Any]) -> list[Any]:
    merged: list[Any] = []
    for item in [*first, *second]:
        if item not in merged:
            merged.append(item)
    return merged


def merge(existing: Document | None, new: Document, article: str) -> Document:
    """One document per entity across articles.

    A document only this article cites is replaced, so corrections take effect. One
    that other articles cite too keeps their facts: lists are united, this article's
    citations replace its earlier ones, and a value it leaves null keeps the stored one.
    """
    others = [c for c in (existing or {}).get("citations", []) if c["article"] != article]
    if existing is None or not others:
        return new
    merged = dict(existing)
    for key, value in new.items():
        if key == "citations":
            kept = [c for c in existing.get("citations", []) if c["article"] != article]
            merged[key] = kept + value
        elif isinstance(value, list):
            merged[key] = _union(value, existing.get(key) or [])
        elif value is not None:
            merged[key] = value
    return merged


def _writes(
    collection: str, docs: Sequence[Document], existing: Mapping[str, Document]
) -> list[Write]:
    """The seed's writes of ``docs``: those that are new or differ from what is stored."""
    writes: list[Write] = []
    for doc in docs:
        stored_doc = existing.get(doc["_id"])
        # New, or stored before there were revisions.
        if stored_doc is None or paths.REVISION not in stored_doc:
            operation = Operation.CREATE
        elif content(collection, stored_doc) == content(collection, doc):
            continue
        else:
            operation = Operation.UPDATE
        expected = None if stored_doc is None else stored_doc.get(paths.REVISION, 0)
        writes.append(Write(collection, doc["_id"], operation, doc, expected, before=stored_doc))
    return writes


async def _write(
    db: Database,
    documents: dict[str, list[Document]],
    article: str,
    session: AsyncClientSession | None,
) -> int:
    """Writes what changed of one article's documents; how many objects it wrote."""
    # Only an article loaded before can have left documents it no longer annotates.
    reloaded = await db[ARTICLES].find_one({"_id": article}, {"_id": 1}, session=session)
    writes: list[Write] = []
    for collection, docs in documents.items():
        ids = [doc["_id"] for doc in docs]
        # Stored documents this article cited but no longer annotates lose its citations,
        # and go when nothing else cites them (a renamed slug leaves no orphan).
        dropped = {paths.CITED_ARTICLE: article, "_id": {"$nin": ids}}
        stale_docs = (
            await db[collection].find(dropped, session=session).to_list() if reloaded else []
        )
        cursor = db[collection].find({"_id": {"$in": ids}}, session=session)
        existing = {doc["_id"]: doc async for doc in cursor}
        edited = await edited_since_seed(
            db, session, collection, [*ids, *(doc["_id"] for doc in stale_docs)]
        )
        if edited:
            logger.warning(
                "seed: %s %s changed by an editor since the seed wrote them: left as they are",
                collection,
                ", ".join(sorted(edited)),
            )
        for stale in stale_docs:
            if stale["_id"] in edited:
                continue
            kept = [c for c in stale["citations"] if c["article"] != article]
            revision = stale.get(paths.REVISION, 0)
            if kept:
                doc = {**stale, "citations": kept}
                writes.append(
                    Write(collection, stale["_id"], Operation.UPDATE, doc, revision, before=stale)
                )
            else:
                reason = f"no longer annotated in {article}"
                writes.append(
                    Write(
                        collection,
                        stale["_id"],
                        Operation.DELETE,
                        None,
                        revision,
                        reason,
                        before=stale,
                    )
                )
        merged = [
            merge(existing.get(doc["_id"]), doc, article)
            for doc in docs
            if doc["_id"] not in edited
        ]
        writes += _writes(collection, merged, existing)
    return len(await commit(db, session, SEED_AUTHOR, writes))


async def _check_references(
    db: Database, documents: dict[str, list[Document]], refs: set[tuple[str, str]], file_name: str
) -> None:
    """A reference must name an entity of this article or one already stored."""
    local = {(collection, doc["_id"]) for collection, docs in documents.items() for doc in docs}
    missing = refs - local
    by_collection: dict[str, set[str]] = {}
    for collection, slug in missing:
        by_collection.setdefault(collection, set()).add(slug)
    for collection, slugs in by_collection.items():
        found = {
            doc["_id"]
            async for doc in db[collection].find({"_id": {"$in": sorted(slugs)}}, {"_id": 1})
        }
        if unknown := sorted(slugs - found):
            raise AnnotationError(
                f"{file_name}: references to unknown {collection}: {', '.join(unknown)}"
            )
    actor_slugs = {
        collection: {doc["_id"] for doc in documents[collection]}
        for collection in (PERSONS, ORGANIZATIONS)
    }
    if clash := sorted(actor_slugs[PERSONS] & actor_slugs[ORGANIZATIONS]):
        raise AnnotationError(f"{file_name}: slugs used by a person and an organization: {clash}")


@dataclass(frozen=True)
class PreparedArticle:
    """One article checked in memory and turned into documents, ready to write."""

    name: str  # the annotation file's name, for messages
    annotations: Annotations
    documents: dict[str, list[Document]]
    refs: set[tuple[str, str]]


def prepare_text(annotations: Annotations, raw: str, name: str) -> PreparedArticle:
    """Check annotations against their article's text without touching the database."""
    photo = annotations.article.photo
    caption = " ".join(part for part in (photo.caption, photo.credit) if part) if photo else None
    try:
        body = clean_body(raw, title=annotations.article.title, caption=caption)
    except NotInArticle as error:
        raise AnnotationError(f"{name}: {error}") from error
    builder = _Builder(annotations, body, name)
    return PreparedArticle(name, annotations, builder.build(), builder.refs)


def prepare(annotation_path: Path) -> PreparedArticle:
    """The article of an annotation file, checked and made into documents. Checking is
    most of a load's work and the files rarely change: an unchanged file's documents are
    taken from memory (a copy: writing adds derived keys to them)."""
    text_path = annotation_path.parent / annotation_path.with_suffix(".txt").name
    key = (annotation_path, _version(annotation_path), _version(text_path))
    return copy.deepcopy(_prepared(*key))


def _version(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


@functools.lru_cache(maxsize=64)
def _prepared(annotation_path: Path, *versions: tuple[int, int] | None) -> PreparedArticle:
    annotations = read_annotations(annotation_path)
    source = annotation_path.parent / annotations.article.source
    try:
        raw = source.read_text(encoding="utf-8")
    except OSError as error:
        raise AnnotationError(
            f"{annotation_path.name}: cannot read {source.name}: {error}"
        ) from error
    return prepare_text(annotations, raw, annotation_path.name)


async def load_article(db: Database, annotation_path: Path) -> LoadResult:
    return (await load_articles(db, [annotation_path]))[0]


async def load_articles(db: Database, paths: Sequence[Path]) -> list[LoadResult]:
    return await load_prepared(db, [prepare(path) for path in paths])


async def _check_batch(db: Database, prepared: Sequence[PreparedArticle]) -> None:
    """References may point into any article of the batch, or to what is stored."""
    defined = {
        (collection, doc["_id"])
        for article in prepared
        for collection, docs in article.documents.items()
        for doc in docs
    }
    for article in prepared:
        await _check_references(db, article.documents, article.refs - defined, article.name)


async def load_prepared(db: Database, prepared: Sequence[PreparedArticle]) -> list[LoadResult]:
    """Check every article before writing any, so one bad file stops the whole load and
    articles may refer to each other's entities whatever order their files sort in."""
    await _check_batch(db, prepared)
    return [
        await _write_article(db, article.annotations, article.documents) for article in prepared
    ]


async def _write_article(
    db: Database, annotations: Annotations, documents: dict[str, list[Document]]
) -> LoadResult:
    article = annotations.article.slug

    async def write(session: AsyncClientSession | None) -> int:
        return await _write(db, documents, article, session)

    written = await in_transaction(db, write)
    counts = {collection: len(docs) for collection, docs in documents.items()}
    logger.info("loaded article %s: %s; %d objects written", article, counts, written)
    return LoadResult(article=article, counts=counts)


def annotation_files(directory: Path = ARTICLES_DIR) -> list[Path]:
    return sorted(directory.glob("*.yaml"))


async def load_directory(db: Database, directory: Path = ARTICLES_DIR) -> list[LoadResult]:
    return await load_articles(db, annotation_files(directory))


async def load_new_articles(db: Database, prepared: Sequence[PreparedArticle]) -> None:
    """Bulk loading of articles not stored before (a generated corpus, an import).

    The same documents as loading them one by one, but entities the batch shares are
    merged in memory first, and each collection gets one bulk write, so a thousand
    articles cost a few dozen commands instead of thousands.
    """
    slugs = [article.annotations.article.slug for article in prepared]
    if await db[ARTICLES].count_documents({"_id": {"$in": slugs}}):
        raise AnnotationError("load_new_articles takes articles not loaded before")
    await _check_batch(db, prepared)
    writes: list[Write] = []
    for collection in COLLECTIONS:
        incoming = [
            (article.annotations.article.slug, doc)
            for article in prepared
            for doc in article.documents.get(collection, [])
        ]
        if not incoming:
            continue
        ids = list({doc["_id"] for _, doc in incoming})
        merged: dict[str, Document] = {
            doc["_id"]: doc for doc in await db[collection].find({"_id": {"$in": ids}}).to_list()
        }
        stored_docs = dict(merged)
        for article_slug, doc in incoming:
            merged[doc["_id"]] = merge(merged.get(doc["_id"]), doc, article_slug)
        writes += _writes(collection, list(merged.values()), stored_docs)
    await commit(db, None, SEED_AUTHOR, writes)
