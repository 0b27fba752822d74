"""The stored shape is defined once, in ``model``: the field paths queries, projections and
indexes name, and the collection names, are written nowhere else."""

from __future__ import annotations

import ast
import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from model import paths
from model.derived import with_derived_fields
from model.indexes import FILTERED_BY, INDEXES
from model.names import COLLECTIONS, EVENTS, PERSONS
from model.orders import DATE, KEY_SEPARATOR, ORDERS
from model.store import Document

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


def test_every_order_is_written_and_indexed_behind_every_filter() -> None:
    """An order declared in ``model.orders`` needs nothing else of the model: every writer
    stores its keys (``with_derived_fields``) and the catalogue indexes them, alone and
    behind each filter field of the collection."""
    event: Document = {"_id": "e", "title": "T", "date": {"iso": None}}
    person: Document = {"_id": "p", "name": "Ärger", "aliases": [], "positions": []}
    for collection, doc in ((EVENTS, event), (PERSONS, person)):
        written = with_derived_fields(collection, copy.deepcopy(doc))
        indexed = {tuple(model.document["key"]) for model in INDEXES[collection]}
        for order in ORDERS[collection]:
            for key in (order.ascending, order.descending):
                value: Any = written
                for part in key.split("."):
                    value = value[part]
                assert value.endswith(KEY_SEPARATOR + doc["_id"]), (collection, key)
                assert (key,) in indexed
                for field in FILTERED_BY[collection]:
                    assert (field, key) in indexed, (collection, field, key)


def test_unknown_dates_come_last_both_ways() -> None:
    keys = DATE.keys({"_id": "x", "date": {"iso": None}})
    known = DATE.keys({"_id": "x", "date": {"iso": "2009-11"}})
    assert keys[DATE.ascending] > known[DATE.ascending]
    assert keys[DATE.descending] < known[DATE.descending]
