"""Persons written by editors: created with their citations, corrected, each write kept."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from api.settings import Settings
from model.names import PERSONS
from model.store import Database
from tests.conftest import data, error_codes
from tests.keys import store_article, with_admin, writer

BODY = (
    "Deputy Foreign Minister Anatoly Voronin met the\u00a0envoy on Tuesday. "
    "Voronin said talks would go on. Later, Voronin left for Geneva."
)
CREATE = """mutation($input: CreatePersonInput!) {
  createPerson(input: $input) {
    person { id slug name aliases countries revision
             positions { title organization { slug } since { iso precision } }
             citations { quote start end article { slug } } }
    userErrors { field message code }
  }
}"""
UPDATE = """mutation($input: UpdatePersonInput!) {
  updatePerson(input: $input) {
    person { id name aliases description revision citations { quote } }
    userErrors { field message code }
  }
}"""
VORONIN: dict[str, Any] = {
    "name": "Anatoly Voronin",
    "aliases": ["Анатолий Воронин"],
    "countries": ["ru"],
    "positions": [
        {
            "title": "Deputy Foreign Minister",
            "organization": "russian-foreign-ministry",
            "since": {"iso": "2011-05"},
        }
    ],
    "evidence": [
        {"article": "wire-1", "quote": "Deputy Foreign Minister Anatoly Voronin met the envoy"}
    ],
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return with_admin(settings)


@pytest.fixture
async def article(client: httpx.AsyncClient, db: Database) -> str:
    await store_article(db, "wire-1", BODY)
    return "wire-1"


async def test_a_created_person_is_stored_with_exact_citations(
    client: httpx.AsyncClient, db: Database, article: str
) -> None:
    editor = await writer(client)
    person = (await editor.data(CREATE, {"input": VORONIN}))["createPerson"]["person"]
    assert person["slug"] == "anatoly-voronin"
    assert person["revision"] == 1
    assert person["countries"] == ["RU"]
    assert person["positions"] == [
        {
            "title": "Deputy Foreign Minister",
            "organization": {"slug": "russian-foreign-ministry"},
            "since": {"iso": "2011-05", "precision": "MONTH"},
        }
    ]
    [citation] = person["citations"]
    # The quote was typed with a plain space; the stored one is the body's own slice.
    assert citation["quote"] == BODY[citation["start"] : citation["end"]]
    assert "\u00a0" in citation["quote"]
    assert citation["article"] == {"slug": "wire-1"}
    # Reads, search and name filters see it at once.
    found = await data(
        client,
        """{ person(slug: "anatoly-voronin") { name }
             search(query: "Воронин") { node { ... on Person { slug } } }
             persons(filter: {name: "Voronin"}) { nodes { slug } } }""",
    )
    assert found["person"] == {"name": "Anatoly Voronin"}
    assert {"node": {"slug": "anatoly-voronin"}} in found["search"]
    assert found["persons"]["nodes"] == [{"slug": "anatoly-voronin"}]
    stored = await db[PERSONS].find_one({"_id": "anatoly-voronin"})
    assert stored is not None
    assert stored["search"]["tokens"]


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"name": "  "}, ["input", "name"], "INVALID"),
        ({"countries": ["Russia"]}, ["input", "countries", "0"], "INVALID"),
        ({"slug": "Not A Slug"}, ["input", "slug"], "INVALID"),
        ({"slug": "sergei-lavrov"}, ["input", "slug"], "DUPLICATE"),
        ({"slug": "interfax"}, ["input", "slug"], "DUPLICATE"),  # an organization's slug
        (
            {"positions": [{"title": "Envoy", "organization": "no-such-ministry"}]},
            ["input", "positions", "0", "organization"],
            "NOT_FOUND",
        ),
        (
            {"positions": [{"title": "Envoy", "since": {"iso": "2011-13"}}]},
            ["input", "positions", "0", "since", "iso"],
            "INVALID",
        ),
        ({"evidence": []}, ["input", "evidence"], "INVALID"),
        (
            {"evidence": [{"article": "wire-1", "quote": "Voronin"}]},
            ["input", "evidence", "0", "quote"],
            "EVIDENCE_AMBIGUOUS",
        ),
        (
            {"evidence": [{"article": "wire-1", "quote": "Voronin", "occurrence": 4}]},
            ["input", "evidence", "0", "occurrence"],
            "INVALID",
        ),
        (
            {"evidence": [{"article": "wire-1", "quote": "Voronin wept"}]},
            ["input", "evidence", "0", "quote"],
            "EVIDENCE_NOT_FOUND",
        ),
        (
            {"evidence": [{"article": "no-such-article", "quote": "Voronin"}]},
            ["input", "evidence", "0", "article"],
            "NOT_FOUND",
        ),
    ],
)
async def test_bad_input_is_a_user_error_at_its_path_and_writes_nothing(
    client: httpx.AsyncClient,
    db: Database,
    article: str,
    change: dict[str, Any],
    field: list[str],
    code: str,
) -> None:
    editor = await writer(client)
    before = await db[PERSONS].count_documents({})
    body = await editor(CREATE, {"input": {**VORONIN, **change}})
    payload = body["data"]["createPerson"]
    assert payload["person"] is None
    assert [(error["field"], error["code"]) for error in payload["userErrors"]] == [(field, code)]
    assert await db[PERSONS].count_documents({}) == before


async def test_every_problem_is_reported_at_once(client: httpx.AsyncClient, article: str) -> None:
    editor = await writer(client)
    bad = {
        **VORONIN,
        "name": "",
        "countries": ["x"],
        "evidence": [{"article": "wire-1", "quote": "nope"}],
    }
    payload = (await editor(CREATE, {"input": bad}))["data"]["createPerson"]
    assert {tuple(error["field"]) for error in payload["userErrors"]} == {
        ("input", "name"),
        ("input", "countries", "0"),
        ("input", "evidence", "0", "quote"),
    }


async def test_a_repeated_quote_is_cited_at_the_occurrence_given(
    client: httpx.AsyncClient, article: str
) -> None:
    editor = await writer(client)
    evidence = [{"article": "wire-1", "quote": "Voronin", "occurrence": 3}]
    made = await editor.data(CREATE, {"input": {**VORONIN, "evidence": evidence}})
    [citation] = made["createPerson"]["person"]["citations"]
    assert citation["start"] == BODY.rindex("Voronin")


async def test_a_derived_slug_is_made_unique(client: httpx.AsyncClient, article: str) -> None:
    editor = await writer(client)
    first = await editor.data(CREATE, {"input": VORONIN})
    second = await editor.data(CREATE, {"input": VORONIN})
    assert first["createPerson"]["person"]["slug"] == "anatoly-voronin"
    assert second["createPerson"]["person"]["slug"] == "anatoly-voronin-2"


async def test_an_update_changes_what_it_names_and_clears_what_is_null(
    client: httpx.AsyncClient, article: str
) -> None:
    editor = await writer(client)
    made = await editor.data(CREATE, {"input": {**VORONIN, "description": "A diplomat."}})
    person = made["createPerson"]["person"]
    change = {
        "id": person["id"],
        "expectedRevision": 1,
        "aliases": ["Anatoli Voronin"],
        "description": None,
        "addEvidence": [{"article": "wire-1", "quote": "Voronin said talks would go on"}],
    }
    updated = (await editor.data(UPDATE, {"input": change}))["updatePerson"]["person"]
    assert updated["name"] == "Anatoly Voronin"  # left out: kept
    assert updated["aliases"] == ["Anatoli Voronin"]
    assert updated["description"] is None
    assert updated["revision"] == 2
    assert [c["quote"] for c in updated["citations"]] == [
        person["citations"][0]["quote"],
        "Voronin said talks would go on",
    ]


async def test_a_stale_revision_is_a_conflict_and_writes_nothing(
    client: httpx.AsyncClient, db: Database, article: str
) -> None:
    editor = await writer(client)
    person = (await editor.data(CREATE, {"input": VORONIN}))["createPerson"]["person"]
    await editor.data(
        UPDATE, {"input": {"id": person["id"], "expectedRevision": 1, "name": "A. Voronin"}}
    )
    stale = await editor(
        UPDATE, {"input": {"id": person["id"], "expectedRevision": 1, "name": "X"}}
    )
    payload = stale["data"]["updatePerson"]
    assert payload["person"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "expectedRevision"], "CONFLICT")
    ]
    stored = await db[PERSONS].find_one({"_id": person["slug"]})
    assert stored is not None
    assert (stored["name"], stored["revision"]) == ("A. Voronin", 2)


async def test_an_unknown_or_foreign_id_is_not_found(
    client: httpx.AsyncClient, article: str
) -> None:
    editor = await writer(client)
    organization = await data(client, '{ organization(slug: "interfax") { id } }')
    for global_id in (organization["organization"]["id"], "not-an-id", "UGVyc29uOm5vYm9keQ"):
        body = await editor(
            UPDATE, {"input": {"id": global_id, "expectedRevision": 1, "name": "X"}}
        )
        assert [e["code"] for e in body["data"]["updatePerson"]["userErrors"]] == ["NOT_FOUND"]


async def test_writing_needs_an_editor_key(client: httpx.AsyncClient, article: str) -> None:
    reader = await writer(client, "READER", "reader")
    anonymous = await client.post(
        "/graphql", json={"query": CREATE, "variables": {"input": VORONIN}}
    )
    assert error_codes(anonymous.json()) == ["UNAUTHENTICATED"]
    assert error_codes(await reader(CREATE, {"input": VORONIN})) == ["FORBIDDEN"]
