"""The processes the benchmarks run, started as a user would, measured and stopped.

``bench.load``, ``bench.scale`` and ``bench.writes`` start ``python -m api`` (and
``python -m bench.floor``) with ``start_server``, wait for it with ``wait_ready``, read its
memory from ``/proc`` and stop it with ``stop_server``; ``bench.scale``,
``bench.instructions`` and ``bench.writes`` take the database of a corpus size from
``database_uri``. Free ports come from ``api.embedded.free_port``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import FrameType
from typing import Any

import httpx

from api.embedded import EmbeddedMongo

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent
# What a user runs in production (docker-compose.yml), but the database.
PRODUCTION = {
    "SEED_ON_START": "false",
    "GRAPHIQL": "false",
    "INTROSPECTION": "false",
    "LOG_LEVEL": "info",
}
# The scale, write and instruction benchmarks measure the work each request does, so the
# API runs there without its response cache (bench.cache measures it, warm and cold).
UNCACHED = {**PRODUCTION, "RESPONSE_CACHE_MAX_BYTES": "0"}


def start_server(
    port: int,
    data_dir: Path,
    log: Any,
    *,
    module: str = "api",
    environment: Mapping[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """``python -m <module>`` on ``port``, configured as a user would, ``environment`` last."""
    env = {
        **os.environ,  # MONGODB_URI, when set, passes through
        "HOST": HOST,
        "PORT": str(port),
        "DATA_DIR": str(data_dir),
        "MONGODB_DATABASE": "bench",
        "LOG_LEVEL": "warning",
        "GRAPHIQL": "false",
        "PYTHONUNBUFFERED": "1",
        **(environment or {}),
    }
    # Own session: a Ctrl-C reaches only this script, which then stops the server in order.
    return subprocess.Popen(
        [sys.executable, "-m", module],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


async def wait_ready(
    port: int,
    server: subprocess.Popen[bytes],
    *,
    path: str = "/readyz",
    timeout_s: float = 60.0,
    name: str = "the server",
) -> None:
    """Until ``GET path`` answers 200 (loopback, no proxies); an error if the server exits
    or ``timeout_s`` passes first."""
    deadline = time.monotonic() + timeout_s
    async with httpx.AsyncClient(base_url=f"http://{HOST}:{port}", trust_env=False) as client:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise RuntimeError(f"{name} exited with code {server.returncode} at start")
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(path, timeout=2)).status_code == 200:
                    return
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{name} was not ready within {timeout_s:g} s")


def process_tree(pid: int) -> list[int]:
    """The process and its descendants, from /proc/<pid>/task/*/children."""
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        for children in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                todo.extend(int(child) for child in children.read_text().split())
    return pids


def rss_mb(pid: int) -> float:
    """VmRSS summed over the process tree, in MB."""
    total_kb = 0
    for member in process_tree(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
    return total_kb / 1024


def peak_rss_mb(pid: int) -> float:
    """The largest peak resident set (VmHWM) of the process and its descendants (a
    server's worker processes), in MB."""
    peaks = [0]
    for member in process_tree(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]))
    return round(max(peaks) / 1024, 1)


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) the process has used so far, from /proc/<pid>/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_of(pid: int) -> dict[int, bytes]:
    """The descendants' command lines, to stop them should the server die before them."""
    found = {}
    for child in process_tree(pid)[1:]:
        with contextlib.suppress(OSError):
            found[child] = Path(f"/proc/{child}/cmdline").read_bytes()
    return found


def stop_server(server: subprocess.Popen[bytes], children: dict[int, bytes]) -> None:
    """SIGTERM, then SIGKILL after 15 s; then the ``children`` (from ``children_of``)."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    # A server that crashed or was killed leaves its embedded database running: stop it,
    # if the pid still runs the same command (no reuse).
    for pid, cmdline in children.items():
        with contextlib.suppress(OSError):
            if Path(f"/proc/{pid}/cmdline").read_bytes() == cmdline:
                os.kill(pid, signal.SIGKILL)


def log_tail(path: Path, chars: int = 3000) -> str:
    """The end of a server's log, to show why it failed."""
    return path.read_text(errors="replace")[-chars:]


def interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGTERM stops a benchmark as Ctrl-C does: through the finally that stops its servers."""
    raise KeyboardInterrupt


@contextlib.contextmanager
def database_uri(
    data_dir: Path, size: str, *, copy_to: Path | None = None
) -> Iterator[tuple[str, str]]:
    """``MONGODB_URI`` when set, else an embedded SecantusDB of the size's own (its data
    under ``data_dir/<size>``, kept for the next run), started and stopped here.

    ``copy_to``: the embedded database runs on a copy of the size's files made there, so
    that a benchmark that writes leaves the corpus as it was loaded (``MONGODB_URI`` is
    written into as it is)."""
    uri = os.environ.get("MONGODB_URI")
    if uri:
        yield uri, "MONGODB_URI"
        return
    storage = data_dir / size / "db"
    if copy_to is not None:
        shutil.copytree(storage, copy_to)
        storage = copy_to
    with EmbeddedMongo(storage, start_timeout_s=300) as embedded:
        yield embedded.uri, "embedded SecantusDB"
