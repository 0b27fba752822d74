"""Benchmark of subscription fan-out: many subscribers on one process, a steady writer.

Starts the API as a user would (``python -m api`` under uvicorn, production settings, the
embedded SecantusDB with the seed), opens ``--subscribers`` graphql-transport-ws
connections each subscribed to ``changes``, then creates persons through ``createPerson``
at ``--rate`` per second for ``--duration`` seconds. Every subscriber must receive every
acknowledged write, once and in commit order; the figures are the delivery latency from
commit (the revision's ``at``, the server's clock on this same machine) to the client,
events lost, and the server's memory.

    python -m bench.subscriptions                     # 1,000 subscribers, 20 writes/s, 30 s
    python -m bench.subscriptions --subscribers 50 --duration 5
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import secrets
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from api.embedded import free_port
from bench.output import save
from bench.process import (
    HOST,
    PRODUCTION,
    children_of,
    cpu_seconds,
    interrupt,
    log_tail,
    rss_mb,
    start_server,
    stop_server,
    wait_ready,
)
from bench.stats import load_average, load_words, percentile
from schema.common.ids import from_global_id, to_global_id

SUBSCRIPTION = "subscription { changes(types: [PERSON]) { id nodeId at } }"
CREATE = """mutation($input: CreatePersonInput!) {
  createPerson(input: $input) { person { slug } userErrors { code message } }
}"""
MAKE_KEY = """mutation { createApiKey(input: {name: "bench-editor", role: EDITOR}) {
  secret userErrors { code } } }"""
ARTICLE = "moscow-times-magnitsky-bill"
QUOTE = "Kislyak and Foreign Minister Sergei Lavrov made similar comments"
PATIENCE_S = 120.0


@dataclass
class Subscriber:
    socket: ClientConnection
    received: list[str] = field(default_factory=list)  # revision ids, in arrival order
    nodes: set[str] = field(default_factory=set)  # the persons' global ids
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[Any] = field(default_factory=list)

    async def listen(self) -> None:
        with contextlib.suppress(Exception):
            async for raw in self.socket:
                arrived = time.time()
                message = json.loads(raw)
                if message.get("type") != "next" or "errors" in message["payload"]:
                    self.errors.append(message)
                    continue
                change = message["payload"]["data"]["changes"]
                self.received.append(change["id"])
                self.nodes.add(change["nodeId"])
                at = datetime.fromisoformat(change["at"].replace("Z", "+00:00")).timestamp()
                self.latencies_ms.append((arrived - at) * 1000)


async def subscribe(url: str) -> Subscriber:
    socket = await connect(url, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
    await socket.send(json.dumps({"type": "connection_init", "payload": {}}))
    ack = json.loads(await socket.recv())
    assert ack["type"] == "connection_ack", ack
    payload = {"query": SUBSCRIPTION}
    await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
    return Subscriber(socket)


async def metric(http: httpx.AsyncClient, name: str) -> float:
    for line in (await http.get("/metrics")).text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return float("nan")


async def run(args: argparse.Namespace) -> dict[str, Any]:
    admin = secrets.token_hex(24)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-subscriptions-") as scratch:
        log_path = Path(scratch) / "server.log"
        with log_path.open("wb") as log:
            environment = {**PRODUCTION, "SEED_ON_START": "true", "ADMIN_API_KEY": admin}
            environment["LOG_LEVEL"] = "warning"
            environment["WEB_CONCURRENCY"] = "1"  # the issue: subscribers on one process
            server = start_server(port, Path(scratch), log, environment=environment)
            children: dict[int, bytes] = {}
            try:
                await wait_ready(port, server, timeout_s=120)
                children = children_of(server.pid)
                return await measure(args, port, server.pid, admin)
            except Exception:
                print(log_tail(log_path), file=sys.stderr)
                raise
            finally:
                stop_server(server, children or children_of(server.pid))


async def measure(args: argparse.Namespace, port: int, pid: int, admin: str) -> dict[str, Any]:
    url = f"ws://{HOST}:{port}/graphql"
    base = f"http://{HOST}:{port}"
    async with httpx.AsyncClient(base_url=base, timeout=60, trust_env=False) as http:
        made = await http.post(
            "/graphql",
            json={"query": MAKE_KEY},
            headers={"Authorization": f"Bearer {admin}"},
        )
        editor = {"Authorization": f"Bearer {made.json()['data']['createApiKey']['secret']}"}
        rss_before = rss_mb_api(pid)
        subscribers = []
        for start in range(0, args.subscribers, 50):  # connect in batches, as clients arrive
            batch = range(start, min(start + 50, args.subscribers))
            subscribers += await asyncio.gather(*[subscribe(url) for _ in batch])
        listening = [asyncio.create_task(s.listen()) for s in subscribers]
        deadline = time.monotonic() + PATIENCE_S
        while await metric(http, "dossier_subscriptions_open") < args.subscribers:
            assert time.monotonic() < deadline, "the subscribers never all subscribed"
            await asyncio.sleep(0.2)
        rss_subscribed = rss_mb_api(pid)

        acknowledged: list[str] = []
        failed = 0
        rss_peak = rss_subscribed

        async def write(n: int) -> None:
            nonlocal failed
            variables = {
                "input": {
                    "name": f"Fan Out {n}",
                    "evidence": [{"article": ARTICLE, "quote": QUOTE}],
                }
            }
            try:
                answer = await http.post(
                    "/graphql", json={"query": CREATE, "variables": variables}, headers=editor
                )
                body = answer.json()
            except (httpx.HTTPError, ValueError):  # counted: an overloaded server is a result
                failed += 1
                return
            if "errors" in body or body["data"]["createPerson"]["userErrors"]:
                failed += 1
            else:
                acknowledged.append(body["data"]["createPerson"]["person"]["slug"])

        writes = int(args.rate * args.duration)
        cpu_before = cpu_of(pid)
        started = time.monotonic()
        tasks = []
        for n in range(writes):  # at a fixed pace, whether or not the last was answered
            await asyncio.sleep(max(0.0, started + n / args.rate - time.monotonic()))
            tasks.append(asyncio.create_task(write(n)))
            if n % args.rate == 0:
                rss_peak = max(rss_peak, rss_mb_api(pid))
        await asyncio.gather(*tasks)
        write_s = time.monotonic() - started
        expected = len(acknowledged)
        deadline = time.monotonic() + PATIENCE_S
        written = {to_global_id("Person", slug) for slug in acknowledged}
        while any(written - s.nodes for s in subscribers):
            if time.monotonic() > deadline:
                break
            rss_peak = max(rss_peak, rss_mb_api(pid))
            await asyncio.sleep(0.2)
        delivering_s = time.monotonic() - started
        cpu = {name: used - cpu_before[name] for name, used in cpu_of(pid).items()}
        rss_after = rss_mb_api(pid)
        rss_peak = max(rss_peak, rss_after)
        streams = await metric(http, "dossier_change_streams_opened_total")
        dropped = await metric(http, "dossier_subscribers_dropped_total")
        for task in listening:
            task.cancel()
        await asyncio.gather(*[s.socket.close() for s in subscribers])

    # Lost: an acknowledged write a subscriber never got (a write the client gave up on may
    # still have committed, and be received: it is no loss, and not counted as one).
    lost = sum(len(written - s.nodes) for s in subscribers)
    duplicated = sum(len(s.received) - len(set(s.received)) for s in subscribers)
    out_of_order = sum(
        [sequence(i) for i in s.received] != sorted(sequence(i) for i in s.received)
        for s in subscribers
    )
    latencies = sorted(ms for s in subscribers for ms in s.latencies_ms)
    received = sum(len(s.received) for s in subscribers)
    return {
        "subscribers": args.subscribers,
        "rate_per_s": args.rate,
        "duration_s": args.duration,
        "writes_sent": writes,
        "writes_acknowledged": expected,
        "writes_failed": failed,
        "writing_took_s": round(write_s, 1),
        "events_expected": expected * args.subscribers,
        "events_received": received,
        "events_received_of_acknowledged": sum(len(written & s.nodes) for s in subscribers),
        "events_lost": lost,
        "events_duplicated": duplicated,
        "subscribers_out_of_order": out_of_order,
        "subscribers_with_errors": sum(bool(s.errors) for s in subscribers),
        "subscribers_dropped": dropped,
        "change_streams_opened": streams,
        "latency_ms": {
            "p50": _round(percentile(latencies, 0.50)),
            "p90": _round(percentile(latencies, 0.90)),
            "p99": _round(percentile(latencies, 0.99)),
            "max": _round(latencies[-1] if latencies else None),
        },
        "delivering_s": round(delivering_s, 1),
        "cpu_s": {name: round(used, 2) for name, used in cpu.items()},
        "cpu_us_per_event": {
            name: round(used * 1e6 / received, 1) if received else None
            for name, used in cpu.items()
        },
        "cores_busy": round(sum(cpu.values()) / delivering_s, 2),
        "rss_mb": {
            "before_subscribers": round(rss_before, 1),
            "subscribed": round(rss_subscribed, 1),
            "peak": round(rss_peak, 1),
            "after": round(rss_after, 1),
            "growth_with_subscribers": round(rss_peak - rss_before, 1),
        },
    }


def sequence(revision_id: str) -> str:
    """The commit sequence in a revision's global id (zero-padded: its order is commit order)."""
    return from_global_id(revision_id)[1]


