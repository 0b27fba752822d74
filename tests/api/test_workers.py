"""``python -m api`` with several workers: one embedded database shared by all, seeded
once, and ``/metrics`` adding up every worker's requests, whichever worker answers."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from prometheus_client.mmap_dict import MmapedDict

from api.embedded import free_port
from tests.api.test_shutdown import PATIENCE_S, Output, _alive, _children, wait_until_ready

QUERY = {"query": "query Counted { articles { totalCount } }", "operationName": "Counted"}
COUNTED = re.compile(r'^dossier_requests_total\{operation="Counted",outcome="ok"\} (\S+)$', re.M)
CACHE_ASKED = re.compile(r"^dossier_response_cache_(?:hits|misses)_total (\S+)$", re.M)


def _descendants(pid: int) -> set[int]:
    found = set()
    for child in _children(pid):
        found |= {child, *_descendants(child)}
    return found


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


def _pids_that_counted(metrics_dir: Path) -> set[str]:
    """The workers that have counted a ``Counted`` request (each writes its own
    counter_<pid>.db)."""
    return {
        path.stem.split("_")[-1]
        for path in metrics_dir.glob("counter_*.db")
        if any(
            '"Counted"' in key and value > 0
            for key, value, *_ in MmapedDict.read_all_values_from_file(str(path))  # type: ignore[no-untyped-call]
        )
    }


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_two_workers_share_one_embedded_database_and_their_metrics_add_up(
    tmp_path: Path,
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    metrics_dir = tmp_path / "metrics"
    env = {key: value for key, value in os.environ.items() if key != "MONGODB_URI"} | {
        "PORT": str(port),
        "DATA_DIR": str(tmp_path / "data"),
        "WEB_CONCURRENCY": "2",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "LOG_LEVEL": "info",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "api"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its workers and database go with it when a check fails
    )
    assert server.stdout is not None
    output = Output(server.stdout)
    try:
        wait_until_ready(server, url, output)
        processes = {pid: _command(pid) for pid in _descendants(server.pid)}
        databases = [pid for pid, command in processes.items() if "-m secantus" in command]
        workers = [pid for pid, command in processes.items() if "spawn_main" in command]
        assert len(databases) == 1, processes
        assert len(workers) == 2, processes

        # Requests from several connections at once, until both workers have answered.
        sent = 0
        deadline = time.monotonic() + PATIENCE_S
        with ThreadPoolExecutor(max_workers=8) as pool:
            while len(_pids_that_counted(metrics_dir)) < 2:
                assert time.monotonic() < deadline, "one worker answered every request"
                answers = list(
                    pool.map(lambda _: httpx.post(f"{url}/graphql", json=QUERY), range(16))
                )
                sent += len(answers)
                for answer in answers:
                    # Seeded once, by the parent: the one seed article, whichever worker.
                    assert answer.json() == {"data": {"articles": {"totalCount": 1}}}
        assert _pids_that_counted(metrics_dir) <= {str(pid) for pid in workers}

        for _ in range(4):  # every worker's /metrics says the same total
            counted = COUNTED.search(httpx.get(f"{url}/metrics").text)
            assert counted is not None
            assert float(counted.group(1)) == sent

        # The response cache's figures add up too: each read is one hit or one miss.
        asked = 12
        for _ in range(asked):
            answer = httpx.get(f"{url}/graphql", params=QUERY)
            assert answer.json() == {"data": {"articles": {"totalCount": 1}}}
        figures = httpx.get(f"{url}/metrics").text
        assert sum(float(value) for value in CACHE_ASKED.findall(figures)) == sent + asked, figures

        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=PATIENCE_S) in (0, -signal.SIGTERM)
        log = output.close()
        assert log.count("Application shutdown complete") == 2, log[-3000:]
        # The parent loaded the seed before the workers started; they did not load it.
        loads = [line for line in log.splitlines() if "loaded article" in line]
        assert len(loads) == 1, loads
        assert log.index("loaded article") < log.index("Started parent process")
        time.sleep(0.5)
        assert not any(_alive(pid) for pid in processes), "a worker or the database was left"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)  # workers hold the pipe open until they go
        server.wait()
        output.close()
        server.stdout.close()
