from __future__ import annotations

from typing import Annotated

import strawberry

from model.names import EVENTS
from schema.common.arguments import After, Before, First, Last
from schema.common.pagination import Window
from schema.context import Info
from schema.events.inputs import EventFilter, EventOrder
from schema.events.types import Event, EventConnection


@strawberry.type
class EventQueries:
    @strawberry.field(description="An event by slug; null when there is none.")
    async def event(
        self, info: Info, slug: Annotated[str, strawberry.argument(description="The slug.")]
    ) -> Event | None:
        doc = await info.context.loaders.event_by_slug.load(slug)
        return Event.from_doc(doc) if doc else None

    @strawberry.field(description="Events, oldest first unless ordered otherwise.")
    async def events(
        self,
        info: Info,
        filter: Annotated[
            EventFilter | None, strawberry.argument(description="Conditions to match.")
        ] = None,
        order_by: Annotated[
            EventOrder | None, strawberry.argument(description="Order; by date ascending.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> EventConnection:
        order = EventOrder.resolve(order_by)
        window = Window.parse(order, first, after, last, before)
        base = filter.to_query(order) if filter else {}
        return await EventConnection.find(info, EVENTS, base, window, Event.from_doc)
