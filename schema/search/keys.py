"""Normalized search keys, computed when a document is written.

Queries are folded the same way, so matching is plain equality on indexed
strings: no regular expressions, no ``$text`` (SecantusDB has no text index).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Case-, accent- and punctuation-free: 'Sergéi  Magnitsky!' -> 'sergei magnitsky'."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(_WORD.findall(stripped.casefold().replace("_", " ")))


def tokens(text: str) -> list[str]:
    return fold(text).split()


def search_keys(names: Iterable[str], texts: Iterable[str] = ()) -> dict[str, list[str]]:
    """``names``: whole folded names and aliases; ``tokens``: every folded word."""
    folded_names = {folded for name in names if (folded := fold(name))}
    words = {word for name in folded_names for word in name.split()}
    words.update(word for text in texts for word in tokens(text))
    return {"names": sorted(folded_names), "tokens": sorted(words)}
