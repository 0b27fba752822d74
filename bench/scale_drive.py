"""Driving the scale benchmark: one size's servers started, their answers compared, each
operation sent at each concurrency, and the figures measured (throughput, latency,
database commands, peak memory). The tables and targets are ``bench.scale_report``'s.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pymongo.errors import PyMongoError

from api.database import create_client
from api.embedded import free_port
from api.settings import Settings
from bench.operations import POPULAR, Operation, prepare
from bench.process import HOST, UNCACHED, peak_rss_mb, start_server, stop_server, wait_ready
from bench.scale_report import line_of
from bench.stats import percentile
from model.names import PERSONS

REQUEST_TIMEOUT_S = 30.0


# ---------------------------------------------------------------------------------------
# A minimal HTTP/1.1 client: the load generator must cost less than what it measures


def graphql_request(
    port: int, query: str, variables: dict[str, Any], headers: Mapping[str, str] | None = None
) -> bytes:
    body = json.dumps({"query": query, "variables": variables}).encode()
    extra = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
    head = (
        f"POST /graphql HTTP/1.1\r\nHost: {HOST}:{port}\r\n{extra}"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def get_request(port: int, path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n\r\n".encode()


async def exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bytes]:
    writer.write(request)
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("the server closed the connection")
    status = int(status_line.split()[1])
    length = None
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length is None:
        raise ConnectionError("a response without Content-Length")
    return status, await reader.readexactly(length)


async def fetch(port: int, request: bytes) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        return await asyncio.wait_for(exchange(reader, writer, request), REQUEST_TIMEOUT_S)
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


# Why a response does not count as answered (None: it does), from its status and body.
Failure = Callable[[int, bytes], str | None]


def failure_of(status: int, body: bytes) -> str | None:
    """A read counts when it is a 200 without GraphQL errors."""
    if status != 200:
        return f"HTTP {status}"
    return "GraphQL errors" if b'"errors"' in body else None


@dataclass
class Run:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str | None = None
    seconds: float = 0.0
    failures: Counter[str] = field(default_factory=Counter)  # errors by what ``Failure`` said
    # The latencies of the answers that did not count, by kind (how fast a refusal is).
    failure_latencies_ms: dict[str, list[float]] = field(default_factory=dict)

    def failed(self, kind: str, detail: str, latency_ms: float | None = None) -> None:
        self.errors += 1
        self.failures[kind] += 1
        self.first_error = self.first_error or detail
        if latency_ms is not None:
            self.failure_latencies_ms.setdefault(kind, []).append(latency_ms)

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies_ms)
        return {
            "requests": len(ordered) + self.errors,
            "rps": round(len(ordered) / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": percentile(ordered, 0.50),
            "p99_ms": percentile(ordered, 0.99),
            "errors": self.errors,
            "first_error": self.first_error,
        }


async def drive(
    port: int,
    requests: list[bytes] | Iterator[bytes],
    concurrency: int,
    seconds: float,
    *,
    rate: float | None = None,
    failure: Failure = failure_of,
) -> Run:
    """Each worker sends requests on its own connection until the time is up; a request
    under way when it is up still counts. From a list, each worker goes round it from its
    own offset; from an iterator (writes, each one different), each takes the next one.
    ``rate``: so many requests per second in all, on a fixed schedule whose turns the
    workers take in rotation (a slow answer delays its own worker's next turn only, and a
    worker that fell behind catches up); None: each worker sends as soon as its last
    request is answered."""
    run = Run()
    began = time.perf_counter()
    deadline = began + seconds

    async def worker(offset: int) -> None:
        reader, writer = await asyncio.open_connection(HOST, port)
        index = turn = offset
        try:
            while time.perf_counter() < deadline:
                if rate is not None:
                    due, turn = began + turn / rate, turn + concurrency
                    await asyncio.sleep(min(due, deadline) - time.perf_counter())
                    if time.perf_counter() >= deadline:
                        break
                if isinstance(requests, list):
                    request = requests[index % len(requests)]
                else:
                    request = next(requests)
                index += 1
                started = time.perf_counter()
                try:
                    status, body = await asyncio.wait_for(
                        exchange(reader, writer, request), REQUEST_TIMEOUT_S
                    )
                except (TimeoutError, OSError, ConnectionError, ValueError) as exc:
                    run.failed("no response", repr(exc))
                    writer.close()
                    reader, writer = await asyncio.open_connection(HOST, port)
                    continue
                kind = failure(status, body)
                latency_ms = (time.perf_counter() - started) * 1000
                if kind is not None:
                    run.failed(kind, f"{status} {body[:300]!r}", latency_ms)
                else:
                    run.latencies_ms.append(latency_ms)
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker(offset) for offset in range(concurrency)))
    run.seconds = time.perf_counter() - started
    return run


# ---------------------------------------------------------------------------------------
# Server-side figures


def metric_sum(text: str, name: str) -> float:
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith(name) and not line.startswith("#")
    )


async def commands_sent(target: str, port: int) -> float:
    """Database commands the server has sent so far, from its command monitoring."""
    if target == "graphql":
        _, body = await fetch(port, get_request(port, "/metrics"))
        return metric_sum(body.decode(), "dossier_db_command_duration_seconds_count")
    _, body = await fetch(port, get_request(port, "/stats"))
    return float(json.loads(body)["commands"])


async def settle(uri: str, database: str, quiet_ms: float = 50.0, limit_s: float = 900) -> float:
    """Wait until the database answers a point read quickly: work that clients gave up on
    (timed-out scans) must not be billed to the next measurement. Returns seconds waited
    (``limit_s`` at most: then the next measurement runs on a busy database)."""
    client = create_client(uri, Settings(mongodb_uri=uri, database_timeout_ms=30_000))
    started = time.perf_counter()
    try:
        while time.perf_counter() - started < limit_s:
            asked = time.perf_counter()
            with contextlib.suppress(PyMongoError):  # still busy: ask again
                await client[database][PERSONS].find_one({"_id": POPULAR[0]}, {"_id": 1})
                if (time.perf_counter() - asked) * 1000 < quiet_ms:
                    break
            await asyncio.sleep(0.5)
    finally:
        await client.close()
    return round(time.perf_counter() - started, 2)


# ---------------------------------------------------------------------------------------
# One size


def normalized(body: bytes) -> str:
    try:
        return json.dumps(json.loads(body).get("data"), sort_keys=True, ensure_ascii=False)
    except ValueError:
        return f"not JSON: {body[:200]!r}"


async def check_same_answers(
    ops: list[Operation], ports: dict[str, int]
) -> tuple[dict[str, int], dict[str, int]]:
    """Every request's GraphQL answer equals the floor's: both do the same work.

    Returns, per operation, how many requests got different answers and how many got no
    answer from one side or both (an error, a timeout): those cannot be compared."""
    differing: dict[str, int] = {}
    unanswered: dict[str, int] = {}
    for op in ops:
        differing[op.name] = unanswered[op.name] = 0
        for variables in op.variables:
            api_status, api = await fetch(
                ports["graphql"], graphql_request(ports["graphql"], op.query, variables)
            )
            floor_status, floor = await fetch(
                ports["floor"], get_request(ports["floor"], op.floor_query(variables))
            )
            if api_status != 200 or floor_status != 200 or b'"errors"' in api:
                unanswered[op.name] += 1
            elif normalized(api) != normalized(floor):
                differing[op.name] += 1
                if differing[op.name] == 1:
                    print(
                        f"  differs: {op.name} {variables}\n    api:   {api[:400]!r}\n"
                        f"    floor: {floor[:400]!r}",
                        file=sys.stderr,
                    )
    return differing, unanswered


async def commands_per_page_size(op: Operation, port: int) -> list[float | None]:
    """Commands of one request with a small and with the benchmark's page size (None for
    a request that failed: it is reported, not counted)."""
    assert op.page_sizes is not None
    found: list[float | None] = []
    for sizes in op.page_sizes:
        # The fewest of three: the server's own background reads (the change feed's
        # getMores, in any worker) may land between two readings, and only ever add.
        counted: list[float | None] = []
        for _ in range(3):
            before = await commands_sent("graphql", port)
            request = graphql_request(port, op.query, {**op.variables[0], **sizes})
            status, body = await fetch(port, request)
            failed = status != 200 or b'"errors"' in body
            counted.append(None if failed else await commands_sent("graphql", port) - before)
        answered = [count for count in counted if count is not None]
        found.append(min(answered) if len(answered) == len(counted) else None)
    return found


async def measure_size(args: argparse.Namespace, size: str, uri: str, tmp: Path) -> dict[str, Any]:
    report, ops = await prepare(size, args.seed, uri, args.operation)
    database = report["database"]
    ports = {"graphql": free_port(), "floor": free_port()}
    environment = {"MONGODB_URI": uri, "MONGODB_DATABASE": database, **UNCACHED}
    logs = {name: (tmp / f"{size}-{name}.log").open("wb") for name in ports}
    servers = {
        "graphql": start_server(ports["graphql"], tmp, logs["graphql"], environment=environment),
        "floor": start_server(
            ports["floor"], tmp, logs["floor"], module="bench.floor", environment=environment
        ),
    }
    try:
        await wait_ready(ports["graphql"], servers["graphql"], timeout_s=120, name="python -m api")
        await wait_ready(
            ports["floor"],
            servers["floor"],
            path="/stats",
            timeout_s=120,
            name="python -m bench.floor",
        )
        report["differing_answers"], report["unanswered_checks"] = await check_same_answers(
            ops, ports
        )
        report["settle_seconds"] = 0.0
        report["commands_by_page_size"] = {}
        for op in ops:
            if op.page_sizes:  # after the database has finished what earlier checks left
                report["settle_seconds"] += await settle(uri, database)
                found = await commands_per_page_size(op, ports["graphql"])
                report["commands_by_page_size"][op.name] = found
        results = []
        for concurrency in args.concurrency:
            for op in ops:
                row: dict[str, Any] = {"operation": op.name, "concurrency": concurrency}
                for target, port in ports.items():
                    if target == "graphql":
                        requests = [graphql_request(port, op.query, v) for v in op.variables]
                    else:
                        requests = [get_request(port, op.floor_query(v)) for v in op.variables]
                    report["settle_seconds"] += await settle(uri, database)
                    await drive(port, requests, concurrency, args.warmup)
                    before = await commands_sent(target, port)
                    run = await drive(port, requests, concurrency, args.duration)
                    sent = await commands_sent(target, port) - before
                    summary = run.summary()
                    summary["commands_per_request"] = (
                        round(sent / summary["requests"], 2) if summary["requests"] else None
                    )
                    row[target] = summary
                row["ratio"] = (
                    round(row["graphql"]["rps"] / row["floor"]["rps"], 2)
                    if row["floor"]["rps"]
                    else None
                )
                print(f"[{size}] {line_of(row)}")
                results.append(row)
        report["results"] = results
        report["peak_rss_mb"] = {name: peak_rss_mb(server.pid) for name, server in servers.items()}
    finally:
        for server in servers.values():
            stop_server(server, {})
        for log in logs.values():
            log.close()
    return report
