"""Texts to fuzz screening with: any characters, or the words and marks it reads, shuffled."""

from __future__ import annotations

from hypothesis import strategies as st

PIECES = [
    *("Sergei", "Magnitsky", "Magnitsky's", "Kislyak", "Lavrov’s", "Sokolov", "Кремля"),
    *("U.S.", "US", "us", "Act", "said", "he", "the", "prosecutor", "according to"),
    *('"', "“", "”", "«", "»", "‘", ",", ".", "—", " ", "\n", "\n\n"),
]
TEXTS = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(PIECES), max_size=80).map(" ".join),
    st.lists(st.sampled_from(PIECES), max_size=80).map("".join),
)
