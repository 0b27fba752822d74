"""Seed articles, their annotations, and the loader that writes them to MongoDB."""

from __future__ import annotations

from pathlib import Path

ARTICLES_DIR = Path(__file__).parent / "articles"
