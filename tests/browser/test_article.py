"""The article reader: one highlight per distinct cited passage; choosing one lists the facts
that cite it, as the API says."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import httpx
from playwright.async_api import Page, expect

ARTICLE = "moscow-times-magnitsky-bill"
FIELDS = {
    "persons": "person",
    "organizations": "organization",
    "events": "event",
    "statements": "statement",
    "sanctions": "sanction",
}


async def cited_passages(server_url: str) -> dict[str, set[str]]:
    """Each passage ("start-end") of the article with the facts ("kind:slug") citing it."""
    lists = " ".join(
        f"{field} {{ slug citations {{ start end article {{ slug }} }} }}" for field in FIELDS
    )
    query = f'{{ article(slug: "{ARTICLE}") {{ {lists} }} }}'
    async with httpx.AsyncClient(base_url=server_url) as http:
        response = await http.post("/graphql", json={"query": query})
    article = response.json()["data"]["article"]
    passages: dict[str, set[str]] = defaultdict(set)
    for field, kind in FIELDS.items():
        for fact in article[field]:
            for citation in fact["citations"]:
                if citation["article"]["slug"] == ARTICLE:
                    passages[f"{citation['start']}-{citation['end']}"].add(f"{kind}:{fact['slug']}")
    return passages


async def test_every_cited_passage_is_highlighted_once_and_lists_its_facts(
    page: Page, server_url: str, screenshots: Path
) -> None:
    passages = await cited_passages(server_url)
    assert len(passages) > 20
    await page.goto(f"/articles/{ARTICLE}")
    await expect(page.locator("body[data-ready]")).to_be_attached()
    shown = await page.eval_on_selector_all(
        "#article-body mark.passage", "marks => marks.map(mark => mark.dataset.passage)"
    )
    assert set(shown) == set(passages)
    # One focusable highlight per passage (a passage crossing another is drawn in pieces).
    assert await page.locator("#article-body mark.passage[tabindex='0']").count() == len(passages)
    await page.screenshot(path=screenshots / "article.png")

    most = max(passages, key=lambda passage: (len(passages[passage]), passage))
    assert len(passages[most]) > 1, "some passage is cited by several facts"
    # On the mark itself: a click on its middle may land on a passage nested inside it.
    await page.locator(f"mark.passage[data-passage='{most}'][tabindex='0']").dispatch_event("click")
    listed = await page.locator("#fact-list li").evaluate_all(
        "items => items.map(i => i.dataset.fact)"
    )
    assert sorted(listed) == sorted(passages[most])
    await expect(page.locator("#facts h2")).to_have_text(
        f"{len(passages[most])} facts cite this passage"
    )
    await page.screenshot(path=screenshots / "article-passage.png")

    # A toggle hides the passages only persons cite; the keyboard chooses a passage too.
    await page.locator("#toggle-person").uncheck()
    only_persons = {
        p for p, facts in passages.items() if all(f.startswith("person:") for f in facts)
    }
    assert only_persons
    shown = await page.eval_on_selector_all(
        "#article-body mark.passage", "m => m.map(x => x.dataset.passage)"
    )
    assert set(shown) == set(passages) - only_persons
    statement = next(
        p for p, facts in passages.items() if any(f.startswith("statement:") for f in facts)
    )
    await page.locator(f"mark.passage[data-passage='{statement}'][tabindex='0']").focus()
    await page.keyboard.press("Enter")
    listed = await page.locator("#fact-list li").evaluate_all(
        "items => items.map(i => i.dataset.fact)"
    )
    assert sorted(listed) == sorted(f for f in passages[statement] if not f.startswith("person:"))


async def test_a_link_to_a_passage_opens_it(page: Page, server_url: str) -> None:
    passages = await cited_passages(server_url)
    passage = sorted(passages)[0]
    await page.goto(f"/articles/{ARTICLE}#passage-{passage}")
    await expect(
        page.locator(f"mark.passage.selected[data-passage='{passage}']").first
    ).to_be_visible()
    fact = sorted(passages[passage])[0]
    await expect(page.locator(f"#fact-list li[data-fact='{fact}']")).to_be_visible()


async def test_the_search_box_finds_a_misspelled_name(page: Page, screenshots: Path) -> None:
    await page.goto(f"/articles/{ARTICLE}")
    await expect(page.locator("body[data-ready]")).to_be_attached()
    await page.get_by_label("Search the record").fill("Kislak")
    await page.get_by_label("Search the record").press("Enter")
    first = page.locator("#search-results li").first
    await expect(first.get_by_role("link")).to_have_attribute("href", "/persons/sergei-kislyak")
    await page.screenshot(path=screenshots / "search.png")
    await first.get_by_role("link").click()
    await expect(page.locator("h1")).to_have_text("Sergei Kislyak")
