"""Ranked search over names, aliases, titles and statement texts.

Candidates come from the multikey indexes on ``search.names`` (whole folded
names) and ``search.tokens`` (folded words); they are scored in Python. An
exact name or alias scores 1.0; a document containing every query word scores
between 0.4 and 0.9, higher the more of its text the query covers.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.database import (
    ARTICLES,
    EVENTS,
    ORGANIZATIONS,
    PERSONS,
    SANCTIONS,
    STATEMENTS,
    Database,
    Document,
)
from schema.common.errors import UserInputError
from schema.search.keys import fold

MAX_RESULTS = 50
DEFAULT_RESULTS = 10
MAX_QUERY_LENGTH = 200
CANDIDATES_PER_COLLECTION = 50

COLLECTIONS = (PERSONS, ORGANIZATIONS, EVENTS, STATEMENTS, SANCTIONS, ARTICLES)


@dataclass(frozen=True)
class Hit:
    collection: str
    doc: Document
    score: float
    matched: str | None


def searchable_texts(collection: str, doc: Document) -> list[str]:
    if collection in (PERSONS, ORGANIZATIONS):
        return [doc["name"], *doc.get("aliases", [])]
    if collection == STATEMENTS:
        return [doc["text"]]
    return [doc["title"]]


def _score(collection: str, doc: Document, query: str, words: list[str]) -> Hit | None:
    best: Hit | None = None
    for text in searchable_texts(collection, doc):
        folded = fold(text)
        if folded == query:
            return Hit(collection, doc, 1.0, text)
        text_words = folded.split()
        if all(word in text_words for word in words):
            coverage = len(words) / max(len(text_words), 1)
            score = round(0.4 + 0.5 * coverage, 4)
            if best is None or score > best.score:
                best = Hit(collection, doc, score, text)
    return best


def parse_query(query: str, first: int | None) -> tuple[str, int]:
    if len(query) > MAX_QUERY_LENGTH:
        raise UserInputError(
            f"`query` may be at most {MAX_QUERY_LENGTH} characters, got {len(query)}.",
            argument="query",
        )
    folded = fold(query)
    if not folded:
        raise UserInputError("`query` must contain a letter or a digit.", argument="query")
    limit = DEFAULT_RESULTS if first is None else first
    if not 1 <= limit <= MAX_RESULTS:
        raise UserInputError(
            f"`first` must be between 1 and {MAX_RESULTS}, got {limit}.", argument="first"
        )
    return folded, limit


async def search(db: Database, query: str, collections: tuple[str, ...], limit: int) -> list[Hit]:
    words = query.split()
    # Candidates by index only: whole names, then documents holding the longest word
    # (the most selective); every other word is checked while scoring.
    probes = [{"search.names": query}, {"search.tokens": max(words, key=len)}]
    hits: dict[tuple[str, str], Hit] = {}
    for collection in collections:
        for probe in probes:
            cursor = db[collection].find(probe).limit(CANDIDATES_PER_COLLECTION)
            async for doc in cursor:
                hit = _score(collection, doc, query, words)
                if hit is not None:
                    hits[(collection, doc["_id"])] = hit
    ranked = sorted(hits.values(), key=lambda hit: (-hit.score, hit.collection, hit.doc["_id"]))
    return ranked[:limit]
