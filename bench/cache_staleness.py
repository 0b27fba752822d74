"""How soon a write made through one API process is answered by another whose response
cache held the old answer: the cross-process staleness of ``api.revision_watch``.

Two API processes (as two workers would be) share one embedded SecantusDB holding the
seed articles. For each write the reader process is asked a question twice (so its cache
holds the answer), the writer renames the person it asks about, and from the moment the
rename is acknowledged the reader is asked again every few milliseconds until it answers
with the new name.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from pathlib import Path
from typing import Any

from api.embedded import EmbeddedMongo, free_port
from api.settings import Settings
from bench.process import start_server, stop_server, wait_ready
from bench.scale_drive import fetch, graphql_request
from bench.stats import percentile

QUESTION = '{ person(slug: "sergei-kislyak") { id revision name } }'
RENAME = """mutation($input: UpdatePersonInput!) {
  updatePerson(input: $input) { person { name revision } userErrors { field code } }
}"""
ASK_EVERY_S = 0.005
GIVE_UP_S = 10.0


async def ask(port: int, query: str, variables: dict[str, Any], secret: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {secret}"} if secret else None
    status, body = await fetch(port, graphql_request(port, query, variables, headers))
    answer = json.loads(body)
    if status != 200 or "errors" in answer:
        raise RuntimeError(f"{status} {body[:300]!r}")
    return answer["data"]


async def measure_staleness(tmp: Path, writes: int) -> dict[str, Any]:
    defaults = Settings()
    poll_ms, bound_ms = defaults.cache_revision_poll_ms, defaults.cache_max_staleness_ms
    secret = "bench-" + secrets.token_hex(20)
    with EmbeddedMongo(tmp / "staleness-db") as database:
        base = {
            "MONGODB_URI": database.uri,
            "MONGODB_DATABASE": "staleness",
            "ADMIN_API_KEY": secret,
            "LOG_LEVEL": "warning",
            "WEB_CONCURRENCY": "1",  # from one process to another, as measured
        }
        ports = {"writer": free_port(), "reader": free_port()}
        logs = {name: (tmp / f"staleness-{name}.log").open("wb") for name in ports}
        servers = {}
        try:
            for name, port in ports.items():
                seed = "true" if name == "writer" else "false"
                servers[name] = start_server(
                    port, tmp, logs[name], environment={**base, "SEED_ON_START": seed}
                )
                await wait_ready(port, servers[name], timeout_s=120, name=name)
            delays_ms: list[float] = []
            unseen = 0
            for n in range(writes):
                for _ in range(2):  # the second answer comes from the reader's cache
                    await ask(ports["reader"], QUESTION, {})
                person = (await ask(ports["writer"], QUESTION, {}))["person"]
                name = f"Sergei Kislyak {n}"
                update = {"id": person["id"], "expectedRevision": person["revision"], "name": name}
                await ask(ports["writer"], RENAME, {"input": update}, secret)
                acknowledged = time.perf_counter()
                while True:
                    seen = (await ask(ports["reader"], QUESTION, {}))["person"]["name"]
                    waited = time.perf_counter() - acknowledged
                    if seen == name:
                        delays_ms.append(waited * 1000)
                        break
                    if waited > GIVE_UP_S:
                        unseen += 1
                        break
                    await asyncio.sleep(ASK_EVERY_S)
        finally:
            for server in servers.values():
                stop_server(server, {})
            for log in logs.values():
                log.close()
    ordered = sorted(delays_ms)
    return {
        "writes": writes,
        "poll_ms": poll_ms,
        "bound_ms": bound_ms,
        "p50_ms": percentile(ordered, 0.5),
        "max_ms": round(ordered[-1], 1) if ordered else None,
        "beyond_bound": sum(delay > bound_ms for delay in ordered),
        "unseen": unseen,
        "delays_ms": [round(delay, 1) for delay in delays_ms],
    }
