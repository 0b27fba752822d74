"""SIGTERM: the server finishes, closes the database client and stops the embedded server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from api.embedded import free_port


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        found.update(int(child) for child in children)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_sigterm_stops_the_server_and_its_embedded_database(tmp_path: Path) -> None:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "MONGODB_URI"} | {
        "PORT": str(port),
        "DATA_DIR": str(tmp_path),
        "LOG_LEVEL": "info",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "api"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, "the server exited at start"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server never became ready"
            time.sleep(0.2)
        answer = httpx.post(
            f"http://127.0.0.1:{port}/graphql", json={"query": "{ articles { totalCount } }"}
        )
        assert answer.json() == {"data": {"articles": {"totalCount": 1}}}
        database = _children(server.pid)
        assert database, "the embedded database runs as a child process"

        server.send_signal(signal.SIGTERM)
        # uvicorn shuts down gracefully, then re-raises the signal it caught.
        assert server.wait(timeout=30) in (0, -signal.SIGTERM)
        output = server.stdout.read().decode() if server.stdout else ""
        assert "Application shutdown complete" in output
        time.sleep(0.5)
        assert not any(_alive(pid) for pid in database), "the embedded database was left running"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        if server.stdout:
            server.stdout.close()
