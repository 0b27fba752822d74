"""The desk's HTTP surface: GraphiQL and the pages name no host but their own, carry a
Content-Security-Policy without third-party origins, and every vendored asset is the file
the npm registry published (its digest as recorded in the manifest)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import httpx
import pytest

from api import vendor
from api.app import create_app
from api.pages import CONTENT_SECURITY_POLICY, GRAPHIQL_POLICY
from api.settings import Settings

PAGES = [
    "/graphql",
    "/articles/moscow-times-magnitsky-bill",
    "/persons/sergei-kislyak",
    "/organizations/russia",
]


def referenced(html: str) -> list[str]:
    """Every URL the page names in an attribute: scripts, styles, icons, links."""
    return re.findall(r'\b(?:src|href|action)="([^"]*)"', html)


@pytest.mark.parametrize("path", PAGES)
async def test_a_page_names_no_host_but_its_own(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    urls = referenced(response.text)
    assert urls, "the page names its assets"
    for url in urls:
        parts = urlsplit(url)
        assert not parts.scheme, url
        assert not parts.netloc, url
        assert url.startswith(("/", "#")), url
    # Nor anywhere else in the page (the example query is data, and names no host either).
    assert "//" not in response.text.replace("</", "")
    for url in urls:
        if url.startswith("/"):
            asset = await client.get(url)
            assert asset.status_code == 200, url


@pytest.mark.parametrize("path", PAGES)
async def test_html_is_served_with_a_policy_naming_no_other_origin(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path, headers={"Accept": "text/html"})
    policy = response.headers["content-security-policy"]
    assert policy == (GRAPHIQL_POLICY if path == "/graphql" else CONTENT_SECURITY_POLICY)
    directives = dict((parts[0], parts[1:]) for parts in (d.split() for d in policy.split(";")))
    assert directives["default-src"] == ["'none'"]
    assert directives["script-src"] == ["'self'"]
    for sources in directives.values():
        for source in sources:
            assert source in {"'self'", "'none'", "data:", "'unsafe-inline'"}, source
    assert "'unsafe-inline'" not in directives["script-src"]
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_json_answers_carry_no_page_policy(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ viewer { role } }"})
    assert "content-security-policy" not in response.headers


def test_every_vendored_asset_is_the_published_file() -> None:
    manifest = vendor.load_manifest()
    assert vendor.problems(manifest) == []
    names = {package["name"] for package in manifest["packages"]}
    assert {"react", "react-dom", "graphiql", "@graphiql/plugin-explorer", "cytoscape"} <= names


def test_a_changed_asset_is_found(tmp_path: pytest.TempPathFactory) -> None:
    manifest = vendor.load_manifest()
    package = manifest["packages"][0]
    path = next(iter(package["files"]))
    package["files"][path] = vendor.sha256_of(b"something else")
    assert vendor.problems(manifest) == [
        f"{vendor.VENDOR / package['name'] / path}: differs from the manifest"
    ]


async def test_the_pages_and_graphiql_can_be_switched_off(settings: Settings) -> None:
    """Routing only: no database is needed to answer that there is no such page."""
    quiet = create_app(settings.model_copy(update={"graphiql": False, "pages": False}))
    transport = httpx.ASGITransport(app=quiet)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        for path in PAGES[1:]:
            assert (await http.get(path, headers={"Accept": "text/html"})).status_code == 404
        assert (await http.get("/static/desk/desk.js")).status_code == 404


async def test_a_link_to_a_query_opens_graphiql_holding_it(client: httpx.AsyncClient) -> None:
    """The pages' "open this query in GraphiQL" links: a browser gets GraphiQL (which
    reads the query from the address), a client asking for JSON gets the answer."""
    params = {"query": "{ articles { totalCount } }"}
    browser = await client.get("/graphql", params=params, headers={"Accept": "text/html"})
    assert browser.status_code == 200
    assert browser.headers["content-type"].startswith("text/html")
    assert 'id="graphiql"' in browser.text
    answer = await client.get("/graphql", params=params, headers={"Accept": "application/json"})
    assert answer.json() == {"data": {"articles": {"totalCount": 1}}}
    assert "Accept" in answer.headers["vary"]
