"""The embedded database killed under load: supervised, restarted, nothing lost.

The app starts its own SecantusDB on a temporary data directory, and the test kills
that child with SIGKILL while a steady trickle of writes goes on. Nothing here is timed:
that requests fail at once while the database is down is shown by what they send it
(nothing: the breaker answers them), as in ``test_outage``.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.breaker import CircuitBreaker
from api.embedded import EmbeddedMongo, EmbeddedServerError
from api.settings import Settings
from api.supervisor import Supervisor
from tests.conftest import CommandRecorder, data, error_codes
from tests.keys import with_admin, writer

# When a server is killed mid-request, pymongo can drop a socket without closing it; the
# ResourceWarning that follows is the driver's housekeeping, not this code's.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

SEED_ARTICLE = "moscow-times-magnitsky-bill"
CREATE = """mutation($input: CreatePersonInput!) {
  createPerson(input: $input) { person { slug } userErrors { field code message } }
}"""
FIND = "query($slug: String!) { person(slug: $slug) { name } }"
# Bounds only a loop that waits for something to happen, so that it cannot hang.
PATIENCE_S = 60.0


def person(name: str) -> dict[str, Any]:
    quote = "Kislyak and Foreign Minister Sergei Lavrov made similar comments"
    return {"name": name, "evidence": [{"article": SEED_ARTICLE, "quote": quote}]}


async def until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + PATIENCE_S
    while not condition():
        assert time.monotonic() < deadline, f"never {what}"
        await asyncio.sleep(0.02)


@dataclass
class Sent:
    """One request of a trickle: its number, its answer, and whether the breaker was open
    when it left and when it came back."""

    n: int
    open_before: bool
    response: httpx.Response
    open_after: bool

    @property
    def body(self) -> dict[str, Any]:
        assert self.response.status_code == 200, self.response.text
        body: dict[str, Any] = self.response.json()
        return body


@dataclass
class Trickle:
    """A steady trickle: a request every ``every_s``, whether or not the last has been
    answered (a request waiting on the lost database holds up none of the next)."""

    send: Callable[[int], Awaitable[httpx.Response]]
    breaker: CircuitBreaker
    every_s: float = 0.05
    answered: list[Sent] = field(default_factory=list)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _task: asyncio.Task[None] | None = None

    async def _one(self, n: int) -> None:
        open_before = self.breaker.open
        response = await self.send(n)
        self.answered.append(Sent(n, open_before, response, self.breaker.open))

    async def _run(self) -> None:
        requests: list[asyncio.Task[None]] = []
        n = 0
        while not self._stop.is_set():
            requests.append(asyncio.create_task(self._one(n)))
            n += 1
            await asyncio.sleep(self.every_s)
        await asyncio.gather(*requests)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task

    def succeeded(self) -> list[Sent]:
        return [sent for sent in self.answered if "errors" not in sent.body]

    def failed(self) -> list[Sent]:
        """Every failure must be the database's absence, with a Retry-After."""
        failed = [sent for sent in self.answered if "errors" in sent.body]
        for sent in failed:
            assert error_codes(sent.body) == ["SERVICE_UNAVAILABLE"], sent.body
            assert sent.response.headers["retry-after"] == "2", sent.response.headers
        return failed


