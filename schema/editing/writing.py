"""Create and update of a fact: its input cleaned, checked and written with its revision,
all in one transaction, or nothing written and the user errors returned."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import strawberry

from model import paths
from model.references import FACTS
from model.revisions import (
    COLLECTION_OF_TYPE,
    TYPE_NAMES,
    Conflict,
    Operation,
    Session,
    Write,
    commit,
    content,
    in_transaction,
)
from model.store import Document
from schema.common.errors import UserInputError
from schema.common.fields import NodeT
from schema.common.ids import from_global_id
from schema.common.mutations import UserError, UserErrorCode
from schema.context import Info
from schema.editing.cleaners import Cleaner
from schema.editing.draft import Draft
from schema.editing.evidence import cite, united
from schema.editing.slugs import new_slug

# Completes and checks the whole object once its fields are clean: a QUOTE's words are
# in its article, an article's body is cleaned of site furniture.
Finish = Callable[[Draft, Document], Awaitable[None]]


@dataclass(frozen=True)
class Fact:
    """What the create and update mutations of one kind of fact need to know."""

    collection: str
    # Stored field (as GraphQL names the input field) -> its cleaner, in stored order.
    fields: Mapping[str, Cleaner]
    # The words a new object's slug is made from, given its clean fields.
    slug_source: Callable[[Document], str]
    defaults: Document = field(default_factory=dict)  # stored fields no input sets
    finish: Finish | None = None
    cited: bool = True  # a fact cites passages; an article is what they cite
    slug_space: Sequence[str] = FACTS  # the collections a new slug must be free in

    @property
    def type_name(self) -> str:
        return TYPE_NAMES[self.collection]


@dataclass(frozen=True)
class Outcome:
    """The object as written (or as it stands), or why nothing was written."""

    doc: Document | None
    user_errors: list[UserError]

    def made(self, node: type[NodeT]) -> NodeT | None:
        """The object for the payload: null when nothing was written."""
        return None if self.doc is None else node.from_doc(self.doc)


def _attribute(name: str) -> str:
    """The Python attribute of an input field: ``speakerDescription`` -> ``speaker_description``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _given(input: Any, name: str) -> Any:
    value = getattr(input, _attribute(name), None)
    return None if value is strawberry.UNSET else value


async def author_of(info: Info) -> str:
    name = (await info.context.caller()).name
    assert name is not None  # the mutations need a key (schema.keys.permissions)
    return name


async def create(info: Info, fact: Fact, input: Any) -> Outcome:
    author = await author_of(info)
    db = info.context.db

    async def work(session: Session) -> Outcome:
        draft = Draft(db, session, info.context.max_article_chars)
        fields: Document = {}
        for name, clean in fact.fields.items():
            fields[name] = await clean(draft, _given(input, name), f"input.{name}")
        doc: Document = {**fields, **fact.defaults}
        if fact.cited:
            doc[paths.CITATIONS] = await cite(
                draft, input.evidence, "input.evidence", required=True
            )
        if fact.finish is not None and not draft.errors:
            await fact.finish(draft, doc)
        slug = await new_slug(
            draft,
            _given(input, "slug"),
            fact.slug_source(doc),
            fallback=fact.type_name.lower(),
            space=fact.slug_space,
        )
        if draft.errors or slug is None:
            return Outcome(None, draft.errors)
        doc = {paths.ID: slug, "slug": slug, **doc}
        await commit(db, session, author, [Write(fact.collection, slug, Operation.CREATE, doc)])
        return Outcome({**doc, paths.REVISION: 1}, [])

    return await committed(db, work)


async def update(info: Info, fact: Fact, input: Any) -> Outcome:
    author = await author_of(info)
    db = info.context.db
    target = parse_id(input.id, [fact.collection])
    if target is None:
        error = UserError.at(
            "input.id", f"Not the id of a {fact.type_name}.", UserErrorCode.NOT_FOUND
        )
        return Outcome(None, [error])
    slug = target[1]

    async def work(session: Session) -> Outcome:
        draft = Draft(db, session, info.context.max_article_chars)
        stored = await current(draft, fact.collection, slug, input.expected_revision)
        if stored is None:
            return Outcome(None, draft.errors)
        doc = dict(stored)
        for name, clean in fact.fields.items():
            value = getattr(input, _attribute(name), strawberry.UNSET)
            if value is not strawberry.UNSET:
                doc[name] = await clean(draft, value, f"input.{name}")
        added = await cite(draft, input.add_evidence, "input.addEvidence", required=False)
        doc[paths.CITATIONS] = united(stored.get(paths.CITATIONS, []), added)
        if fact.finish is not None and not draft.errors:
            await fact.finish(draft, doc)
        if draft.errors:
            return Outcome(None, draft.errors)
        if content(fact.collection, doc) == content(fact.collection, stored):
            return Outcome(stored, [])  # nothing changed: no revision
        write = Write(
            fact.collection, slug, Operation.UPDATE, doc, input.expected_revision, before=stored
        )
        await commit(db, session, author, [write])
        return Outcome({**doc, paths.REVISION: input.expected_revision + 1}, [])

    return await committed(db, work)


def parse_id(global_id: str, collections: Sequence[str]) -> tuple[str, str] | None:
    """(collection, slug) of an id of an object of one of ``collections``; None if not."""
    try:
        type_name, slug = from_global_id(global_id)
    except UserInputError:
        return None
    collection = COLLECTION_OF_TYPE.get(type_name)
    if collection is None or collection not in collections:
        return None
    return collection, slug


async def current(
    draft: Draft, collection: str, slug: str, expected: int | None, path: str = "input.id"
) -> Document | None:
    """The stored object, if it exists and (when ``expected`` is given) is at that revision."""
    stored = await draft.db[collection].find_one({paths.ID: slug}, session=draft.session)
    type_name = TYPE_NAMES[collection]
    if stored is None:
        draft.fail(path, f"There is no {type_name} with this id.", UserErrorCode.NOT_FOUND)
        return None
    if expected is not None and stored.get(paths.REVISION, 0) != expected:
        draft.fail(
            "input.expectedRevision",
            f"The {type_name} is at revision {stored.get(paths.REVISION, 0)}, not {expected}: "
            "someone changed it since. Reload it and apply your change again.",
            UserErrorCode.CONFLICT,
        )
        return None
    return stored


async def committed(db: Any, work: Callable[[Session], Awaitable[Outcome]]) -> Outcome:
    try:
        return await in_transaction(db, work)
    except Conflict:  # another write committed between this one's read and its write
        error = UserError.at(
            "input.expectedRevision",
            "Someone changed the object while this change was written: reload it and apply "
            "your change again.",
            UserErrorCode.CONFLICT,
        )
        return Outcome(None, [error])
