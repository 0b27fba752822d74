"""The embedded SecantusDB server, run as a child process.

SecantusDB is GPL-2.0, so it is kept at arm's length: started as a separate
program (``python -m secantus``) and spoken to only over the wire protocol.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO

from pymongo import MongoClient
from pymongo.errors import PyMongoError


class EmbeddedServerError(RuntimeError):
    """The embedded database could not be started."""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class EmbeddedMongo:
    """A SecantusDB child process on a loopback port; ``storage`` ':memory:' is ephemeral."""

    def __init__(
        self,
        storage: Path | str,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        start_timeout_s: float = 30.0,
        extra_args: Sequence[str] = (),
    ) -> None:
        self.storage = storage
        self.host = host
        self.port = port or free_port(host)
        self.start_timeout_s = start_timeout_s
        self.extra_args = tuple(extra_args)
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def uri(self) -> str:
        return f"mongodb://{self.host}:{self.port}/?directConnection=true"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def returncode(self) -> int | None:
        """The exit code of a child that has exited (negative: killed by that signal)."""
        return self._process.poll() if self._process is not None else None

    def restart(self) -> None:
        """Start again on the same port and storage, after a death or a stop."""
        self.stop()
        self.start()

    def start(self) -> None:
        if self.running:
            return
        if importlib.util.find_spec("secantus") is None:
            raise EmbeddedServerError(
                "SecantusDB is not installed: set MONGODB_URI, or install the 'embedded' "
                "extra (pip install '.[embedded]'; make run does)"
            )
        storage = str(self.storage)
        if storage != ":memory:":
            Path(storage).mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable,
            "-m",
            "secantus",
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--storage-path",
            storage,
            "--log-level",
            "WARNING",
            *self.extra_args,
        ]
        # A file, not a pipe: an unread pipe would block the server once full.
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the process
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout_s
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                code = self._process.returncode
                output = self._output()
                self.stop()
                raise EmbeddedServerError(f"SecantusDB exited with code {code}: {output}")
            try:
                with MongoClient[dict[str, object]](
                    self.uri, serverSelectionTimeoutMS=250
                ) as client:
                    client.admin.command("ping")
                return
            except PyMongoError:
                time.sleep(0.1)
        self.stop()
        raise EmbeddedServerError(
            f"SecantusDB did not answer on {self.host}:{self.port} "
            f"within {self.start_timeout_s:.0f}s"
        )

    def stop(self, timeout_s: float = 10.0, *, crash: bool = False) -> None:
        """Stop the server: cleanly, or (``crash``) with SIGKILL, as a failure would."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            if crash:
                process.kill()
            else:
                process.terminate()
            try:
                process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log, self._log = self._log, None
        if log is not None:
            with contextlib.suppress(OSError):
                log.close()

    def _output(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        return self._log.read()[-2000:].decode(errors="replace")

    def __enter__(self) -> EmbeddedMongo:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
