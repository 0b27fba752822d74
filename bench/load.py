"""``python -m bench.load``: the server stays up under a bounded mix of valid and abusive requests.

Starts ``python -m api`` on 127.0.0.1 with a fresh data directory, sends N requests (about 70%
valid, 30% abusive, drawn by ``random.Random(42)``) from C concurrent workers, then reports
status codes and error codes per kind of request, 5xx responses, bodies that leak internals,
latency of the valid requests, the server's memory, and a final health check. Exit code 1 on
any 5xx, leak, request left without a response, failed health check or dead server. Loopback
only: nothing leaves the host.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from api.embedded import free_port
from bench.output import save
from bench.process import (
    HOST,
    children_of,
    interrupt,
    log_tail,
    rss_mb,
    start_server,
    stop_server,
    wait_ready,
)
from bench.stats import percentile

LEAK_MARKERS = ("Traceback", 'File "', "pymongo", "bson")
REQUEST_TIMEOUT_S = 30.0
VALID_SHARE = 0.7


@dataclass(frozen=True)
class Probe:
    """One kind of request: how to send it."""

    name: str
    valid: bool
    method: str = "POST"
    body: bytes = b""
    content_type: str = "application/json"
    params: dict[str, str] | None = None


@dataclass(frozen=True)
class Result:
    name: str
    valid: bool
    status: int  # 0 when no HTTP response came back
    outcome: str  # "200 ok", "400 BAD_USER_INPUT", "0 ReadTimeout", ...
    leak: bool
    latency_ms: float
    snippet: str


def gql(name: str, query: str, variables: dict[str, Any] | None = None, **extra: Any) -> Probe:
    payload: dict[str, Any] = {"query": query, "variables": variables or {}, **extra}
    return Probe(name, valid=name.startswith("valid:"), body=json.dumps(payload).encode())


def probes(node_id: str) -> tuple[list[Probe], list[Probe]]:
    """The valid requests and the abusive ones."""
    valid = [
        gql(
            "valid:person-page",
            '{ person(slug: "sergei-kislyak") { name positions { title organization { name } }'
            " statements(first: 5) { nodes { text speaker { ... on Person { name } }"
            " citations { quote } } } events { nodes { title } } sanctions { nodes { title } } } }",
        ),
        gql(
            "valid:persons",
            "{ persons(first: 50) { nodes { name statements(first: 5) { totalCount } } } }",
        ),
        gql(
            "valid:events",
            '{ events(filter: {from: "2008"}, orderBy: {field: DATE, direction: DESC}, first: 10)'
            " { nodes { title date { iso } } } }",
        ),
        gql("valid:search", '{ search(query: "Magnitskiy") { score node { __typename } } }'),
        gql(
            "valid:sanctions",
            '{ sanctions(filter: {authority: "us-state-department"})'
            " { nodes { title targets { __typename } } } }",
        ),
        gql("valid:node", "query($id: ID!) { node(id: $id) { id __typename } }", {"id": node_id}),
    ]
    nested = "name"
    for _ in range(8):  # 8 x (statements, nodes, speaker) = 24 levels below person
        nested = "statements(first: 1) { nodes { speaker { ... on Person { " + nested + " } } } }"
    # 200 aliases in ~1,200 tokens: under a parser's token limit, so the executor sees them.
    aliases = " ".join(f"a{i}: persons {{ totalCount }}" for i in range(200))
    padding = ("# " + "x" * 97 + "\n") * 2000  # ~200 KB of comments
    persons = "query($first: Int) { persons(first: $first) { totalCount } }"
    search = "query($q: String!) { search(query: $q) { score } }"
    long_words = ("Magnitskiy Kislak Medvedew Lavrov " * 40)[:1000]
    # The escape itself in the JSON text: json.dumps would not write a lone surrogate.
    surrogate = '{"query": ' + json.dumps(search) + ', "variables": {"q": "bad \\ud800 text"}}'
    abusive = [
        gql("abuse:deep-nesting", '{ person(slug: "sergei-kislyak") { ' + nested + " } }"),
        gql("abuse:200-aliases", "{ " + aliases + " }"),
        gql("abuse:200kb-query", padding + "{ persons(first: 1) { nodes { name } } }"),
        Probe("abuse:malformed-json", False, body=b'{"query": "{ persons { totalCount } "'),
        Probe("abuse:non-object-json", False, body=b"5"),
        Probe(
            "abuse:text-plain",
            False,
            body=b'{"query": "{ persons(first: 1) { totalCount } }"}',
            content_type="text/plain",
        ),
        Probe("abuse:get-mutation", False, method="GET", params={"query": "mutation{x}"}),
        gql(
            "abuse:unknown-operation",
            "query A { persons(first: 1) { totalCount } }",
            operationName="B",
        ),
        gql("abuse:variable-type", persons, {"first": "abc"}),
        gql("abuse:first-minus-1", persons, {"first": -1}),
        gql("abuse:first-101", persons, {"first": 101}),
        gql("abuse:garbage-cursor", '{ persons(first: 5, after: "garbage!!") { nodes { name } } }'),
        gql("abuse:2mb-body", "{ __typename }", {"pad": "x" * 2_000_000}),
        gql(
            "abuse:expensive",
            "{ persons(first: 100) { nodes { statements(first: 100) { nodes { about {"
            " ... on Person { statements(first: 100) { totalCount } } } } } } } }",
        ),
        gql("abuse:search-1000-chars", search, {"q": long_words}),
        Probe("abuse:lone-surrogate", False, body=surrogate.encode()),
    ]
    return valid, abusive


def classify(probe: Probe, response: httpx.Response, latency_ms: float) -> Result:
    text = response.text
    codes = "-"
    with contextlib.suppress(ValueError):
        body = response.json()
        if isinstance(body, dict) and ("data" in body or "errors" in body):
            errors = body.get("errors") or []
            found = {str((e.get("extensions") or {}).get("code", "NO_CODE")) for e in errors}
            codes = ",".join(sorted(found)) or "ok"
    return Result(
        probe.name,
        probe.valid,
        response.status_code,
        f"{response.status_code} {codes}",
        any(marker in text for marker in LEAK_MARKERS),
        latency_ms,
        text[:300],
    )


async def send(client: httpx.AsyncClient, probe: Probe) -> Result:
    started = time.perf_counter()
    try:
        response = await client.request(
            probe.method,
            "/graphql",
            content=probe.body or None,
            params=probe.params,
            headers={"content-type": probe.content_type} if probe.body else None,
        )
    except httpx.HTTPError as exc:
        elapsed = (time.perf_counter() - started) * 1000
        return Result(probe.name, probe.valid, 0, f"0 {type(exc).__name__}", False, elapsed, "")
    return classify(probe, response, (time.perf_counter() - started) * 1000)


async def run_load(
    client: httpx.AsyncClient, plan: list[Probe], concurrency: int, limit_s: float
) -> list[Result]:
    deadline = time.monotonic() + limit_s
    queue = iter(plan)  # shared by the workers; safe, as they switch only at awaits
    results: list[Result] = []

    async def worker() -> None:
        while time.monotonic() < deadline and (probe := next(queue, None)) is not None:
            results.append(await send(client, probe))

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return results


async def query(client: httpx.AsyncClient, text: str) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": text})
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body


@dataclass
class Report:
    planned: int
    results: list[Result] = field(default_factory=list)
    duration_s: float = 0.0
    rss_before_mb: float = 0.0
    rss_after_mb: float | None = None  # None when the server died
    server_alive: bool = True
    healthz: str = "not run"
    health_query: str = "not run"
    log_tracebacks: int = 0

    def as_dict(self) -> dict[str, Any]:
        by_kind: dict[str, Counter[str]] = {}
        examples: dict[tuple[str, str], Result] = {}  # the first response of each outcome
        for r in sorted(self.results, key=lambda r: (not r.valid, r.name)):
            by_kind.setdefault(r.name, Counter())[r.outcome] += 1
            examples.setdefault((r.name, r.outcome), r)
        latencies = sorted(r.latency_ms for r in self.results if r.valid and r.status)
        problems = [r for r in examples.values() if r.status >= 500 or r.status == 0 or r.leak]
        after = self.rss_after_mb
        healthy = self.healthz == "200" and self.health_query == "200 ok"
        return {
            "requests_planned": self.planned,
            "requests_sent": len(self.results),
            "valid_sent": sum(r.valid for r in self.results),
            "abusive_sent": sum(not r.valid for r in self.results),
            "duration_s": round(self.duration_s, 2),
            "throughput_rps": round(len(self.results) / max(self.duration_s, 1e-9), 1),
            "by_kind": {name: dict(counts.most_common()) for name, counts in by_kind.items()},
            "server_errors_5xx": sum(r.status >= 500 for r in self.results),
            "leaks": sum(r.leak for r in self.results),
            "transport_errors": sum(r.status == 0 for r in self.results),
            "problems": [
                {"request": r.name, "outcome": r.outcome, "leak": r.leak, "body": r.snippet}
                for r in problems
            ],
            "examples": {
                f"{name} -> {outcome}": r.snippet for (name, outcome), r in examples.items()
            },
            "valid_latency_ms": {
                "count": len(latencies),
                "p50": percentile(latencies, 0.5),
                "p99": percentile(latencies, 0.99),
                "max": percentile(latencies, 1.0),
            },
            "rss_mb": {
                "before": round(self.rss_before_mb, 1),
                "after": None if after is None else round(after, 1),
                "growth": None if after is None else round(after - self.rss_before_mb, 1),
            },
            "server_alive": self.server_alive,
            "server_log_tracebacks": self.log_tracebacks,
            "final_health": {"healthz": self.healthz, "query": self.health_query},
            # Tracebacks in the server log are reported, not fatal: the client saw none.
            "passed": self.server_alive and healthy and not problems,
        }


def markdown(data: dict[str, Any]) -> str:
    latency, rss, health = data["valid_latency_ms"], data["rss_mb"], data["final_health"]
    lines = [
        f"**{'PASS' if data['passed'] else 'FAIL'}**: {data['requests_sent']} of "
        f"{data['requests_planned']} requests sent ({data['valid_sent']} valid, "
        f"{data['abusive_sent']} abusive) in {data['duration_s']} s, "
        f"{data['throughput_rps']} requests/s.",
        "",
        "| request | sent | status and error codes |",
        "| --- | ---: | --- |",
    ]
    for name, outcomes in data["by_kind"].items():
        cells = ", ".join(f"`{outcome}` x{count}" for outcome, count in outcomes.items())
        lines.append(f"| {name} | {sum(outcomes.values())} | {cells} |")
    lines += [
        "",
        f"- 5xx responses: **{data['server_errors_5xx']}** (must be 0)",
        f"- bodies leaking internals: **{data['leaks']}** (must be 0)",
        f"- transport errors (no response): **{data['transport_errors']}** (must be 0)",
        f"- valid latency: p50 {latency['p50']} ms, p99 {latency['p99']} ms, "
        f"max {latency['max']} ms ({latency['count']} requests)",
        f"- server RSS (with its children): {rss['before']} MB before, {rss['after']} MB after "
        f"({rss['growth']} MB growth)",
        f"- tracebacks in the server log: {data['server_log_tracebacks']}",
        f"- server alive after the load: {data['server_alive']}; GET /healthz "
        f"`{health['healthz']}`, a valid query `{health['query']}`",
    ]
    for problem in data["problems"]:
        lines.append(
            f"- first {problem['request']} -> `{problem['outcome']}` (leak: {problem['leak']}): "
            f"{problem['body'][:200]!r}"
        )
    return "\n".join(lines) + "\n"


async def bench(
    args: argparse.Namespace, server: subprocess.Popen[bytes], port: int, children: dict[int, bytes]
) -> Report:
    report = Report(planned=args.requests)
    limits = httpx.Limits(max_connections=args.concurrency)
    async with httpx.AsyncClient(
        base_url=f"http://{HOST}:{port}",
        timeout=REQUEST_TIMEOUT_S,
        limits=limits,
        trust_env=False,  # no proxies: loopback only
    ) as client:
        await wait_ready(port, server)
        children.update(children_of(server.pid))
        first = await query(client, "{ persons(first: 1) { nodes { id } } }")
        valid, abusive = probes(first["data"]["persons"]["nodes"][0]["id"])
        rng = random.Random(42)
        plan = [
            rng.choice(valid if rng.random() < VALID_SHARE else abusive)
            for _ in range(args.requests)
        ]
        report.rss_before_mb = rss_mb(server.pid)
        started = time.monotonic()
        report.results = await run_load(client, plan, args.concurrency, args.duration_limit)
        report.duration_s = time.monotonic() - started
        report.server_alive = server.poll() is None
        if report.server_alive:
            report.rss_after_mb = rss_mb(server.pid)
        try:
            report.healthz = str((await client.get("/healthz")).status_code)
        except httpx.HTTPError as exc:
            report.healthz = type(exc).__name__
        check = await send(client, valid[0])
        report.health_query = check.outcome
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--requests", type=int, default=2000, help="requests to send")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent workers")
    parser.add_argument("--duration-limit", type=float, default=120.0, help="seconds at most")
    parser.add_argument("--port", type=int, default=None, help="server port (default: free)")
    parser.add_argument("--json", type=Path, help="also write the report as JSON here")
    parser.add_argument("--markdown", type=Path, help="also write the report as Markdown here")
    args = parser.parse_args(argv)
    if args.requests < 1 or args.concurrency < 1 or args.duration_limit <= 0:
        parser.error("--requests, --concurrency and --duration-limit must be positive")
    port = args.port or free_port()
    signal.signal(signal.SIGTERM, interrupt)
    with tempfile.TemporaryDirectory(prefix="dossier-bench-") as tmp:
        log_path = Path(tmp) / "server.log"
        with log_path.open("wb") as log:
            server = start_server(port, Path(tmp) / "data", log)
            children: dict[int, bytes] = {}
            try:
                report = asyncio.run(bench(args, server, port, children))
            except KeyboardInterrupt:
                print("interrupted; stopping the server", file=sys.stderr)
                return 130
            except Exception as exc:
                print(f"bench failed: {exc}", file=sys.stderr)
                print(log_tail(log_path), file=sys.stderr)
                return 1
            finally:
                stop_server(server, children)
        report.log_tracebacks = log_path.read_text(errors="replace").count("Traceback")
    data = report.as_dict()
    text = markdown(data)
    print(text, end="")
    save(data, text, args.json, args.markdown)
    return 0 if data["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
