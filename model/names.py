"""Collection names."""

from __future__ import annotations

ARTICLES = "articles"
PERSONS = "persons"
ORGANIZATIONS = "organizations"
EVENTS = "events"
STATEMENTS = "statements"
SANCTIONS = "sanctions"

COLLECTIONS = (ARTICLES, PERSONS, ORGANIZATIONS, EVENTS, STATEMENTS, SANCTIONS)
# Not part of the record: who may write it.
API_KEYS = "apiKeys"
