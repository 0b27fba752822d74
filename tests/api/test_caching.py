"""Answers to repeated reads: ETag and 304 on GET, the in-process response cache, and
its invalidation by writes made here or in any other process."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import tracemalloc

import httpx
import orjson
import pytest
from starlette.applications import Starlette

from api.observability import JsonFormatter
from api.response_cache import ENTRY_OVERHEAD_BYTES, CacheKey, ResponseCache
from api.revision_watch import RevisionWatch
from api.settings import Settings
from model.store import Database
from tests.conftest import CommandRecorder, error_codes, serving
from tests.keys import ADMIN_SECRET, make_key, store_article, with_admin

PERSON = '{ person(slug: "sergei-kislyak") { name } }'
ARTICLE = "query($slug: String!) { article(slug: $slug) { title } }"
RENAME = """mutation($input: UpdatePersonInput!) {
  updatePerson(input: $input) { person { name revision } userErrors { field code } }
}"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A staleness bound of seconds, so that a loaded machine does not make a test's
    revision too old to answer from cache; ``settle`` reads it afresh where needed."""
    default = Settings.model_fields["response_cache_max_bytes"].default
    changes = {"cache_max_staleness_ms": 10_000, "response_cache_max_bytes": default}
    return with_admin(settings).model_copy(update=changes)


async def settle(app: Starlette) -> None:
    """Read the revision now, as the watch's next poll would (after a write here)."""
    await app.state.revisions.poll_once()


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def get(
    client: httpx.AsyncClient, query: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    return await client.get("/graphql", params={"query": query}, headers=headers)


async def rename_kislyak(client: httpx.AsyncClient, secret: str, name: str) -> int:
    """The person's revision after the rename."""
    found = await client.post(
        "/graphql", json={"query": '{ person(slug: "sergei-kislyak") { id revision } }'}
    )
    person = found.json()["data"]["person"]
    input_ = {"id": person["id"], "expectedRevision": person["revision"], "name": name}
    body = (
        await client.post(
            "/graphql",
            json={"query": RENAME, "variables": {"input": input_}},
            headers=bearer(secret),
        )
    ).json()
    assert body["data"]["updatePerson"]["userErrors"] == [], body
    revision: int = body["data"]["updatePerson"]["person"]["revision"]
    return revision


async def test_an_unchanged_answer_is_304_without_running_the_query(
    app: Starlette, client: httpx.AsyncClient, commands: CommandRecorder
) -> None:
    await settle(app)
    first = await get(client, PERSON)
    assert first.status_code == 200
    assert first.json() == {"data": {"person": {"name": "Sergei Kislyak"}}}
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "public, no-cache"
    assert "Authorization" in first.headers["vary"]
    sent = len(commands.names)
    again = await get(client, PERSON, {"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert len(commands.names) == sent  # nothing asked of the database
    posted = await client.post("/graphql", json={"query": PERSON})
    assert "etag" not in posted.headers
    assert "cache-control" not in posted.headers
    # Another question, or other variables, has another tag.
    other = await get(client, '{ person(slug: "sergei-lavrov") { name } }', {"If-None-Match": etag})
    assert other.status_code == 200
    assert other.headers["etag"] != etag


async def test_a_write_changes_the_answer_at_once_in_the_process_that_made_it(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    editor = await make_key(client, "desk", "EDITOR")
    await settle(app)
    etag = (await get(client, PERSON)).headers["etag"]
    await rename_kislyak(client, editor, "Sergey Kislyak")
    # At once: no 304, no cached answer, though the revision has not been read again.
    after = await get(client, PERSON, {"If-None-Match": etag})
    assert after.status_code == 200
    assert after.json()["data"]["person"]["name"] == "Sergey Kislyak"
    assert "etag" not in after.headers
    await settle(app)
    tagged = await get(client, PERSON, {"If-None-Match": etag})
    assert tagged.status_code == 200
    assert tagged.headers["etag"] != etag


async def test_readers_are_cached_privately_editors_and_errors_not_at_all(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    reader = await make_key(client, "reader", "READER")
    editor = await make_key(client, "desk", "EDITOR")
    await settle(app)
    as_reader = await get(client, PERSON, bearer(reader))
    assert as_reader.headers["cache-control"] == "private, no-cache"
    tag = as_reader.headers["etag"]
    anonymous_tag = (await get(client, PERSON)).headers["etag"]
    assert tag != anonymous_tag
    assert (await get(client, PERSON, {**bearer(reader), "If-None-Match": tag})).status_code == 304
    # Another caller's tag, or any tag, is not this caller's answer.
    for other in (anonymous_tag, "*"):
        assert (
            await get(client, PERSON, {**bearer(reader), "If-None-Match": other})
        ).status_code == 200
    for refused in (
        await get(client, PERSON, bearer(editor)),
        await get(client, PERSON, bearer(ADMIN_SECRET)),
        await get(client, "{ person(slug: 3) { name } }"),  # an error: never cached
        await get(client, PERSON, {"Authorization": "Bearer not-a-key"}),
    ):
        assert "etag" not in refused.headers
        assert refused.headers["cache-control"] == "no-store"
        assert "Authorization" in refused.headers["vary"]
    editor_again = await get(client, PERSON, {**bearer(editor), "If-None-Match": anonymous_tag})
    assert editor_again.status_code == 200
    failing = await get(client, "{ person(slug: 3) { name } }", {"If-None-Match": "*"})
    assert error_codes(failing.json()) == ["GRAPHQL_VALIDATION_FAILED"]
    mutation = await client.get(
        "/graphql", params={"query": "mutation { x }"}, headers={"If-None-Match": "*"}
    )
    assert mutation.status_code == 400


async def test_a_repeated_read_is_answered_from_cache_and_a_mutation_never(
    app: Starlette, client: httpx.AsyncClient, commands: CommandRecorder
) -> None:
    cache: ResponseCache = app.state.response_cache
    await settle(app)
    variables = {"slug": "moscow-times-magnitsky-bill"}
    first = await client.post("/graphql", json={"query": ARTICLE, "variables": variables})
    sent = len(commands.names)
    hits = cache.stats.hits
    second = await client.post("/graphql", json={"query": ARTICLE, "variables": variables})
    assert second.json() == first.json()
    assert first.json()["data"]["article"]["title"]
    assert len(commands.names) == sent
    assert cache.stats.hits == hits + 1
    metrics = (await client.get("/metrics")).text
    assert f"dossier_response_cache_hits_total {float(hits + 1)}" in metrics
    # A mutation empties the cache, and runs every time.
    editor = await make_key(client, "desk", "EDITOR")
    assert len(cache) == 0
    await settle(app)
    assert await rename_kislyak(client, editor, "Sergey Kislyak") == 2
    await settle(app)
    assert await rename_kislyak(client, editor, "Sergei Kisliak") == 3
    assert all(key.document != RENAME for key in cache._entries)


async def test_nothing_is_answered_from_cache_while_the_database_is_out_of_reach(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    await settle(app)
    assert (await get(client, PERSON)).status_code == 200
    etag = (await get(client, PERSON)).headers["etag"]
    app.state.breaker.trip("a test")
    refused = await get(client, PERSON, {"If-None-Match": etag})
    assert refused.status_code == 200
    assert error_codes(refused.json()) == ["SERVICE_UNAVAILABLE"]
    assert refused.headers["cache-control"] == "no-store"


async def test_a_write_in_another_process_is_seen_within_the_staleness_bound(
    settings: Settings, db: Database
) -> None:
    """Two apps on one database, as two workers are: the second caches the answer, the
    write is made beside both (as another process would), and once the bound has passed
    after it was acknowledged, every request sees it."""
    settings = settings.model_copy(update={"cache_max_staleness_ms": 500})
    async with serving(settings) as reader:
        variables = {"slug": "elsewhere"}
        assert (
            await reader.post("/graphql", json={"query": ARTICLE, "variables": variables})
        ).json() == {"data": {"article": None}}
        tag = (await get(reader, "{ articles { totalCount } }")).headers["etag"]
        await store_article(db, "elsewhere", "Written by another process.", title="Elsewhere")
        acknowledged = time.monotonic()
        bound_s = settings.cache_max_staleness_ms / 1000
        await asyncio.sleep(bound_s - (time.monotonic() - acknowledged))
        after = await reader.post("/graphql", json={"query": ARTICLE, "variables": variables})
        assert after.json() == {"data": {"article": {"title": "Elsewhere"}}}
        changed = await get(reader, "{ articles { totalCount } }", {"If-None-Match": tag})
        assert changed.status_code == 200


async def test_the_watch_forgets_a_revision_older_than_the_bound() -> None:
    value = 7
    reads = 0

    async def read() -> int:
        nonlocal reads
        reads += 1
        return value

    changes: list[int] = []
    watch = RevisionWatch(read, poll_s=0.05, bound_s=0.1, on_change=lambda: changes.append(1))
    assert watch.current is None
    await watch.poll_once()
    assert watch.current == 7
    await asyncio.sleep(watch.bound_s + 0.01)
    assert watch.current is None  # not read again within the bound: not trusted
    await watch.poll_once()
    assert watch.current == 7
    watch.invalidate()
    assert watch.current is None  # a write here: unknown until read again
    value = 8
    await watch.poll_once()
    assert watch.current == 8
    assert len(changes) == 3  # the first reading, the invalidation, the new value

    async def failing() -> int:
        raise ConnectionError("down")

    down = RevisionWatch(failing, poll_s=0.05, bound_s=0.1)
    await down.poll_once()
    assert down.current is None


async def test_a_read_that_answers_late_does_not_replace_a_later_one() -> None:
    """Reads overlap (a busy database answers late): the one begun last counts."""
    answers = iter([(0.05, 1), (0.0, 2)])

    async def read() -> int:
        delay, value = next(answers)
        await asyncio.sleep(delay)
        return value

    watch = RevisionWatch(read, poll_s=0.01, bound_s=5)
    slow = asyncio.create_task(watch.poll_once())
    await asyncio.sleep(0.01)
    await watch.poll_once()
    assert watch.current == 2
    await slow
    assert watch.current == 2


def key(n: int) -> CacheKey:
    return CacheKey.of(f"{{ q{n} }}", None, {"n": n}, None, "READER")


def test_the_cache_holds_at_most_its_bytes_and_only_the_current_revision() -> None:
    data = b'{"x":"' + b"y" * 1000 + b'"}'
    one = len(data) + key(99).size + ENTRY_OVERHEAD_BYTES
    cache = ResponseCache(max_bytes=3 * one)
    for n in range(3):
        cache.put(key(n), 5, data)
    assert cache.get(key(0), 5) == data  # the most recently used now
    cache.put(key(3), 5, data)
    assert cache.size_bytes <= 3 * one
    assert cache.get(key(1), 5) is None  # the least recently used went
    assert cache.get(key(0), 5) == data
    assert cache.get(key(0), 6) is None  # another revision: not this answer
    for n in range(100):
        cache.put(key(n), 5, data)
        assert cache.size_bytes <= 3 * one
    assert len(cache) == 3
    cache.put(key(200), 5, b"z" * (4 * one))  # larger than the whole cache: not kept
    assert cache.get(key(200), 5) is None
    cache.clear()
    assert cache.size_bytes == 0
    assert not ResponseCache(0).enabled


def test_variables_in_any_order_are_one_question() -> None:
    first = CacheKey.of("q", None, {"a": 1, "b": 2}, None, "READER")
    assert first == CacheKey.of("q", None, {"b": 2, "a": 1}, None, "READER")
    assert first.etag(1, "s") == CacheKey.of("q", None, {"b": 2, "a": 1}, None, "READER").etag(
        1, "s"
    )
    assert first.etag(1, "s") != first.etag(2, "s")
    assert first != CacheKey.of("q", None, {"a": 1, "b": 2}, "reader", "READER")


async def test_the_access_log_names_operations_answered_without_running(
    app: Starlette, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    await settle(app)
    named = 'query Kislyak { person(slug: "sergei-kislyak") { name } }'
    etag = (await get(client, named)).headers["etag"]
    caplog.set_level(logging.INFO, logger="dossier.access")
    assert (await get(client, named, {"If-None-Match": etag})).status_code == 304
    assert (await client.post("/graphql", json={"query": named})).status_code == 200  # cached
    unknown = {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}
    await client.post("/graphql", json={"extensions": unknown})
    lines = [
        json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "dossier.access"
    ]
    assert [(line["operation"], line["error_codes"]) for line in lines] == [
        ("Kislyak", []),
        ("Kislyak", []),
        ("anonymous", ["PERSISTED_QUERY_NOT_FOUND"]),
    ]


async def test_a_request_the_server_would_refuse_is_not_answered_from_cache(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    """Anonymous answers are looked for before the view reads the request: whatever it
    would refuse still gets its refusal."""
    await settle(app)
    for _ in range(2):  # the second from cache
        assert (await get(client, PERSON)).status_code == 200
        assert (await client.post("/graphql", json={"query": PERSON})).status_code == 200
    bad_variables = await client.get("/graphql", params={"query": PERSON, "variables": "{x"})
    assert bad_variables.status_code == 400
    too_large = {"query": PERSON, "variables": {"x": "y" * 30_000}}
    assert (await client.post("/graphql", json=too_large)).status_code == 413
    as_text = await client.post(
        "/graphql", content=json.dumps({"query": PERSON}), headers={"content-type": "text/plain"}
    )
    assert as_text.status_code == 400
    batch = await client.post("/graphql", json=[{"query": PERSON}])
    assert batch.status_code != 200 or "errors" in batch.text
    app.state.settings = app.state.settings.model_copy(update={"reads_require_key": True})
    refused = await client.post("/graphql", json={"query": PERSON})
    assert error_codes(refused.json()) == ["UNAUTHENTICATED"]


def test_what_the_cache_counts_is_what_python_holds_for_it() -> None:
    """Its bound is on the bytes it counts: they must cover what its entries really take
    (orjson's output, for one, keeps a buffer of 4 KB at least unless copied)."""
    cache = ResponseCache(max_bytes=10**9)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for n in range(2000):
            document = json.loads(json.dumps(PERSON * (1 + n % 3)))  # a fresh string each
            key = CacheKey.of(document, None, {"slug": f"person-{n:06d}"}, None, "READER")
            cache.put(key, 1, orjson.dumps({"person": {"name": "x" * (n % 700)}}))
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert held <= cache.size_bytes
    assert held >= cache.size_bytes * 0.5  # and not far more than it takes
