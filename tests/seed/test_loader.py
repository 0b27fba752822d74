"""The seed loader: verbatim citations, idempotent upserts, all-or-nothing failures."""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from pymongo import AsyncMongoClient
from pymongo.errors import OperationFailure
from pymongo.monitoring import (
    CommandFailedEvent,
    CommandListener,
    CommandStartedEvent,
    CommandSucceededEvent,
)

from model.indexes import ensure_indexes
from model.names import COLLECTIONS
from model.store import Database, Document
from seed import ARTICLES_DIR
from seed.annotations import AnnotationError
from seed.loader import load_article, load_directory

SOURCE = ARTICLES_DIR / "moscow-times-magnitsky-bill.txt"
ANNOTATIONS = ARTICLES_DIR / "moscow-times-magnitsky-bill.yaml"
SECOND_ARTICLE = """Support The Moscow Times!

Kislyak Meets Press

Ambassador Sergei Kislyak spoke to reporters in Washington.

Kislyak said the Magnitsky Act would harm ties.

Read more
"""
SECOND_ANNOTATIONS = """
article:
  slug: second-article
  source: second-article.txt
  title: Kislyak Meets Press
  publisher: Test Gazette
  url: null
  published_on: {iso: "2012-07", precision: MONTH, text: "July 2012"}
persons:
  - slug: sergei-kislyak
    name: Sergei Kislyak
    aliases: [Sergei Kisliak]
    description: null
    countries: [RU]
    positions: []
    evidence: ["Ambassador Sergei Kislyak spoke to reporters"]
statements:
  - slug: kislyak-harm-ties
    kind: PARAPHRASE
    text: The Magnitsky Act would harm ties.
    speaker: person:sergei-kislyak
    speaker_description: null
    date: {iso: null, precision: UNKNOWN, text: null}
    medium: null
    reported_by: null
    about: [sanction:magnitsky-act]
    evidence: ["Kislyak said the Magnitsky Act would harm ties."]
"""


# The annotation sections of the seed, by the collection their documents go to.
SECTIONS = ("persons", "organizations", "events", "statements", "sanctions")


def _seed_annotations() -> list[dict[str, Any]]:
    return [
        yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted(ARTICLES_DIR.glob("*.yaml"))
    ]


async def _snapshot(db: Database) -> dict[str, list[Document]]:
    return {name: await db[name].find().sort("_id").to_list() for name in COLLECTIONS}


def _copy_seed(directory: Path, yaml_text: str | None = None) -> Path:
    shutil.copy(SOURCE, directory / SOURCE.name)
    target = directory / ANNOTATIONS.name
    target.write_text(yaml_text or ANNOTATIONS.read_text(encoding="utf-8"), encoding="utf-8")
    return target


async def test_every_citation_quotes_the_body_at_its_offsets(db: Database) -> None:
    await load_directory(db)
    article = await db.articles.find_one({"_id": "moscow-times-magnitsky-bill"})
    assert article is not None
    body = article["body"]
    checked = 0
    for name in COLLECTIONS:
        async for doc in db[name].find():
            for citation in doc.get("citations", []):
                assert body[citation["start"] : citation["end"]] == citation["quote"]
                checked += 1
            if name != "articles":
                assert doc["citations"], f"{name} {doc['_id']} has no citation"
    # One citation per evidence quote the seed gives.
    assert checked == sum(
        len(item["evidence"])
        for article in _seed_annotations()
        for section in SECTIONS
        for item in article.get(section) or []
    )


async def test_body_is_cleaned_and_caption_kept_as_metadata(db: Database) -> None:
    await load_directory(db)
    article = await db.articles.find_one({"_id": "moscow-times-magnitsky-bill"})
    assert article is not None
    body: str = article["body"]
    for furniture in ("Support The Moscow Times!", "small favor to ask", "Read more", "paiment"):
        assert furniture not in body
    assert "Igor Tabakov" not in body
    assert article["photo"]["credit"] == "Igor Tabakov"
    assert article["photo"]["caption"].startswith("A pin worn by an activist")
    plain = body.replace("\xa0", " ")  # the source separates short words with no-break spaces
    assert plain.startswith("Russia's ambassador to the United States warned")
    assert plain.endswith("Russia has not identified the banned U.S. officials or the citizens.")


async def test_loading_twice_leaves_the_same_documents(db: Database) -> None:
    await ensure_indexes(db)
    await load_directory(db)
    first = await _snapshot(db)
    await load_directory(db)
    assert await _snapshot(db) == first
    annotated = {section: 0 for section in SECTIONS} | {"articles": 0}
    for article in _seed_annotations():
        annotated["articles"] += 1
        for section in SECTIONS:
            annotated[section] += len(article.get(section) or [])
    assert {name: len(docs) for name, docs in first.items()} == annotated


