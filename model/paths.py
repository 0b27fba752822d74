"""The stored field paths that queries, projections and indexes name.

Order keys end in the document's ``_id`` (``model.derived.order_key``), so one field is a
total order; ``date.asc``/``date.desc`` put UNKNOWN dates last either way.
"""

from __future__ import annotations

ID = "_id"
# Order keys.
DATE_ASC = "date.asc"
DATE_DESC = "date.desc"
NAME_ORDER = "sort.name"
# Search keys (model.keys): whole names, word keys, folded words.
SEARCH = "search"
SEARCH_NAMES = "search.names"
SEARCH_KEYS = "search.keys"
SEARCH_TOKENS = "search.tokens"
# Large stored fields, left in the database unless a selected field shows them.
CITATIONS = "citations"
BODY = "body"
# References and filter fields.
CITED_ARTICLE = "citations.article"
SPEAKER = "speaker.slug"
SUBJECT = "about.slug"
PARTICIPANT = "participants.actor.slug"
AUTHORITY = "authority.slug"
TARGET = "targets.slug"
IN_RESPONSE_TO = "inResponseTo"
POSITION_ORGANIZATION = "positions.organization"
COUNTRIES = "countries"
COUNTRY = "country"
KIND = "kind"
KINDS = "kinds"
STATUS = "status"
