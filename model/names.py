"""Collection names."""

from __future__ import annotations

ARTICLES = "articles"
PERSONS = "persons"
ORGANIZATIONS = "organizations"
EVENTS = "events"
STATEMENTS = "statements"
SANCTIONS = "sanctions"

COLLECTIONS = (ARTICLES, PERSONS, ORGANIZATIONS, EVENTS, STATEMENTS, SANCTIONS)
# Every committed write of every object, in commit order (model.revisions).
REVISIONS = "revisions"
# Counters a write increments inside its transaction: the commit sequence.
COUNTERS = "counters"
# Not part of the record: who may write it.
API_KEYS = "apiKeys"
