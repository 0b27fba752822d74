"""Admission control: the excess is refused fast (``OVERLOADED``, 503, ``Retry-After``),
a cheap request is let in beside heavy ones, and nothing trips the breaker.

Nothing here is timed: where a request must be in flight, SecantusDB's ``failCommand``
failpoint holds it at the database, and the gate's own counts say who waited."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx
import pytest
from starlette.applications import Starlette

from api.admission_control import AdmissionGate
from api.settings import Settings
from tests.conftest import data, error_codes

# Bounds only loops that wait for something to happen, so that they cannot hang.
PATIENCE_S = 30.0


def gate(*, wait_s: float = 10.0) -> AdmissionGate:
    return AdmissionGate(capacity=100, reserve=20, cheap_cost=10, wait_s=wait_s, retry_after_s=1)


async def until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(PATIENCE_S):
        while not condition():  # noqa: ASYNC110 - polls state no event announces
            await asyncio.sleep(0.01)


# -- the gate ---------------------------------------------------------------------------


def test_weights_are_at_least_one_and_at_most_the_room_of_heavy_operations() -> None:
    assert gate().weight(0) == 1
    assert gate().weight(30) == 30
    assert gate().weight(10_000) == 80  # the costliest still runs, alone


async def test_heavy_operations_leave_the_reserve_to_cheap_ones() -> None:
    g = gate(wait_s=0)
    assert await g.acquire(60)
    assert not await g.acquire(30)  # 90 > 80: a heavy one may not take the reserve
    assert await g.acquire(10)  # a cheap one may: 70
    assert await g.acquire(10)  # 80
    assert await g.acquire(10)  # 90
    assert not await g.acquire(11)  # heavy: refused at once (no wait)
    assert g.in_use == 90
    assert g.counts.refused == 2


async def test_a_waiting_operation_is_let_in_when_room_comes_back() -> None:
    g = gate()
    assert await g.acquire(80)
    waiting = asyncio.create_task(g.acquire(50))
    await until(lambda: g.counts.waited == 1)
    assert not waiting.done()
    g.release(80)
    assert await waiting
    assert g.in_use == 50


async def test_a_cheap_operation_passes_a_heavy_one_waiting_for_more_room() -> None:
    g = gate()
    assert await g.acquire(60)
    heavy = asyncio.create_task(g.acquire(30))
    await until(lambda: g.counts.waited == 1)
    assert await g.acquire(5)  # not queued behind the heavy one
    g.release(5)
    assert not heavy.done()
    g.release(60)
    assert await heavy


async def test_the_wait_is_bounded_then_refused() -> None:
    g = gate(wait_s=0.05)
    assert await g.acquire(80)
    assert not await g.acquire(80)
    assert (g.in_use, g.counts.refused, len(g._waiting)) == (80, 1, 0)
    g.release(80)
    assert g.in_use == 0


async def test_a_cancelled_wait_takes_nothing() -> None:
    g = gate()
    assert await g.acquire(80)
    waiting = asyncio.create_task(g.acquire(80))
    await until(lambda: g.counts.waited == 1)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    g.release(80)
    assert (g.in_use, len(g._waiting)) == (0, 0)


def test_the_reserve_must_leave_room_for_heavy_operations() -> None:
    with pytest.raises(ValueError, match="reserve"):
        AdmissionGate(capacity=10, reserve=10, cheap_cost=1, wait_s=0, retry_after_s=1)
    with pytest.raises(ValueError, match="ADMISSION_RESERVE"):
        Settings(admission_capacity=100, admission_reserve=100)


# -- through the API ----------------------------------------------------------------------

# persons(first: 50) with 20 statements each: more than the room for heavy operations
# below, so one such page takes all of it.
HEAVY = "{ persons(first: 50) { nodes { name statements(first: 20) { nodes { text } } } } }"
NODE = "query Node($id: ID!) { node(id: $id) { id ... on Person { name } } }"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "admission_capacity": 1000,
            "admission_reserve": 200,
            "admission_cheap_cost": 50,
            "admission_wait_ms": 200,
        }
    )


def gate_of(app: Starlette) -> AdmissionGate:
    gate: AdmissionGate = app.state.admission
    return gate


async def test_overload_is_refused_fast_and_a_cheap_request_still_gets_in(
    app: Starlette,
    client: httpx.AsyncClient,
    fail_point: Callable[..., Awaitable[None]],
) -> None:
    """One heavy page held at the database fills the room for heavy work: a second is
    refused after the bounded wait, OVERLOADED with a 503 and Retry-After, while a
    node(id) is let in at once; the breaker stays closed and the held page completes."""
    person = (await data(client, "{ persons(first: 1) { nodes { id } } }"))["persons"]
    person_id = person["nodes"][0]["id"]
    g = gate_of(app)
    await fail_point(blockConnection=True, blockTimeMS=1500)
    held = asyncio.create_task(client.post("/graphql", json={"query": HEAVY}))
    await until(lambda: g.in_use >= 800)

    refused = await client.post("/graphql", json={"query": HEAVY})
    assert refused.status_code == 503, refused.text
    assert refused.headers["retry-after"] == str(app.state.settings.retry_after_s)
    body = refused.json()
    assert error_codes(body) == ["OVERLOADED"]
    assert body["data"] is None
    assert "cost" in body["errors"][0]["extensions"]

    cheap = await client.post("/graphql", json={"query": NODE, "variables": {"id": person_id}})
    assert cheap.status_code == 200, cheap.text
    assert cheap.json()["data"]["node"]["id"] == person_id
    assert g.counts.waited == 1  # only the refused page waited

    done = await held
    assert done.status_code == 200, done.text
    assert "errors" not in done.json()
    assert not app.state.breaker.open
    assert g.in_use == 0
    metrics = (await client.get("/metrics")).text
    assert 'dossier_graphql_errors_total{code="OVERLOADED"} 1.0' in metrics


async def test_a_waiting_request_runs_once_room_comes_back(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    """Held by the gate itself (heavy work taken directly from it), a page waits, is let in
    when the room is given back, and answers in full."""
    g = gate_of(app)
    g.wait_s = PATIENCE_S
    assert await g.acquire(800)
    waiting = asyncio.create_task(client.post("/graphql", json={"query": HEAVY}))
    await until(lambda: g.counts.waited == 1)
    g.release(800)
    response = await waiting
    assert response.status_code == 200, response.text
    assert "errors" not in response.json()
    assert len(response.json()["data"]["persons"]["nodes"]) > 0


async def test_requests_refused_for_their_cost_take_no_room(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    """QUERY_TOO_COMPLEX is answered before the gate, with its own code, and a 200."""
    query = "{ persons(first: 100) { nodes { statements(first: 100) { nodes { text } } } } }"
    response = await client.post("/graphql", json={"query": query})
    assert response.status_code == 200
    assert error_codes(response.json()) == ["QUERY_TOO_COMPLEX"]
    assert gate_of(app).counts.admitted == 0
