"""The evaluation sets (evaluation.yaml, and holdout.yaml written after the engine): their
actors loaded into a fresh database, every article screened through the API and scored
against the gold (bench/screening.py says how). Targets: mention precision 0.95 and recall
0.90, quote-speaker accuracy 0.85."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import pytest

from api.settings import Settings
from bench.screening import HOLDOUT, EvaluationSet, Figures, corpus_actors, evaluate, load
from model.names import ORGANIZATIONS, PERSONS
from model.revisions import Operation, Write, commit
from model.store import Database, Document
from tests.conftest import data

SETS = {"evaluation": load(), "holdout": load(HOLDOUT)}
PRECISION, RECALL, SPEAKER_ACCURACY = 0.95, 0.90, 0.85
SCREEN = """query($text: String!) {
  screen(text: $text) {
    mentions { start end node { ... on Person { slug } ... on Organization { slug } } }
    quotes { start end speaker { ... on Person { slug } ... on Organization { slug } } }
  }
}"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A record of the evaluation's actors alone: no seed."""
    return settings.model_copy(update={"seed_on_start": False})


def _documents(section: str, actor: dict[str, Any]) -> Document:
    common = {
        "_id": actor["slug"],
        "slug": actor["slug"],
        "name": actor["name"],
        "aliases": actor["aliases"],
        "description": None,
        "citations": [],
    }
    if section == "persons":
        return {**common, "countries": [], "positions": []}
    return {**common, "kind": "OTHER", "country": None}


@pytest.fixture(params=sorted(SETS))
def evaluation(request: pytest.FixtureRequest) -> EvaluationSet:
    return SETS[request.param]


def test_the_gold_is_well_formed(evaluation: EvaluationSet) -> None:
    """Every gold entity is a known actor; no two gold mentions overlap; every gold quote
    stands inside quotation marks."""
    slugs = {actor["slug"] for actors in evaluation.actors.values() for actor in actors}
    for article in evaluation.articles:
        assert 60 <= len(article.text.split()) <= 250, article.slug
        spans = sorted(article.mentions)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), article.slug
        assert {slug for _, _, slug in spans} <= slugs
        for (start, end), speaker in article.quotes.items():
            assert article.text[start - 1] in '"“«'
            assert article.text[end] in '"”»'
            assert speaker is None or speaker in slugs
    speakers = [s for article in evaluation.articles for s in article.quotes.values()]
    assert None in speakers  # unattributed quotes are in the set


def test_the_first_set_is_as_large_as_it_says() -> None:
    assert len(SETS["evaluation"].articles) >= 12


async def test_screening_meets_the_targets(
    client: httpx.AsyncClient, db: Database, evaluation: EvaluationSet
) -> None:
    writes = [
        Write(collection, actor["slug"], Operation.CREATE, _documents(section, actor))
        for section, collection in (("persons", PERSONS), ("organizations", ORGANIZATIONS))
        for actor in evaluation.actors[section]
    ]
    await commit(db, None, "test", writes)
    figures = Figures()
    for article in evaluation.articles:
        screening = (await data(client, SCREEN, {"text": article.text}))["screen"]
        figures.add(
            article,
            ((m["start"], m["end"], m["node"]["slug"]) for m in screening["mentions"]),
            {
                (q["start"], q["end"]): q["speaker"]["slug"] if q["speaker"] else None
                for q in screening["quotes"]
            },
        )
    print(f"\nscreening evaluation: {figures.summary()}")
    for miss in figures.misses:
        print(f"  {miss}")
    assert figures.precision >= PRECISION
    assert figures.recall >= RECALL
    assert figures.speaker_accuracy >= SPEAKER_ACCURACY
    assert figures == evaluate(evaluation)  # the API answers what the engine finds


def test_the_targets_hold_with_thousands_more_actors_known(evaluation: EvaluationSet) -> None:
    """A record of 12,000 more persons and organizations, many of them alike."""
    figures = evaluate(evaluation, corpus_actors())
    print(f"\nwith the bench corpus's actors too: {figures.summary()}")
    assert figures.precision >= PRECISION
    assert figures.recall >= RECALL
    assert figures.speaker_accuracy >= SPEAKER_ACCURACY