async def test_missing_quote_fails_the_whole_load_and_writes_nothing(
    db: Database, tmp_path: Path
) -> None:
    text = ANNOTATIONS.read_text(encoding="utf-8").replace(
        '"lawyer Sergei Magnitsky"', '"lawyer Sergei Magnitsky, the accountant"'
    )
    path = _copy_seed(tmp_path, text)
    with pytest.raises(AnnotationError) as raised:
        await load_article(db, path)
    message = str(raised.value)
    assert ANNOTATIONS.name in message
    assert "sergei-magnitsky" in message
    assert "lawyer Sergei Magnitsky, the accountant" in message
    assert all(not docs for docs in (await _snapshot(db)).values())


async def test_ambiguous_quote_needs_an_occurrence(db: Database, tmp_path: Path) -> None:
    text = ANNOTATIONS.read_text(encoding="utf-8").replace(
        '"lawyer Sergei Magnitsky"', '"Interfax reported"', 1
    )
    path = _copy_seed(tmp_path, text)
    with pytest.raises(AnnotationError, match="occurs 2 times"):
        await load_article(db, path)
    fixed = text.replace('"Interfax reported"', "{quote: Interfax reported, occurrence: 2}", 1)
    await load_article(db, _copy_seed(tmp_path, fixed))
    person = await db.persons.find_one({"_id": "sergei-magnitsky"})
    article = await db.articles.find_one()
    assert person is not None
    assert article is not None
    citation = person["citations"][0]
    assert citation["start"] == article["body"].rindex("Interfax reported")


async def test_unknown_reference_fails_before_writing(db: Database, tmp_path: Path) -> None:
    text = ANNOTATIONS.read_text(encoding="utf-8").replace(
        "organization:interfax", "organization:tass", 1
    )
    with pytest.raises(AnnotationError, match="tass"):
        await load_article(db, _copy_seed(tmp_path, text))
    assert all(not docs for docs in (await _snapshot(db)).values())


async def test_an_entity_in_two_articles_is_one_document_citing_both(
    db: Database, tmp_path: Path
) -> None:
    await load_directory(db)
    before = await db.persons.find_one({"_id": "sergei-kislyak"})
    assert before is not None
    (tmp_path / "second-article.txt").write_text(SECOND_ARTICLE, encoding="utf-8")
    (tmp_path / "second-article.yaml").write_text(SECOND_ANNOTATIONS, encoding="utf-8")
    await load_article(db, tmp_path / "second-article.yaml")
    # Reloading the first article must keep the second one's citations.
    await load_directory(db)

    assert await db.persons.count_documents({"_id": "sergei-kislyak"}) == 1
    person = await db.persons.find_one({"_id": "sergei-kislyak"})
    assert person is not None
    cited = {citation["article"] for citation in person["citations"]}
    assert cited == {"moscow-times-magnitsky-bill", "second-article"}
    assert person["description"] == before["description"]
    assert person["positions"] == before["positions"]
    second = await db.articles.find_one({"_id": "second-article"})
    assert second is not None
    for citation in person["citations"]:
        if citation["article"] == "second-article":
            assert second["body"][citation["start"] : citation["end"]] == citation["quote"]
    assert "Kislyak Meets Press" not in second["body"]
    assert await db.statements.count_documents({"speaker.slug": "sergei-kislyak"}) == (
        await db.statements.count_documents(
            {"citations.article": "moscow-times-magnitsky-bill", "speaker.slug": "sergei-kislyak"}
        )
        + 1
    )


async def test_quote_statements_are_verbatim(db: Database) -> None:
    await load_directory(db)
    article = await db.articles.find_one()
    assert article is not None
    quotes = await db.statements.find({"kind": "QUOTE"}).to_list()
    assert quotes
    for statement in quotes:
        assert statement["text"] in article["body"]


async def test_a_correction_takes_effect_on_reload(db: Database, tmp_path: Path) -> None:
    await load_article(db, _copy_seed(tmp_path))
    text = ANNOTATIONS.read_text(encoding="utf-8")
    start = text.index("  - slug: magnitsky-act")
    corrected = text[:start] + text[start:].replace("      - ENTRY_BAN\n", "", 1)
    await load_article(db, _copy_seed(tmp_path, corrected))
    sanction = await db.sanctions.find_one({"_id": "magnitsky-act"})
    assert sanction is not None
    assert "ENTRY_BAN" not in sanction["kinds"]


async def test_a_renamed_slug_leaves_no_orphan(db: Database, tmp_path: Path) -> None:
    await load_article(db, _copy_seed(tmp_path))
    renamed = (
        ANNOTATIONS.read_text(encoding="utf-8")
        .replace("slug: voice-of-russia", "slug: voice-of-russia-radio")
        .replace("organization:voice-of-russia", "organization:voice-of-russia-radio")
    )
    await load_article(db, _copy_seed(tmp_path, renamed))
    assert await db.organizations.find_one({"_id": "voice-of-russia"}) is None
    assert await db.organizations.find_one({"_id": "voice-of-russia-radio"}) is not None


