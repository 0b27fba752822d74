"""Fetch only what the query shows: stored fields no selected GraphQL field needs stay
in the database.

A popular person's document carries thousands of citations and an article its whole
body; decoding them for a query that asks for names only was most of the work of
such requests. The choice is per request, by field name over the whole operation (a
``citations`` anywhere keeps citations everywhere): coarse, cheap, and never wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from graphql import DocumentNode, FieldNode, Node
from graphql.pyutils import Path
from strawberry.extensions import SchemaExtension
from strawberry.types.nodes import SelectedField, Selection

from model.documents import LARGE, readable_fields
from model.store import Document
from schema.common.pagination import with_path


@dataclass
class Reads:
    """What this request's reads leave in the database; narrowed once the operation is known."""

    hidden: frozenset[str] = frozenset()  # large stored fields no selected field shows
    shown_under: dict[tuple[object, ...], bool] = field(default_factory=dict)

    def narrow(self, selected: frozenset[str]) -> None:
        self.hidden = frozenset(name for name in LARGE if name not in selected)

    def fields(
        self,
        collection: str,
        *,
        also_hidden: frozenset[str] = frozenset(),
        keeping: str | None = None,
    ) -> Document:
        """The projection of every read: the fields readers read, named (for SecantusDB
        cheaper than leaving some out, which copies the document), but the hidden ones;
        ``keeping`` (a path a loader groups by or a page's order key) is always read."""
        hidden = self.hidden | also_hidden
        projection: Document = {
            name: 1 for name in readable_fields(collection) if name not in hidden
        }
        return projection if keeping is None else with_path(projection, keeping)

    def selects_under(
        self, path: Path, selections: Callable[[], Sequence[Selection]], name: str
    ) -> bool:
        """``selects(selections(), name)`` for the field at ``path``, worked out once per
        field of the operation rather than once per list item (the selection under a field
        is the same for every item; Strawberry rebuilds ``selected_fields`` each time)."""
        key = (name, *_field_path(path))
        shown = self.shown_under.get(key)
        if shown is None:
            shown = self.shown_under[key] = selects(selections(), name)
        return shown


T = TypeVar("T")


class NotRead(RuntimeError):
    """A field is shown whose stored value the read left in the database: the selection
    and the projection disagree, which is a bug to see, not an empty list to show."""


def shown(stored: T | None, name: str) -> T:
    """A large stored field, read because it is shown (``Reads.narrow``)."""
    if stored is None:
        raise NotRead(f"{name} is shown but was not read")
    return stored


def selected_field_names(document: DocumentNode) -> frozenset[str]:
    """Every field name selected anywhere in the document, fragments included."""
    names: set[str] = set()
    stack: list[Node] = list(document.definitions)
    while stack:
        node = stack.pop()
        if isinstance(node, FieldNode):
            names.add(node.name.value)
        selection_set = getattr(node, "selection_set", None)
        if selection_set is not None:
            stack.extend(selection_set.selections)
    return frozenset(names)


def _field_path(path: Path | None) -> Iterator[tuple[str, str | None]]:
    """Response keys with their parent types, list indices left out: what decides which
    field nodes a field is executed with."""
    while path is not None:
        if isinstance(path.key, str):
            yield path.key, path.typename
        path = path.prev


def selects(selections: Sequence[Selection], name: str) -> bool:
    """Whether a field called ``name`` is selected at any depth under ``selections``
    (fragments included): an answer that errs only towards fetching more."""
    return any(
        (isinstance(selection, SelectedField) and selection.name == name)
        or selects(selection.selections, name)
        for selection in selections
    )


class ProjectSelectedFields(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        document = self.execution_context.graphql_document
        reads = getattr(context, "reads", None)
        if isinstance(reads, Reads) and document is not None:
            reads.narrow(selected_field_names(document))
        yield
