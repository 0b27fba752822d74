"""Finding a cited passage in its article: the same rule for the seed and for editors."""

from __future__ import annotations

# Spaces a quote may give as a plain space where the article has them (a no-break space
# typed as a space, or pasted from a page that lost it). Each is one code point, so
# offsets in the normalised text are offsets in the article.
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " "})


def _normalised(text: str) -> str:
    return text.translate(_SPACES)


def occurrences(body: str, quote: str) -> list[int]:
    """Where ``quote`` starts in ``body`` (overlapping occurrences too), spaces alike."""
    text, needle = _normalised(body), _normalised(quote)
    starts: list[int] = []
    if not needle:
        return starts
    position = text.find(needle)
    while position != -1:
        starts.append(position)
        position = text.find(needle, position + 1)
    return starts