async def test_one_bad_file_stops_the_whole_directory(db: Database, tmp_path: Path) -> None:
    _copy_seed(tmp_path)
    (tmp_path / "second-article.txt").write_text(SECOND_ARTICLE, encoding="utf-8")
    broken = SECOND_ANNOTATIONS.replace("spoke to reporters", "spoke to the press")
    (tmp_path / "second-article.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(AnnotationError, match=re.escape("second-article.yaml")):
        await load_directory(db, tmp_path)
    assert all(not docs for docs in (await _snapshot(db)).values())


async def test_articles_may_cite_each_other_whatever_their_order(
    db: Database, tmp_path: Path
) -> None:
    _copy_seed(tmp_path)
    # Sorts before the Magnitsky article, yet refers to its sanction.
    (tmp_path / "a-second.txt").write_text(SECOND_ARTICLE, encoding="utf-8")
    (tmp_path / "a-second.yaml").write_text(
        SECOND_ANNOTATIONS.replace("second-article.txt", "a-second.txt"), encoding="utf-8"
    )
    results = await load_directory(db, tmp_path)
    assert [r.article for r in results] == ["second-article", "moscow-times-magnitsky-bill"]
    statement = await db.statements.find_one({"_id": "kislyak-harm-ties"})
    assert statement is not None
    assert statement["about"] == [{"type": "Sanction", "slug": "magnitsky-act"}]


WRITES = frozenset({"insert", "update", "delete"})
COMMIT = "commitTransaction"
# mongod's answer to a killed operation; it carries no TransientTransactionError or
# RetryableWriteError label, so neither with_transaction nor the driver retries it.
INTERRUPTED = 11601
LOADER_APP = "interrupted-seed"


class _Interrupter(CommandListener):
    """Records the loader's commands; cancels ``task`` when the ``stop_at``-th one of
    ``names`` starts, as a killed process would stop there."""

    def __init__(self) -> None:
        self.started_names: list[str] = []
        self.names: frozenset[str] = frozenset()
        self.stop_at = 0  # 0: never
        self.task: asyncio.Task[object] | None = None

    def started(self, event: CommandStartedEvent) -> None:
        self.started_names.append(event.command_name)
        seen = sum(name in self.names for name in self.started_names)
        if self.task is not None and event.command_name in self.names and seen == self.stop_at:
            self.task.cancel()

    def succeeded(self, event: CommandSucceededEvent) -> None:
        pass

    def failed(self, event: CommandFailedEvent) -> None:
        pass

    def writes(self) -> int:
        return sum(name in WRITES for name in self.started_names)


# Where the load stops: after its first write, halfway, before its last write (each
# leaves some writes done and some not), or with every write done and the commit left.
POINTS = ["after-first-write", "halfway", "before-last-write", "at-commit"]


@pytest.mark.parametrize("how", ["fails", "is-cancelled"])
@pytest.mark.parametrize("point", POINTS)
async def test_an_interrupted_load_leaves_nothing_and_a_rerun_equals_a_clean_one(
    mongo_uri: str, db: Database, point: str, how: str
) -> None:
    hello = await db.client.admin.command("hello")
    if "setName" not in hello and hello.get("msg") != "isdbgrid":
        pytest.skip("a standalone server has no transactions; the loader writes without one")
    await ensure_indexes(db)
    listener = _Interrupter()
    client: AsyncMongoClient[Document] = AsyncMongoClient(
        mongo_uri, appname=LOADER_APP, event_listeners=[listener]
    )
    try:
        target = client[db.name]
        await load_directory(target)
        clean = await _snapshot(db)
        total = listener.writes()
        assert total >= 3, f"too few writes to stop between: {listener.started_names}"
        for name in COLLECTIONS:
            await db[name].delete_many({})

        if point == "at-commit":
            listener.names, listener.stop_at = frozenset({COMMIT}), 1
        else:
            done = {"after-first-write": 1, "halfway": total // 2, "before-last-write": total - 1}
            listener.names, listener.stop_at = WRITES, done[point] + 1
        # The server fails the command where the load stops; when the task is cancelled
        # there too, the command may or may not have reached the server, and either way
        # it has no effect, so what the database holds afterwards is determined.
        await db.client.admin.command(
            {
                "configureFailPoint": "failCommand",
                "mode": {"skip": listener.stop_at - 1, "times": 1},
                "data": {
                    "failCommands": sorted(listener.names),
                    "errorCode": INTERRUPTED,
                    "appName": LOADER_APP,
                },
            }
        )
        listener.started_names.clear()
        loading: asyncio.Task[object] = asyncio.create_task(load_directory(target))
        if how == "is-cancelled":
            listener.task = loading
        await asyncio.wait({loading})
        if how == "is-cancelled":
            assert loading.cancelled(), f"the load was not interrupted: {listener.started_names}"
        else:
            assert not loading.cancelled()
            error = loading.exception()
            assert isinstance(error, OperationFailure), (
                f"the load was not interrupted ({error!r}): {listener.started_names}"
            )
            assert error.code == INTERRUPTED
        # It stopped where it was meant to: every write done before a commit, or some of them.
        assert listener.writes() == (total if point == "at-commit" else listener.stop_at)
        # What was written before the interruption went into the transaction, uncommitted.
        assert await _snapshot(db) == {name: [] for name in COLLECTIONS}
    finally:
        await db.client.admin.command({"configureFailPoint": "failCommand", "mode": "off"})
        await client.close()  # ends its sessions, so an open transaction is aborted
    await load_directory(db)
    assert await _snapshot(db) == clean
