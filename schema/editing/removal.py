"""Withdrawing a fact and merging duplicates: ADMIN writes that reach beyond one object,
each one transaction with a revision per object it writes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from model import paths
from model.names import ORGANIZATIONS, PERSONS
from model.references import referring, renamed
from model.revisions import (
    TYPE_NAMES,
    Operation,
    Session,
    Write,
    commit,
    content,
)
from model.store import Document
from schema.common.ids import to_global_id
from schema.common.mutations import UserError, UserErrorCode
from schema.context import Info
from schema.editing.cleaners import MAX_TEXT, text
from schema.editing.draft import Draft
from schema.editing.evidence import united
from schema.editing.writing import Outcome, author_of, committed, current, parse_id

MERGEABLE = (PERSONS, ORGANIZATIONS)
MAX_MERGED = 20
_NAMED_REFERRERS = 10
_reason = text(MAX_TEXT, required=True)


async def _referrers(draft: Draft, collection: str, slugs: Sequence[str]) -> list[Document]:
    """The objects that name any of ``slugs`` (of ``collection``), with their collection."""
    found: list[Document] = []
    for reference in referring(collection):
        cursor = draft.db[reference.holder].find(
            {reference.path: {"$in": list(slugs)}}, session=draft.session
        )
        async for doc in cursor:
            if all(doc[paths.ID] != seen[paths.ID] for seen in found):
                found.append({**doc, "_collection": reference.holder})
    return found


async def delete(info: Info, input: Any) -> Outcome:
    author = await author_of(info)
    db = info.context.db
    target = parse_id(input.id, list(TYPE_NAMES))
    if target is None:
        return Outcome(
            None,
            [UserError.at("input.id", "Not the id of a fact or article.", UserErrorCode.NOT_FOUND)],
        )
    collection, slug = target

    async def work(session: Session) -> Outcome:
        draft = Draft(db, session, info.context.max_article_chars)
        reason = await _reason(draft, input.reason, "input.reason")
        stored = await current(draft, collection, slug, input.expected_revision)
        if stored is None or draft.errors:
            return Outcome(None, draft.errors)
        referrers = await _referrers(draft, collection, [slug])
        if referrers:
            named = ", ".join(
                f"{TYPE_NAMES[doc['_collection']]} {doc[paths.ID]}"
                for doc in referrers[:_NAMED_REFERRERS]
            )
            more = len(referrers) - _NAMED_REFERRERS
            draft.fail(
                "input.id",
                f"Other facts still point to it: {named}{f' and {more} more' if more > 0 else ''}. "
                "Change or withdraw them first.",
                UserErrorCode.IN_USE,
            )
            return Outcome(None, draft.errors)
        write = Write(
            collection, slug, Operation.DELETE, None, input.expected_revision, reason, before=stored
        )
        await commit(db, session, author, [write])
        return Outcome(stored, [])

    return await committed(db, work)


@dataclass(frozen=True)
class Merged:
    outcome: Outcome
    merged_ids: list[str]
    collection: str | None = None  # of the entity that remains


async def merge(info: Info, input: Any) -> Merged:
    author = await author_of(info)
    db = info.context.db
    into = parse_id(input.into, MERGEABLE)
    if into is None:
        error = UserError.at(
            "input.into", "Not the id of a person or organization.", UserErrorCode.NOT_FOUND
        )
        return Merged(Outcome(None, [error]), [])
    collection, survivor_slug = into
    errors: list[UserError] = []
    merged: list[str] = []
    if not 1 <= len(input.from_) <= MAX_MERGED:
        errors.append(
            UserError.at("input.from", f"Give 1 to {MAX_MERGED} ids.", UserErrorCode.INVALID)
        )
    for index, global_id in enumerate(input.from_):
        found = parse_id(global_id, (collection,))
        if found is None or found[1] == survivor_slug or found[1] in merged:
            errors.append(
                UserError.at(
                    f"input.from.{index}",
                    f"Not the id of another {TYPE_NAMES[collection]} than `into`.",
                    UserErrorCode.INVALID,
                )
            )
        else:
            merged.append(found[1])
    if errors:
        return Merged(Outcome(None, errors), [])

    async def work(session: Session) -> Outcome:
        draft = Draft(db, session, info.context.max_article_chars)
        survivor = await current(draft, collection, survivor_slug, None, "input.into")
        duplicates = [
            await current(draft, collection, slug, None, f"input.from.{index}")
            for index, slug in enumerate(merged)
        ]
        if survivor is None or draft.errors:
            return Outcome(None, draft.errors)
        united_doc = dict(survivor)
        for duplicate in duplicates:
            assert duplicate is not None
            united_doc = _united(collection, united_doc, duplicate)
        slugs = dict.fromkeys(merged, survivor_slug)
        writes = [
            Write(
                collection,
                survivor_slug,
                Operation.MERGE,
                united_doc,
                survivor.get(paths.REVISION, 0),
                before=survivor,
            ),
            *(
                Write(
                    collection,
                    doc[paths.ID],
                    Operation.MERGE,
                    None,
                    doc.get(paths.REVISION, 0),
                    merged_into=survivor_slug,
                    before=doc,
                )
                for doc in duplicates
                if doc is not None
            ),
        ]
        for referrer in await _referrers(draft, collection, merged):
            holder = referrer.pop("_collection")
            rewritten = dict(referrer)
            for reference in referring(collection):
                if reference.holder == holder:
                    rewritten = renamed(rewritten, reference.path, slugs)
            writes.append(
                Write(
                    holder,
                    referrer[paths.ID],
                    Operation.UPDATE,
                    rewritten,
                    referrer.get(paths.REVISION, 0),
                    before=referrer,
                )
            )
        await commit(db, session, author, writes)
        return Outcome({**united_doc, paths.REVISION: survivor.get(paths.REVISION, 0) + 1}, [])

    outcome = await committed(db, work)
    ids = [to_global_id(TYPE_NAMES[collection], slug) for slug in merged] if outcome.doc else []
    return Merged(outcome, ids, collection)


def _united(collection: str, survivor: Document, duplicate: Document) -> Document:
    """The survivor with what the duplicate adds: its names as aliases, its citations, the
    items of its lists, and the values the survivor lacks."""
    united_doc = dict(survivor)
    names = [duplicate["name"], *duplicate.get("aliases", [])]
    united_doc["aliases"] = list(
        dict.fromkeys(
            alias for alias in [*survivor.get("aliases", []), *names] if alias != survivor["name"]
        )
    )
    united_doc[paths.CITATIONS] = united(
        survivor.get(paths.CITATIONS, []), duplicate.get(paths.CITATIONS, [])
    )
    for key, value in content(
        PERSONS if "positions" in survivor else ORGANIZATIONS, duplicate
    ).items():
        if key in ("name", "aliases", paths.CITATIONS):
            continue
        if isinstance(value, list):
            united_doc[key] = [
                *survivor.get(key, []),
                *(item for item in value if item not in survivor.get(key, [])),
            ]
        elif survivor.get(key) is None:
            united_doc[key] = value
    return united_doc
