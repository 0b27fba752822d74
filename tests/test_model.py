"""The stored shape is defined once, in ``model``: the field paths queries, projections and
indexes name, and the collection names, are written nowhere else."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from model import paths
from model.names import COLLECTIONS

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("api", "schema", "seed", "bench")
DOTTED = {value for name, value in vars(paths).items() if name.isupper() and "." in value}


def _sources() -> Iterator[Path]:
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def _strings(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def path_literals(source: str) -> list[str]:
    """Field paths of the model written out as strings (``"$path"`` references too)."""
    return [
        value
        for value in _strings(ast.parse(source))
        if value in DOTTED or (value[:1] == "$" and value[1:] in DOTTED)
    ]


def _is_database(node: ast.expr) -> bool:
    name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")
    return name in {"db", "database"}


def collection_literals(source: str) -> list[str]:
    """Collections named by a string: ``db["persons"]``, ``db.persons``."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Subscript)
            and _is_database(node.value)
            and isinstance(node.slice, ast.Constant)
            and node.slice.value in COLLECTIONS
        ):
            found.append(str(node.slice.value))
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in COLLECTIONS
            and _is_database(node.value)
        ):
            found.append(node.attr)
    return found


@pytest.mark.parametrize("source", list(_sources()), ids=lambda p: str(p.relative_to(ROOT)))
def test_field_paths_and_collections_are_named_only_in_the_model(source: Path) -> None:
    text = source.read_text(encoding="utf-8")
    assert path_literals(text) == [], "use model.paths"
    assert collection_literals(text) == [], "use model.names"


def test_the_checks_see_what_they_look_for() -> None:
    assert path_literals('q = {"speaker.slug": x, "y": "$date.asc"}') == [
        "speaker.slug",
        "$date.asc",
    ]
    found = collection_literals('db["persons"].find(); self.db.events; data["sanctions"]')
    assert sorted(found) == ["events", "persons"]
