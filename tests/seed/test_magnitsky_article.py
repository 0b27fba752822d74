"""What the seed says of the Magnitsky article, as precisely as the article says it."""

from __future__ import annotations

import httpx

from tests.conftest import data


async def test_dates_keep_the_precision_the_text_gives(client: httpx.AsyncClient) -> None:
    result = await data(
        client,
        """{ death: event(slug: "magnitsky-death") { kind date { iso precision text } }
             arrest: event(slug: "magnitsky-arrest") { kind date { iso precision text } }
             blacklist: sanction(slug: "state-department-blacklist") {
               date { iso precision text } } }""",
    )
    assert result["death"]["kind"] == "DEATH"
    assert result["death"]["date"] == {
        "iso": "2009-11",
        "precision": "MONTH",
        "text": "November 2009",
    }
    assert result["arrest"]["kind"] == "ARREST"
    assert result["arrest"]["date"] == {
        "iso": "2008",
        "precision": "YEAR",
        "text": "a year earlier",
    }
    assert result["blacklist"]["date"]["precision"] == "UNKNOWN"
    assert result["blacklist"]["date"]["iso"] is None
    assert result["blacklist"]["date"]["text"].lower() == "last summer"


async def test_the_four_sanctions_and_their_links(client: httpx.AsyncClient) -> None:
    result = await data(
        client,
        """{ sanctions(first: 100) { totalCount nodes {
               slug status targetCount targetDescription kinds
               authority { ... on Organization { slug kind } ... on Person { slug } }
               inResponseTo { slug } responses { slug } } } }""",
    )
    by_slug = {s["slug"]: s for s in result["sanctions"]["nodes"]}
    assert {
        "magnitsky-act",
        "state-department-blacklist",
        "russia-counter-blacklist",
        "britain-entry-rules",
    } <= set(by_slug)
    assert by_slug["magnitsky-act"]["status"] == "PROPOSED"
    assert by_slug["magnitsky-act"]["authority"]["slug"] == "us-congress"
    assert by_slug["state-department-blacklist"]["targetCount"] == 60
    assert by_slug["russia-counter-blacklist"]["targetCount"] == 11
    assert by_slug["russia-counter-blacklist"]["authority"] == {"slug": "russia", "kind": "STATE"}
    assert by_slug["russia-counter-blacklist"]["inResponseTo"] == {
        "slug": "state-department-blacklist"
    }
    assert by_slug["state-department-blacklist"]["responses"] == [
        {"slug": "russia-counter-blacklist"}
    ]
    assert by_slug["britain-entry-rules"]["authority"]["slug"] == "britain"


async def test_unnamed_actors_are_described_not_named(client: httpx.AsyncClient) -> None:
    result = await data(
        client,
        """{ event(slug: "magnitsky-death") {
               participants { actor { __typename } description role } }
             statements(first: 100) { nodes { speaker { __typename } speakerDescription
               reportedBy { slug } text } } }""",
    )
    unnamed = [p for p in result["event"]["participants"] if p["actor"] is None]
    assert any("prison guards" in (p["description"] or "") for p in unnamed)
    lawyer = [
        s
        for s in result["statements"]["nodes"]
        if s["speaker"] is None and "mother" in (s["speakerDescription"] or "")
    ]
    assert lawyer, "the lawyer for Magnitsky's mother is described as the speaker"
    assert lawyer[0]["reportedBy"] == {"slug": "interfax"}


async def test_the_named_organizations_are_there(client: httpx.AsyncClient) -> None:
    result = await data(client, "{ organizations(first: 100) { nodes { slug kind country } } }")
    kinds = {o["slug"]: (o["kind"], o["country"]) for o in result["organizations"]["nodes"]}
    assert kinds["russia"] == ("STATE", "RU")
    assert kinds["united-states"] == ("STATE", "US")
    assert kinds["britain"] == ("STATE", "GB")
    assert kinds["interfax"][0] == "MEDIA"
    assert kinds["voice-of-russia"][0] == "MEDIA"
    assert kinds["moscow-detention-center"][0] == "DETENTION_FACILITY"
    assert {
        "us-state-department",
        "us-congress",
        "russian-interior-ministry",
        "russian-foreign-ministry",
    } <= set(kinds)


async def test_the_article_lists_each_fact_once_however_often_it_cites_it(
    client: httpx.AsyncClient,
) -> None:
    result = await data(
        client,
        """{ articles(first: 1) { nodes {
               persons { slug } organizations { slug } events { slug }
               statements { slug } sanctions { slug } } } }""",
    )
    article = result["articles"]["nodes"][0]
    for kind, listed in article.items():
        slugs = [item["slug"] for item in listed]
        assert slugs, kind
        assert len(slugs) == len(set(slugs)), (kind, slugs)
