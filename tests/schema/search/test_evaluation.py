"""The evaluation set: every query must rank its object first (hit-at-1 of 1.0)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

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


def _key(hit: dict[str, Any]) -> str:
    return f"{hit['node']['__typename']}/{hit['node']['slug']}"


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


def test_the_set_includes_spellings_that_are_not_aliases() -> None:
    unlisted = [case for case in CASES if not case["alias"]]
    assert len(unlisted) >= len(CASES) // 2


@pytest.mark.parametrize("case", [c for c in CASES if c["alias"]], ids=lambda c: c["query"])
async def test_an_exact_name_or_alias_scores_one(
    client: httpx.AsyncClient, case: dict[str, Any]
) -> None:
    hits = (await data(client, SEARCH, {"q": case["query"]}))["search"]
    assert hits[0]["score"] == 1.0
