"""The scale benchmark, end to end on the smallest corpus: servers, floor, figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import scale
from bench.operations import operations


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
    names = [op.name for op in operations()]
    assert size["load"]["articles"] == 20  # loaded now; the next run would reuse it
    # Every request of every operation was sent to both servers once, whatever the clock:
    # each got an answer from both (none unanswered), and the same answer.
    assert all(size["parameters"][name] for name in names), size["parameters"]
    assert size["differing_answers"] == dict.fromkeys(names, 0)
    assert size["unanswered_checks"] == dict.fromkeys(names, 0)
    rows = size["results"]
    assert [row["operation"] for row in rows] == names
    # The timed runs, by what happened rather than how fast: requests were sent, every
    # one was answered 200 without GraphQL errors, and the servers' own command counts
    # were divided among them. Throughput and latency are the report's, not the test's.
    # (How many requests depends on the clock; at least one per worker that connected
    # before --duration ran out, as bench.scale_drive.drive checks its deadline first.)
    for row in rows:
        for target in ("graphql", "floor"):
            figures = row[target]
            assert figures["requests"] >= 1, row
            assert figures["errors"] == 0, row
            assert figures["first_error"] is None, row
            assert figures["commands_per_request"] >= 1, row
    # A request that failed is None here: None == None must not pass as "the same".
    paged = {op.name for op in operations() if op.page_sizes}
    assert set(size["commands_by_page_size"]) == paged
    for name, (small, full) in size["commands_by_page_size"].items():
        assert small is not None, name
        assert small == full, name
    assert size["peak_rss_mb"]["graphql"] > 0
    assert "| node(id) | 2 |" in report_md.read_text()


def test_size_l_is_refused_on_the_embedded_database(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("MONGODB_URI", raising=False)
    with pytest.raises(SystemExit) as exit_:
        scale.main(["--size", "L"])
    assert exit_.value.code == 2
    assert "MONGODB_URI" in capsys.readouterr().err
