"""The goodput benchmark, end to end on the smallest corpus: both servers with two
workers, the sweep and the mix, every outcome counted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import goodput

KNOWN = {"OVERLOADED", "TIMEOUT"}


def test_a_run_sweeps_the_concurrency_and_measures_node_beside_the_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MONGODB_URI", raising=False)  # its own embedded database
    report_json, report_md = tmp_path / "goodput.json", tmp_path / "goodput.md"
    # The exit code says whether the targets were met: not this test's business.
    goodput.main(
        [
            "--size",
            "XS",
            "--concurrency",
            "1",
            "3",
            "--duration",
            "0.5",
            "--warmup",
            "0.1",
            "--data-dir",
            str(tmp_path / "data"),
            "--json",
            str(report_json),
            "--markdown",
            str(report_md),
        ]
    )
    data = json.loads(report_json.read_text())
    report = data["report"]
    assert data["workers"] == 2
    assert [row["concurrency"] for row in report["sweep"]] == [1, 3]
    for row in report["sweep"]:
        for target in ("api", "floor"):
            figures = row[target]
            # At least one answer per connection that started before the deadline; what
            # did not count is one of the outcomes the report names.
            assert figures["answered"] >= 1, row
            assert figures["p99_ms"] is not None, row
            assert set(figures["outcomes"]) <= KNOWN | {"HTTP 500"}, row
        assert not any(kind.startswith("HTTP") for kind in row["api"]["outcomes"]), row
    mix = report["mix"]
    assert mix["concurrency"] == 3
    assert mix["api"]["node"]["answered"] >= 1
    assert mix["api"]["node"]["outcomes"] == {}  # node(id) is never refused beside pages
    for alone in (mix["database_quiet"], mix["database_beside_pages"]):
        assert alone["reads"] >= 2
        assert alone["p99_ms"] is not None
    assert [check["target"].split(" ")[0] for check in data["targets"]] == [
        "goodput",
        "TIMEOUTs",
        "p99",
        "node(id)",
    ]
    text = report_md.read_text()
    assert "### Mix: node(id) from 2 connections beside c=3" in text
    assert "The database alone: the documents `node(id)` reads" in text
