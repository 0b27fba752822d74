"""The response cache at scale: repeated reads, warm, against the hand-written floor.

On a size's corpus (as ``bench.scale`` loads it) it starts three servers on the same
database: the API as configured by default (its response cache on, bounded by
``--cache-bytes``), the API without it (``RESPONSE_CACHE_MAX_BYTES=0``) and the floor
(``bench.floor``). For the person page and ``node(id)`` at each concurrency it measures:

- floor, and the API without cache: every request does its reads;
- cold: the API with cache, every request a question not asked before (each carries a
  variable of its own, which the operation ignores), so each is a miss that is then kept
  (and, past the bound, evicts): what the cache costs when it does not help;
- warm: the API with cache, the same requests again and again (the scale benchmark's set).

Then the staleness of the cache across processes (``bench.cache_staleness``).

    python -m bench.cache --size S --concurrency 1 8 --duration 5
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import platform
import signal
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from api.embedded import free_port
from bench.cache_staleness import measure_staleness
from bench.operations import Operation, prepare
from bench.output import save
from bench.process import (
    PRODUCTION,
    ROOT,
    database_uri,
    interrupt,
    rss_mb,
    start_server,
    stop_server,
    wait_ready,
)
from bench.scale_drive import (
    drive,
    fetch,
    get_request,
    graphql_request,
    metric_sum,
    normalized,
    settle,
)
from bench.stats import load_average, load_words

OPERATIONS = ["person page", "node(id)"]
TARGETS = ("floor", "uncached", "cold", "warm")
TARGET_WARM = 2.0  # warm throughput over the floor's
TARGET_COLD = 0.9  # cold throughput with the cache over without it (noise allowed)


async def cache_figures(port: int) -> dict[str, float]:
    _, body = await fetch(port, get_request(port, "/metrics"))
    text = body.decode()
    return {
        name: metric_sum(text, f"dossier_response_cache_{name}")
        for name in ("hits_total", "misses_total", "evictions_total", "bytes", "entries")
    }


NONCES = itertools.count()  # across runs too: a later round must not find an earlier's


def distinct(port: int, op: Operation) -> Iterator[bytes]:
    """Requests never asked before: the operation's, each with a variable of its own."""
    for n in NONCES:
        variables = {**op.variables[n % len(op.variables)], "nonce": n}
        yield graphql_request(port, op.query, variables)


async def same_answers(ops: list[Operation], ports: dict[str, int]) -> int:
    """Requests whose cached answer (asked twice: the second from cache) differs from
    the uncached server's."""
    differing = 0
    for op in ops:
        for variables in op.variables:
            answers = [
                normalized((await fetch(port, graphql_request(port, op.query, variables)))[1])
                for port in (ports["uncached"], ports["cached"], ports["cached"])
            ]
            differing += len(set(answers)) != 1
    return differing


async def measure_one(
    args: argparse.Namespace,
    uri: str,
    database: str,
    ports: dict[str, int],
    op: Operation,
    concurrency: int,
    target: str,
) -> dict[str, Any]:
    port = ports["cached" if target in ("cold", "warm") else target]
    requests: list[bytes] | Iterator[bytes]
    if target == "floor":
        requests = [get_request(port, op.floor_query(v)) for v in op.variables]
    elif target == "cold":
        requests = distinct(port, op)
    else:
        requests = [graphql_request(port, op.query, v) for v in op.variables]
    await settle(uri, database)
    await drive(port, requests, concurrency, args.warmup)
    before = await cache_figures(ports["cached"])
    summary = (await drive(port, requests, concurrency, args.duration)).summary()
    after = await cache_figures(ports["cached"])
    if target in ("cold", "warm"):
        hits = after["hits_total"] - before["hits_total"]
        asked = hits + after["misses_total"] - before["misses_total"]
        summary["hit_ratio"] = round(hits / asked, 3) if asked else None
    return summary


