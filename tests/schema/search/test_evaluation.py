"""The evaluation set: every query must rank its object first (hit-at-1 of 1.0)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from seed import ARTICLES_DIR
from tests.conftest import data

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "evaluation.yaml").read_text(encoding="utf-8")
)
SEARCH = """query($q: String!) {
  search(query: $q, first: 5) {
    score matched
    node { __typename ... on Person { slug } ... on Organization { slug } ... on Event { slug }
           ... on Statement { slug } ... on Sanction { slug } ... on Article { slug } }
  }
}"""
# The annotation sections of the seed and the GraphQL type of their objects.
SECTIONS = {
    "persons": "Person",
    "organizations": "Organization",
    "events": "Event",
    "statements": "Statement",
    "sanctions": "Sanction",
}


def _as_typed(text: str) -> str:
    """A text as typed, but for case and spacing: "exact" means no more lenient than this."""
    return " ".join(text.casefold().split())


def _seed_names() -> dict[str, set[str]]:
    """Every seed object ("Type/slug") with its name, aliases or title, read from the YAML."""
    names: dict[str, set[str]] = {}
    for path in sorted(ARTICLES_DIR.glob("*.yaml")):
        annotations = yaml.safe_load(path.read_text(encoding="utf-8"))
        article = annotations["article"]
        names.setdefault(f"Article/{article['slug']}", set()).add(_as_typed(article["title"]))
        for section, type_name in SECTIONS.items():
            for item in annotations.get(section) or []:
                texts = [item.get("name"), item.get("title"), *(item.get("aliases") or [])]
                known = names.setdefault(f"{type_name}/{item['slug']}", set())
                known.update(_as_typed(text) for text in texts if text)
    return names


SEED_NAMES = _seed_names()


def _exact(case: dict[str, Any]) -> bool:
    return _as_typed(case["query"]) in SEED_NAMES.get(case["expect"], set())


EXACT = [case for case in CASES if _exact(case)]


def _key(hit: dict[str, Any]) -> str:
    return f"{hit['node']['__typename']}/{hit['node']['slug']}"


def test_every_expected_object_is_in_the_seed() -> None:
    assert [case["expect"] for case in CASES if case["expect"] not in SEED_NAMES] == []


async def test_every_query_ranks_its_object_first(client: httpx.AsyncClient) -> None:
    misses: list[str] = []
    for case in CASES:
        hits = (await data(client, SEARCH, {"q": case["query"]}))["search"]
        top = _key(hits[0]) if hits else None
        if top != case["expect"]:
            misses.append(f"{case['query']!r}: got {top}, want {case['expect']}")
    hit_at_1 = 1 - len(misses) / len(CASES)
    print(f"\nsearch evaluation: {len(CASES)} queries, hit-at-1 = {hit_at_1:.3f}")
    assert misses == []


def test_the_set_includes_spellings_that_are_not_names() -> None:
    assert EXACT, "no query is an exact name, alias or title"
    assert len(CASES) - len(EXACT) >= len(CASES) // 2


@pytest.mark.parametrize("case", EXACT, ids=lambda c: c["query"])
async def test_an_exact_name_alias_or_title_scores_one(
    client: httpx.AsyncClient, case: dict[str, Any]
) -> None:
    hits = (await data(client, SEARCH, {"q": case["query"]}))["search"]
    scores = {_key(hit): hit["score"] for hit in hits}
    assert scores.get(case["expect"]) == 1.0, hits
