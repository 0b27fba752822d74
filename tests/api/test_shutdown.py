"""SIGTERM: the server finishes its requests, closes the database client and stops the
embedded server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

import httpx
import pytest
from pymongo import MongoClient

from api.embedded import EmbeddedMongo, free_port

# Bounds only a loop that waits for something to happen, so that it cannot hang.
PATIENCE_S = 60.0


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


class Output:
    """A child's output, read as it comes: a full pipe would block the child."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._lines: list[str] = []
        self._closed = False
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._reader.start()

    def _read(self, stream: IO[bytes]) -> None:
        for line in stream:
            with self._changed:
                self._lines.append(line.decode(errors="replace"))
                self._changed.notify_all()
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def text(self) -> str:
        with self._changed:
            return "".join(self._lines)

    def wait_for(self, words: str) -> None:
        with self._changed:
            self._changed.wait_for(
                lambda: self._closed or any(words in line for line in self._lines), PATIENCE_S
            )
        assert words in self.text(), f"never logged {words!r}:\n{self.text()[-3000:]}"

    def close(self) -> str:
        """Everything, once the child has closed its end."""
        self._reader.join(PATIENCE_S)
        return self.text()


def finds(admin: MongoClient[dict[str, Any]], database: str) -> tuple[int, int]:
    """(finds that reached the server, finds it has answered on ``database``).

    ``serverStatus`` counts a command on arrival, before a failpoint holds it; ``top``
    counts it once it has run. Only the API sends finds here.
    """
    status = admin.admin.command("serverStatus")
    top = admin.admin.command("top")
    answered = sum(
        counts["queries"]["count"]
        for namespace, counts in top["totals"].items()
        if namespace.startswith(f"{database}.")
    )
    return int(status["opcounters"]["query"]), int(answered)


def wait_until_ready(
    server: subprocess.Popen[bytes], url: str, output: Output | None = None
) -> None:
    """Poll ``/readyz`` until it answers 200; a server that exits first fails at once."""
    deadline = time.monotonic() + PATIENCE_S
    while True:
        assert server.poll() is None, "the server exited at start" + (
            f":\n{output.text()}" if output else ""
        )
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "the server never became ready"
        time.sleep(0.2)


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
        url = f"http://127.0.0.1:{port}"
        wait_until_ready(server, url)
        answer = httpx.post(f"{url}/graphql", json={"query": "{ articles { totalCount } }"})
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


def test_sigterm_lets_a_request_held_at_the_database_finish(tmp_path: Path) -> None:
    """A request in flight when SIGTERM comes gets its complete answer; then the server exits.

    The request's find is held at the database (failCommand blockConnection) from before
    the signal until after the shutdown has begun, as the database's own counters and the
    server's log show; so without a grace period it would be cut off.
    """
    # Under uvicorn's grace period (10 s, api/__main__.py), with room for the rest.
    block_ms = 5_000
    database = EmbeddedMongo(":memory:", extra_args=["--enable-test-commands"])
    database.start()
    admin: MongoClient[dict[str, Any]] = MongoClient(database.uri)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = os.environ | {
        "MONGODB_URI": database.uri,
        "MONGODB_DATABASE": "shutdown",
        "DATABASE_TIMEOUT_MS": "30000",  # longer than the block: the grace period is the limit
        "PORT": str(port),
        "DATA_DIR": str(tmp_path),
        "LOG_LEVEL": "info",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "api"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    assert server.stdout is not None
    output = Output(server.stdout)
    try:
        wait_until_ready(server, url, output)

        # The next find of the API (its driver's appname is "dossier"), not the test's.
        admin.admin.command(
            {
                "configureFailPoint": "failCommand",
                "mode": {"times": 1},
                "data": {
                    "appName": "dossier",
                    "failCommands": ["find"],
                    "blockConnection": True,
                    "blockTimeMS": block_ms,
                },
            }
        )
        arrived, answered = finds(admin, "shutdown")
        query = {"query": "{ articles { totalCount } }"}
        with ThreadPoolExecutor(max_workers=1) as pool:
            answer = pool.submit(httpx.post, f"{url}/graphql", json=query, timeout=PATIENCE_S)
            deadline = time.monotonic() + PATIENCE_S
            while finds(admin, "shutdown")[0] == arrived:
                assert time.monotonic() < deadline, "the request's find never arrived"
                time.sleep(0.02)
            # Held: arrived at the database, not answered there, no answer to the client.
            assert finds(admin, "shutdown") == (arrived + 1, answered)
            assert not answer.done()

            server.send_signal(signal.SIGTERM)
            output.wait_for("Shutting down")
            # The shutdown has begun and the request is still held at the database.
            assert finds(admin, "shutdown") == (arrived + 1, answered)
            assert not answer.done()

            response = answer.result()
        assert response.status_code == 200, response.text
        assert response.json() == {"data": {"articles": {"totalCount": 1}}}
        assert finds(admin, "shutdown") == (arrived + 1, answered + 1)

        assert server.wait(timeout=PATIENCE_S) in (0, -signal.SIGTERM)
        log = output.close()
        assert "Application shutdown complete" in log
        assert "timeout graceful shutdown exceeded" not in log
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        output.close()  # before closing the pipe its reader reads
        server.stdout.close()
        admin.close()
        database.stop()
