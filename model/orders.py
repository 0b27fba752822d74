"""The orders lists come in: for each, the stored key a page ranges over, computed from
the document when it is written (``model.derived``) and indexed behind every filter of
its collection (``model.indexes``).

A new order is one ``OrderKey`` here, listed under its collections, and one choice in the
GraphQL ``orderBy`` input of the lists that offer it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from model import paths
from model.keys import fold
from model.names import ARTICLES, EVENTS, ORGANIZATIONS, PERSONS, SANCTIONS, STATEMENTS
from model.store import Document

# Sort keys that put UNKNOWN dates last whichever way a date order runs.
UNKNOWN_DATE_ASC = "\uffff"
UNKNOWN_DATE_DESC = ""
# Below every character a folded name or an ISO date holds, so "ab" sorts after "a".
KEY_SEPARATOR = "\x1f"


def order_key(value: str, slug: str) -> str:
    """A sort key unique to the document: the value, then the slug as the tie-break."""
    return f"{value}{KEY_SEPARATOR}{slug}"


@dataclass(frozen=True)
class OrderKey:
    """An order: the stored key an ascending and a descending page range over (one key,
    scanned backwards, unless the two directions need different keys), and how a writer
    computes them from the document (``{path: key}``)."""

    name: str
    ascending: str
    descending: str
    keys: Callable[[Document], dict[str, str]]


def sort_key(name: str, value: Callable[[Document], str]) -> OrderKey:
    """An order on one value of the document, stored under ``sort.<name>``."""
    path = f"{paths.SORT}.{name}"
    return OrderKey(name, path, path, lambda doc: {path: order_key(value(doc), doc[paths.ID])})


def _date_keys(doc: Document) -> dict[str, str]:
    iso, slug = doc["date"]["iso"], doc[paths.ID]
    return {
        paths.DATE_ASC: order_key(UNKNOWN_DATE_ASC if iso is None else iso, slug),
        paths.DATE_DESC: order_key(UNKNOWN_DATE_DESC if iso is None else iso, slug),
    }


NAME = sort_key("name", lambda doc: fold(doc["name"]))
DATE = OrderKey("date", paths.DATE_ASC, paths.DATE_DESC, _date_keys)

# The orders of each collection; the first is its lists' default.
ORDERS: dict[str, tuple[OrderKey, ...]] = {
    ARTICLES: (),  # by _id
    PERSONS: (NAME,),
    ORGANIZATIONS: (NAME,),
    EVENTS: (DATE,),
    STATEMENTS: (DATE,),
    SANCTIONS: (DATE,),
}
