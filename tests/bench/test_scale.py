"""The scale benchmark, end to end on the smallest corpus: servers, floor, figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import scale


def test_a_run_measures_every_operation_against_the_floor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MONGODB_URI", raising=False)  # its own embedded database
    report_json, report_md = tmp_path / "scale.json", tmp_path / "scale.md"
    # The exit code says whether the targets were met: not this test's business.
    scale.main(
        [
            "--size",
            "XS",
            "--duration",
            "0.5",
            "--warmup",
            "0.1",
            "--concurrency",
            "2",
            "--data-dir",
            str(tmp_path / "data"),
            "--json",
            str(report_json),
            "--markdown",
            str(report_md),
        ]
    )
    report = json.loads(report_json.read_text())
    size = report["sizes"]["XS"]
    assert size["load"]["articles"] == 20  # loaded now; the next run would reuse it
    assert set(size["differing_answers"].values()) == {0}
    assert set(size["unanswered_checks"].values()) == {0}
    rows = size["results"]
    assert [row["operation"] for row in rows] == [op.name for op in scale.operations()]
    for row in rows:
        for target in ("graphql", "floor"):
            assert row[target]["errors"] == 0, row
            assert row[target]["rps"] > 0, row
            assert row[target]["commands_per_request"] >= 1, row
    for small, full in size["commands_by_page_size"].values():
        assert small == full
    assert size["peak_rss_mb"]["graphql"] > 0
    assert "| node(id) | 2 |" in report_md.read_text()
