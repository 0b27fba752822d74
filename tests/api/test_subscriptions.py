"""Subscriptions over real WebSockets: the app under uvicorn, graphql-transport-ws clients.

``Subscription.changes`` gives every committed revision once, in commit order; ``after``
replays what came since a cursor and then goes live without gap or duplicate; one change
stream serves every subscriber; one that stops reading is dropped, not waited for.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from api.embedded import EmbeddedMongo
from api.settings import Settings
from model.names import PERSONS, REVISIONS
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
    streams = [command for command in commands.streams if command["aggregate"] == REVISIONS]
    assert len(streams) == 1, streams
    assert server.app.state.feed.counts.opened == 1


WITH_NODE = """subscription($types: [SearchType!]) {
  changes(types: $types) { id node { id ... on Person { name } } }
}"""


def person_reads(commands: CommandRecorder) -> int:
    return sum(1 for command in commands.sent if command.get("find") == PERSONS)


async def test_subscribers_asking_alike_share_one_execution_of_each_event(
    server: Served, editor: Writer, commands: CommandRecorder
) -> None:
    """Each event is executed once per distinct operation, variables and caller: the
    person behind it is read once for ten anonymous subscribers, once more for five with
    other variables, and once more for three holding a key."""
    await create(editor, "Written Alone")
    alone = person_reads(commands)
    await create(editor, "Written Alone Again")
    a_write_reads = person_reads(commands) - alone
    admin = {"Authorization": f"Bearer {ADMIN_SECRET}"}
    groups: list[tuple[dict[str, Any], dict[str, Any] | None]] = (
        [({}, None)] * 10 + [({"types": ["PERSON"]}, None)] * 5 + [({}, admin)] * 3
    )
    async with AsyncExitStack() as stack:
        clients = []
        for variables, init in groups:
            client = await stack.enter_async_context(Client.connected(server.url, init=init))
            await client.subscribe("1", WITH_NODE, variables)
            clients.append(client)
        await _live(server, len(clients))
        before = person_reads(commands)
        slug = await create(editor, "Shared Once")
        received = await asyncio.gather(*[client.revisions(1) for client in clients])
    for [revision] in received:
        assert revision["node"]["name"] == "Shared Once"
        assert from_global_id(revision["node"]["id"])[1] == slug
    assert person_reads(commands) - before - a_write_reads == 3


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


# -- a subscriber that stops reading ----------------------------------------------------

BODY = "The wire carried the story again. " * 3000  # ~100 kB
# Each event of this subscription is about 2 MB: a few fill every buffer on the way.
HEAVY = (
    "subscription { changes { cursor "
    + " ".join(f"a{n}: node {{ ... on Article {{ body }} }}" for n in range(19))
    + " } }"
)


async def test_a_subscriber_that_stops_reading_is_dropped_while_the_others_keep_up(
    settings: Settings, db: Database
) -> None:
    bounded = settings.model_copy(update={"subscriber_queue": 4})
    async with served(bounded) as server, AsyncExitStack() as stack:
        feed: Feed = server.app.state.feed
        start = await last_cursor(server)
        others = [await stack.enter_async_context(Client.connected(server.url)) for _ in range(3)]
        for client in others:
            await client.subscribe("1", CHANGES)
        # It reads nothing once subscribed, and holds one message at most.
        stalled = await stack.enter_async_context(
            Client.connected(server.url, max_size=None, max_queue=1)
        )
        await stalled.subscribe("1", HEAVY)
        await _live(server, 4)
        written = [f"story-{n}" for n in range(30)]
        for slug in written:
            await store_article(db, slug, BODY)
        for client in others:
            assert slugs(await client.revisions(30)) == written
        for _ in range(1500):
            if feed.counts.dropped:
                break
            await asyncio.sleep(0.02)
        assert feed.counts.dropped == 1
        assert len(feed.subscribers) == 3
        # When it reads again: what was sent before the drop, then the close code.
        cursors = []
        with contextlib.suppress(ConnectionClosed):
            while True:
                payload = await stalled.next("1")
                cursors.append(payload["data"]["changes"]["cursor"])
        assert stalled.socket.close_code == 4499
        assert len(cursors) < 30
        # It resumes with the cursor of the last revision it got, and misses nothing.
        async with Client.connected(server.url) as again:
            await again.subscribe("1", CHANGES, {"after": cursors[-1] if cursors else start})
            rest = await again.revisions(30 - len(cursors))
        assert [_sequence_of(c) for c in cursors] + [_sequence(r["id"]) for r in rest] == [
            _sequence_of(r["cursor"]) for r in await _all_since(server, start)
        ]


async def _all_since(server: Served, cursor: str) -> list[dict[str, Any]]:
    query = "query($after: String) { changes(first: 100, after: $after) { nodes { id cursor } } }"
    nodes: list[dict[str, Any]] = (await data(server.http, query, {"after": cursor}))["changes"][
        "nodes"
    ]
    return nodes


# -- the database going away ------------------------------------------------------------


@dataclass
class Follower:
    """A client that keeps following the record: on an error or a closed socket it comes
    back with the cursor of the last revision it holds, as the README says to."""

    url: str
    after: str
    held: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    async def run(self) -> None:
        while True:
            try:
                async with Client.connected(self.url) as client:
                    await client.subscribe("1", CHANGES, {"after": self.after})
                    while True:
                        message = await client.receive()
                        if message["type"] == "complete":
                            break
                        if message["type"] == "error":
                            self.errors += [e["extensions"]["code"] for e in message["payload"]]
                            break
                        errors = message["payload"].get("errors")
                        if errors:
                            self.errors += [e["extensions"]["code"] for e in errors]
                            continue
                        revision = message["payload"]["data"]["changes"]
                        self.held.append(revision)
                        self.after = revision["cursor"]
            except (ConnectionClosed, OSError, AssertionError) as error:
                self.errors.append(type(error).__name__)
            await asyncio.sleep(0.1)


@pytest.mark.parametrize("down_s", [0.0, 3.0], ids=["restarted at once", "down for 3 s"])
async def test_a_subscriber_resumes_across_a_database_restart_holding_every_revision_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, down_s: float
) -> None:
    """Restarted at once, the driver resumes the change stream by itself and subscribers
    see nothing; down for longer than the driver waits (``DATABASE_TIMEOUT_MS``, 1.5 s
    here), they get an error and come back with ``after``. Either way they hold every
    revision once."""
    settings = with_admin(
        Settings(
            mongodb_uri=None,
            mongodb_database="followed",
            data_dir=tmp_path,
            database_timeout_ms=1500,
            probe_interval_s=0.2,
            supervise_poll_s=0.05,
            change_stream_retry_s=0.2,
        )
    )
    async with served(settings) as server:
        embedded: EmbeddedMongo = server.app.state.embedded
        restart = embedded.restart

        def late_restart() -> None:  # the supervisor runs it in a thread
            time.sleep(down_s)
            restart()

        monkeypatch.setattr(embedded, "restart", late_restart)
        editor = await writer(server.http)
        start = await last_cursor(server)
        follower = Follower(server.url, start)
        following = asyncio.create_task(follower.run())
        acknowledged: list[str] = []

        async def write(n: int) -> None:
            body = await editor(CREATE, person(f"Restart {n}"))
            if "errors" not in body:
                acknowledged.append(body["data"]["createPerson"]["person"]["slug"])

        try:
            for n in range(5):
                await write(n)
            killed = embedded.pid
            assert killed is not None
            os.kill(killed, signal.SIGKILL)
            n = 5
            while len(acknowledged) < 10:  # some fail while it is down
                await write(n)
                n += 1
                await asyncio.sleep(0.05)
            assert embedded.pid != killed
            stored = await _all_since(server, start)
            for _ in range(1500):
                if len(follower.held) >= len(stored):
                    break
                await asyncio.sleep(0.02)
        finally:
            following.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await following
    if down_s:
        assert "SERVICE_UNAVAILABLE" in follower.errors, follower.errors
    held = [revision["cursor"] for revision in follower.held]
    assert held == [revision["cursor"] for revision in stored], follower.errors
    assert set(acknowledged) <= set(slugs(follower.held))


async def test_a_long_replay_racing_writes_with_a_small_queue_misses_nothing(
    settings: Settings, db: Database
) -> None:
    """The queue overflows while the subscriber replays: it reads the collection again
    instead of being dropped, and still gets every revision once."""
    bounded = settings.model_copy(update={"subscriber_queue": 2})
    async with served(bounded) as server, Client.connected(server.url) as client:
        editor = await writer(server.http)
        first = await data(server.http, "{ changes(first: 1) { edges { cursor } } }")
        after = first["changes"]["edges"][0]["cursor"]
        racing = asyncio.gather(*[create(editor, f"Racer {n}") for n in range(12)])
        await client.subscribe("1", CHANGES, {"after": after})
        await racing
        expected = await _all_since(server, after)
        got = await client.revisions(len(expected))
        assert [r["cursor"] for r in got] == [r["cursor"] for r in expected]
        assert server.app.state.feed.counts.dropped == 0


@pytest.mark.parametrize("method", ["POST", "GET"])
async def test_a_subscription_over_http_is_refused_with_its_code(
    server: Served, method: str
) -> None:
    """Not run as a query (whose stream of events graphql-core cannot answer)."""
    query = {"query": "subscription { changes { id } }"}
    if method == "POST":
        response = await server.http.post("/graphql", json=query)
    else:
        response = await server.http.get(
            "/graphql", params=query, headers={"Accept": "application/json"}
        )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "SUBSCRIPTION_NEEDS_WEBSOCKET"


async def test_a_cursor_that_is_not_one_is_refused(server: Served) -> None:
    async with Client.connected(server.url) as client:
        await client.subscribe("1", CHANGES, {"after": "not a cursor"})
        payload = await client.next("1")
        assert payload["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert (await client.receive())["type"] == "complete"


async def test_a_quiet_record_longer_than_the_database_timeout_interrupts_no_one(
    settings: Settings, db: Database
) -> None:
    """Each wait for the next change is one short getMore, within the client's timeoutMS."""
    # 2 s: each wait is half of it, and a loaded machine may take most of the other half.
    quick = settings.model_copy(update={"database_timeout_ms": 2000})
    async with served(quick) as server, Client.connected(server.url) as client:
        editor = await writer(server.http)
        await client.subscribe("1", CHANGES)
        await _live(server)
        await asyncio.sleep(5.0)  # nothing is written for several timeouts
        slug = await create(editor, "After The Quiet")
        assert slugs(await client.revisions(1)) == [slug]
        feed: Feed = server.app.state.feed
        assert (feed.counts.opened, feed.counts.interrupted) == (1, 0)


