"""Ranked search over names, aliases, titles and statement texts.

Candidates come from indexed keys only (see ``model.keys``): one index
lookup per probe, all sent at once, each with a limit, so a query scores a bounded
number of documents however large the data grows. Candidates
are then scored in Python: word by word, with RapidFuzz similarity on the Latin
forms, so an exact name or alias (in any script, in any word order) scores 1.0 and
a near miss less.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean

from rapidfuzz.distance import Indel

from model import paths
from model.documents import LARGE
from model.keys import MIN_FUZZY_WORD, fold, full_key, latin, name_forms, skeleton, word_keys
from model.names import ARTICLES, EVENTS, ORGANIZATIONS, PERSONS, SANCTIONS, STATEMENTS
from model.store import Database, Document, find_all
from schema.common.errors import UserInputError
from schema.common.projection import Reads

MAX_RESULTS = 50
DEFAULT_RESULTS = 10
MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 12
MAX_WORD_LENGTH = 40
CANDIDATES_PER_PROBE = 50
PROBED_WORDS = 3
WORD_MATCH = 0.75  # a query word "matches" a text word at this similarity or above
NAME_FILTER_COVERAGE = 0.5
NAME_FILTER_CANDIDATES = 500  # a filter wants every match, not the best few: a larger bound
MIN_SCORE = 0.5
NAMES_ONLY = Reads(hidden=LARGE)  # a name filter reads names, never citations or bodies

COLLECTIONS = (PERSONS, ORGANIZATIONS, EVENTS, STATEMENTS, SANCTIONS, ARTICLES)


@dataclass(frozen=True)
class Query:
    forms: frozenset[str]  # folded whole-name forms, as typed and in Latin
    words: tuple[str, ...]  # Latin words
    typed: tuple[str, ...]  # folded words in the script they were typed in, sorted

    @property
    def latin(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class Match:
    score: float
    text: str
    every_word: bool  # every query word matched a word of the text
    coverage: float  # the share of the text's words that a query word matched
    literal: bool = False  # the text as typed (same script, same words), not a transliteration

    @property
    def names_it(self) -> bool:
        """Good enough for a ``name`` filter: all of the query, most of the name."""
        return self.every_word and self.coverage >= NAME_FILTER_COVERAGE


@dataclass(frozen=True)
class Hit:
    collection: str
    doc: Document
    score: float
    matched: str | None


def parse_query(query: str, argument: str = "query") -> Query:
    if len(query) > MAX_QUERY_LENGTH:
        raise UserInputError(
            f"`{argument}` may be at most {MAX_QUERY_LENGTH} characters, got {len(query)}.",
            argument=argument,
        )
    words = tuple(dict.fromkeys(latin(query).split()))
    if not fold(query) or not words:
        raise UserInputError(f"`{argument}` must contain a letter or a digit.", argument=argument)
    # Folding can expand characters (NFKD: "㍿" is four letters): bound what is scored.
    if len(words) > MAX_QUERY_WORDS or max(len(word) for word in words) > MAX_WORD_LENGTH:
        raise UserInputError(
            f"`{argument}` may hold at most {MAX_QUERY_WORDS} distinct words of at most "
            f"{MAX_WORD_LENGTH} letters.",
            argument=argument,
        )
    typed = tuple(sorted(fold(query).split()))
    return Query(forms=frozenset(name_forms(query)), words=words, typed=typed)


def result_limit(first: int | None) -> int:
    limit = DEFAULT_RESULTS if first is None else first
    if not 1 <= limit <= MAX_RESULTS:
        raise UserInputError(
            f"`first` must be between 1 and {MAX_RESULTS}, got {limit}.", argument="first"
        )
    return limit


def probes(query: Query, collection: str) -> list[Document]:
    """Index lookups that find every document of ``collection`` the query can score well on."""
    found: list[Document] = [{paths.SEARCH_KEYS: full_key(query.latin)}]
    if collection != STATEMENTS:  # statements have texts, not names
        found.append({paths.SEARCH_NAMES: {"$in": sorted(query.forms)}})
    longest = sorted(set(query.words), key=lambda word: (-len(word), word))[:PROBED_WORDS]
    # A query word's own keys, fuzzy ones included, find the names stored with them.
    found += [{paths.SEARCH_KEYS: {"$in": sorted(word_keys(word, fuzzy=True))}} for word in longest]
    return found


@dataclass(frozen=True)
class Searchable:
    """A text a document can be found by, with the words that may stand beside it."""

    text: str
    context: frozenset[str] = frozenset()
    weight: float = 1.0


# A name is what a document is; a title or a statement only mentions things, so the
# same words there rank lower (an exact title still scores 1.0).
MENTION_WEIGHT = 0.85


def searchable(collection: str, doc: Document) -> list[Searchable]:
    if collection in (PERSONS, ORGANIZATIONS):
        # Words of a person's posts may qualify a name: "Ambassador Kislyak".
        context = frozenset(
            word
            for position in doc.get("positions", [])
            for word in latin(position["title"]).split()
        )
        return [Searchable(name, context) for name in [doc["name"], *doc.get("aliases", [])]]
    text = doc["text"] if collection == STATEMENTS else doc["title"]
    return [Searchable(text, weight=MENTION_WEIGHT)]


def word_similarity(query_word: str, text_word: str) -> float:
    """1.0 for the same word; below 0.9 for a near one; 0.0 for short words that differ."""
    if query_word == text_word:
        return 1.0
    if min(len(query_word), len(text_word)) < MIN_FUZZY_WORD:
        return 0.0
    similarity = Indel.normalized_similarity(query_word, text_word)
    if skeleton(query_word) == skeleton(text_word):
        similarity = max(similarity, 1.0)
    return 0.9 * similarity


def match_text(query: Query, item: Searchable) -> Match | None:
    """How well one text answers the query.

    1.0 for the same words in any order; otherwise the mean similarity of the query's
    words, raised by how much of the text they cover and by finding them as a phrase.
    """
    words = latin(item.text).split()
    if not words:
        return None
    literal = tuple(sorted(fold(item.text).split())) == query.typed
    if literal or fold(item.text) in query.forms or sorted(words) == sorted(query.words):
        return Match(1.0, item.text, every_word=True, coverage=1.0, literal=literal)
    similarities: list[float] = []
    positions: list[int] = []
    for query_word in query.words:
        similarity, position = max(
            ((word_similarity(query_word, word), -index) for index, word in enumerate(words))
        )
        position = -position  # the first of equally good words
        if similarity >= WORD_MATCH:
            positions.append(position)
        elif query_word in item.context:
            similarity = 1.0
        similarities.append(similarity)
    if not positions:
        return None
    coverage = len(set(positions)) / len(words)
    phrase = positions == list(range(positions[0], positions[0] + len(positions)))
    score = fmean(similarities) * (0.75 + 0.10 * coverage + 0.15 * phrase) * item.weight
    every_word = all(similarity >= WORD_MATCH for similarity in similarities)
    return Match(round(min(score, 0.99), 4), item.text, every_word, coverage)


def matches(query: Query, collection: str, doc: Document) -> list[Match]:
    return [m for item in searchable(collection, doc) if (m := match_text(query, item))]


def best_match(query: Query, collection: str, doc: Document) -> Match | None:
    return max(matches(query, collection, doc), key=lambda m: (m.score, m.literal), default=None)


async def candidates(
    db: Database,
    query: Query,
    collections: Sequence[str],
    reads: Reads,
    per_probe: int = CANDIDATES_PER_PROBE,
) -> dict[tuple[str, str], Document]:
    """Every candidate of every collection: one bounded index lookup per probe, all at once.

    Separate finds rather than one ``$unionWith`` command: SecantusDB answers each
    ``$unionWith`` branch by reading its whole collection.
    """
    parts = [
        (collection, probe) for collection in collections for probe in probes(query, collection)
    ]
    pages = await asyncio.gather(
        *(
            find_all(db[collection].find(probe, reads.fields(collection)).limit(per_probe))
            for collection, probe in parts
        )
    )
    found: dict[tuple[str, str], Document] = {}
    for (collection, _), docs in zip(parts, pages, strict=True):
        for doc in docs:
            found.setdefault((collection, doc["_id"]), doc)
    return found


async def search(
    db: Database,
    query: Query,
    collections: Sequence[str],
    limit: int,
    reads: Reads,
) -> list[Hit]:
    found = await candidates(db, query, collections, reads)
    hits = [
        Hit(collection, doc, match.score, match.text)
        for (collection, _), doc in found.items()
        if (match := best_match(query, collection, doc)) and match.score >= MIN_SCORE
    ]
    hits.sort(key=lambda hit: (-hit.score, COLLECTIONS.index(hit.collection), hit.doc["_id"]))
    return hits[:limit]


async def ids_matching_name(db: Database, collection: str, name: str) -> list[str]:
    """Slugs whose name or an alias matches every word of ``name`` (the ``name`` filters)."""
    query = parse_query(name, argument="name")
    return sorted(
        doc["_id"]
        for (_, _), doc in (
            await candidates(
                db,
                query,
                [collection],
                NAMES_ONLY,
                per_probe=NAME_FILTER_CANDIDATES,
            )
        ).items()
        if any(match.names_it for match in matches(query, collection, doc))
    )
