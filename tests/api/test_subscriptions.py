"""Subscriptions over real WebSockets: the app under uvicorn, graphql-transport-ws clients.

``Subscription.changes`` gives every committed revision once, in commit order; ``after``
replays what came since a cursor and then goes live without gap or duplicate; one change
stream serves every subscriber; one that stops reading is dropped, not waited for.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from api.settings import Settings
from model.names import REVISIONS
from model.store import Database
from schema.common.ids import from_global_id
from schema.revisions.feed import Feed
from schema.revisions.fields import COMMIT_ORDER
from tests.conftest import CommandRecorder, data
from tests.keys import ADMIN_SECRET, Writer, store_article, with_admin, writer
from tests.live import PROTOCOL, Client, Served, close_code, served

SEED_ARTICLE = "moscow-times-magnitsky-bill"
QUOTE = "Kislyak and Foreign Minister Sergei Lavrov made similar comments"
CREATE = """mutation($input: CreatePersonInput!) {
  createPerson(input: $input) { person { slug } userErrors { field code message } }
}"""
CHANGES = """subscription($types: [SearchType!], $after: String) {
  changes(types: $types, after: $after) { id cursor nodeId number operation author }
}"""
LAST_CURSOR = "{ changes(last: 1) { edges { cursor } } }"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return with_admin(settings)


@pytest.fixture
async def server(
    settings: Settings, commands: CommandRecorder, db: Database
) -> AsyncIterator[Served]:
    async with served(settings, [commands]) as live:
        yield live


@pytest.fixture
async def editor(server: Served) -> Writer:
    return await writer(server.http)


def person(name: str) -> dict[str, Any]:
    return {"input": {"name": name, "evidence": [{"article": SEED_ARTICLE, "quote": QUOTE}]}}


async def create(editor: Writer, name: str) -> str:
    made = await editor.data(CREATE, person(name))
    slug: str = made["createPerson"]["person"]["slug"]
    return slug


async def last_cursor(server: Served) -> str:
    [edge] = (await data(server.http, LAST_CURSOR))["changes"]["edges"]
    cursor: str = edge["cursor"]
    return cursor


def slugs(revisions: list[dict[str, Any]]) -> list[str]:
    return [from_global_id(revision["nodeId"])[1] for revision in revisions]


async def test_a_write_reaches_a_subscriber_as_it_commits(server: Served, editor: Writer) -> None:
    async with Client.connected(server.url) as client:
        await client.subscribe("1", CHANGES)
        await _live(server)
        slug = await create(editor, "Anna Live")
        [revision] = await client.revisions(1)
        assert slugs([revision]) == [slug]
        assert revision["operation"] == "CREATE"
        assert revision["author"] == "desk"
        assert revision["number"] == 1


async def _live(server: Served, subscribers: int = 1) -> None:
    """Wait until the feed has the subscriptions (a subscribe message is not answered)."""
    feed: Feed = server.app.state.feed
    for _ in range(1500):
        if len(feed.subscribers) >= subscribers and all(
            not s.catching_up for s in feed.subscribers
        ):
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{len(feed.subscribers)} of {subscribers} subscribers live")


async def test_types_keep_only_writes_of_those_types(
    server: Served, editor: Writer, db: Database
) -> None:
    async with Client.connected(server.url) as client:
        await client.subscribe("1", CHANGES, {"types": ["ARTICLE"]})
        await _live(server)
        await create(editor, "Not An Article")
        await store_article(db, "wire-story", "A story on the wire.")
        [revision] = await client.revisions(1)
        assert revision["nodeId"].startswith("QXJ0aWNsZT")  # base64 of "Article:"
        assert slugs([revision]) == ["wire-story"]


async def test_after_replays_then_goes_live_without_gap_or_duplicate(
    server: Served, editor: Writer, db: Database
) -> None:
    start = await last_cursor(server)
    before = [await create(editor, f"Before {n}") for n in range(3)]
    async with Client.connected(server.url) as client:
        # Writes race the replay: some commit before it reads, some during, some after.
        racing = asyncio.gather(*[create(editor, f"During {n}") for n in range(5)])
        await client.subscribe("1", CHANGES, {"after": start})
        during = await racing
        after = [await create(editor, f"After {n}") for n in range(3)]
        got = await client.revisions(11)
    ids = [revision["id"] for revision in got]
    assert len(set(ids)) == len(ids)
    assert slugs(got[:3]) == before
    assert sorted(slugs(got[3:8])) == sorted(during)
    assert slugs(got[8:]) == after
    # Every revision since the cursor, in commit order: the ids of the collection.
    stored = [doc["_id"] async for doc in db[REVISIONS].find({}, sort=[("_id", 1)])]
    assert [_sequence_of(revision["cursor"]) for revision in got] == [_sequence(i) for i in ids]
    assert [_sequence(i) for i in ids] == [s for s in stored if s > _sequence_of(start)]


def _sequence(global_id: str) -> str:
    return from_global_id(global_id)[1]


def _sequence_of(cursor: str) -> str:
    return COMMIT_ORDER.decode(cursor, "after")


async def test_a_cursor_from_an_event_resumes_after_it(server: Served, editor: Writer) -> None:
    async with Client.connected(server.url) as client:
        await client.subscribe("1", CHANGES)
        await _live(server)
        first = await create(editor, "First Of Two")
        [seen] = await client.revisions(1)
        assert slugs([seen]) == [first]
    second = await create(editor, "Second Of Two")  # while no one listens
    async with Client.connected(server.url) as client:
        await client.subscribe("1", CHANGES, {"after": seen["cursor"]})
        assert slugs(await client.revisions(1)) == [second]


async def test_a_hundred_subscribers_get_every_write_in_order_from_one_change_stream(
    server: Served, editor: Writer, commands: CommandRecorder
) -> None:
    async with AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(Client.connected(server.url)) for _ in range(100)
        ]
        for client in clients:
            await client.subscribe("1", CHANGES)
        await _live(server, 100)
        written = [await create(editor, f"Fan Out {n}") for n in range(50)]
        received = await asyncio.gather(*[client.revisions(50) for client in clients])
    for got in received:
        assert slugs(got) == written
    streams = [
        command
        for command in commands.sent
        if command.get("aggregate") == REVISIONS
        and any("$changeStream" in stage for stage in command.get("pipeline", []))
    ]
    assert len(streams) == 1, streams
    assert server.app.state.feed.counts.opened == 1


async def test_metrics_count_subscriptions_and_deliveries(server: Served, editor: Writer) -> None:
    async with Client.connected(server.url) as client:
        await client.subscribe("1", CHANGES)
        await _live(server)
        await create(editor, "Counted Once")
        await client.revisions(1)
        text = (await server.http.get("/metrics")).text
    assert "dossier_subscriptions_open 1.0" in text
    assert "dossier_subscription_events_delivered_total 1.0" in text
    assert "dossier_subscribers_dropped_total 0.0" in text


async def test_pings_are_answered(server: Served) -> None:
    async with Client.connected(server.url) as client:
        await client.send({"type": "ping"})
        assert (await client.receive())["type"] == "pong"


# -- refusals ---------------------------------------------------------------------------


async def test_an_unknown_key_is_refused_at_connection_init(server: Served) -> None:
    async with connect(server.url, subprotocols=[PROTOCOL]) as socket:  # type: ignore[list-item]
        client = Client(socket)
        await client.send({"type": "connection_init", "payload": {"Authorization": "Bearer x"}})
        assert await close_code(socket) == 4403


async def test_a_known_key_is_taken_from_connection_init(server: Served) -> None:
    init = {"Authorization": f"Bearer {ADMIN_SECRET}"}
    async with Client.connected(server.url, init=init) as client:
        await client.subscribe("1", "subscription { changes { id } }")
        await _live(server)


async def test_a_foreign_origin_is_refused_at_the_handshake(server: Served) -> None:
    with pytest.raises(InvalidStatus) as refused:
        async with connect(
            server.url,
            subprotocols=[PROTOCOL],  # type: ignore[list-item]
            origin="https://elsewhere.example",  # type: ignore[arg-type]
        ):
            pass
    assert refused.value.response.status_code == 403


async def test_too_many_subscriptions_on_one_connection_are_refused(
    settings: Settings, db: Database
) -> None:
    limited = settings.model_copy(update={"max_subscriptions_per_connection": 2})
    async with served(limited) as server, Client.connected(server.url) as client:
        for id in ("1", "2", "3"):
            await client.subscribe(id, CHANGES)
        refused = await client.receive()
        assert refused["type"] == "error"
        assert refused["id"] == "3"
        assert refused["payload"][0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"


async def test_too_many_connections_are_refused(settings: Settings, db: Database) -> None:
    limited = settings.model_copy(update={"max_ws_connections": 1})
    async with (
        served(limited) as server,
        Client.connected(server.url),
        connect(server.url, subprotocols=[PROTOCOL]) as second,  # type: ignore[list-item]
    ):
        assert await close_code(second) == 1013


async def test_anonymous_subscribers_are_refused_when_reads_need_a_key(
    settings: Settings, db: Database
) -> None:
    private = settings.model_copy(update={"reads_require_key": True})
    async with served(private) as server:
        async with connect(server.url, subprotocols=[PROTOCOL]) as socket:  # type: ignore[list-item]
            await Client(socket).send({"type": "connection_init", "payload": {}})
            assert await close_code(socket) == 4403
        init = {"Authorization": f"Bearer {ADMIN_SECRET}"}
        async with Client.connected(server.url, init=init):
            pass


async def test_a_late_connection_init_and_a_large_message_close_the_socket(
    settings: Settings, db: Database
) -> None:
    strict = settings.model_copy(update={"ws_init_timeout_s": 0.2, "max_ws_message_bytes": 1000})
    async with served(strict) as server:
        async with connect(server.url, subprotocols=[PROTOCOL]) as socket:  # type: ignore[list-item]
            assert await close_code(socket) == 4408
        async with Client.connected(server.url) as client:
            await client.subscribe("1", CHANGES, {"after": "x" * 2000})
            assert await close_code(client.socket) == 1009


async def test_the_legacy_protocol_is_not_spoken(server: Served) -> None:
    async with connect(server.url, subprotocols=["graphql-ws"]) as socket:  # type: ignore[list-item]
        assert await close_code(socket) == 4406
