"""Cleaners: each turns one input field's value into what is stored, or records a user
error at the field's path. One cleaner per kind of field, shared by every fact."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Awaitable, Callable, Sequence
from datetime import date as calendar_date
from enum import Enum
from typing import Any
from urllib.parse import urlsplit

from model.documents import DateDoc, RefDoc, RefType
from model.kinds import Precision
from model.revisions import TYPE_NAMES
from schema.common.mutations import UserErrorCode
from schema.editing.draft import Draft
from schema.editing.inputs import FuzzyDateInput

# (draft, the value given, its path "input.name") -> the stored value
Cleaner = Callable[[Draft, Any, str], Awaitable[Any]]

MAX_NAME = 200
MAX_TEXT = 5_000
MAX_ITEMS = 50
COUNTRY = re.compile(r"[A-Z]{2}")
LANGUAGE = re.compile(r"[a-z]{2}")
_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_PRECISION = {1: Precision.YEAR, 2: Precision.MONTH, 3: Precision.DAY}
_ALLOWED_CONTROLS = {"\n", "\t"}


def _controls(value: str) -> bool:
    return any(
        unicodedata.category(char) in {"Cc", "Cs"} and char not in _ALLOWED_CONTROLS
        for char in value
    )


def text(most: int = MAX_NAME, *, required: bool = False) -> Cleaner:
    """A string, trimmed; empty is null (and an error where the field is required)."""

    async def clean(draft: Draft, value: str | None, path: str) -> str | None:
        value = value.strip() if value is not None else None
        if not value:
            if required:
                draft.fail(path, "This is required and may not be empty.")
            return None
        if len(value) > most:
            draft.fail(path, f"At most {most} characters, got {len(value)}.")
        elif _controls(value):
            draft.fail(path, "Control characters are not allowed.")
        return value

    return clean


def listed(one: Cleaner, *, items: int = MAX_ITEMS, at_least: int = 0) -> Cleaner:
    """A list whose items ``one`` cleans (each at its index), without repeats; null is empty."""

    async def clean(draft: Draft, values: Sequence[Any] | None, path: str) -> list[Any]:
        given = list(values or ())
        if not at_least <= len(given) <= items:
            draft.fail(path, f"Give {at_least} to {items} items, got {len(given)}.")
            return []
        kept: list[Any] = []
        for index, value in enumerate(given):
            cleaned = await one(draft, value, f"{path}.{index}")
            if cleaned is not None and cleaned not in kept:
                kept.append(cleaned)
        return kept

    return clean


def code(pattern: re.Pattern[str], example: str, normal: Callable[[str], str] = str) -> Cleaner:
    """A code of a fixed form ('RU', 'en'), in its ``normal`` case; null stays null."""

    async def clean(draft: Draft, value: str | None, path: str) -> str | None:
        if value is None:
            return None
        if not pattern.fullmatch(normal(value)):
            draft.fail(path, f"Not a code of the form {example!r}: {value[:20]!r}.")
        return normal(value)

    return clean


def choice(*, required: bool = False) -> Cleaner:
    """A value of a GraphQL enum, stored by name."""

    async def clean(draft: Draft, value: Enum | None, path: str) -> str | None:
        if value is None:
            if required:
                draft.fail(path, "This is required.")
            return None
        return str(value.value)

    return clean


def count() -> Cleaner:
    async def clean(draft: Draft, value: int | None, path: str) -> int | None:
        if value is not None and not 0 <= value <= 10**9:
            draft.fail(path, f"Must be between 0 and 1000000000, got {value}.")
        return value

    return clean


def fuzzy_date(*, required: bool = True) -> Cleaner:
    """A date whose precision follows from its ISO prefix; no iso is UNKNOWN."""
    words = text(MAX_NAME)

    async def clean(draft: Draft, value: FuzzyDateInput | None, path: str) -> DateDoc | None:
        if value is None:
            if required:
                draft.fail(
                    path, "This is required: give iso, text or both (an empty date is UNKNOWN)."
                )
            return None
        said = await words(draft, value.text, f"{path}.text")
        if value.iso is None:
            return DateDoc(iso=None, precision=Precision.UNKNOWN.value, text=said)
        precision = iso_precision(value.iso)
        if precision is None:
            draft.fail(
                f"{path}.iso",
                f"Not a calendar date as '2009-11-16', '2009-11' or '2009': {value.iso[:20]!r}.",
            )
            return None
        return DateDoc(iso=value.iso, precision=precision.value, text=said)

    return clean


def iso_precision(iso: str) -> Precision | None:
    """DAY, MONTH or YEAR for a real date written as an ISO prefix; None for anything else."""
    matched = _ISO.fullmatch(iso)
    if matched is None:
        return None
    year, month, day = (int(part) if part else None for part in matched.groups())
    try:
        calendar_date(year or 0, month or 1, day or 1)
    except ValueError:
        return None
    return _PRECISION[len([part for part in matched.groups() if part])]


def slug_in(collections: Sequence[str], noun: str) -> Cleaner:
    """The slug of an existing object of one of ``collections``, stored as the slug."""

    async def clean(draft: Draft, value: str | None, path: str) -> str | None:
        if value is not None and await draft.holder(collections, value) is None:
            draft.fail(path, f"There is no {noun} {value[:100]!r}.", UserErrorCode.NOT_FOUND)
        return value

    return clean


def ref_in(collections: Sequence[str], noun: str, *, required: bool = False) -> Cleaner:
    """The slug of an existing object of one of ``collections``, stored with its type."""

    async def clean(draft: Draft, value: str | None, path: str) -> RefDoc | None:
        if value is None:
            if required:
                draft.fail(path, "This is required.")
            return None
        holder = await draft.holder(collections, value)
        if holder is None:
            draft.fail(path, f"There is no {noun} {value[:100]!r}.", UserErrorCode.NOT_FOUND)
            return None
        type_name: RefType = TYPE_NAMES[holder]  # type: ignore[assignment]
        return RefDoc(type=type_name, slug=value)

    return clean


def web_address() -> Cleaner:
    """An http(s) URL with a host; null stays null."""
    words = text(2_000)

    async def clean(draft: Draft, value: str | None, path: str) -> str | None:
        address: str | None = await words(draft, value, path)
        if address is not None:
            parsed = urlsplit(address)
            if parsed.scheme not in ("http", "https") or not parsed.hostname or " " in address:
                draft.fail(path, f"Not an http(s) address: {address[:100]!r}.")
        return address

    return clean
