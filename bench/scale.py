"""Benchmark at scale: the API against a hand-written floor, on a synthetic corpus.

For each size it loads the corpus (once: a database that holds it already is reused),
starts the API as a user would (``python -m api`` under uvicorn, production settings) and
the floor (``python -m bench.floor``: the same reads written by hand with the driver, no
GraphQL) on the same database, checks that both answer every request identically, then
drives each operation of a fixed mix at several concurrencies for a bounded time from this
process, over loopback, with one keep-alive connection per worker.

    python -m bench.scale                     # sizes S and L, concurrency 1, 8 and 32
    python -m bench.scale --size S --duration 3 --concurrency 8
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from pymongo.errors import PyMongoError

from api.database import (
    COLLECTIONS,
    EVENTS,
    PERSONS,
    SANCTIONS,
    STATEMENTS,
    Database,
    Document,
    create_client,
)
from api.embedded import EmbeddedMongo
from api.settings import Settings
from bench.corpus import SIZES, Corpus, corpus_name, load_corpus, loaded_corpus
from bench.floor import BY_DATE, BY_NAME
from bench.load import HOST, free_port, percentile, start_server, stop_server
from schema.common.ids import to_global_id as global_id
from schema.search.engine import parse_query, search

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 0.6  # GraphQL throughput over the floor's, at concurrency 8
TARGET_GROWTH = 1.5  # p99 at L over p99 at S
TARGET_RSS_MB = 400.0
REQUEST_TIMEOUT_S = 30.0
# What a user runs in production (docker-compose.yml), but the database.
PRODUCTION = {
    "SEED_ON_START": "false",
    "GRAPHIQL": "false",
    "INTROSPECTION": "false",
    "LOG_LEVEL": "info",
}
_ACTOR = "__typename ... on Person { name } ... on Organization { name }"
_DATE = "date { iso precision }"


@dataclass(frozen=True)
class Operation:
    name: str
    query: str
    floor_path: str
    # Variables of the requests in turn (GraphQL); the floor gets the same as parameters.
    variables: list[dict[str, Any]] = field(default_factory=list)
    # Page-size variables for the commands-per-request check: a small and a large page.
    page_sizes: tuple[dict[str, int], dict[str, int]] | None = None

    def floor_query(self, variables: dict[str, Any]) -> str:
        wanted = {k: v for k, v in variables.items() if not k.startswith("size")}
        return f"{self.floor_path}?{urlencode(wanted)}" if wanted else self.floor_path


PERSON_PAGE = f"""
query PersonPage($slug: String!, $size: Int = 20) {{
  person(slug: $slug) {{
    id name aliases description countries
    positions {{ title organization {{ name }} }}
    citations {{ quote article {{ title }} }}
    statements(first: $size) {{
      totalCount
      nodes {{ text {_DATE} speaker {{ {_ACTOR} }} citations {{ quote }} }}
    }}
    events(first: $size) {{
      totalCount
      nodes {{ title {_DATE} participants {{ role actor {{ {_ACTOR} }} }} }}
    }}
    sanctions(first: $size) {{ nodes {{ title status }} }}
  }}
}}"""
PERSONS_PAGE = f"""
query Persons($after: String, $size: Int = 50, $sizeStatements: Int = 5) {{
  persons(first: $size, after: $after) {{
    pageInfo {{ endCursor hasNextPage }}
    nodes {{
      id name
      statements(last: $sizeStatements) {{ nodes {{ text {_DATE} speaker {{ {_ACTOR} }} }} }}
    }}
  }}
}}"""
EVENTS_PAGE = f"""
query Events($from: String!, $to: String!, $after: String, $size: Int = 20) {{
  events(
    filter: {{from: $from, to: $to}}
    orderBy: {{field: DATE, direction: ASC}}
    first: $size
    after: $after
  ) {{
    pageInfo {{ endCursor hasNextPage }}
    nodes {{ title kind {_DATE} }}
  }}
}}"""
SEARCH = """
query Search($q: String!) {
  search(query: $q, first: 10) {
    score matched
    node {
      __typename
      ... on Person { name } ... on Organization { name } ... on Event { title }
      ... on Statement { text } ... on Sanction { title } ... on Article { title }
    }
  }
}"""
SANCTIONS_PAGE = f"""
query Sanctions($authority: String!, $size: Int = 20) {{
  sanctions(filter: {{authority: $authority}}, first: $size) {{
    nodes {{ title status kinds {_DATE} targets {{ {_ACTOR} }} }}
  }}
}}"""
NODE = """
query Node($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Person { name } ... on Organization { name } ... on Event { title }
    ... on Statement { text } ... on Sanction { title } ... on Article { title }
  }
}"""


def operations() -> list[Operation]:
    return [
        Operation("person page", PERSON_PAGE, "/person-page", page_sizes=({"size": 5}, {})),
        Operation(
            "persons(first: 50) + 5 latest statements",
            PERSONS_PAGE,
            "/persons",
            page_sizes=({"size": 5, "sizeStatements": 1}, {}),
        ),
        Operation("events after page 100", EVENTS_PAGE, "/events", page_sizes=({"size": 5}, {})),
        Operation("search, misspelled name", SEARCH, "/search"),
        Operation(
            "sanctions by authority", SANCTIONS_PAGE, "/sanctions", page_sizes=({"size": 5}, {})
        ),
        Operation("node(id)", NODE, "/node"),
    ]


# ---------------------------------------------------------------------------------------
# Request parameters, drawn from the loaded corpus (deterministically)


async def well_covered_persons(db: Database, count: int = 10) -> list[str]:
    """Persons with at least 20 statements and 20 events, the ``count`` around the median
    by citations: a page full in every list, of a person as typical at L as at S."""
    speakers = {
        doc["_id"]
        async for doc in await db[STATEMENTS].aggregate(
            [
                {"$group": {"_id": "$speaker.slug", "n": {"$sum": 1}}},
                {"$match": {"n": {"$gte": 20}}},
            ]
        )
    }
    participants = {
        doc["_id"]
        async for doc in await db[EVENTS].aggregate(
            [
                {"$unwind": "$participants"},
                {"$group": {"_id": "$participants.actor.slug", "n": {"$sum": 1}}},
                {"$match": {"n": {"$gte": 20}}},
            ]
        )
    }
    # A small corpus may have no such person: then its most quoted ones.
    both = sorted(speakers & participants) or await most_quoted(db, count)
    cited = await db[PERSONS].aggregate(
        [
            {"$match": {"_id": {"$in": both}}},
            {"$project": {"n": {"$size": "$citations"}}},
        ]
    )
    by_citations = sorted([(doc["n"], doc["_id"]) async for doc in cited])
    middle = max(len(by_citations) // 2 - count // 2, 0)
    return [slug for _, slug in by_citations[middle : middle + count]]


async def most_quoted(db: Database, count: int) -> list[str]:
    groups = await db[STATEMENTS].aggregate(
        [
            {"$group": {"_id": "$speaker.slug", "n": {"$sum": 1}}},
            {"$sort": {"n": -1, "_id": 1}},
            {"$limit": count},
        ]
    )
    return [doc["_id"] async for doc in groups]


def misspelled(name: str) -> str:
    """One letter dropped from the middle of the last word: 'Morosser' -> 'Morsser'."""
    *first, last = name.split()
    cut = len(last) // 2
    return " ".join([*first, last[:cut] + last[cut + 1 :]])


async def keys_at(
    db: Database, collection: str, query: Document, key: str, at: list[int]
) -> list[str]:
    """The order key of the documents at these positions of an index-ordered range
    (positions past its end are skipped); one query."""
    docs = await db[collection].find(query, {key: 1}).sort(key, 1).limit(max(at) + 1).to_list()
    found = []
    for position in at:
        if position < len(docs):
            value: Any = docs[position]
            for part in key.split("."):
                value = value[part]
            found.append(str(value))
    return found


def node_ids(corpus: Corpus) -> list[str]:
    """Ten documents of each kind, spread over the corpus (its slugs are by construction)."""
    size = corpus.size
    articles = [f"article-{size.articles * i // 10:06d}" for i in range(10)]
    return [
        *(global_id("Article", slug) for slug in articles),
        *(global_id("Person", f"person-{size.persons * i // 10:06d}") for i in range(10)),
        *(global_id("Organization", f"org-{size.organizations * i // 10:06d}") for i in range(10)),
        *(global_id("Event", f"{slug}-event-{i}") for i, slug in enumerate(articles)),
        *(global_id("Statement", f"{slug}-statement-{i}") for i, slug in enumerate(articles)),
        *(global_id("Sanction", f"{slug}-sanction-{i % 2}") for i, slug in enumerate(articles)),
    ]


POPULAR = [f"person-{rank:06d}" for rank in range(10)]  # the Zipf draw's first ranks


async def parameters(db: Database, corpus: Corpus) -> dict[str, list[dict[str, Any]]]:
    persons = await well_covered_persons(db)
    name_keys = await keys_at(
        db, PERSONS, {}, "sort.name", [50 * page - 1 for page in range(1, 10)]
    )
    date_range = {"from": "2005", "to": "2015"}
    in_range = {"date.asc": {"$gte": "2005", "$lte": "2015\ufffe"}}
    # After page 100, or as deep as a small corpus goes.
    pages = await db[EVENTS].count_documents(in_range) // 20
    deep = max(min(100, pages - 10), 1)
    date_keys = await keys_at(
        db, EVENTS, in_range, "date.asc", [20 * page - 1 for page in range(deep, deep + 10)]
    )
    popular = await db[PERSONS].find({"_id": {"$in": POPULAR}}, {"name": 1}).to_list()
    authorities = [
        doc["_id"]
        async for doc in await db[SANCTIONS].aggregate(
            [
                {"$group": {"_id": "$authority.slug", "n": {"$sum": 1}}},
                {"$sort": {"n": -1, "_id": 1}},
                {"$limit": 10},
            ]
        )
    ]
    return {
        "person page": [{"slug": slug} for slug in persons],
        "persons(first: 50) + 5 latest statements": [
            {},
            *({"after": BY_NAME.cursor({"sort": {"name": key}})} for key in name_keys),
        ],
        "events after page 100": [
            {**date_range, "after": BY_DATE.cursor({"date": {"asc": key}})} for key in date_keys
        ],
        "search, misspelled name": [
            {"q": misspelled(doc["name"])} for doc in sorted(popular, key=lambda d: d["_id"])
        ],
        "sanctions by authority": [{"authority": slug} for slug in authorities],
        "node(id)": [{"id": node_id} for node_id in node_ids(corpus)],
    }


async def search_hits_at_1(db: Database, misspellings: list[str], popular: list[str]) -> float:
    hits = 0
    for query, slug in zip(misspellings, popular, strict=True):
        found = await search(db, parse_query(query), [PERSONS], 1)
        hits += bool(found) and found[0].doc["_id"] == slug
    return hits / len(misspellings)


# ---------------------------------------------------------------------------------------
# A minimal HTTP/1.1 client: the load generator must cost less than what it measures


def graphql_request(port: int, query: str, variables: dict[str, Any]) -> bytes:
    body = json.dumps({"query": query, "variables": variables}).encode()
    head = (
        f"POST /graphql HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
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


@dataclass
class Run:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str | None = None
    seconds: float = 0.0

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


async def drive(port: int, requests: list[bytes], concurrency: int, seconds: float) -> Run:
    """Each worker sends the requests in turn on its own connection until the time is up;
    a request under way when it is up still counts."""
    run = Run()
    deadline = time.perf_counter() + seconds

    async def worker(offset: int) -> None:
        reader, writer = await asyncio.open_connection(HOST, port)
        index = offset
        try:
            while time.perf_counter() < deadline:
                request = requests[index % len(requests)]
                index += 1
                started = time.perf_counter()
                try:
                    status, body = await asyncio.wait_for(
                        exchange(reader, writer, request), REQUEST_TIMEOUT_S
                    )
                except (TimeoutError, OSError, ConnectionError, ValueError) as exc:
                    run.errors += 1
                    run.first_error = run.first_error or repr(exc)
                    writer.close()
                    reader, writer = await asyncio.open_connection(HOST, port)
                    continue
                if status != 200 or b'"errors"' in body:
                    run.errors += 1
                    run.first_error = run.first_error or f"{status} {body[:300]!r}"
                else:
                    run.latencies_ms.append((time.perf_counter() - started) * 1000)
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


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


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


async def wait_answering(port: int, path: str, server: Any) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"python -m {path} exited with code {server.returncode}")
        with contextlib.suppress(OSError, ConnectionError, ValueError):
            status, _ = await fetch(port, get_request(port, path))
            if status == 200:
                return
        await asyncio.sleep(0.2)
    raise RuntimeError(f"no answer on {path} within 120 s")


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
        before = await commands_sent("graphql", port)
        request = graphql_request(port, op.query, {**op.variables[0], **sizes})
        status, body = await fetch(port, request)
        failed = status != 200 or b'"errors"' in body
        found.append(None if failed else await commands_sent("graphql", port) - before)
    return found


async def prepare(
    size: str, seed: int, uri: str, names: list[str] | None
) -> tuple[dict[str, Any], list[Operation]]:
    """The size's corpus loaded (once) and the operations whose name starts with one of
    ``names`` (all when None), with their request parameters drawn from it."""
    database = f"bench_{size.lower()}"
    settings = Settings(mongodb_uri=uri, mongodb_database=database, database_timeout_ms=3_600_000)
    corpus = Corpus(SIZES[size], seed)
    client = create_client(uri, settings)
    report: dict[str, Any] = {"size": size, "database": database}
    try:
        db = client[database]
        if await loaded_corpus(db) == corpus_name(corpus):
            print(f"[{size}] corpus {corpus_name(corpus)} already loaded in {database}")
            report["load"] = None
        else:
            print(f"[{size}] loading corpus {corpus_name(corpus)} into {database} ...")
            await client.drop_database(database)
            report["load"] = await load_corpus(db, corpus)
            print(f"[{size}] loaded: {report['load']}")
        report["documents"] = {c: await db[c].estimated_document_count() for c in COLLECTIONS}
        print(f"[{size}] choosing request parameters ...")
        chosen = await parameters(db, corpus)
        report["search_hit_at_1"] = await search_hits_at_1(
            db, [v["q"] for v in chosen["search, misspelled name"]], POPULAR
        )
    finally:
        await client.close()
    ops = [
        Operation(op.name, op.query, op.floor_path, chosen[op.name], op.page_sizes)
        for op in operations()
        if not names or any(op.name.startswith(name) for name in names)
    ]
    report["parameters"] = {op.name: op.variables for op in ops}
    return report, ops


async def measure_size(args: argparse.Namespace, size: str, uri: str, tmp: Path) -> dict[str, Any]:
    report, ops = await prepare(size, args.seed, uri, args.operation)
    database = report["database"]
    ports = {"graphql": free_port(), "floor": free_port()}
    environment = {"MONGODB_URI": uri, "MONGODB_DATABASE": database, **PRODUCTION}
    logs = {name: (tmp / f"{size}-{name}.log").open("wb") for name in ports}
    servers = {
        "graphql": start_server(ports["graphql"], tmp, logs["graphql"], environment=environment),
        "floor": start_server(
            ports["floor"], tmp, logs["floor"], module="bench.floor", environment=environment
        ),
    }
    try:
        await wait_answering(ports["graphql"], "/readyz", servers["graphql"])
        await wait_answering(ports["floor"], "/stats", servers["floor"])
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


def line_of(row: dict[str, Any]) -> str:
    api, floor = row["graphql"], row["floor"]
    return (
        f"c={row['concurrency']:<2} {row['operation']:<42} api {api['rps']:>7} rps "
        f"p50 {api['p50_ms']} p99 {api['p99_ms']} ms, {api['commands_per_request']} cmd, "
        f"{api['errors']} err | floor {floor['rps']:>7} rps p99 {floor['p99_ms']} ms, "
        f"{floor['commands_per_request']} cmd, {floor['errors']} err | ratio {row['ratio']}"
        + "".join(
            f"\n    first {target} error: {row[target]['first_error'][:160]}"
            for target in ("graphql", "floor")
            if row[target]["first_error"]
        )
    )


# ---------------------------------------------------------------------------------------
# Report


def targets(sizes: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    checks: list[dict[str, Any]] = []
    for size, report in sizes.items():
        for row in report["results"]:
            if row["concurrency"] == 8:
                checks.append(
                    {
                        "target": f"[{size}] {row['operation']}: throughput ≥ "
                        f"{TARGET_RATIO} x floor at c=8",
                        "value": row["ratio"],
                        "passed": row["ratio"] is not None and row["ratio"] >= TARGET_RATIO,
                    }
                )
        errors = sum(row[t]["errors"] for row in report["results"] for t in ("graphql", "floor"))
        checks.append({"target": f"[{size}] errors = 0", "value": errors, "passed": errors == 0})
        differing = sum(report["differing_answers"].values())
        unanswered = sum(report.get("unanswered_checks", {}).values())
        checks.append(
            {
                "target": f"[{size}] GraphQL answers equal the floor's (differing / unanswered)",
                "value": f"{differing} / {unanswered}",
                "passed": differing == 0 and unanswered == 0,
            }
        )
        rss = report["peak_rss_mb"]["graphql"]
        checks.append(
            {
                "target": f"[{size}] API peak RSS < {TARGET_RSS_MB:.0f} MB",
                "value": rss,
                "passed": rss < TARGET_RSS_MB,
            }
        )
        for name, (small, large) in report["commands_by_page_size"].items():
            checks.append(
                {
                    "target": f"[{size}] {name}: commands the same for a small and a full page",
                    "value": f"{small} / {large}",
                    "passed": small is not None and small == large,
                }
            )
    if "S" in sizes and "L" in sizes:
        small = {(r["operation"], r["concurrency"]): r for r in sizes["S"]["results"]}
        for row in sizes["L"]["results"]:
            before = small.get((row["operation"], row["concurrency"]))
            if before is None or not before["graphql"]["p99_ms"]:
                continue
            after = row["graphql"]["p99_ms"]
            growth = round(after / before["graphql"]["p99_ms"], 2) if after else None
            checks.append(
                {
                    "target": f"{row['operation']}, c={row['concurrency']}: p99 L / p99 S "
                    f"≤ {TARGET_GROWTH}",
                    "value": growth if growth is not None else "no answer at L",
                    "passed": growth is not None and growth <= TARGET_GROWTH,
                }
            )
            same = (
                row["graphql"]["commands_per_request"] == before["graphql"]["commands_per_request"]
            )
            if row["concurrency"] == 8:
                checks.append(
                    {
                        "target": f"{row['operation']}: commands per request the same at S and L",
                        "value": f"{before['graphql']['commands_per_request']} / "
                        f"{row['graphql']['commands_per_request']}",
                        "passed": same,
                    }
                )
    return checks


def markdown(data: dict[str, Any]) -> str:
    lines = [
        f"Machine: {data['machine']['cpus']} CPUs, Python {data['machine']['python']}; "
        f"{data['duration_s']} s per measurement after {data['warmup_s']} s of warm-up; "
        f"database: {data['database']}.",
        "",
    ]
    for size, report in data["sizes"].items():
        documents = sum(report["documents"].values())
        load = report["load"]
        loaded = (
            f"loaded in {load['seconds']} s ({load['documents_per_second']:,} documents/s)"
            if load
            else "loaded earlier"
        )
        rss = report["peak_rss_mb"]
        lines += [
            f"### Size {size}: {documents:,} documents, {loaded}",
            "",
            f"Peak RSS: API {rss['graphql']} MB, floor {rss['floor']} MB. Misspelled-name "
            f"search finds the person first for {report['search_hit_at_1']:.0%} of the queries.",
            "",
            "| operation | c | API req/s | API p50 ms | API p99 ms | floor req/s | floor p99 ms "
            "| API / floor | commands/req (API, floor) | errors |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for row in report["results"]:
            api, floor = row["graphql"], row["floor"]
            lines.append(
                f"| {row['operation']} | {row['concurrency']} | {api['rps']} | {api['p50_ms']} "
                f"| {api['p99_ms']} | {floor['rps']} | {floor['p99_ms']} | {row['ratio']} "
                f"| {api['commands_per_request']:g}, {floor['commands_per_request']:g} "
                f"| {api['errors'] + floor['errors']} |"
            )
        lines.append("")
    lines += ["### Targets", "", "| target | value | met |", "| --- | ---: | :---: |"]
    for check in data["targets"]:
        lines.append(
            f"| {check['target']} | {check['value']} | {'yes' if check['passed'] else '**no**'} |"
        )
    return "\n".join(lines) + "\n"


@contextlib.contextmanager
def database_uri(data_dir: Path, size: str) -> Iterator[tuple[str, str]]:
    """``MONGODB_URI`` when set, else an embedded SecantusDB of the size's own (its data
    under ``data_dir/<size>``, kept for the next run), started and stopped here."""
    uri = os.environ.get("MONGODB_URI")
    if uri:
        yield uri, "MONGODB_URI"
        return
    with EmbeddedMongo(data_dir / size / "db", start_timeout_s=300) as embedded:
        yield embedded.uri, "embedded SecantusDB"


def interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    parser.add_argument("--size", action="append", choices=sorted(SIZES), help="S and L by default")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument(
        "--operation",
        action="append",
        help="only the operations whose name starts so (repeatable; all by default)",
    )
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds before each")
    parser.add_argument("--data-dir", type=Path, default=ROOT / ".data" / "bench")
    parser.add_argument("--json", type=Path, help="also write the report as JSON here")
    parser.add_argument("--markdown", type=Path, help="also write the tables as Markdown here")
    args = parser.parse_args(argv)
    sizes: list[str] = args.size or ["S", "L"]
    data: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "concurrency": args.concurrency,
        "sizes": {},
    }
    with tempfile.TemporaryDirectory(prefix="dossier-scale-") as tmp:
        try:
            for size in sizes:
                with database_uri(args.data_dir, size) as (uri, described):
                    data["database"] = described
                    data["sizes"][size] = asyncio.run(measure_size(args, size, uri, Path(tmp)))
                text = write_report(args, data)  # after each size: a later one may fail
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return 130
    print(text, end="")
    return 0 if all(check["passed"] for check in data["targets"]) else 1


def write_report(args: argparse.Namespace, data: dict[str, Any]) -> str:
    data["targets"] = targets(data["sizes"])
    text = markdown(data)
    if args.json:
        args.json.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    if args.markdown:
        args.markdown.write_text(text)
    return text


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, interrupt)
    sys.exit(main())
