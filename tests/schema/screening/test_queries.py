"""``screen`` through the API, on the seeded record: mentions with their nodes, quotes with
their speakers, what it reads, and the bound on the text."""

from __future__ import annotations

from typing import Any

import httpx
from hypothesis import given

from api.settings import Settings
from model.names import ORGANIZATIONS, PERSONS
from schema.screening.engine import MAX_SCREEN_CHARS
from schema.screening.queries import MAX_KNOWN
from tests.conftest import CommandRecorder, data, error_codes, graphql, serving
from tests.fuzz import FUZZ
from tests.schema.screening.texts import TEXTS

SCREEN = """query($text: String!) {
  screen(text: $text) {
    mentions {
      quote start end score matched
      node { __typename ... on Person { slug name } ... on Organization { slug name } }
    }
    quotes {
      quote start end speakerText
      speaker { __typename ... on Person { slug } ... on Organization { slug } }
    }
  }
}"""
TEXT = (
    "Magnitsky's lawyer said the inquiry had stalled. "
    '"This is Russia\'s internal affair," Ambassador Sergei Kislyak said.'
)


async def test_mentions_come_with_offsets_scores_and_nodes(client: httpx.AsyncClient) -> None:
    screening = (await data(client, SCREEN, {"text": TEXT}))["screen"]
    assert screening["mentions"] == [
        {
            "quote": "Magnitsky",
            "start": 0,
            "end": 9,
            "score": 0.9,  # a surname alone
            "matched": "Sergei Magnitsky",
            "node": {
                "__typename": "Person",
                "slug": "sergei-magnitsky",
                "name": "Sergei Magnitsky",
            },
        },
        {
            "quote": "Russia",
            "start": 58,
            "end": 64,
            "score": 1.0,
            "matched": "Russia",
            "node": {"__typename": "Organization", "slug": "russia", "name": "Russia"},
        },
        {
            "quote": "Sergei Kislyak",
            "start": 96,
            "end": 110,
            "score": 1.0,
            "matched": "Sergei Kislyak",
            "node": {"__typename": "Person", "slug": "sergei-kislyak", "name": "Sergei Kislyak"},
        },
    ]
    for mention in screening["mentions"]:
        assert TEXT[mention["start"] : mention["end"]] == mention["quote"]
    assert screening["quotes"] == [
        {
            "quote": "This is Russia's internal affair,",
            "start": 50,
            "end": 83,
            "speakerText": "Ambassador Sergei Kislyak",
            "speaker": {"__typename": "Person", "slug": "sergei-kislyak"},
        }
    ]


async def test_a_quote_whose_words_name_nobody_known(client: httpx.AsyncClient) -> None:
    text = '"We will appeal," said Olga Petrova, a lawyer. Nobody else spoke.'
    screening = (await data(client, SCREEN, {"text": text}))["screen"]
    assert screening["mentions"] == []
    assert screening["quotes"] == [
        {
            "quote": "We will appeal,",
            "start": 1,
            "end": 16,
            "speakerText": "Olga Petrova",
            "speaker": None,
        }
    ]


async def test_only_names_and_aliases_are_read_bounded_and_nothing_is_written(
    client: httpx.AsyncClient, commands: CommandRecorder
) -> None:
    commands.sent.clear()
    await data(
        client, "query($text: String!) { screen(text: $text) { quotes { quote } } }", {"text": TEXT}
    )
    finds = [command for command in commands.sent if "find" in command]
    assert sorted(command["find"] for command in finds) == [ORGANIZATIONS, PERSONS]
    for command in finds:
        assert command["projection"] == {"name": 1, "aliases": 1}
        assert command["limit"] == MAX_KNOWN
    assert not {"insert", "update", "delete", "findAndModify"} & {
        name for command in commands.sent for name in command
    }


async def test_nodes_of_many_mentions_are_read_in_one_batch(
    client: httpx.AsyncClient, commands: CommandRecorder
) -> None:
    text = " ".join(["Sergei Kislyak met Sergei Lavrov and Dmitry Medvedev."] * 20)
    commands.sent.clear()
    screening = (await data(client, SCREEN, {"text": text}))["screen"]
    assert len(screening["mentions"]) == 60
    person_reads = [c for c in commands.sent if c.get("find") == PERSONS]
    assert len(person_reads) == 2  # the names, then the nodes: one batch


async def test_the_largest_text_is_screened_and_a_longer_one_refused(
    settings: Settings,
) -> None:
    # The default body limits are far below the text bound; lift them to reach it.
    roomy = settings.model_copy(update={"max_body_bytes": 10**6, "max_variables_bytes": 10**6})
    async with serving(roomy) as client:
        largest = ("Sergei Kislyak said. " * MAX_SCREEN_CHARS)[:MAX_SCREEN_CHARS]
        query = "query($text: String!) { screen(text: $text) { mentions { start } } }"
        answered = await data(client, query, {"text": largest})
        assert len(answered["screen"]["mentions"]) == MAX_SCREEN_CHARS // 21 + 1
        refused = await graphql(client, SCREEN, {"text": largest + "!"})
        assert error_codes(refused) == ["BAD_USER_INPUT"]
        assert refused["data"] is None
        assert "200000" in refused["errors"][0]["message"]


async def test_an_empty_text_names_nothing(client: httpx.AsyncClient) -> None:
    assert (await data(client, SCREEN, {"text": ""}))["screen"] == {"mentions": [], "quotes": []}


@FUZZ
@given(text=TEXTS)
async def test_random_texts_are_screened_cleanly(client: httpx.AsyncClient, text: str) -> None:
    """Whatever the text: an answer without errors, whose passages are the text's own."""
    body: dict[str, Any] = await graphql(client, SCREEN, {"text": text})
    assert "errors" not in body, body
    screening = body["data"]["screen"]
    for found in screening["mentions"] + screening["quotes"]:
        assert text[found["start"] : found["end"]] == found["quote"]
