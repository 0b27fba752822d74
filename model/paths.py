"""The stored field paths that queries, projections and indexes name.

Order keys end in the document's ``_id`` (``model.derived.order_key``), so one field is a
total order; ``date.asc``/``date.desc`` put UNKNOWN dates last either way.
"""

from __future__ import annotations

from typing import Final

ID: Final = "_id"
# Order keys.
DATE_ASC: Final = "date.asc"
DATE_DESC: Final = "date.desc"
SORT: Final = "sort"  # sort.<name>: model.orders.sort_key
# Search keys (model.keys): whole names, word keys, folded words.
SEARCH: Final = "search"
SEARCH_NAMES: Final = "search.names"
SEARCH_KEYS: Final = "search.keys"
SEARCH_TOKENS: Final = "search.tokens"
# Large stored fields, left in the database unless a selected field shows them.
CITATIONS: Final = "citations"
BODY: Final = "body"
# References and filter fields.
CITED_ARTICLE: Final = "citations.article"
SPEAKER: Final = "speaker.slug"
SUBJECT: Final = "about.slug"
PARTICIPANT: Final = "participants.actor.slug"
AUTHORITY: Final = "authority.slug"
TARGET: Final = "targets.slug"
IN_RESPONSE_TO: Final = "inResponseTo"
POSITION_ORGANIZATION: Final = "positions.organization"
COUNTRIES: Final = "countries"
COUNTRY: Final = "country"
KIND: Final = "kind"
KINDS: Final = "kinds"
STATUS: Final = "status"
# API keys are found by the hash of their secret.
KEY_HASH: Final = "hash"
# Revisions (model.revisions) are found by their object ("<Type>:<slug>") or its type.
REVISION: Final = "revision"
REVISION_NODE: Final = "node"
REVISION_TYPE: Final = "type"
REVISION_AUTHOR: Final = "author"
# References named by slug alone (model.references).
EVENT_SANCTIONS: Final = "sanctions"
REPORTED_BY: Final = "reportedBy"
REVISION_OPERATION: Final = "operation"
MERGED_INTO: Final = "mergedInto"
# What screening reads of persons and organizations: the names they are written with.
NAME: Final = "name"
ALIASES: Final = "aliases"
