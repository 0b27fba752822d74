"""Fields computed from an entity when it is written, by every writer alike: order keys
and search keys. Readers never write them; queries range over them."""

from __future__ import annotations

from model.keys import fold, search_keys
from model.names import ORGANIZATIONS, PERSONS, STATEMENTS
from model.store import Document

# Sort keys that put UNKNOWN dates last whichever way a date order runs.
UNKNOWN_DATE_ASC = "\uffff"
UNKNOWN_DATE_DESC = ""
# Below every character a folded name or an ISO date holds, so "ab" sorts after "a".
KEY_SEPARATOR = "\x1f"


def order_key(value: str, slug: str) -> str:
    """A sort key unique to the document: the value, then the slug as the tie-break."""
    return f"{value}{KEY_SEPARATOR}{slug}"


def with_derived_fields(collection: str, doc: Document) -> Document:
    """Search keys and order keys, recomputed from the whole document."""
    if isinstance(doc.get("date"), dict):
        iso = doc["date"]["iso"]
        doc["date"]["asc"] = order_key(UNKNOWN_DATE_ASC if iso is None else iso, doc["_id"])
        doc["date"]["desc"] = order_key(UNKNOWN_DATE_DESC if iso is None else iso, doc["_id"])
    if collection in (PERSONS, ORGANIZATIONS):
        titles = [position["title"] for position in doc.get("positions", [])]
        keys = search_keys([doc["name"], *doc["aliases"]], titles)
        doc["sort"] = {"name": order_key(fold(doc["name"]), doc["_id"])}
    elif collection == STATEMENTS:
        keys = search_keys([], [doc["text"]])
    else:
        keys = search_keys([doc["title"]])
    doc["search"] = keys
    return doc
