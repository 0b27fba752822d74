"""Debian's Chromium, driven by Playwright, against the app served by uvicorn with the seed.

One server and one browser per session (per xdist worker); each test gets a fresh page
whose requests to any other host are blocked and recorded, and whose console errors are
collected: both must stay empty. Screenshots go under the test's ``tmp_path``, or under
``DESK_SCREENSHOTS`` when it is set, to be looked at.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import (
    Browser,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    Route,
    async_playwright,
)

from api.embedded import free_port
from tests.api.test_shutdown import Output, wait_until_ready

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_executable() -> str:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(found).is_file():
        pytest.fail(
            "The browser tests need Debian's Chromium: `apt-get install chromium` "
            "(as root; `make test` does it when it can), or set CHROMIUM to its path."
        )
    return found


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``python -m api`` on a free port: the embedded database (or ``MONGODB_URI``, in a
    database of its own), the seed loaded at start."""
    port = free_port()
    data_dir = tmp_path_factory.mktemp("desk-data")
    env = os.environ | {
        "PORT": str(port),
        "DATA_DIR": str(data_dir),
        "LOG_LEVEL": "warning",
        "MONGODB_DATABASE": f"test_desk_{uuid.uuid4().hex[:12]}",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "api"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    assert server.stdout is not None
    output = Output(server.stdout)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(server, url, output)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        output.close()
        server.stdout.close()


@pytest.fixture(scope="session")
async def playwright() -> AsyncIterator[Playwright]:
    async with async_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
async def browser(playwright: Playwright) -> AsyncIterator[Browser]:
    chromium = await playwright.chromium.launch(
        executable_path=chromium_executable(), args=CHROMIUM_ARGS
    )
    yield chromium
    await chromium.close()


@dataclass
class Watched:
    """What a page did that it must not: requests elsewhere, console errors."""

    origin: str
    foreign: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def saw(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme in {"data", "blob"}:
            return
        origin = f"{parts.scheme}://{parts.netloc}".replace("ws://", "http://")
        if origin != self.origin:
            self.foreign.append(url)

    def request(self, request: Request) -> None:
        self.saw(request.url)

    def console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"{message.text} ({message.location})")


@pytest.fixture
def watched(server_url: str) -> Watched:
    return Watched(origin=server_url)


@pytest.fixture
async def page(browser: Browser, server_url: str, watched: Watched) -> AsyncIterator[Page]:
    context = await browser.new_context(
        base_url=server_url, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(20_000)

    async def route(route: Route) -> None:
        if route.request.url.startswith(server_url + "/"):
            await route.continue_()
        else:
            await route.abort("blockedbyclient")

    await context.route("**/*", route)
    tab = await context.new_page()
    tab.on("request", watched.request)
    tab.on("console", watched.console)
    tab.on("pageerror", lambda error: watched.errors.append(f"uncaught: {error}"))
    tab.on("websocket", lambda socket: watched.saw(socket.url))
    yield tab
    await context.close()
    assert watched.foreign == [], "the page asked another host"
    assert watched.errors == [], f"the page logged errors: {watched.errors}"


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    kept = os.environ.get("DESK_SCREENSHOTS")
    folder = Path(kept) if kept else tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