async def measure(args: argparse.Namespace, uri: str, tmp: Path) -> dict[str, Any]:
    report, ops = await prepare(args.size, args.seed, uri, OPERATIONS)
    database = report["database"]
    # One process each, as these figures were first measured (a worker per core since).
    base = {
        "MONGODB_URI": uri,
        "MONGODB_DATABASE": database,
        **PRODUCTION,
        "WEB_CONCURRENCY": "1",
    }
    environments = {
        "cached": {**base, "RESPONSE_CACHE_MAX_BYTES": str(args.cache_bytes)},
        "uncached": {**base, "RESPONSE_CACHE_MAX_BYTES": "0", "HTTP_CACHING": "false"},
        "floor": base,
    }
    ports = {name: free_port() for name in environments}
    logs = {name: (tmp / f"{name}.log").open("wb") for name in environments}
    servers = {
        name: start_server(
            ports[name],
            tmp,
            logs[name],
            module="bench.floor" if name == "floor" else "api",
            environment=environment,
        )
        for name, environment in environments.items()
    }
    try:
        for name, server in servers.items():
            path = "/stats" if name == "floor" else "/readyz"
            await wait_ready(ports[name], server, path=path, timeout_s=120, name=name)
        report["differing_answers"] = await same_answers(ops, ports)
        rows = []
        for concurrency in args.concurrency:
            for op in ops:
                row: dict[str, Any] = {"operation": op.name, "concurrency": concurrency}
                runs: dict[str, list[dict[str, Any]]] = {target: [] for target in TARGETS}
                for turn in range(args.rounds):  # in turn forwards and backwards
                    order = TARGETS if turn % 2 == 0 else TARGETS[::-1]
                    for target in order:
                        runs[target].append(
                            await measure_one(args, uri, database, ports, op, concurrency, target)
                        )
                for target, measured in runs.items():
                    # The median run: one lucky or unlucky moment of a shared machine moves
                    # it less than it moves the best.
                    median = sorted(measured, key=lambda run: run["rps"])[len(measured) // 2]
                    row[target] = {**median, "rounds": [run["rps"] for run in measured]}
                floor, uncached = row["floor"]["rps"], row["uncached"]["rps"]
                row["warm_over_floor"] = round(row["warm"]["rps"] / floor, 2) if floor else None
                row["cold_over_uncached"] = (
                    round(row["cold"]["rps"] / uncached, 2) if uncached else None
                )
                print(line_of(row), flush=True)
                rows.append(row)
        report["results"] = rows
        report["cache"] = await cache_figures(ports["cached"])
        report["cache_max_bytes"] = args.cache_bytes
        report["rss_mb"] = {name: rss_mb(server.pid) for name, server in servers.items()}
    finally:
        for server in servers.values():
            stop_server(server, {})
        for log in logs.values():
            log.close()
    return report


def line_of(row: dict[str, Any]) -> str:
    parts = [f"c={row['concurrency']:<2} {row['operation']:<12}"]
    for target in ("floor", "uncached", "cold", "warm"):
        figures = row[target]
        ratio = f" hits {figures['hit_ratio']}" if "hit_ratio" in figures else ""
        parts.append(
            f"{target} {figures['rps']:>7} rps p99 {figures['p99_ms']} ms "
            f"{figures['errors']} err{ratio}"
        )
    parts.append(f"warm/floor {row['warm_over_floor']} cold/uncached {row['cold_over_uncached']}")
    return " | ".join(parts)


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    checks: list[dict[str, Any]] = []
    for row in report["results"]:
        name = f"{row['operation']} at c={row['concurrency']}"
        for label, value, goal in (
            (f"{name}: warm ≥ {TARGET_WARM} x floor", row["warm_over_floor"], TARGET_WARM),
            (f"{name}: cold ≥ {TARGET_COLD} x uncached", row["cold_over_uncached"], TARGET_COLD),
        ):
            checks.append({"target": label, "value": value, "passed": (value or 0) >= goal})
        errors = sum(row[t]["errors"] for t in ("floor", "uncached", "cold", "warm"))
        checks.append({"target": f"{name}: no errors", "value": errors, "passed": errors == 0})
    checks.append(
        {
            "target": "cached answers equal uncached ones",
            "value": report["differing_answers"],
            "passed": report["differing_answers"] == 0,
        }
    )
    checks.append(
        {
            "target": "cache within RESPONSE_CACHE_MAX_BYTES",
            "value": int(report["cache"]["bytes"]),
            "passed": report["cache"]["bytes"] <= report["cache_max_bytes"],
        }
    )
    staleness = report["staleness"]
    checks.append(
        {
            "target": f"a write elsewhere seen within the bound ({staleness['bound_ms']} ms)",
            "value": staleness["max_ms"],
            "passed": staleness["beyond_bound"] == 0 and staleness["unseen"] == 0,
        }
    )
    return checks


def markdown(data: dict[str, Any]) -> str:
    report = data["report"]
    lines = [
        f"# Response cache, size {report['size']}",
        "",
        f"Machine: {data['machine']['cpus']} cores, Python {data['machine']['python']}; "
        f"{load_words(data['load_before'], data['load_after'])}: the figures move with what "
        "else runs, so compare the columns of one row. "
        f"{data['duration_s']} s per measurement after {data['warmup_s']} s of warm-up, "
        f"each measured {data['rounds']} times (in turn forwards and backwards through the "
        "columns), the median run shown (all runs' requests/s in the JSON); "
        "requests over loopback, one keep-alive connection per worker. Database: "
        f"{data['database']}. Rerun: `make bench-cache`.",
        "",
        "Requests per second (p99 ms). floor: the hand-written reads; uncached: the API "
        "with `RESPONSE_CACHE_MAX_BYTES=0`; cold: the API with its cache, every request a "
        "new question (a miss, then kept); warm: the same requests again and again.",
        "",
        "| operation | c | floor | uncached | cold | warm | warm / floor | cold / uncached "
        "| warm hit ratio |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in report["results"]:
        cells = [
            f"{row[t]['rps']} ({row[t]['p99_ms']})" for t in ("floor", "uncached", "cold", "warm")
        ]
        lines.append(
            f"| {row['operation']} | {row['concurrency']} | {' | '.join(cells)} | "
            f"{row['warm_over_floor']} | {row['cold_over_uncached']} | {row['warm']['hit_ratio']} |"
        )
    cache, rss = report["cache"], report["rss_mb"]
    staleness = report["staleness"]
    lines += [
        "",
        f"Memory: after all runs the cache held {int(cache['entries'])} entries in "
        f"{int(cache['bytes'])} bytes (bound `RESPONSE_CACHE_MAX_BYTES="
        f"{report['cache_max_bytes']}`; {int(cache['evictions_total'])} evictions); resident "
        f"memory: API with cache {rss['cached']:.1f} MB, without {rss['uncached']:.1f} MB, "
        f"floor {rss['floor']:.1f} MB.",
        "",
        f"Staleness across processes ({staleness['writes']} writes, "
        f"`CACHE_REVISION_POLL_MS={staleness['poll_ms']}`, bound "
        f"`CACHE_MAX_STALENESS_MS={staleness['bound_ms']}`): "
        "a write made through one API process, measured from its acknowledgement until "
        "another process, whose cache held the old answer, answers with it: "
        f"p50 {staleness['p50_ms']} ms, max {staleness['max_ms']} ms; "
        f"{staleness['beyond_bound']} beyond the bound, {staleness['unseen']} never seen.",
        "",
        "| target | value | passed |",
        "| --- | --- | --- |",
    ]
    lines += [
        f"| {c['target']} | {c['value']} | {'yes' if c['passed'] else 'NO'} |"
        for c in data["targets"]
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cache", description=__doc__)
    parser.add_argument("--size", default="S")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds before each")
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="each measured so often; the median counts (of an even number, the upper middle)",
    )
    parser.add_argument("--cache-bytes", type=int, default=8_000_000)
    parser.add_argument("--writes", type=int, default=20, help="for the staleness measurement")
    parser.add_argument("--data-dir", type=Path, default=ROOT / ".data" / "bench")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args(argv)
    data: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "rounds": args.rounds,
    }
    with tempfile.TemporaryDirectory(prefix="dossier-cache-") as tmp:
        try:
            with database_uri(args.data_dir, args.size) as (uri, described):
                data["database"] = described
                data["load_before"] = load_average()
                report = asyncio.run(measure(args, uri, Path(tmp)))
            report["staleness"] = asyncio.run(measure_staleness(Path(tmp), args.writes))
            data["load_after"] = load_average()
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return 130
    data["report"] = report
    data["targets"] = targets(report)
    text = markdown(data)
    save(data, text, args.json, args.markdown)
    print(text, end="")
    return 0 if all(check["passed"] for check in data["targets"]) else 1


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, interrupt)
    sys.exit(main())
