"""Fields computed from an entity when it is written, by every writer alike: order keys
and search keys. Readers never write them; queries range over them."""

from __future__ import annotations

from model.keys import search_keys
from model.names import ORGANIZATIONS, PERSONS, STATEMENTS
from model.orders import ORDERS
from model.store import Document


def with_derived_fields(collection: str, doc: Document) -> Document:
    """Search keys and order keys, recomputed from the whole document."""
    for order in ORDERS[collection]:
        for path, key in order.keys(doc).items():
            _put(doc, path, key)
    if collection in (PERSONS, ORGANIZATIONS):
        titles = [position["title"] for position in doc.get("positions", [])]
        keys = search_keys([doc["name"], *doc["aliases"]], titles)
    elif collection == STATEMENTS:
        keys = search_keys([], [doc["text"]])
    else:
        keys = search_keys([doc["title"]])
    doc["search"] = keys
    return doc


def _put(doc: Document, path: str, value: str) -> None:
    *parents, last = path.split(".")
    for part in parents:
        doc = doc.setdefault(part, {})
    doc[last] = value