def cpu_of(pid: int) -> dict[str, float]:
    """CPU seconds used so far by the API process, its embedded database, and these
    clients (with the writer): where a delivery's cost goes."""
    return {
        "api": cpu_seconds(pid),
        "database": sum(cpu_seconds(child) for child in children_of(pid)),
        "clients": time.process_time(),
    }


def rss_mb_api(pid: int) -> float:
    """The API process alone (``rss_mb`` would add its embedded database)."""
    return rss_mb(pid) - sum(rss_mb(child) for child in children_of(pid))


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def markdown(result: dict[str, Any], machine: str) -> str:
    latency, rss = result["latency_ms"], result["rss_mb"]
    cpu, per = result["cpu_s"], result["cpu_us_per_event"]
    rows = [
        ("measure", "value"),
        ("---", "---"),
        (
            "writes acknowledged / sent",
            f"{result['writes_acknowledged']} / {result['writes_sent']}"
            f" (took {result['writing_took_s']} s)",
        ),
        (
            "events expected / received",
            f"{result['events_expected']:,} / {result['events_received']:,}",
        ),
        ("**events lost**", f"**{result['events_lost']}**"),
        (
            "events duplicated / subscribers out of order",
            f"{result['events_duplicated']} / {result['subscribers_out_of_order']}",
        ),
        (
            "subscribers dropped / with errors",
            f"{result['subscribers_dropped']:g} / {result['subscribers_with_errors']}",
        ),
        ("change streams opened", f"{result['change_streams_opened']:g}"),
        (
            "CPU from the first write to the last delivery: API / database / clients",
            f"{cpu['api']} / {cpu['database']} / {cpu['clients']} s"
            f" in {result['delivering_s']} s ({result['cores_busy']} cores busy)",
        ),
        (
            "CPU per event delivered: API / database / clients",
            f"{per['api']} / {per['database']} / {per['clients']} µs",
        ),
        (
            "**latency p50 / p90 / p99 / max**",
            f"**{latency['p50']} / {latency['p90']} / {latency['p99']} / {latency['max']} ms**",
        ),
        (
            "API RSS before subscribers / subscribed / peak / after",
            f"{rss['before_subscribers']} / {rss['subscribed']} / {rss['peak']}"
            f" / {rss['after']} MB",
        ),
        (
            "**RSS growth with subscribers (peak - before)**",
            f"**{rss['growth_with_subscribers']} MB**",
        ),
    ]
    table = "\n".join(f"| {name} | {value} |" for name, value in rows)
    return f"""# Subscription fan-out

`make bench-subscriptions` (`python -m bench.subscriptions`): {result["subscribers"]:,}
graphql-transport-ws subscribers of `changes(types: [PERSON]) {{ id nodeId at }}` on one
API process (`python -m api`, production settings, the embedded SecantusDB with the seed),
while an editor creates persons with `createPerson` at {result["rate_per_s"]} per second for
{result["duration_s"]:g} s. Latency is from the revision's time (`at`, the server's clock,
taken as the commit starts writing, so a little before it is visible) to its arrival at the
client, on the same machine; the clients run in one Python process of their own.

Machine: {machine}; {load_words(result["load_before"], result["load_after"])}.

{table}

Targets of the issue: p99 under 500 ms, no event lost, RSS growth under 100 MB.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--rate", type=int, default=20, help="writes per second")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of writing")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, interrupt)
    before = load_average()
    result = asyncio.run(run(args))
    result["load_before"], result["load_after"] = before, load_average()
    machine = (
        f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}"
    )
    machine += f", {os.cpu_count()} cores"
    result["machine"] = machine
    text = markdown(result, machine)
    print(text)
    save(result, text, args.json, args.markdown)


if __name__ == "__main__":
    main()
