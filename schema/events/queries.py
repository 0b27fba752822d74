from __future__ import annotations

import strawberry

from model.names import EVENTS
from schema.common.fields import by_slug, listing
from schema.events.inputs import EVENT_ORDERS, EventFilter
from schema.events.types import Event, EventConnection


@strawberry.type
class EventQueries:
    event = by_slug(Event, description="An event by slug; null when there is none.")
    events = listing(
        EventConnection,
        Event,
        EVENTS,
        description="Events, oldest first unless ordered otherwise.",
        order=EVENT_ORDERS,
        filter_input=EventFilter,
    )
