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

from graphql import DocumentNode, FieldNode, Node
from graphql.pyutils import Path
from strawberry.extensions import SchemaExtension
from strawberry.types.nodes import SelectedField, Selection

from api.database import Document

# Stored only for the database's own use (search keys): never shown.
NEVER_SHOWN: Document = {"search": 0}
# Large stored fields, by the GraphQL field whose selection needs them.
LARGE_FIELDS = {"citations": "citations", "body": "body"}


@dataclass
class Reads:
    """What this request's reads leave in the database; narrowed once the operation is known."""

    hidden: frozenset[str] = frozenset()  # large stored fields no selected field shows
    shown_under: dict[tuple[object, ...], bool] = field(default_factory=dict)

    def narrow(self, selected: frozenset[str]) -> None:
        self.hidden = frozenset(
            stored for stored, shown in LARGE_FIELDS.items() if shown not in selected
        )

    @property
    def projection(self) -> Document:
        """Leaves out what is never shown and the hidden large fields."""
        return {**NEVER_SHOWN, **dict.fromkeys(self.hidden, 0)}

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

    def naming(self, fields: Sequence[str]) -> Document:
        """``fields`` but the hidden ones, as a projection that names what it keeps: for
        SecantusDB cheaper than one that leaves fields out (which copies the document)."""
        return {name: 1 for name in fields if name not in self.hidden}

    def keeping(self, path: str) -> Document:
        """The projection, but never hiding ``path`` (a field a loader groups by)."""
        head = path.split(".")[0]
        return {name: value for name, value in self.projection.items() if name != head}


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
