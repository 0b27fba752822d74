"""Strip a scraped article of site furniture, keeping the text the facts cite."""

from __future__ import annotations

import re

from seed.annotations import AnnotationError, Photo

_BANNERS = {"Support The Moscow Times!", "Read more"}
# The donation appeal runs from this paragraph to the end of the page.
_APPEAL = re.compile(r"^(…|\.\.\.)\s*we have a small favor to ask", re.IGNORECASE)


def paragraphs(raw: str) -> list[str]:
    return [block.strip() for block in re.split(r"\n\s*\n", raw) if block.strip()]


def clean_body(raw: str, *, title: str, photo: Photo | None) -> str:
    """The article's own paragraphs joined by blank lines, without title, caption or appeals."""
    kept: list[str] = []
    title_seen = False
    caption_seen = photo is None
    caption_paragraph = (
        " ".join(part for part in (photo.caption, photo.credit) if part) if photo else None
    )
    for paragraph in paragraphs(raw):
        if _APPEAL.match(paragraph):
            break
        if paragraph in _BANNERS:
            continue
        if paragraph == title and not title_seen:
            title_seen = True
            continue
        if paragraph == caption_paragraph and not caption_seen:
            caption_seen = True
            continue
        kept.append(paragraph)
    if not title_seen:
        raise AnnotationError(f"the title {title!r} is not a paragraph of the article")
    if not caption_seen:
        raise AnnotationError(f"the photo caption {caption_paragraph!r} is not in the article")
    return "\n\n".join(kept)
