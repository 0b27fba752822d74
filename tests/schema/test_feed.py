"""A subscriber's queue on the process's feed: bounded, and never waited for.

While it replays from the collection an overflow only sends it back to the collection
(what was dropped is stored there); once live, an overflow ends it (``TooSlow``).
"""

from __future__ import annotations

import pytest

from model.documents import RevisionDoc
from schema.revisions.feed import SHARED_EVENTS, Ended, Feed, Interrupted, Subscriber, TooSlow


def revision(n: int) -> RevisionDoc:
    return RevisionDoc(
        _id=str(n).zfill(16),
        type="Person",
        node=f"Person:p{n}",
        number=1,
        operation="CREATE",
        author="test",
        at="2026-01-01T00:00:00.000Z",
        changedFields=["name"],
        reason=None,
        state=None,
    )


async def test_an_overflow_while_catching_up_sends_the_replay_back_to_the_collection() -> None:
    subscriber = Subscriber(bound=2)
    assert all(subscriber.offer(revision(n)) for n in (1, 2, 3))  # the third overflows
    assert subscriber.lagging
    assert subscriber.queue.empty()
    assert not subscriber.caught_up()  # read the collection again
    assert subscriber.catching_up
    assert not subscriber.lagging
    subscriber.offer(revision(4))
    assert subscriber.caught_up()  # the queue holds everything since: live now
    assert (await subscriber.next())["_id"] == revision(4)["_id"]


async def test_an_overflow_once_live_ends_the_subscriber_as_too_slow() -> None:
    subscriber = Subscriber(bound=2)
    assert subscriber.caught_up()
    assert subscriber.offer(revision(1))
    assert subscriber.offer(revision(2))
    assert not subscriber.offer(revision(3))
    with pytest.raises(TooSlow):
        await subscriber.next()  # what it had queued is dropped with it
    assert subscriber.offer(revision(4))  # ignored once ended


async def test_an_interruption_ends_the_subscriber_with_its_code() -> None:
    subscriber = Subscriber(bound=2)
    subscriber.caught_up()
    subscriber.offer(revision(1))
    subscriber.end(Interrupted("The database is unavailable.", "SERVICE_UNAVAILABLE"))
    with pytest.raises(Ended) as ended:
        await subscriber.next()
    assert ended.value.code == "SERVICE_UNAVAILABLE"


def test_an_event_is_one_object_per_published_revision_and_only_the_newest_are_kept() -> None:
    feed = Feed(None, queue_bound=10, retry_s=1.0)  # type: ignore[arg-type]  # never runs
    made: list[int] = []

    def make(doc: RevisionDoc) -> object:
        made.append(int(doc["_id"]))
        return object()

    published = [revision(n) for n in range(SHARED_EVENTS + 1)]
    first = feed.event(published[0], make)
    assert feed.event(published[0], make) is first  # every subscriber gets the same one
    assert feed.event(revision(0), make) is not first  # the same id read again is not it
    for doc in published[1:]:
        feed.event(doc, make)
    assert feed.event(published[0], make) is not first  # no longer among the newest
    assert made == [0, 0, *range(1, SHARED_EVENTS + 1), 0]
