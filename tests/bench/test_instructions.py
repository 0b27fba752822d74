"""The instruction counter: what it runs under valgrind serves real answers, and its
reading of callgrind's report."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import pytest

from api.settings import Settings
from bench import instructions
from bench.operations import prepare
from bench.process import database_uri


def test_the_count_is_read_from_callgrinds_report() -> None:
    report = "==12== Events    : Ir\n==12== Collected : 4606995123\n==12==\n==12== I   refs:"
    assert instructions.collected(report) == 4606995123
    with pytest.raises(ValueError, match="no instruction count"):
        instructions.collected("valgrind: command not found")


def test_every_target_serves_the_operations_and_refuses_to_count_failures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workers valgrind runs, run directly: each request must succeed, since a
    failed one would be counted as a cheap answer."""
    monkeypatch.delenv("MONGODB_URI", raising=False)  # its own embedded database
    with database_uri(tmp_path / "data", "XS") as (uri, _described):
        report, ops = asyncio.run(prepare("XS", 1, uri, ["node", "person page"]))
        settings = Settings(mongodb_uri=uri, mongodb_database=report["database"])
        assert [op.name for op in ops] == ["person page", "node(id)"]
        for op in ops:
            for target in instructions.TARGETS:
                for bare in (False, True):
                    asyncio.run(instructions.serve(target, op, 3, settings, bare=bare))
        broken = dataclasses.replace(ops[1], variables=[{"id": "not a node id"}])
        with pytest.raises(SystemExit, match="api node"):
            asyncio.run(instructions.serve("api", broken, 1, settings))
