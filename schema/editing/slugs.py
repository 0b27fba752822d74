"""Slugs of new objects: given and checked, or derived from the name and made unique."""

from __future__ import annotations

import re
from collections.abc import Sequence

from model import paths
from model.keys import latin
from model.names import REVISIONS
from model.references import FACTS
from model.revisions import node_key
from schema.common.mutations import UserErrorCode
from schema.editing.draft import Draft

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SLUG = 80
_DERIVED_LENGTH = 60
_SUFFIXES = 50


def slugify(text: str) -> str:
    """'Сергей Магнитский' -> 'sergei-magnitskii': Latin words joined by hyphens."""
    slug = ""
    for word in latin(text).replace("_", " ").split():
        longer = f"{slug}-{word}" if slug else word
        if len(longer) > _DERIVED_LENGTH:
            break
        slug = longer
    return slug


async def new_slug(
    draft: Draft, given: str | None, source: str, *, fallback: str, space: Sequence[str] = FACTS
) -> str | None:
    """``given`` when it is a free, well-formed slug (else a user error at ``input.slug``);
    otherwise the first free one of ``source``'s slug, then ``-2``, ``-3``…

    References name facts by slug alone ("slug of a person or organization", a statement's
    subjects), so by default no two facts share one, whatever their type."""
    if given is not None:
        if len(given) > MAX_SLUG or not SLUG.fullmatch(given):
            draft.fail(
                "input.slug",
                f"A slug is at most {MAX_SLUG} lower-case letters and digits in words joined "
                "by single hyphens: 'sergei-magnitsky'.",
            )
            return None
        if await _taken(draft, space, [given]):
            draft.fail("input.slug", f"The slug {given!r} is taken.", UserErrorCode.DUPLICATE)
            return None
        return given
    base = slugify(source) or fallback
    candidates = [base, *(f"{base}-{number}" for number in range(2, _SUFFIXES + 2))]
    taken = await _taken(draft, space, candidates)
    free = [candidate for candidate in candidates if candidate not in taken]
    if not free:
        draft.fail("input.slug", f"Too many objects are named like {base!r}: give a slug.")
        return None
    return free[0]


async def _taken(draft: Draft, space: Sequence[str], slugs: list[str]) -> set[str]:
    """The slugs an object of ``space`` holds or held, in one look at the revisions: every
    object was written with one, and a withdrawn or merged object's slug stays with its
    history (its revisions, and where a merged one's id leads)."""
    keys = [node_key(collection, slug) for collection in space for slug in slugs]
    cursor = draft.db[REVISIONS].find(
        {paths.REVISION_NODE: {"$in": keys}}, {paths.REVISION_NODE: 1}, session=draft.session
    )
    return {doc[paths.REVISION_NODE].partition(":")[2] async for doc in cursor}
