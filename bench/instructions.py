"""Instructions per request, counted by valgrind: the GraphQL layer's cost without the
noise of a shared machine.

On the 2-core development VM the same timing varies by up to 2x from run to run;
callgrind's instruction counts repeat within 0.1 %. For each operation of the scale
benchmark this runs the API and the floor in process (httpx's ASGI transport: no
sockets, no uvicorn) under callgrind twice, for a few and for more requests, and
reports the difference per request: start-up cancels out, and the database, another
process, is not counted. A bare ASGI app measured the same way gives the client's
share, which is subtracted. When the server process is what limits throughput, API /
floor instructions is about the inverse of the throughput ratio ``bench.scale`` measures.

    python -m bench.instructions --size S --operation node --operation "person page"
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from starlette.types import Receive, Scope, Send

from api.app import create_app
from api.settings import Settings
from bench.floor import create_floor_app
from bench.operations import Operation, prepare
from bench.process import ROOT, UNCACHED, database_uri

TARGETS = ("api", "floor")
_COLLECTED = re.compile(r"Collected : (\d+)")


async def bare_app(scope: Scope, receive: Receive, send: Send) -> None:
    """The least an ASGI app can do: the client's and the transport's share."""
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


def requester(
    target: str, op: Operation, client: httpx.AsyncClient
) -> Callable[[int], Awaitable[None]]:
    """The target's requests, checked without decoding them (the client's work must not
    depend on the answer's size)."""

    async def request(i: int) -> None:
        variables = op.variables[i % len(op.variables)]
        if target == "api":
            response = await client.post(
                "/graphql", json={"query": op.query, "variables": variables}
            )
        else:
            response = await client.get(op.floor_query(variables))
        if response.status_code != 200 or b'"errors"' in response.content:
            # a failing request would be counted as a cheap one
            raise SystemExit(f"{target} {op.name}: {response.status_code} {response.text[:300]}")

    return request


async def serve(
    target: str, op: Operation, requests: int, settings: Settings, *, bare: bool = False
) -> None:
    """``requests`` of the target's requests, to the target, or to ``bare_app`` (the same
    requests and client work, no server work: what is subtracted)."""
    app: Any = bare_app if bare else (create_app if target == "api" else create_floor_app)(settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        _lifespan(app),
        httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
    ):
        request = requester(target, op, client)
        for i in range(requests):
            await request(i)


def _lifespan(app: Any) -> Any:
    router = getattr(app, "router", None)
    return router.lifespan_context(app) if router else contextlib.nullcontext()


def count(target: str, spec: Path, requests: int, uri: str, database: str, *, bare: bool) -> int:
    """Instructions callgrind counts for a whole worker process serving ``requests``."""
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        "-m",
        "bench.instructions",
        "--worker",
        target,
        "--spec",
        str(spec),
        "--serve",
        str(requests),
        *(["--bare"] if bare else []),
    ]
    environment = {
        **os.environ,
        **UNCACHED,
        "MONGODB_URI": uri,
        "MONGODB_DATABASE": database,
        "PYTHONHASHSEED": "0",  # the same dict and set layouts in every run
    }
    done = subprocess.run(command, capture_output=True, text=True, env=environment, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"{target} under valgrind failed: {done.stderr[-2000:]}")
    return collected(done.stderr)


def collected(valgrind_output: str) -> int:
    found = _COLLECTED.findall(valgrind_output)
    if not found:
        raise ValueError("callgrind reported no instruction count")
    return int(found[-1])


def server_share(target: str, spec: Path, few: int, more: int, uri: str, database: str) -> float:
    """Instructions per request of the target, less those of the same requests to a bare app."""
    shares = []
    for bare in (False, True):
        counted = [count(target, spec, n, uri, database, bare=bare) for n in (few, more)]
        shares.append((counted[1] - counted[0]) / (more - few))
    return shares[0] - shares[1]


def measure(args: argparse.Namespace) -> None:
    with database_uri(args.data_dir, args.size) as (uri, _described):
        report, ops = asyncio.run(prepare(args.size, args.seed, uri, args.operation))
        database = report["database"]
        with tempfile.TemporaryDirectory(prefix="dossier-instructions-") as tmp:
            few, more = args.requests
            specs: dict[str, Path] = {}
            for op in ops:
                specs[op.name] = Path(tmp) / f"{len(specs)}.json"
                specs[op.name].write_text(json.dumps(op.__dict__))
            for op in ops:
                api, floor = (
                    server_share(target, specs[op.name], few, more, uri, database)
                    for target in TARGETS
                )
                print(
                    f"{op.name:45s} API {api / 1e6:7.2f} M  floor {floor / 1e6:7.2f} M"
                    f"  API / floor {api / floor:5.2f}"
                )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.instructions", description=__doc__)
    parser.add_argument("--size", default="S")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--operation", action="append", help="name prefix (repeatable)")
    parser.add_argument("--requests", type=int, nargs=2, default=[10, 40], metavar=("FEW", "MORE"))
    parser.add_argument("--data-dir", type=Path, default=ROOT / ".data" / "bench")
    parser.add_argument("--worker", choices=TARGETS, help=argparse.SUPPRESS)
    parser.add_argument("--spec", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--bare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        op = Operation(**json.loads(args.spec.read_text()))
        settings = Settings(database_timeout_ms=3_600_000)
        asyncio.run(serve(args.worker, op, args.serve, settings, bare=args.bare))
        return 0
    if shutil.which("valgrind") is None:
        raise SystemExit("bench.instructions needs valgrind (Debian: apt-get install valgrind)")
    few, more = args.requests
    if not 0 < few < more:
        raise SystemExit("--requests FEW MORE: 0 < FEW < MORE")
    measure(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
