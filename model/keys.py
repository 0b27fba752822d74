"""Normalized search keys, computed when a document is written and when a query is read.

Everything is folded the same way on both sides, so candidate lookup is plain
equality on indexed strings (no regular expressions, no ``$text``, which the
embedded SecantusDB lacks):

- ``names``: whole names and aliases, folded in their own script and transliterated
  to Latin, also with their words sorted (so word order does not matter);
- ``tokens``: every folded word, in its own script and in Latin;
- ``keys``: phonetic skeletons of Latin words (``w:``), their one-letter deletions
  (``d:``, for small misspellings) and whole-name skeletons (``f:``).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

from anyascii import anyascii

_WORD = re.compile(r"\w+")
_VOWELS = re.compile(r"[aeiouy]")
# Spelling variants of one sound across transliteration systems, longest first.
_SOUNDS = (
    ("ck", "k"),
    ("q", "k"),
    ("shch", "s"),
    ("sch", "s"),
    ("kh", "h"),
    ("zh", "z"),
    ("ch", "c"),
    ("sh", "s"),
    ("ts", "c"),
    ("tz", "c"),
    ("cz", "c"),
    ("ph", "f"),
    ("x", "ks"),
    ("w", "v"),
    ("j", "y"),
    ("z", "s"),
)
MIN_FUZZY_WORD = 4  # shorter words are matched exactly: too many near neighbours


def fold(text: str) -> str:
    """Case-, accent- and punctuation-free: 'Sergéi  Magnitsky!' -> 'sergei magnitsky'."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(_WORD.findall(stripped.casefold().replace("_", " ")))


def latin(text: str) -> str:
    """Folded and transliterated to Latin: 'Сергей Лавров' -> 'sergey lavrov'."""
    return fold(anyascii(fold(text)))


def tokens(text: str) -> list[str]:
    return fold(text).split()


@functools.lru_cache(maxsize=1 << 16)
def skeleton(word: str) -> str:
    """Consonant skeleton of a Latin word, blind to transliteration variants:
    'magnitskiy', 'magnitsky' and 'magnitski' all give 'mgnck'."""
    for spelling, sound in _SOUNDS:
        word = word.replace(spelling, sound)
    head, rest = word[:1], _VOWELS.sub("", word[1:])
    squeezed = head + rest
    return re.sub(r"(.)\1+", r"\1", squeezed)


def deletions(key: str) -> set[str]:
    return {key[:i] + key[i + 1 :] for i in range(len(key))}


def word_keys(word: str, *, fuzzy: bool) -> set[str]:
    keys = {f"w:{skeleton(word)}"}
    if fuzzy and len(word) >= MIN_FUZZY_WORD:
        base = skeleton(word)
        keys.update(f"d:{variant}" for variant in deletions(base) | {base} if len(variant) >= 2)
    return keys


def name_forms(name: str) -> set[str]:
    """The folded forms under which a whole name is found."""
    forms = {fold(name), latin(name)}
    forms |= {" ".join(sorted(form.split())) for form in list(forms)}
    return {form for form in forms if form}


def full_key(name: str) -> str:
    return "f:" + " ".join(sorted(skeleton(word) for word in latin(name).split()))


def search_keys(names: Iterable[str], texts: Iterable[str] = ()) -> dict[str, list[str]]:
    """The ``search`` subdocument of a stored document."""
    names = [name for name in names if fold(name)]
    texts = [text for text in texts if fold(text)]
    words = {w for text in [*names, *texts] for w in [*fold(text).split(), *latin(text).split()]}
    keys: set[str] = set()
    for name in names:
        keys.add(full_key(name))
        for word in latin(name).split():
            keys |= word_keys(word, fuzzy=True)
    for text in texts:
        for word in latin(text).split():
            keys |= word_keys(word, fuzzy=False)
    return {
        "names": sorted({form for name in names for form in name_forms(name)}),
        "tokens": sorted(words),
        "keys": sorted(keys),
    }
