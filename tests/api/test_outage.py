"""The database going away, for real: a SecantusDB process stopped and started again."""

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

from api.app import create_app
from api.embedded import EmbeddedMongo, free_port
from api.settings import Settings
from tests.conftest import data, error_codes, graphql

# When a server is killed mid-request, pymongo can drop a socket without closing it; the
# ResourceWarning that follows is the driver's housekeeping, not this code's.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


@pytest.fixture(autouse=True)
def _collect_leaked_sockets() -> Iterator[None]:
    """Collect them here, under this module's filter, not in whichever test runs next."""
    yield
    gc.collect()


COUNTS = "{ persons { totalCount } events { totalCount } statements { totalCount } }"


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            yield http


def _settings(port: int, tmp_path: Path) -> Settings:
    return Settings(
        mongodb_uri=f"mongodb://127.0.0.1:{port}/?directConnection=true",
        mongodb_database="outage",
        data_dir=tmp_path,
        server_selection_timeout_ms=400,
        startup_retry_s=0.2,
    )


async def _eventually(http: httpx.AsyncClient, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while (await http.get("/readyz")).status_code != 200:
        assert time.monotonic() < deadline, "never became ready"
        await asyncio.sleep(0.2)


async def test_starts_without_the_database_and_recovers_when_it_comes(tmp_path: Path) -> None:
    port = free_port()
    async with serving(_settings(port, tmp_path)) as http:
        assert (await http.get("/healthz")).status_code == 200
        assert (await http.get("/readyz")).status_code == 503
        started = time.monotonic()
        body = await graphql(http, COUNTS)
        assert error_codes(body) == ["SERVICE_UNAVAILABLE"]
        # Fast: no wait for the server selection timeout (0.4 s) per query, let alone 5 s.
        assert time.monotonic() - started < 3.0, "not ready must fail fast"

        server = EmbeddedMongo(tmp_path / "db", port=port)
        await asyncio.to_thread(server.start)
        try:
            await _eventually(http)
            counts = await data(http, COUNTS)
            assert counts["persons"]["totalCount"] >= 4
        finally:
            await asyncio.to_thread(server.stop)


async def test_the_database_dying_mid_traffic_and_coming_back(tmp_path: Path) -> None:
    port = free_port()
    server = EmbeddedMongo(tmp_path / "db", port=port)
    await asyncio.to_thread(server.start)
    try:
        async with serving(_settings(port, tmp_path)) as http:
            before = await data(http, COUNTS)

            async def one() -> httpx.Response:
                return await http.post("/graphql", json={"query": COUNTS})

            in_flight = [asyncio.create_task(one()) for _ in range(20)]
            await asyncio.sleep(0)
            await asyncio.to_thread(server.stop, crash=True)
            responses = await asyncio.gather(*in_flight)
            for response in responses:
                assert response.status_code == 200
                body: dict[str, Any] = response.json()
                assert set(error_codes(body)) <= {"SERVICE_UNAVAILABLE", "TIMEOUT"}
                assert "pymongo" not in response.text
                assert "Traceback" not in response.text

            down = await graphql(http, COUNTS)
            assert error_codes(down)
            assert set(error_codes(down)) <= {"SERVICE_UNAVAILABLE"}
            assert (await http.get("/readyz")).status_code == 503

            await asyncio.to_thread(server.start)  # same port, same data directory
            await _eventually(http)
            assert await data(http, COUNTS) == before  # nothing lost
    finally:
        await asyncio.to_thread(server.stop)


async def test_a_slow_database_call_times_out_and_others_go_on(tmp_path: Path) -> None:
    # failCommand is a test-only command, as in mongod; it blocks the next find for 10 s.
    server = EmbeddedMongo(":memory:", extra_args=["--enable-test-commands"])
    await asyncio.to_thread(server.start)
    try:
        settings = _settings(server.port, tmp_path).model_copy(update={"database_timeout_ms": 500})
        async with serving(settings) as http:
            app_db = http._transport.app.state.db  # type: ignore[attr-defined]
            await app_db.client.admin.command(
                {
                    "configureFailPoint": "failCommand",
                    "mode": {"times": 1},
                    "data": {
                        "failCommands": ["find"],
                        "blockConnection": True,
                        "blockTimeMS": 10_000,
                    },
                }
            )
            started = time.monotonic()
            slow = await graphql(http, '{ person(slug: "sergei-kislyak") { name } }')
            assert error_codes(slow) == ["TIMEOUT"]
            assert time.monotonic() - started < 8.0  # the limit is 0.5 s; the block is 10 s
            assert "pymongo" not in str(slow)
            fine = await data(http, '{ person(slug: "sergei-kislyak") { name } }')
            assert fine == {"person": {"name": "Sergei Kislyak"}}
    finally:
        await asyncio.to_thread(server.stop)
