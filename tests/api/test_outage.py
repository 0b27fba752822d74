"""The database going away, for real: a SecantusDB process stopped and started again.

Nothing here is timed. Where a test needs requests to be in flight, SecantusDB's
``failCommand`` failpoint holds them at the database (``blockConnection``), and the
database's own counters show it: ``serverStatus`` counts a command when it arrives,
before the failpoint holds it, and ``top`` counts it only once it has been answered.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from api.embedded import EmbeddedMongo, free_port
from api.settings import Settings
from model.store import Document
from tests.conftest import CommandRecorder, data, error_codes, graphql, serving

# When a server is killed mid-request, pymongo can drop a socket without closing it; the
# ResourceWarning that follows is the driver's housekeeping, not this code's.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

# configureFailPoint is a test-only command, as in mongod.
TEST_COMMANDS = ["--enable-test-commands"]
DATABASE = "outage"
COUNTS = "{ persons { totalCount } events { totalCount } statements { totalCount } }"
# COUNTS sends one find per list at once (persons, events, statements), each followed by
# an aggregate for its count once the find has answered.
FINDS_PER_COUNTS = 3
KISLYAK = '{ person(slug: "sergei-kislyak") { name } }'
# Bounds only a loop that waits for something to happen, so that it cannot hang.
PATIENCE_S = 60.0


@pytest.fixture(autouse=True)
def _collect_leaked_sockets() -> Iterator[None]:
    """Collect them here, under this module's filter, not in whichever test runs next."""
    yield
    gc.collect()


@asynccontextmanager
async def admin_of(server: EmbeddedMongo) -> AsyncIterator[AsyncMongoClient[Document]]:
    """The test's own client: not named "dossier", so the failpoints below spare it."""
    client: AsyncMongoClient[Document] = AsyncMongoClient(server.uri)
    try:
        yield client
    finally:
        await client.close()


def _settings(port: int, tmp_path: Path) -> Settings:
    return Settings(
        mongodb_uri=f"mongodb://127.0.0.1:{port}/?directConnection=true",
        mongodb_database=DATABASE,
        data_dir=tmp_path,
        server_selection_timeout_ms=400,
        startup_retry_s=0.2,
        response_cache_max_bytes=0,  # every request goes to the database, as they test
    )


async def _eventually(http: httpx.AsyncClient) -> None:
    deadline = time.monotonic() + PATIENCE_S
    while (await http.get("/readyz")).status_code != 200:
        assert time.monotonic() < deadline, "never became ready"
        await asyncio.sleep(0.2)


async def fail_point(admin: AsyncMongoClient[Document], mode: Any, **data: Any) -> None:
    """Arm failCommand for the app's connections only (its driver's appname is "dossier")."""
    await admin.admin.command(
        {"configureFailPoint": "failCommand", "mode": mode, "data": {"appName": "dossier", **data}}
    )


async def finds(admin: AsyncMongoClient[Document]) -> tuple[int, int]:
    """(finds that reached the server, finds it has answered on the app's database).

    The first is counted on arrival, before a failpoint holds the command; the second
    (``top``) once the command has run. Only the app sends finds in these tests.
    """
    status = await admin.admin.command("serverStatus")
    top = await admin.admin.command("top")
    answered = sum(
        counts["queries"]["count"]
        for namespace, counts in top["totals"].items()
        if namespace.startswith(f"{DATABASE}.")
    )
    return int(status["opcounters"]["query"]), int(answered)


async def until_finds(admin: AsyncMongoClient[Document], arrived: int) -> tuple[int, int]:
    """Wait until ``arrived`` finds have reached the server; return the counts then."""
    deadline = time.monotonic() + PATIENCE_S
    while (counts := await finds(admin))[0] < arrived:
        assert time.monotonic() < deadline, f"only {counts[0]} of {arrived} finds arrived"
        await asyncio.sleep(0.02)
    return counts


def assert_unavailable(response: httpx.Response) -> None:
    """HTTP 200, no data, one SERVICE_UNAVAILABLE error, no driver internals."""
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    # The three lists are non-null: the first to fail nulls the whole answer, and
    # graphql-core reports that error alone (it cancels the others).
    assert body["data"] is None, body
    assert error_codes(body) == ["SERVICE_UNAVAILABLE"], body
    assert "pymongo" not in response.text
    assert "Traceback" not in response.text


async def test_starts_without_the_database_and_recovers_when_it_comes(tmp_path: Path) -> None:
    port = free_port()
    async with serving(_settings(port, tmp_path)) as http:
        assert (await http.get("/healthz")).status_code == 200
        assert (await http.get("/readyz")).status_code == 503
        body = await graphql(http, COUNTS)
        # That it answers without trying the database is the next test's business.
        assert error_codes(body) == ["SERVICE_UNAVAILABLE"]

        server = EmbeddedMongo(tmp_path / "db", port=port)
        await asyncio.to_thread(server.start)
        try:
            await _eventually(http)
            counts = await data(http, COUNTS)
            assert counts["persons"]["totalCount"] >= 4
        finally:
            await asyncio.to_thread(server.stop)


