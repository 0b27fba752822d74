"""Organizations, events, statements and sanctions written by editors: each kind's own
fields and references (what all writes share is in test_editing and test_persons)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from api.settings import Settings
from model.store import Database
from tests.conftest import data
from tests.keys import Writer, store_article, with_admin, writer

BODY = (
    "The Baltic Transit Union said on Monday it would appeal. "
    '"We will not accept this ban," said union chairman Anatoly Voronin. '
    "Lithuania barred the union's two ships from its ports in March 2013, "
    "after the Foreign Ministry blacklisted 60 Russian officials."
)
ARTICLE = "wire-2"


def cited(quote: str, occurrence: int | None = None) -> list[dict[str, Any]]:
    return [{"article": ARTICLE, "quote": quote, "occurrence": occurrence}]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return with_admin(settings)


@pytest.fixture
async def editor(client: httpx.AsyncClient, db: Database) -> Writer:
    await store_article(db, ARTICLE, BODY)
    return await writer(client)


async def create(editor: Writer, mutation: str, input: dict[str, Any], shown: str) -> Any:
    field = mutation.removeprefix("create").lower()
    input_type = mutation.removeprefix("create")
    query = (
        f"mutation($input: Create{input_type}Input!) {{ {mutation}(input: $input) "
        f"{{ {field} {{ {shown} }} userErrors {{ field code message }} }} }}"
    )
    return await editor(query, {"input": input})


async def test_an_organization_is_created_and_updated(editor: Writer) -> None:
    union = {
        "name": "Baltic Transit Union",
        "kind": "OTHER",
        "country": "lt",
        "evidence": cited("The Baltic Transit Union said"),
    }
    made = await create(editor, "createOrganization", union, "id slug kind country revision")
    organization = made["data"]["createOrganization"]["organization"]
    assert organization["slug"] == "baltic-transit-union"
    assert (organization["kind"], organization["country"]) == ("OTHER", "LT")
    update = """mutation($input: UpdateOrganizationInput!) {
      updateOrganization(input: $input) { organization { aliases revision } userErrors { code } }
    }"""
    change = {"id": organization["id"], "expectedRevision": 1, "aliases": ["BTU"]}
    updated = (await editor.data(update, {"input": change}))["updateOrganization"]
    assert updated["organization"] == {"aliases": ["BTU"], "revision": 2}


async def test_an_event_names_its_participants_by_existing_slugs(editor: Writer) -> None:
    event = {
        "title": "Lithuania bars union ships",
        "kind": "OTHER",
        "date": {"iso": "2013-03", "text": "March 2013"},
        "participants": [
            {"actor": "russia", "role": "protester"},
            {"description": "the union's two ships", "role": "barred"},
        ],
        "evidence": cited("Lithuania barred the union's two ships"),
    }
    shown = (
        "slug date { iso precision text } "
        "participants { actor { ... on Organization { slug } } role }"
    )
    made = (await create(editor, "createEvent", event, shown))["data"]["createEvent"]
    assert made["userErrors"] == []
    assert made["event"]["date"] == {"iso": "2013-03", "precision": "MONTH", "text": "March 2013"}
    assert made["event"]["participants"] == [
        {"actor": {"slug": "russia"}, "role": "protester"},
        {"actor": None, "role": "barred"},
    ]
    unknown = {**event, "participants": [{"actor": "nobody-known", "role": "x"}]}
    refused = (await create(editor, "createEvent", unknown, "slug"))["data"]["createEvent"]
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [
        (["input", "participants", "0", "actor"], "NOT_FOUND")
    ]


async def test_a_quote_must_be_the_articles_words(editor: Writer) -> None:
    statement = {
        "text": "We will not accept this ban,",
        "kind": "QUOTE",
        "speaker": "sergei-lavrov",
        "date": {"text": "Monday"},
        "about": ["magnitsky-act", "interfax"],
        "evidence": cited('"We will not accept this ban," said union chairman'),
    }
    shown = (
        "slug kind date { precision text } speaker { ... on Person { slug } } about { __typename }"
    )
    made = (await create(editor, "createStatement", statement, shown))["data"]["createStatement"]
    assert made["userErrors"] == []
    assert made["statement"]["slug"].startswith("sergei-lavrov-we-will-not-accept")
    assert made["statement"]["date"] == {"precision": "UNKNOWN", "text": "Monday"}
    assert [subject["__typename"] for subject in made["statement"]["about"]] == [
        "Sanction",
        "Organization",
    ]
    reworded = {**statement, "text": "We shall never accept the ban"}
    refused = (await create(editor, "createStatement", reworded, "slug"))["data"]
    assert [(e["field"], e["code"]) for e in refused["createStatement"]["userErrors"]] == [
        (["input", "text"], "INVALID")
    ]
    paraphrase = {**reworded, "kind": "PARAPHRASE"}
    assert (await create(editor, "createStatement", paraphrase, "slug"))["data"]["createStatement"][
        "userErrors"
    ] == []


async def test_a_sanction_answers_another_and_lists_under_its_authority(
    client: httpx.AsyncClient, editor: Writer
) -> None:
    sanction = {
        "title": "Lithuanian port ban on union ships",
        "kinds": ["ENTRY_BAN"],
        "status": "IN_FORCE",
        "authority": "britain",
        "targets": ["russia"],
        "targetCount": 2,
        "date": {"iso": "2013-03"},
        "inResponseTo": "state-department-blacklist",
        "evidence": cited("barred the union's two ships from its ports"),
    }
    made = (await create(editor, "createSanction", sanction, "slug targetCount"))["data"]
    assert made["createSanction"]["userErrors"] == []
    slug = made["createSanction"]["sanction"]["slug"]
    answers = await data(
        client,
        """{ sanction(slug: "state-department-blacklist") {
               responses { slug } } }""",
    )
    assert {"slug": slug} in answers["sanction"]["responses"]
    no_kinds = {**sanction, "kinds": [], "authority": "nobody"}
    refused = (await create(editor, "createSanction", no_kinds, "slug"))["data"]
    assert sorted(
        (tuple(e["field"]), e["code"]) for e in refused["createSanction"]["userErrors"]
    ) == [(("input", "authority"), "NOT_FOUND"), (("input", "kinds"), "INVALID")]
