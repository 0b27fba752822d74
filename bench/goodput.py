"""The goodput benchmark: what the server still answers when asked too much.

On a loaded corpus (S by default) it starts ``python -m api`` and the hand-written floor
(``bench.floor``) with the same number of worker processes (``--workers``), then:

1. the sweep: fifty-person pages (the scale benchmark's ``persons(first: 50)`` with five
   statements each) at each concurrency up to 64, each for ``--duration`` seconds; per
   concurrency the goodput (answers without errors per second), the p99 of those answers,
   and the count of each other outcome: ``OVERLOADED`` refusals (and how fast they came),
   ``TIMEOUT``s, other errors;
2. the mix: the same pages at the highest concurrency, with ``node(id)`` reads sent beside
   them from ``--node-concurrency`` connections; the p99 of those reads. Then, for the API,
   the same documents looked up by ``_id`` in the database itself (from as many
   connections of the benchmark's own), on the quiet database and, in a pass of their own,
   beside the same pages: what of ``node(id)``'s time is the database's.

Targets (the API's): goodput at the highest concurrency at least 80 % of the best at any
lower one; no ``TIMEOUT``; the p99 of admitted requests under the operation time limit
(``DATABASE_TIMEOUT_MS``, 5 s); ``node(id)`` p99 under 100 ms in the mix.

    python -m bench.goodput --json bench/results/goodput-s.json \
        --markdown bench/results/goodput-s.md
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from api.database import create_client
from api.embedded import free_port
from api.settings import Settings
from bench.corpus import SIZES
from bench.operations import Operation, prepare
from bench.output import save
from bench.process import (
    ROOT,
    UNCACHED,
    database_uri,
    interrupt,
    start_server,
    stop_server,
    wait_ready,
)
from bench.scale_drive import Run, drive, get_request, graphql_request, settle
from bench.stats import load_average, load_words, percentile
from model.revisions import COLLECTION_OF_TYPE
from schema.common.ids import from_global_id

PAGES = "persons(first: 50) + 5 latest statements"
NODE = "node(id)"
TARGET_GOODPUT_SHARE = 0.8
TARGET_NODE_P99_MS = 100.0
TIME_LIMIT_MS = 5000.0  # DATABASE_TIMEOUT_MS's default: what "bounded" is measured against


def outcome(status: int, body: bytes) -> str | None:
    """None for an answer that counts; else what it was."""
    if status == 200 and b'"errors"' not in body:
        return None
    if b'"OVERLOADED"' in body:
        return "OVERLOADED"
    if b'"TIMEOUT"' in body:
        return "TIMEOUT"
    return f"HTTP {status}" if status != 200 else "other GraphQL error"


def summary(run: Run) -> dict[str, Any]:
    ordered = sorted(run.latencies_ms)
    refusals = sorted(run.failure_latencies_ms.get("OVERLOADED", []))
    return {
        "goodput": round(len(ordered) / run.seconds, 2) if run.seconds else 0.0,
        "answered": len(ordered),
        "p50_ms": percentile(ordered, 0.50),
        "p99_ms": percentile(ordered, 0.99),
        "outcomes": dict(run.failures),
        "refusal_p99_ms": percentile(refusals, 0.99),
        "first_error": run.first_error,
    }


async def point_reads(
    uri: str, database: str, node_ids: list[str], connections: int, seconds: float
) -> dict[str, Any]:
    """The documents ``node(id)`` reads, looked up by ``_id`` in the database directly (their
    ``_id`` only: the least a read can ask), from ``connections`` tasks, each as soon as its
    last was answered."""
    client = create_client(uri, Settings(mongodb_uri=uri, database_timeout_ms=30_000))
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def reader(offset: int) -> None:
        index = offset
        while time.perf_counter() < deadline:
            kind, slug = from_global_id(node_ids[index % len(node_ids)])
            index += connections
            asked = time.perf_counter()
            await client[database][COLLECTION_OF_TYPE[kind]].find_one({"_id": slug}, {"_id": 1})
            latencies.append((time.perf_counter() - asked) * 1000)

    try:
        await asyncio.gather(*(reader(offset) for offset in range(connections)))
    finally:
        await client.close()
    latencies.sort()
    return {
        "reads": len(latencies),
        "p50_ms": percentile(latencies, 0.50),
        "p90_ms": percentile(latencies, 0.90),
        "p99_ms": percentile(latencies, 0.99),
    }


def requests_of(op: Operation, target: str, port: int) -> list[bytes]:
    if target == "api":
        return [graphql_request(port, op.query, v) for v in op.variables]
    return [get_request(port, op.floor_query(v)) for v in op.variables]


async def measure(args: argparse.Namespace, uri: str, tmp: Path) -> dict[str, Any]:
    report, ops = await prepare(args.size, args.seed, uri, [PAGES, NODE])
    pages, node = (next(op for op in ops if op.name == name) for name in (PAGES, NODE))
    database = report["database"]
    ports = {"api": free_port(), "floor": free_port()}
    environment = {
        "MONGODB_URI": uri,
        "MONGODB_DATABASE": database,
        **UNCACHED,  # the work of each request: bench.cache measures answers from cache
        "WEB_CONCURRENCY": str(args.workers),
    }
    logs = {name: (tmp / f"{name}.log").open("wb") for name in ports}
    servers = {
        "api": start_server(ports["api"], tmp, logs["api"], environment=environment),
        "floor": start_server(
            ports["floor"], tmp, logs["floor"], module="bench.floor", environment=environment
        ),
    }
    try:
        await wait_ready(ports["api"], servers["api"], timeout_s=120, name="python -m api")
        await wait_ready(ports["floor"], servers["floor"], path="/stats", timeout_s=120)
        sweep: list[dict[str, Any]] = []
        for concurrency in args.concurrency:
            row: dict[str, Any] = {"concurrency": concurrency}
            for target, port in ports.items():
                requests = requests_of(pages, target, port)
                await settle(uri, database)
                await drive(port, requests, concurrency, args.warmup, failure=outcome)
                run = await drive(port, requests, concurrency, args.duration, failure=outcome)
                row[target] = summary(run)
                print(f"c={concurrency:<3} {target:<5} {row[target]}", flush=True)
            sweep.append(row)
        report["sweep"] = sweep
        mix: dict[str, Any] = {"concurrency": args.concurrency[-1]}
        for target, port in ports.items():
            await settle(uri, database)
            heavy = requests_of(pages, target, port)
            light = requests_of(node, target, port)
            connections = args.node_concurrency
            await drive(port, heavy, mix["concurrency"], args.warmup, failure=outcome)
            heavy_run, light_run = await asyncio.gather(
                drive(port, heavy, mix["concurrency"], args.duration, failure=outcome),
                drive(port, light, connections, args.duration, failure=outcome),
            )
            mix[target] = {"pages": summary(heavy_run), "node": summary(light_run)}
            if target == "api":  # the database alone: quiet, then beside the same pages
                ids = [variables["id"] for variables in node.variables]
                await settle(uri, database)
                mix["database_quiet"] = await point_reads(
                    uri, database, ids, connections, args.duration
                )
                await drive(port, heavy, mix["concurrency"], args.warmup, failure=outcome)
                _, mix["database_beside_pages"] = await asyncio.gather(
                    drive(port, heavy, mix["concurrency"], args.duration, failure=outcome),
                    point_reads(uri, database, ids, connections, args.duration),
                )
            print(f"mix   {target:<5} {mix[target]}", flush=True)
        report["mix"] = mix
    finally:
        for server in servers.values():
            stop_server(server, {})
        for log in logs.values():
            log.close()
    return report


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    sweep = report["sweep"]
    top, lower = sweep[-1], sweep[:-1]
    best = max((row["api"]["goodput"] for row in lower), default=0.0)
    share = round(top["api"]["goodput"] / best, 2) if best else None
    timeouts = sum(row["api"]["outcomes"].get("TIMEOUT", 0) for row in sweep)
    timeouts += report["mix"]["api"]["pages"]["outcomes"].get("TIMEOUT", 0)
    timeouts += report["mix"]["api"]["node"]["outcomes"].get("TIMEOUT", 0)
    worst_p99 = max((row["api"]["p99_ms"] or 0.0) for row in sweep)
    node_p99 = report["mix"]["api"]["node"]["p99_ms"]
    return [
        {
            "target": f"goodput at c={top['concurrency']} ≥ {TARGET_GOODPUT_SHARE} x the best "
            "at a lower concurrency",
            "value": share,
            "passed": share is not None and share >= TARGET_GOODPUT_SHARE,
        },
        {"target": "TIMEOUTs (API, every run)", "value": timeouts, "passed": timeouts == 0},
        {
            "target": f"p99 of admitted requests ≤ {TIME_LIMIT_MS:.0f} ms (the operation time "
            "limit), worst concurrency",
            "value": worst_p99,
            "passed": 0 < worst_p99 <= TIME_LIMIT_MS,
        },
        {
            "target": f"node(id) p99 < {TARGET_NODE_P99_MS:.0f} ms beside c={top['concurrency']} "
            "fifty-person pages",
            "value": node_p99,
            "passed": node_p99 is not None and node_p99 < TARGET_NODE_P99_MS,
        },
    ]


def _outcomes(outcomes: dict[str, int]) -> str:
    return ", ".join(f"{kind} {count}" for kind, count in sorted(outcomes.items())) or "-"


def markdown(data: dict[str, Any]) -> str:
    report = data["report"]
    documents = sum(report["documents"].values())
    lines = [
        f"Machine: {data['machine']['cpus']} CPUs, Python {data['machine']['python']}, "
        f"{load_words(data['load_before'], data['load_after'])}; "
        f"{data['duration_s']} s per measurement after {data['warmup_s']} s of warm-up; "
        f"database: {data['database']}; size {report['size']} ({documents:,} documents); "
        f"API and floor with {data['workers']} worker processes each; the API's admission "
        "settings: " + ", ".join(f"{k.upper()}={v}" for k, v in data["admission"].items()) + ".",
        "",
        f"### Sweep: {PAGES}",
        "",
        "| c | API goodput/s | API p50 ms | API p99 ms | API refused, timed out, other "
        "| refusal p99 ms | floor goodput/s | floor p99 ms | floor errors |",
        "| ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |",
    ]
    for row in report["sweep"]:
        api, floor = row["api"], row["floor"]
        lines.append(
            f"| {row['concurrency']} | {api['goodput']} | {api['p50_ms']} | {api['p99_ms']} "
            f"| {_outcomes(api['outcomes'])} | {api['refusal_p99_ms']} | {floor['goodput']} "
            f"| {floor['p99_ms']} | {_outcomes(floor['outcomes'])} |"
        )
    mix = report["mix"]
    lines += [
        "",
        f"### Mix: node(id) from {data['node_concurrency']} connections beside "
        f"c={mix['concurrency']} fifty-person pages",
        "",
        "| target | node(id) answered/s | node(id) p50 ms | node(id) p99 ms | node(id) errors "
        "| pages goodput/s | pages p99 ms | pages refused, timed out, other |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: | --- |",
    ]
    for target in ("api", "floor"):
        node, pages = mix[target]["node"], mix[target]["pages"]
        lines.append(
            f"| {target} | {node['goodput']} | {node['p50_ms']} | {node['p99_ms']} "
            f"| {_outcomes(node['outcomes'])} | {pages['goodput']} | {pages['p99_ms']} "
            f"| {_outcomes(pages['outcomes'])} |"
        )
    quiet, beside = mix["database_quiet"], mix["database_beside_pages"]
    lines += [
        "",
        "The database alone: the documents `node(id)` reads, looked up by `_id` (their `_id` "
        f"only) from {data['node_concurrency']} connections of the benchmark's own, on the "
        "quiet database and, in a pass of their own, beside the same pages to the API: "
        f"p50 {quiet['p50_ms']} / p90 {quiet['p90_ms']} / p99 "
        f"{quiet['p99_ms']} ms ({quiet['reads']} reads) quiet, p50 {beside['p50_ms']} / "
        f"p90 {beside['p90_ms']} / p99 {beside['p99_ms']} ms ({beside['reads']} reads) beside "
        "the pages.",
    ]
    lines += ["", "### Targets", "", "| target | value | met |", "| --- | ---: | :---: |"]
    for check in data["targets"]:
        met = "yes" if check["passed"] else "**no**"
        lines.append(f"| {check['target']} | {check['value']} | {met} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.goodput", description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 2, 4, 8, 16, 32, 64])
    parser.add_argument("--node-concurrency", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="WEB_CONCURRENCY of both servers")
    # Pages answer at under 2 per second: 5 s would count a handful, ±1 of which is 12%.
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds before each")
    parser.add_argument("--data-dir", type=Path, default=ROOT / ".data" / "bench")
    parser.add_argument("--json", type=Path, help="also write the report as JSON here")
    parser.add_argument("--markdown", type=Path, help="also write the tables as Markdown here")
    args = parser.parse_args(argv)
    if sorted(args.concurrency) != args.concurrency or len(args.concurrency) < 2:
        parser.error("--concurrency: at least two, in increasing order")
    data: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "workers": args.workers,
        "node_concurrency": args.node_concurrency,
        # The API's admission settings: the environment passes to it (bench.process).
        "admission": Settings().model_dump(
            include={
                "admission_capacity",
                "admission_reserve",
                "admission_cheap_cost",
                "admission_wait_ms",
            }
        ),
    }
    with tempfile.TemporaryDirectory(prefix="dossier-goodput-") as tmp:
        try:
            with database_uri(args.data_dir, args.size) as (uri, described):
                data["database"] = described
                data["load_before"] = load_average()
                data["report"] = asyncio.run(measure(args, uri, Path(tmp)))
                data["load_after"] = load_average()
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return 130
    data["targets"] = targets(data["report"])
    text = markdown(data)
    save(data, text, args.json, args.markdown)
    print(text, end="")
    return 0 if all(check["passed"] for check in data["targets"]) else 1


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, interrupt)
    sys.exit(main())
