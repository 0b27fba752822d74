"""The mutations of a kind of fact, declared once: its creation and its correction."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from schema.common.fields import Stored, field_of
from schema.common.mutations import INPUT
from schema.context import Info
from schema.editing.writing import Fact, Outcome, create, update
from schema.keys.permissions import IsEditor

Write = Callable[[Info, Fact, Any], Awaitable[Outcome]]


def _mutation(
    write: Write, fact: Fact, input_type: type, payload: type, node: type[Stored], description: str
) -> Any:
    noun = fact.type_name[0].lower() + fact.type_name[1:]

    async def resolve(root: Any, info: Info, input: Any) -> Any:
        outcome = await write(info, fact, input)
        return payload(**{noun: outcome.made(node)}, user_errors=outcome.user_errors)

    argument = inspect.Parameter(
        "input", inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[input_type, INPUT]
    )
    return field_of(
        resolve, [argument], payload, f"{description} EDITOR.", permission_classes=[IsEditor]
    )


def creation(
    fact: Fact, input_type: type, payload: type, node: type[Stored], *, description: str
) -> Any:
    """``createPerson(input:)``: a new fact, citing its passages."""
    return _mutation(create, fact, input_type, payload, node, description)


def correction(
    fact: Fact, input_type: type, payload: type, node: type[Stored], *, description: str
) -> Any:
    """``updatePerson(input:)``: a fact corrected, at the revision it was read at."""
    return _mutation(update, fact, input_type, payload, node, description)
