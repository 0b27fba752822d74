"""An article's body as stored: the page's own paragraphs, site furniture removed.

The seed loader and ``addArticle`` clean alike, so a passage cited from one article is
found the same way whichever way the article came in.
"""

from __future__ import annotations

import re

_BANNERS = {"Support The Moscow Times!", "Read more"}
# The donation appeal runs from this paragraph to the end of the page.
_APPEAL = re.compile(r"^(…|\.\.\.)\s*we have a small favor to ask", re.IGNORECASE)


class NotInArticle(ValueError):
    """A title or caption said to be on the page is not one of its paragraphs."""


def paragraphs(raw: str) -> list[str]:
    return [block.strip() for block in re.split(r"\n\s*\n", raw) if block.strip()]


def clean_body(
    raw: str, *, title: str, caption: str | None = None, title_required: bool = True
) -> str:
    """The article's own paragraphs joined by blank lines, without its title, the photo
    caption, banners or the appeal that ends the page.

    ``title_required``: the page must hold the title as a paragraph (a scraped page does;
    a body an editor pastes may not).
    """
    kept: list[str] = []
    title_seen = False
    caption_seen = caption is None
    for paragraph in paragraphs(raw):
        if _APPEAL.match(paragraph):
            break
        if paragraph in _BANNERS:
            continue
        if paragraph == title and not title_seen:
            title_seen = True
            continue
        if paragraph == caption and not caption_seen:
            caption_seen = True
            continue
        kept.append(paragraph)
    if title_required and not title_seen:
        raise NotInArticle(f"the title {title!r} is not a paragraph of the article")
    if not caption_seen:
        raise NotInArticle(f"the photo caption {caption!r} is not in the article")
    return "\n\n".join(kept)
