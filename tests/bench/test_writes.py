"""The write benchmark's measurements, end to end on a tiny corpus: the API started with
its own admin key, an editor's writes, and the reads beside them."""

from __future__ import annotations

from pathlib import Path

from bench import writes
from bench.corpus import Corpus, Size, load_corpus
from bench.operations import Operation, operations, parameters
from model.store import Database

TINY = Size(
    articles=3, persons=30, organizations=6, events_per_article=3, statements_per_article=10
)


async def test_editors_write_and_readers_read_without_an_error(
    db: Database, mongo_uri: str, tmp_path: Path
) -> None:
    corpus = Corpus(TINY, seed=1)
    await load_corpus(db, corpus)
    chosen = await parameters(db, corpus)
    ops = [
        Operation(op.name, op.query, op.floor_path, chosen[op.name])
        for op in operations()
        if op.name in writes.READS
    ]
    args = writes.arguments(
        [
            *("--concurrency", "1", "2", "--rounds", "1", "--warmup", "0.1"),
            *("--duration", "0.5", "--read-duration", "0.5"),
        ]
    )
    report = await writes.measure(args, {"database": db.name}, ops, mongo_uri, tmp_path)
    # By what happened rather than how fast: every write and read sent was answered
    # without an error of any kind (at least one per worker: drive checks its deadline
    # before the first), and each createStatement was one transaction.
    assert [row["concurrency"] for row in report["writes"]] == [1, 2]
    for row in report["writes"]:
        assert row["requests"] >= 1, row
        assert row["failures"] == {}, row
        assert row["commands_per_mutation"]["commitTransaction"]["count"] == 1, row
    for part in ("alone", "writing", "editor"):
        assert report["reads"][part]["requests"] >= 1, report["reads"][part]
        assert report["reads"][part]["failures"] == {}, report["reads"][part]
    assert report["server_log"] == {"tracebacks": 0, "without_transactions": False}
    # The writes are there, under the editor's name: statements of both kinds, and persons.
    authors = await db.revisions.distinct("author", {"author": {"$ne": "seed"}})
    assert len(authors) == 1
    assert authors[0].startswith("bench-editor-")
    written = await db.revisions.find({"author": authors[0]}, {"node": 1}).to_list()
    nodes = [doc["node"].split(":", 1) for doc in written]
    made = [slug for kind, slug in nodes if kind == "Statement"]
    kinds = await db.statements.distinct("kind", {"_id": {"$in": made}})
    assert sorted(kinds) == ["PARAPHRASE", "QUOTE"]
    assert any(kind == "Person" for kind, _ in nodes)
