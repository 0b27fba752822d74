"""Turning filter arguments into MongoDB queries: user strings only ever as values."""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import Enum
from typing import Any

import strawberry

from model import paths
from model.keys import tokens
from model.store import Document
from schema.common.errors import UserInputError
from schema.common.pagination import Order

MATCH_NOTHING: Document = {paths.ID: {"$in": []}}
_ISO_PREFIX = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")
# Above any ISO date string and below the UNKNOWN ascending key ("\uffff").
_ISO_CEILING = "\ufffe"
_ISO_FLOOR = "0"


def condition(description: str, *, name: str | None = None) -> Any:
    """A field of a filter input: optional, and left out of the query when not given."""
    return strawberry.field(default=None, name=name, description=description)


def all_of(*clauses: Document | None) -> Document:
    """One flat query where fields do not repeat (every planner reads those), else ``$and``."""
    kept = [clause for clause in clauses if clause]
    merged: Document = {}
    for clause in kept:
        if set(clause) & set(merged):
            return {"$and": kept}
        merged.update(clause)
    return merged


def equals(field: str, value: str | None) -> Document | None:
    return None if value is None else {field: value}


def one_of(field: str, values: Sequence[Enum] | None) -> Document | None:
    return None if values is None else {field: {"$in": [value.value for value in values]}}


def words_match(text: str | None) -> Document | None:
    """Every word of ``text`` appears (case- and accent-insensitively)."""
    if text is None:
        return None
    words = tokens(text)
    if not words:
        return MATCH_NOTHING
    unique = list(dict.fromkeys(words))
    return {paths.SEARCH_TOKENS: unique[0] if len(unique) == 1 else {"$all": unique}}


def country_is(field: str, country: str | None) -> Document | None:
    return None if country is None else {field: country.strip().upper()}


def date_range(order: Order, start: str | None, end: str | None) -> Document | None:
    """Inclusive ISO-prefix bounds on the order's own date key, so the order's index serves."""
    if start is None and end is None:
        return None
    for argument, value in (("from", start), ("to", end)):
        if value is not None and not _ISO_PREFIX.fullmatch(value):
            raise UserInputError(
                f"`{argument}` must be an ISO date prefix (YYYY, YYYY-MM or YYYY-MM-DD), "
                f"got {value[:40]!r}.",
                argument=argument,
            )
    return {
        order.field: {
            "$gte": start or _ISO_FLOOR,
            "$lte": (end + _ISO_CEILING) if end else _ISO_CEILING,
        }
    }
