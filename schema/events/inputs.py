from __future__ import annotations

import strawberry

from model import paths
from model.kinds import EventKind
from model.names import EVENTS
from model.store import Database, Document
from schema.common.fields import BY_DATE, Orders
from schema.common.filters import all_of, condition, date_range, equals, one_of
from schema.common.pagination import Order


@strawberry.input(description="Narrows a list of events; all given conditions must hold.")
class EventFilter:
    kinds: list[EventKind] | None = condition("Only events of one of these kinds.")
    from_: str | None = condition(
        "Inclusive ISO prefix bound: '2009' or '2009-11'. Excludes UNKNOWN dates.", name="from"
    )
    to: str | None = condition("Inclusive ISO prefix bound: '2009-12' includes '2009-12-31'.")
    participant: str | None = condition("Slug of a person or organization taking part.")
    article: str | None = condition("Slug of the article the event is cited from.")

    async def to_query(self, db: Database, order: Order) -> Document:
        return all_of(
            one_of(paths.KIND, self.kinds),
            date_range(order, self.from_, self.to),
            equals(paths.PARTICIPANT, self.participant),
            equals(paths.CITED_ARTICLE, self.article),
        )


EVENT_ORDERS = Orders("Event", "events", EVENTS, BY_DATE)
