"""The response cache benchmark, end to end on the smallest corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import cache


def test_a_run_measures_warm_cold_and_staleness(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MONGODB_URI", raising=False)  # its own embedded databases
    report_json, report_md = tmp_path / "cache.json", tmp_path / "cache.md"
    # The exit code says whether the targets were met: not this test's business.
    cache.main(
        [
            *("--size", "XS", "--duration", "0.5", "--warmup", "0.2", "--concurrency", "2"),
            *("--writes", "2", "--rounds", "1", "--data-dir", str(tmp_path / "data")),
            *("--json", str(report_json), "--markdown", str(report_md)),
        ]
    )
    data = json.loads(report_json.read_text())
    report = data["report"]
    assert report["differing_answers"] == 0
    rows = report["results"]
    assert [row["operation"] for row in rows] == cache.OPERATIONS
    for row in rows:
        for target in ("floor", "uncached", "cold", "warm"):
            assert row[target]["requests"] > 0
            assert row[target]["errors"] == 0, row[target]["first_error"]
        assert row["cold"]["hit_ratio"] == 0  # every question new
        assert row["warm"]["hit_ratio"] > 0.5  # the same few, again and again
    assert 0 < report["cache"]["bytes"] <= report["cache_max_bytes"]
    staleness = report["staleness"]
    assert staleness["unseen"] == 0
    assert len(staleness["delays_ms"]) == 2
    assert "| target | value | passed |" in report_md.read_text()
