"""Where the record's objects name each other by slug: what a withdrawal must not leave
dangling, and what a merge rewrites."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from model import paths
from model.names import ARTICLES, EVENTS, ORGANIZATIONS, PERSONS, SANCTIONS, STATEMENTS

ACTORS = (PERSONS, ORGANIZATIONS)
SUBJECTS = (PERSONS, ORGANIZATIONS, EVENTS, SANCTIONS)
FACTS = (PERSONS, ORGANIZATIONS, EVENTS, STATEMENTS, SANCTIONS)


@dataclass(frozen=True)
class Reference:
    """Objects of ``holder`` name objects of ``names`` by the slug at ``path``."""

    holder: str
    path: str
    names: tuple[str, ...]


REFERENCES: tuple[Reference, ...] = (
    Reference(PERSONS, paths.POSITION_ORGANIZATION, (ORGANIZATIONS,)),
    Reference(EVENTS, paths.PARTICIPANT, ACTORS),
    Reference(EVENTS, paths.EVENT_SANCTIONS, (SANCTIONS,)),
    Reference(STATEMENTS, paths.SPEAKER, ACTORS),
    Reference(STATEMENTS, paths.SUBJECT, SUBJECTS),
    Reference(STATEMENTS, paths.REPORTED_BY, (ORGANIZATIONS,)),
    Reference(SANCTIONS, paths.AUTHORITY, ACTORS),
    Reference(SANCTIONS, paths.TARGET, ACTORS),
    Reference(SANCTIONS, paths.IN_RESPONSE_TO, (SANCTIONS,)),
    *(Reference(fact, paths.CITED_ARTICLE, (ARTICLES,)) for fact in FACTS),
)


def referring(collection: str) -> list[Reference]:
    """The references that may name an object of ``collection``."""
    return [reference for reference in REFERENCES if collection in reference.names]


def renamed(value: Any, path: str, slugs: Mapping[str, str]) -> Any:
    """``value`` with each slug at ``path`` that ``slugs`` maps replaced by its new slug
    (lists are walked as MongoDB walks them); a list left holding one object twice keeps
    the first."""
    head, _, rest = path.partition(".")
    if isinstance(value, list):
        items = [renamed(item, path, slugs) for item in value]
        unique: list[Any] = []
        for item in items:
            if item not in unique:
                unique.append(item)
        return unique
    if not isinstance(value, dict) or head not in value:
        return value
    inner = value[head]
    if rest:
        return {**value, head: renamed(inner, rest, slugs)}
    if isinstance(inner, list):
        return {**value, head: list(dict.fromkeys(slugs.get(item, item) for item in inner))}
    return {**value, head: slugs.get(inner, inner)}
