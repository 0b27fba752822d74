"""The synthetic corpus: its shape, its determinism, and that it goes through the loader."""

from __future__ import annotations

from collections import Counter

from bench.corpus import SIZES, Corpus, corpus_name, load_corpus, loaded_corpus
from model.names import PERSONS
from model.store import Database
from schema.common.projection import Reads
from schema.search.engine import parse_query, search

XS = SIZES["XS"]


def test_the_same_seed_gives_the_same_corpus() -> None:
    first, second = Corpus(XS, seed=7).article(3), Corpus(XS, seed=7).article(3)
    assert first.documents == second.documents
    assert Corpus(XS, seed=8).article(3).documents != first.documents


def test_articles_cite_five_to_thirty_entities_and_popularity_is_skewed() -> None:
    corpus = Corpus(XS, seed=1)
    speakers: Counter[str] = Counter()
    for article in corpus.articles():
        cited = len(article.documents["persons"]) + len(article.documents["organizations"])
        assert 5 <= cited <= 40
        speakers.update(s["speaker"]["slug"] for s in article.documents["statements"])
    counts = sorted(speakers.values(), reverse=True)
    assert counts[0] >= 10 * counts[len(counts) // 2]


async def test_the_corpus_loads_through_the_loader(db: Database) -> None:
    report = await load_corpus(db, Corpus(XS, seed=1), batch=7)
    assert report["articles"] == XS.articles
    assert report["persons"] == XS.persons
    assert report["organizations"] == XS.organizations
    assert report["events"] == XS.articles * XS.events_per_article
    assert report["statements"] == XS.articles * XS.statements_per_article
    assert report["documents_per_second"] > 0
    article = await db.articles.find_one({"_id": "article-000004"})
    assert article is not None
    async for statement in db.statements.find({"citations.article": "article-000004"}):
        for citation in statement["citations"]:
            assert article["body"][citation["start"] : citation["end"]] == citation["quote"]
    person = await db.persons.find_one({"_id": "person-000000"})
    assert person is not None
    cyrillic = person["aliases"][1]
    hits = await search(db, parse_query(cyrillic), [PERSONS], 5, Reads())
    assert hits[0].doc["_id"] == "person-000000"


async def test_a_person_keeps_one_position_however_often_named(db: Database) -> None:
    await load_corpus(db, Corpus(XS, seed=1))
    popular = await db.persons.find_one({"_id": "person-000000"})
    assert popular is not None
    assert len(popular["citations"]) > 5
    assert len(popular["positions"]) == 1


async def test_a_loaded_corpus_is_marked_only_when_complete(db: Database) -> None:
    corpus = Corpus(XS, seed=1)
    assert await loaded_corpus(db) is None
    await load_corpus(db, corpus)
    assert await loaded_corpus(db) == corpus_name(corpus)
    assert corpus_name(corpus) != corpus_name(Corpus(XS, seed=2))
