"""Articles added by editors: cleaned as the seed is, stored, screened, then cited."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from api.settings import Settings
from model.names import ARTICLES
from model.store import Database
from tests.conftest import error_codes, serving
from tests.keys import with_admin, writer

TITLE = "Kislyak Repeats Warning on Magnitsky Bill"
PAGE = "\n\n".join(
    [
        "Support The Moscow Times!",
        TITLE,
        "Russia's ambassador spoke again on\u00a0Thursday.",
        '"Nothing good will come of it," Ambassador Sergei Kislyak said in Washington.',
        "Read more",
        "… we have a small favor to ask. Please support us.",
        "Thank you.",
    ]
)
ADD = """mutation($input: AddArticleInput!) {
  addArticle(input: $input) {
    article { slug revision title body publishedOn { iso precision } language url }
    screening {
      mentions { quote start end matched node { ... on Person { slug } } }
      quotes { quote speakerText speaker { ... on Person { slug } } }
    }
    userErrors { field message code }
  }
}"""
ARTICLE: dict[str, Any] = {
    "title": TITLE,
    "publisher": "The Moscow Times",
    "url": "https://www.themoscowtimes.com/kislyak-repeats",
    "publishedOn": {"iso": "2012-06-14"},
    "language": "EN",
    "body": PAGE,
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return with_admin(settings)


async def test_an_added_article_is_cleaned_stored_and_screened(
    client: httpx.AsyncClient, db: Database
) -> None:
    editor = await writer(client)
    payload = (await editor.data(ADD, {"input": ARTICLE}))["addArticle"]
    article = payload["article"]
    assert article["slug"] == "kislyak-repeats-warning-on-magnitsky-bill"
    assert article["revision"] == 1
    assert article["body"] == (
        "Russia's ambassador spoke again on\u00a0Thursday.\n\n"
        '"Nothing good will come of it," Ambassador Sergei Kislyak said in Washington.'
    )
    assert article["publishedOn"] == {"iso": "2012-06-14", "precision": "DAY"}
    assert article["language"] == "en"
    mentions = payload["screening"]["mentions"]
    assert {"quote": "Sergei Kislyak", "node": {"slug": "sergei-kislyak"}} in [
        {"quote": m["quote"], "node": m["node"]} for m in mentions
    ]
    for mention in mentions:
        assert article["body"][mention["start"] : mention["end"]] == mention["quote"]
    [quote] = payload["screening"]["quotes"]
    assert quote["speaker"] == {"slug": "sergei-kislyak"}
    # Screening stored nothing: the facts are the editor's to confirm, citing the article.
    stored = await db[ARTICLES].find_one({"_id": article["slug"]})
    assert stored is not None
    assert set(stored) >= {"body", "revision", "search"}
    cited = await editor.data(
        """mutation($article: String!) { updatePerson(input: {
             id: "UGVyc29uOnNlcmdlaS1raXNseWFr", expectedRevision: 1,
             addEvidence: [{article: $article, quote: "Ambassador Sergei Kislyak said"}]})
           { person { citations { article { slug } } } } }""",
        {"article": article["slug"]},
    )
    articles = [c["article"]["slug"] for c in cited["updatePerson"]["person"]["citations"]]
    assert article["slug"] in articles


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"slug": "moscow-times-magnitsky-bill"}, ["input", "slug"], "DUPLICATE"),
        ({"url": "javascript:alert(1)"}, ["input", "url"], "INVALID"),
        ({"language": "english"}, ["input", "language"], "INVALID"),
        ({"publishedOn": {"iso": "2012-06-31"}}, ["input", "publishedOn", "iso"], "INVALID"),
        ({"body": "Read more\n\nSupport The Moscow Times!"}, ["input", "body"], "INVALID"),
        ({"body": "x" * 3_001}, ["input", "body"], "INVALID"),
    ],
)
async def test_a_bad_article_is_refused_and_nothing_is_stored(
    settings: Settings, change: dict[str, Any], field: list[str], code: str
) -> None:
    async with serving(settings.model_copy(update={"max_article_chars": 3_000})) as http:
        editor = await writer(http)
        payload = (await editor(ADD, {"input": {**ARTICLE, **change}}))["data"]["addArticle"]
        assert payload["article"] is None
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
        listed = await editor("{ articles { totalCount } }")
        assert listed["data"]["articles"]["totalCount"] == 1  # the seed's only


async def test_adding_an_article_needs_an_editor(client: httpx.AsyncClient) -> None:
    reader = await writer(client, "READER", "reader")
    assert error_codes(await reader(ADD, {"input": ARTICLE})) == ["FORBIDDEN"]
