"""Person and organization pages: the timeline orders dated items by date, drawn at their
precision, with the undated ones in their own lane; the network holds the entity's
neighbours, and a click on a node opens its page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Page, expect

ACTOR = "__typename ... on Person { slug } ... on Organization { slug }"
SUBJECT = f"{ACTOR} ... on Event {{ slug }} ... on Sanction {{ slug }}"


async def ask(server_url: str, query: str, slug: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=server_url) as http:
        response = await http.post("/graphql", json={"query": query, "variables": {"slug": slug}})
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def test_the_timeline_orders_by_date_at_each_dates_precision(
    page: Page, server_url: str, screenshots: Path
) -> None:
    data = await ask(
        server_url,
        """query($slug: String!) { person(slug: $slug) {
            events(first: 100) { nodes { date { iso text } } }
            statements(first: 100) { nodes { date { iso text } } } } }""",
        "sergei-magnitsky",
    )
    dates = [
        n["date"] for field in ("events", "statements") for n in data["person"][field]["nodes"]
    ]
    dated = sorted(date["iso"] for date in dates if date["iso"])
    assert dated == ["2008", "2009-11"]  # a year and a month: the seed's two precisions
    await page.goto("/persons/sergei-magnitsky")
    await expect(page.locator("body[data-ready]")).to_be_attached()
    rows = page.locator("#timeline-dated li")
    assert await rows.evaluate_all("rows => rows.map(r => r.dataset.iso)") == dated
    await expect(rows.nth(0).locator(".when")).to_have_text("2008")
    await expect(rows.nth(1).locator(".when")).to_have_text("November 2009")
    year = await rows.nth(0).locator(".span").bounding_box()
    month = await rows.nth(1).locator(".span").bounding_box()
    assert year is not None
    assert month is not None
    assert 10 < year["width"] / month["width"] < 14, "a year drawn twelve months wide"
    assert year["x"] + year["width"] <= month["x"], "2008 ends before November 2009"
    undated = [date for date in dates if not date["iso"]]
    await expect(page.locator("#timeline-undated li")).to_have_count(len(undated))
    await page.screenshot(path=screenshots / "person-magnitsky.png", full_page=True)


async def test_undated_items_keep_the_sources_words(page: Page, screenshots: Path) -> None:
    await page.goto("/persons/sergei-kislyak")
    await expect(page.locator("body[data-ready]")).to_be_attached()
    await expect(page.locator("#timeline-undated")).to_contain_text("“last month”")
    await expect(page.locator("#timeline-undated")).to_contain_text("“Wednesday”")
    await page.screenshot(path=screenshots / "person-kislyak.png", full_page=True)


async def test_the_network_holds_the_neighbours_and_a_click_opens_one(
    page: Page, server_url: str, screenshots: Path
) -> None:
    data = await ask(
        server_url,
        f"""query($slug: String!) {{
          person(slug: $slug) {{
            positions {{ organization {{ slug }} }}
            events(first: 100) {{ nodes {{ slug participants {{ actor {{ {ACTOR} }} }} }} }}
            statements(first: 100) {{ nodes {{ about {{ {SUBJECT} }} }} }}
            sanctions(first: 100) {{ nodes {{ slug }} }}
          }}
          statements(filter: {{ about: $slug }}, first: 100) {{ nodes {{ speaker {{ {ACTOR} }} }} }}
        }}""",
        "sergei-kislyak",
    )
    person = data["person"]
    one_step = {f"Event:{event['slug']}" for event in person["events"]["nodes"]}
    one_step |= {f"Sanction:{sanction['slug']}" for sanction in person["sanctions"]["nodes"]}
    one_step |= {f"Organization:{p['organization']['slug']}" for p in person["positions"]}
    for statement in person["statements"]["nodes"]:
        one_step |= {f"{subject['__typename']}:{subject['slug']}" for subject in statement["about"]}
    for statement in data["statements"]["nodes"]:
        if speaker := statement["speaker"]:
            one_step.add(f"{speaker['__typename']}:{speaker['slug']}")
    one_step.discard("Person:sergei-kislyak")
    co_participants = (
        {
            f"{p['actor']['__typename']}:{p['actor']['slug']}"
            for event in person["events"]["nodes"]
            for p in event["participants"]
            if p["actor"]
        }
        - one_step
        - {"Person:sergei-kislyak"}
    )
    assert "Person:sergei-lavrov" in co_participants

    await page.goto("/persons/sergei-kislyak")
    await expect(page.locator("body[data-ready]")).to_be_attached()
    listed = page.locator("#neighbours-1 li")
    assert set(await listed.evaluate_all("items => items.map(i => i.dataset.node)")) == one_step
    drawn = set(await page.evaluate("() => window.deskNetwork.nodes().map(n => n.id())"))
    assert drawn == one_step | co_participants | {"Person:sergei-kislyak"}
    await page.locator("#network").scroll_into_view_if_needed()
    await page.screenshot(path=screenshots / "network-kislyak.png")

    position = await page.evaluate(
        "() => window.deskNetwork.getElementById('Person:sergei-lavrov').renderedPosition()"
    )
    box = await page.locator("#network").bounding_box()
    assert box is not None
    await page.mouse.click(box["x"] + position["x"], box["y"] + position["y"])
    await expect(page).to_have_url(f"{server_url}/persons/sergei-lavrov")
    await expect(page.locator("h1")).to_have_text("Sergei Lavrov")


async def test_an_organization_page_shows_the_chain_of_counter_sanctions(
    page: Page, screenshots: Path
) -> None:
    await page.goto("/organizations/russia")
    await expect(page.locator("body[data-ready]")).to_be_attached()
    await expect(page.locator("h1")).to_have_text("Russia")
    one = page.locator("#neighbours-1 li")
    assert "Sanction:russia-counter-blacklist" in await one.evaluate_all(
        "items => items.map(i => i.dataset.node)"
    )
    responses = await page.evaluate(
        """() => window.deskNetwork.edges('[label = "responds to"]')
            .map(e => [e.source().id(), e.target().id()].sort().join(' '))"""
    )
    assert "Sanction:russia-counter-blacklist Sanction:state-department-blacklist" in responses
    await page.screenshot(path=screenshots / "organization-russia.png", full_page=True)