async def test_a_killed_database_is_restarted_and_keeps_every_acknowledged_write(
    tmp_path: Path,
) -> None:
    settings = with_admin(
        Settings(
            mongodb_uri=None,
            mongodb_database="supervised",
            data_dir=tmp_path,
            probe_interval_s=0.2,
            supervise_poll_s=0.05,
            # The writes that wait on the dead server (up to timeoutMS each) must not fill
            # admission control on a slow machine: only the breaker's answers are counted.
            admission_capacity=0,
        )
    )
    sent = CommandRecorder()
    app = create_app(settings, command_listeners=[sent])
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            embedded: EmbeddedMongo = app.state.embedded
            breaker: CircuitBreaker = app.state.breaker
            editor = await writer(http)

            async def write(n: int) -> httpx.Response:
                variables = {"input": person(f"Trickle {n}")}
                return await http.post(
                    "/graphql",
                    json={"query": CREATE, "variables": variables},
                    headers={"Authorization": f"Bearer {editor.secret}"},
                )

            async def read(n: int) -> httpx.Response:
                # The slug marks the request's own find, if it sends one.
                return await http.post(
                    "/graphql", json={"query": FIND, "variables": {"slug": f"absent-{n}"}}
                )

            writes, reads = Trickle(write, breaker), Trickle(read, breaker)
            writes.start()
            reads.start()
            try:
                await until(lambda: len(writes.succeeded()) >= 5, "wrote")
                killed = embedded.pid
                assert killed is not None
                os.kill(killed, signal.SIGKILL)
                # The supervisor notices, trips the breaker and restarts the child; the
                # probe closes the breaker and requests go through again.
                await until(lambda: breaker.open, "tripped")
                await until(lambda: embedded.pid != killed and embedded.running, "restarted")
                await until(lambda: not breaker.open, "closed")
                recovered = len(writes.answered)
                await until(lambda: len(writes.answered) >= recovered + 5, "went on writing")
            finally:
                await writes.stop()
                await reads.stop()

            # No request failed but for the database's absence; those that went on after
            # the breaker had closed succeeded.
            writes.failed()
            refused = [r for r in reads.failed() if r.open_before and r.open_after]
            assert refused  # some came while the database was down, answered at once:
            asked = " ".join(str(command) for command in sent.sent)
            for r in refused:  # none of them sent the database anything
                assert f"'absent-{r.n}'" not in asked  # quoted: absent-7 is in absent-70
            assert all("errors" not in w.body for w in writes.answered[recovered:])
            assert (await http.get("/readyz")).status_code == 200
            # Nothing acknowledged is lost.
            for w in writes.succeeded():
                slug = w.body["data"]["createPerson"]["person"]["slug"]
                assert (await data(http, FIND, {"slug": slug}))["person"] is not None, slug
    assert not embedded.running  # stopped at shutdown, and not restarted


class Flaky(EmbeddedMongo):
    """A child that has died, and whose first ``failures`` restarts fail."""

    def __init__(self, failures: int) -> None:
        super().__init__(":memory:", port=1)
        self.failures = failures
        self.attempts = 0
        self.alive = False

    @property
    def running(self) -> bool:
        return self.alive

    def restart(self) -> None:
        self.attempts += 1
        if self.attempts <= self.failures:
            raise EmbeddedServerError("would not start")
        self.alive = True


class Unhurried(Supervisor):
    """Records how long it waits between restarts instead of waiting."""

    backoffs: list[float]

    async def stopping_within(self, seconds: float) -> bool:
        if seconds == self.poll_s:
            return await super().stopping_within(seconds)
        self.backoffs.append(seconds)
        return await super().stopping_within(0)


async def test_failed_restarts_and_a_crash_loop_back_off_doubling_up_to_a_cap() -> None:
    server = Flaky(failures=4)
    deaths: list[str] = []
    supervisor = Unhurried(
        server, poll_s=0.01, backoff_s=1.0, max_backoff_s=4.0, on_death=deaths.append
    )
    supervisor.backoffs = []
    async with supervisor.running():
        await until(lambda: server.alive, "restarted")
        # The first attempt at once, then 1, 2, 4, 4 (the cap) after each that failed.
        assert supervisor.backoffs == [1.0, 2.0, 4.0, 4.0]
        assert (server.attempts, supervisor.restarts, len(deaths)) == (5, 1, 1)
        server.alive = False  # dies again at once: restarted after the cap, not at once
        await until(lambda: server.alive, "restarted again")
    assert supervisor.backoffs == [1.0, 2.0, 4.0, 4.0, 4.0]
    assert (server.attempts, supervisor.restarts, len(deaths)) == (6, 2, 2)


async def test_the_first_probe_answered_closes_the_breaker() -> None:
    answers = [False, False, True]

    async def probe() -> None:
        if not answers.pop(0):
            raise ConnectionError("still down")

    breaker = CircuitBreaker(probe, probe_interval_s=0.0, retry_after_s=1)
    assert not breaker.open
    breaker.trip("lost")
    breaker.trip("lost again")  # already open: one probe loop, not two
    assert breaker.open
    await until(lambda: not breaker.open, "closed")
    assert answers == []
    await breaker.close()
    breaker.trip("lost at shutdown")  # no probing once closed for good
    assert not breaker.open
