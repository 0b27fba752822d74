"""GraphiQL, served whole by the app: it renders offline, runs an example query, and its
explorer and docs panel work."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import httpx
from playwright.async_api import Page, expect

RESULT = ".result-window .CodeMirror"


async def choose_operation(page: Page, name: str) -> None:
    """Run one operation of a document of several. GraphiQL offers the choice only once it
    has parsed the editor's document (the run button becomes a menu): a click before that
    runs the whole document."""
    run = page.locator(".graphiql-execute-button")
    await expect(run).to_have_attribute("aria-haspopup", "menu")
    await run.click()
    await page.get_by_role("menuitem", name=name).click()


REVISIONS = """{
  first: changes(first: 1) { edges { cursor } }
  last: changes(last: 1) { edges { cursor } }
}"""


async def test_graphiql_renders_offline_and_runs_an_example(page: Page, screenshots: Path) -> None:
    await page.goto("/graphql")
    await expect(page.locator(".graphiql-query-editor .CodeMirror")).to_be_visible()
    # A document of several operations: GraphiQL asks which one to run.
    await choose_operation(page, "Dossier")
    await expect(page.locator(RESULT)).to_contain_text("Sergei Kislyak")
    answer = json.loads(
        await page.evaluate(f"() => document.querySelector('{RESULT}').CodeMirror.getValue()")
    )
    assert "errors" not in answer
    assert answer["data"]["person"]["name"] == "Sergei Kislyak"
    assert answer["data"]["person"]["statements"]["nodes"][0]["citations"]
    await page.screenshot(path=screenshots / "graphiql.png")

    await page.get_by_role("button", name="Show Documentation Explorer").click()
    await expect(page.locator(".graphiql-doc-explorer")).to_contain_text("Query")
    await page.get_by_role("button", name="Show GraphiQL Explorer").click()
    await expect(page.locator(".graphiql-explorer-root")).to_contain_text("person")
    await page.screenshot(path=screenshots / "graphiql-explorer.png")


async def test_headers_stay_out_of_the_browsers_storage(page: Page) -> None:
    secret = "a-secret-that-must-not-be-kept-0123456789"
    await page.goto("/graphql")
    await page.get_by_role("button", name="Headers").click()
    headers = page.locator(".graphiql-editor-tool .CodeMirror").last
    await expect(headers).to_be_visible()
    await page.evaluate(
        """secret => {
            const editors = document.querySelectorAll('.graphiql-editor-tool .CodeMirror');
            editors[editors.length - 1].CodeMirror.setValue(
                JSON.stringify({Authorization: 'Bearer ' + secret}));
        }""",
        secret,
    )
    await choose_operation(page, "MisspelledSearch")
    # An unknown key is refused: the header was sent, so it was in the editor.
    await expect(page.locator(RESULT)).to_contain_text("UNAUTHENTICATED")
    stored = await page.evaluate(
        "() => Object.keys(localStorage).map(k => localStorage.getItem(k)).join('\\n')"
    )
    assert stored, "GraphiQL keeps its tabs"
    assert secret not in stored


async def test_a_subscription_runs_in_graphiql(page: Page, server_url: str) -> None:
    """Over the WebSocket, with the `graphql-ws` client GraphiQL ships: a replay from the
    first revision ends on the last one committed."""
    async with httpx.AsyncClient(base_url=server_url) as http:
        answer = await http.post("/graphql", json={"query": REVISIONS})
    first, last = answer.json()["data"]["first"]["edges"], answer.json()["data"]["last"]["edges"]
    query = f'subscription Follow {{ changes(after: "{first[0]["cursor"]}") {{ cursor }} }}'
    await page.goto("/graphql?" + urlencode({"query": query}))
    await expect(page.locator(".graphiql-query-editor .CodeMirror")).to_be_visible()
    await page.locator(".graphiql-execute-button").click()
    await expect(page.locator(RESULT)).to_contain_text(last[0]["cursor"])
    answer_text = await page.evaluate(
        f"() => document.querySelector('{RESULT}').CodeMirror.getValue()"
    )
    assert "errors" not in json.loads(answer_text)
