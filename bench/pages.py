"""The desk's pages in Chromium: time to first render and to interactive, and the bytes
transferred, for the article reader and a person page with 500 events.

Starts ``python -m api`` on a scratch embedded database (the seed loaded, then 500 events
of one person written through the API with an admin key; nothing touches ``.data``), and
opens each page ``--runs`` times in Debian's Chromium driven by Playwright, each time in a
fresh browser context (an empty cache). Chromium's own performance timing gives the
figures: first contentful paint, DOMContentLoaded, the page's ``desk:ready`` mark (its data
loaded and drawn, the timeline and the network included), the longest task the main
thread ran (a frozen page shows as a long one), and the transfer sizes of the document and
every resource and fetch. ``make bench-pages`` writes ``bench/results/pages.md/.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Browser, async_playwright

from api.embedded import free_port
from bench.output import save
from bench.process import HOST, children_of, start_server, stop_server, wait_ready
from bench.stats import load_average, load_words
from tests.browser.conftest import CHROMIUM_ARGS, chromium_executable

PERSON = "sergei-kislyak"
ARTICLE = "moscow-times-magnitsky-bill"
PAGES = {"article reader": f"/articles/{ARTICLE}", "person, 500 events": f"/persons/{PERSON}"}
CO_PARTICIPANTS = ["sergei-lavrov", "russia", "united-states", "us-state-department", "us-congress"]
KINDS = ["DIPLOMATIC", "STATEMENT", "LEGISLATION", "INVESTIGATION", "OTHER"]

CREATE_EVENT = """mutation($input: CreateEventInput!) {
  createEvent(input: $input) { event { slug } userErrors { code message } }
}"""

# Registered before any script of the page runs (Playwright's init script is not subject to
# the page's Content-Security-Policy): long tasks are not buffered for a late observer.
OBSERVE_LONG_TASKS = """
window.__longTasks = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
}).observe({ type: "longtask", buffered: true });
"""

MEASURE = """() => {
  const navigation = performance.getEntriesByType("navigation")[0];
  const resources = performance.getEntriesByType("resource");
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const mark = (name) => (performance.getEntriesByName(name)[0] || {}).startTime ?? null;
  const took = (name) => (performance.getEntriesByName(name)[0] || {}).duration ?? null;
  return {
    first_contentful_paint_ms: paint ? paint.startTime : null,
    dom_content_loaded_ms: navigation.domContentLoadedEventEnd,
    profile_ms: mark("desk:profile"),
    ready_ms: mark("desk:ready"),
    longest_task_ms: Math.max(0, ...window.__longTasks),
    timeline_draw_ms: took("desk:timeline"),
    network_draw_ms: took("desk:network"),
    transferred_bytes: navigation.transferSize + resources.reduce((s, r) => s + r.transferSize, 0),
    decoded_bytes:
      navigation.decodedBodySize + resources.reduce((s, r) => s + r.decodedBodySize, 0),
    requests: 1 + resources.length,
    graphql_requests: resources.filter((r) => r.name.endsWith("/graphql")).length,
    highlights: document.querySelectorAll("mark.passage[tabindex='0']").length,
    timeline_rows: document.querySelectorAll("#timeline-dated li, #timeline-undated li").length,
    network_nodes: window.deskNetwork ? window.deskNetwork.nodes().length : null,
  };
}"""


def fuzzy_date(i: int) -> dict[str, str]:
    """A fifth undated, the rest by year, month or day: every precision the timeline draws."""
    year = 2000 + i % 13
    match i % 5:
        case 0:
            return {"text": "last summer"}
        case 1:
            return {"iso": f"{year}"}
        case 2:
            return {"iso": f"{year}-{1 + i % 12:02d}"}
        case _:
            return {"iso": f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}"}


async def quotes(http: httpx.AsyncClient) -> list[str]:
    """Passages of the seed article its facts already cite (so each is found there)."""
    query = f'{{ article(slug: "{ARTICLE}") {{ events {{ citations {{ quote }} }} }} }}'
    data = (await http.post("/graphql", json={"query": query})).json()["data"]
    return sorted({c["quote"] for e in data["article"]["events"] for c in e["citations"]})


async def write_events(http: httpx.AsyncClient, count: int) -> int:
    passages = await quotes(http)
    written = 0
    for i in range(count):
        event = {
            "title": f"Bench event {i:03d}: talks on the Magnitsky bill",
            "kind": KINDS[i % len(KINDS)],
            "date": fuzzy_date(i),
            "participants": [
                {"actor": PERSON, "role": "speaker"},
                {"actor": CO_PARTICIPANTS[i % len(CO_PARTICIPANTS)], "role": "counterpart"},
            ],
            "evidence": [{"article": ARTICLE, "quote": passages[i % len(passages)]}],
        }
        body = (
            await http.post("/graphql", json={"query": CREATE_EVENT, "variables": {"input": event}})
        ).json()
        payload = body["data"]["createEvent"]
        if payload["userErrors"]:
            raise RuntimeError(f"event {i} refused: {payload['userErrors']}")
        written += 1
    return written


async def measure(browser: Browser, url: str, screenshot: Path | None = None) -> dict[str, Any]:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = await context.new_page()
        await page.add_init_script(OBSERVE_LONG_TASKS)
        await page.goto(url)
        await page.wait_for_function(
            "() => performance.getEntriesByName('desk:ready').length > 0", timeout=120_000
        )
        figures: dict[str, Any] = await page.evaluate(MEASURE)
        if screenshot:
            await page.screenshot(path=screenshot, full_page=True)
        return figures
    finally:
        await context.close()


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    keys = runs[0].keys()
    return {
        key: statistics.median(run[key] for run in runs)
        if all(isinstance(run[key], int | float) for run in runs)
        else runs[0][key]
        for key in keys
    }


def markdown(report: dict[str, Any]) -> str:
    lines = [
        "# The desk's pages in Chromium",
        "",
        f"`python -m bench.pages --runs {report['runs']}` on {report['measured']}: "
        f"{report['machine']}, Chromium {report['chromium']}, the embedded SecantusDB with the "
        f"seed and {report['events_written']} events written for `{PERSON}`. "
        f"Machine: {load_words(report['load_before'], report['load_after'])}: times move "
        "with what else runs; the byte counts do not.",
        "",
        "Medians of fresh browser contexts (empty cache). *First paint*: Chromium's first "
        "contentful paint. *Profile*: the person's profile shown (`desk:profile`). "
        "*Ready*: data loaded and drawn, timeline and network included (`desk:ready`). "
        "*Longest task*: the longest the main thread was busy at once (*timeline* and "
        "*network*: what drawing each took of it). Transferred: the "
        "document, every asset and every `/graphql` answer, as sent (compressed when the "
        "server compresses).",
        "",
        "| page | first paint ms | DOMContentLoaded ms | profile ms | ready ms | longest task ms "
        "| timeline / network ms "
        "| transferred KB | decoded KB | requests (GraphQL) | drawn |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, figures in report["pages"].items():
        m = figures["median"]
        drawn = (
            f"{m['highlights']} highlights"
            if m["highlights"]
            else f"{m['timeline_rows']} timeline rows shown, {m['network_nodes']} nodes"
        )
        draws = (
            f"{m['timeline_draw_ms']:.0f} / {m['network_draw_ms']:.0f}"
            if m["network_draw_ms"] is not None
            else "-"
        )
        profile = f"{m['profile_ms']:.0f}" if m["profile_ms"] is not None else "-"
        lines.append(
            f"| {name} | {m['first_contentful_paint_ms']:.0f} | {m['dom_content_loaded_ms']:.0f} "
            f"| {profile} | {m['ready_ms']:.0f} | {m['longest_task_ms']:.0f} | {draws} "
            f"| {m['transferred_bytes'] / 1024:.0f} | {m['decoded_bytes'] / 1024:.0f} "
            f"| {m['requests']:.0f} ({m['graphql_requests']:.0f}) | {drawn} |"
        )
    lines += [
        "",
        "Reading them: the server does not compress, so transferred is about decoded. Of the "
        "person page's bytes, Cytoscape.js (the network) is 432 KB, loaded from the server's "
        "own assets; GraphiQL's 3.4 MB bundle is on `/graphql` only. The person page is ready "
        "after its GraphQL requests, one after another: the profile, then the events 50 a "
        "page (the largest page the query cost limit of 10,000 allows with participants and "
        "citations) beside the statements; the profile shows after the first. The timeline "
        "draws 100 dated rows at a time (a button shows more); the network draws the 30 latest "
        "dated events and links the other events' participants directly, which bounds "
        "its drawing (the network column of the longest task).",
        "",
        "Every run, in milliseconds (first paint / ready):",
        "",
    ]
    for name, figures in report["pages"].items():
        runs = ", ".join(
            f"{r['first_contentful_paint_ms']:.0f}/{r['ready_ms']:.0f}" for r in figures["runs"]
        )
        lines.append(f"- {name}: {runs}")
    return "\n".join(lines) + "\n"


async def run(runs: int, events: int, screenshots: Path | None) -> dict[str, Any]:
    port = free_port()
    admin_key = secrets.token_hex(32)
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as scratch:
        log_path = Path(scratch) / "server.log"
        with log_path.open("wb") as log:
            server = start_server(
                port,
                Path(scratch) / "data",
                log,
                environment={
                    "GRAPHIQL": "true",
                    "ADMIN_API_KEY": admin_key,
                    "MONGODB_DATABASE": "bench_pages",
                },
            )
            children: dict[int, bytes] = {}
            try:
                await wait_ready(port, server)
                children = children_of(server.pid)
                base = f"http://{HOST}:{port}"
                headers = {"Authorization": f"Bearer {admin_key}"}
                async with httpx.AsyncClient(
                    base_url=base, headers=headers, timeout=60, trust_env=False
                ) as http:
                    started = time.monotonic()
                    written = await write_events(http, events)
                    print(f"wrote {written} events in {time.monotonic() - started:.1f} s")
                report: dict[str, Any] = {
                    "runs": runs,
                    "events_written": written,
                    "measured": time.strftime("%Y-%m-%d", time.gmtime()),
                    "machine": f"{platform.machine()}, Python {platform.python_version()}",
                    "load_before": load_average(),
                    "pages": {},
                }
                async with async_playwright() as driver:
                    browser = await driver.chromium.launch(
                        executable_path=chromium_executable(), args=CHROMIUM_ARGS
                    )
                    report["chromium"] = browser.version
                    for name, path in PAGES.items():
                        shot = screenshots / f"{path.split('/')[1]}.png" if screenshots else None
                        await measure(browser, base + path, shot)  # the server's caches warm
                        results = [await measure(browser, base + path) for _ in range(runs)]
                        report["pages"][name] = {"median": summary(results), "runs": results}
                        print(name, json.dumps(report["pages"][name]["median"]))
                    await browser.close()
                report["load_after"] = load_average()
                return report
            finally:
                stop_server(server, children)


def main(argv: list[str] | None = None) -> int:
    """``--report FILE.json`` writes the markdown of a measured report again."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--markdown", type=Path)
    parser.add_argument("--screenshots", type=Path, help="a folder for one full-page shot each")
    parser.add_argument("--report", type=Path, help="only render this earlier JSON report")
    args = parser.parse_args(argv)
    if args.report:
        report = json.loads(args.report.read_text())
    else:
        report = asyncio.run(run(args.runs, args.events, args.screenshots))
    text = markdown(report)
    save(report, text, None if args.report else args.json, args.markdown)
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
