"""Global ids: opaque to clients, ``base64url("Type:slug")`` inside."""

from __future__ import annotations

import base64
import binascii

from schema.common.errors import UserInputError


def to_global_id(type_name: str, slug: str) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{slug}".encode()).decode().rstrip("=")


def from_global_id(global_id: str) -> tuple[str, str]:
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        decoded = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
    except (ValueError, binascii.Error, UnicodeError):
        raise UserInputError(f"Not a valid node id: {global_id[:100]!r}") from None
    type_name, separator, slug = decoded.partition(":")
    if not separator or not type_name or not slug:
        raise UserInputError(f"Not a valid node id: {global_id[:100]!r}")
    return type_name, slug
