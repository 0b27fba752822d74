"""The pages a journalist reads: text contrast of at least 4.5:1 (WCAG AA) wherever there is
text, every form control labelled, and the passages reachable with the keyboard."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

# For every visible element with text of its own: its colour against the first opaque
# background behind it, as WCAG computes the ratio.
LOW_CONTRAST = """() => {
  const rgb = (value) => value.match(/[\\d.]+/g).map(Number);
  const channel = (c) => {
    c /= 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const colour = rgb(getComputedStyle(e).backgroundColor);
      if (colour.length === 3 || colour[3] === 1) return colour.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const found = [];
  for (const element of document.body.querySelectorAll("*")) {
    const own = [...element.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const box = element.getBoundingClientRect();
    if (!own || !box.width || !box.height || element.closest("[aria-hidden=true]")) continue;
    const style = getComputedStyle(element);
    if (style.visibility === "hidden") continue;
    const fore = luminance(rgb(style.color).slice(0, 3));
    const back = luminance(background(element));
    const ratio = (Math.max(fore, back) + 0.05) / (Math.min(fore, back) + 0.05);
    if (ratio < 4.5) found.push(`${element.tagName}.${element.className}: ${ratio.toFixed(2)}`);
  }
  return found;
}"""

UNLABELLED = """() => [...document.querySelectorAll("input, button, select, textarea")]
  .filter((c) => !(c.labels && c.labels.length))
  .filter((c) => !c.getAttribute("aria-label") && !c.textContent.trim())
  .map((c) => c.outerHTML)"""


@pytest.mark.parametrize(
    "path",
    ["/articles/moscow-times-magnitsky-bill", "/persons/sergei-kislyak", "/organizations/russia"],
)
async def test_text_contrast_and_labels(page: Page, path: str) -> None:
    await page.goto(path)
    await expect(page.locator("body[data-ready]")).to_be_attached()
    if path.startswith("/articles/"):  # a chosen passage, with its list of facts
        await page.locator("mark.passage[tabindex='0']").first.dispatch_event("click")
    assert await page.evaluate(LOW_CONTRAST) == []
    assert await page.evaluate(UNLABELLED) == []


async def test_the_keyboard_reaches_and_chooses_a_passage(page: Page) -> None:
    await page.goto("/articles/moscow-times-magnitsky-bill")
    await expect(page.locator("body[data-ready]")).to_be_attached()
    for _ in range(40):  # past the skip link, the search, the links and the toggles
        await page.keyboard.press("Tab")
        if await page.evaluate("() => document.activeElement.matches('mark.passage')"):
            break
    else:
        pytest.fail("Tab never reached a passage")
    await page.keyboard.press("Enter")
    await expect(page.locator("#fact-list li").first).to_be_visible()