async def test_a_subscription_over_the_cost_limit_is_refused(
    settings: Settings, db: Database
) -> None:
    """The limits refuse a subscription as they refuse a query: before it runs."""
    strict = settings.model_copy(update={"max_query_cost": 0})
    async with served(strict) as server, Client.connected(server.url) as client:
        await client.subscribe("1", CHANGES)
        payload = await client.next("1")
        assert payload["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
        assert (await client.receive())["type"] == "complete"
        assert not server.app.state.feed.subscribers


async def test_a_dropped_revisions_collection_ends_the_stream_and_it_is_opened_again(
    settings: Settings, db: Database
) -> None:
    """A dropped collection invalidates the change stream (a dead stream answers at once,
    so following it as before would spin): subscribers are told, and the feed re-opens."""
    quick = settings.model_copy(update={"change_stream_retry_s": 0.1})
    async with served(quick) as server:
        editor = await writer(server.http)
        feed: Feed = server.app.state.feed
        async with Client.connected(server.url) as client:
            await client.subscribe("1", CHANGES)
            await _live(server)
            await db[REVISIONS].drop()
            payload = await client.next("1")
            assert payload["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        for _ in range(1500):
            if feed.counts.opened >= 2 and feed.live.is_set():
                break
            await asyncio.sleep(0.02)
        async with Client.connected(server.url) as client:
            await client.subscribe("1", CHANGES)
            await _live(server)
            slug = await create(editor, "After The Drop")
            assert slugs(await client.revisions(1)) == [slug]