async def test_not_ready_answers_without_asking_the_database(tmp_path: Path) -> None:
    """Fail fast, shown by what the app sends rather than by a stopwatch.

    The database answers, but the app cannot prepare it (every createIndexes fails), so
    it is not ready. A read it attempted would reach this live server and be seen by the
    command listener; none is, and the query still gets SERVICE_UNAVAILABLE.
    """
    server = EmbeddedMongo(":memory:", extra_args=TEST_COMMANDS)
    await asyncio.to_thread(server.start)
    try:
        async with admin_of(server) as admin:
            await fail_point(admin, "alwaysOn", failCommands=["createIndexes"], errorCode=2)
            sent = CommandRecorder()
            async with serving(_settings(server.port, tmp_path), [sent]) as http:
                assert (await http.get("/readyz")).status_code == 503
                body = await graphql(http, COUNTS)
                assert error_codes(body) == ["SERVICE_UNAVAILABLE"]
                assert "createIndexes" in sent.names  # the app does talk to this server,
                assert sent.reads() == []  # but the query sent it nothing

                await fail_point(admin, "off")  # the app's retry now prepares the database
                await _eventually(http)
                counts = await data(http, COUNTS)
                assert counts["persons"]["totalCount"] >= 4
                assert sent.reads()
    finally:
        await asyncio.to_thread(server.stop)


async def test_requests_held_at_the_database_when_it_dies(tmp_path: Path) -> None:
    """Requests really in flight when the server is killed each get SERVICE_UNAVAILABLE.

    Every find the app sends is held at the database; the server is killed only once
    all of them have arrived there and none has been answered. After a restart on the
    same port and data directory, nothing is lost.
    """
    requests = 10
    port = free_port()
    server = EmbeddedMongo(tmp_path / "db", port=port, extra_args=TEST_COMMANDS)
    await asyncio.to_thread(server.start)
    # The held reads must not time out before the kill. It is also how long each request
    # then waits for the lost database: with timeoutMS set, pymongo's server selection
    # waits for what is left of it, not for serverSelectionTimeoutMS.
    settings = _settings(port, tmp_path).model_copy(update={"database_timeout_ms": 10_000})
    try:
        async with serving(settings) as http, admin_of(server) as admin:
            before = await data(http, COUNTS)

            await fail_point(
                admin, "alwaysOn", failCommands=["find"], blockConnection=True, blockTimeMS=120_000
            )
            arrived, answered = await finds(admin)
            in_flight = [
                asyncio.create_task(http.post("/graphql", json={"query": COUNTS}))
                for _ in range(requests)
            ]
            held = await until_finds(admin, arrived + FINDS_PER_COUNTS * requests)
            # Every request's finds are at the database, held: none answered, none back.
            assert held == (arrived + FINDS_PER_COUNTS * requests, answered)
            assert not any(task.done() for task in in_flight)

            await asyncio.to_thread(server.stop, crash=True)  # SIGKILL
            # A request sent after the kill, and the readiness probe, wait alongside.
            after = asyncio.create_task(http.post("/graphql", json={"query": COUNTS}))
            ready = asyncio.create_task(http.get("/readyz"))
            for response in await asyncio.gather(*in_flight, after):
                assert_unavailable(response)
            assert (await ready).status_code == 503

            await asyncio.to_thread(server.start)  # same port, same data; no failpoint
            await _eventually(http)
            assert await data(http, COUNTS) == before  # nothing lost
    finally:
        await asyncio.to_thread(server.stop)


async def test_a_slow_database_call_times_out_and_others_go_on(tmp_path: Path) -> None:
    """The slow call answers TIMEOUT while its find is still held at the database, and
    the next call is answered while it still is: the order of events, not a stopwatch."""
    server = EmbeddedMongo(":memory:", extra_args=TEST_COMMANDS)
    await asyncio.to_thread(server.start)
    try:
        settings = _settings(server.port, tmp_path).model_copy(update={"database_timeout_ms": 500})
        async with serving(settings) as http, admin_of(server) as admin:
            # Holds the next find for a minute: far longer than this test runs.
            await fail_point(
                admin, {"times": 1}, failCommands=["find"], blockConnection=True, blockTimeMS=60_000
            )
            arrived, answered = await finds(admin)

            slow = await graphql(http, KISLYAK)
            assert error_codes(slow) == ["TIMEOUT"]
            assert "pymongo" not in str(slow)
            # The find arrived and the database has not answered it yet.
            assert await finds(admin) == (arrived + 1, answered)

            fine = await data(http, KISLYAK)
            assert fine == {"person": {"name": "Sergei Kislyak"}}
            # Answered by the database, while the first find is still held.
            assert await finds(admin) == (arrived + 2, answered + 1)
    finally:
        # SIGKILL: a clean stop would wait for the held connection's thread.
        await asyncio.to_thread(server.stop, crash=True)
