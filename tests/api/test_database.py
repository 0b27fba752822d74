"""Every filter and order the API offers is served by an index (explain, not timings)."""

from __future__ import annotations

from typing import Any

import pytest

from api.database import INDEXES, Database, Document, ensure_indexes
from schema.common.pagination import Order, date_order, name_order
from schema.events.inputs import EventFilter
from schema.events.types import EventKind
from schema.organizations.inputs import OrganizationFilter
from schema.organizations.types import OrganizationKind
from schema.persons.inputs import PersonFilter
from schema.sanctions.inputs import SanctionFilter
from schema.sanctions.types import SanctionKind, SanctionStatus
from schema.statements.inputs import StatementFilter
from schema.statements.types import StatementKind


def _stages(plan: dict[str, Any]) -> list[str]:
    found = [plan.get("stage", "")]
    for key in ("inputStage", "queryPlan"):
        if isinstance(plan.get(key), dict):
            found += _stages(plan[key])
    for child in plan.get("inputStages", []):
        found += _stages(child)
    return found


async def _plan(db: Database, collection: str, query: Document, order: Order) -> list[str]:
    explained = await db[collection].find(query).sort(order.sort()).limit(21).explain()
    return _stages(explained["queryPlanner"]["winningPlan"])


NAME_ASC = name_order("persons")
NAME_DESC = name_order("persons", descending=True)
DATE_ASC = date_order("events")
DATE_DESC = date_order("events", descending=True)

CASES: list[tuple[str, Document, Order]] = [
    ("persons", {}, NAME_ASC),
    ("persons", {}, NAME_DESC),
    ("persons", PersonFilter(name="Sergei Kislyak").to_query(), NAME_ASC),
    ("persons", PersonFilter(country="ru").to_query(), NAME_ASC),
    ("persons", PersonFilter(organization="russia").to_query(), NAME_DESC),
    ("organizations", OrganizationFilter(kind=OrganizationKind.STATE).to_query(), NAME_ASC),
    ("organizations", OrganizationFilter(country="US").to_query(), NAME_ASC),
    ("organizations", OrganizationFilter(name="Interfax").to_query(), NAME_ASC),
    ("events", {}, DATE_ASC),
    ("events", {}, DATE_DESC),
    ("events", EventFilter(kinds=[EventKind.DEATH]).to_query(DATE_ASC), DATE_ASC),
    ("events", EventFilter(from_="2008", to="2009-12").to_query(DATE_ASC), DATE_ASC),
    ("events", EventFilter(from_="2008", to="2009-12").to_query(DATE_DESC), DATE_DESC),
    ("events", EventFilter(participant="sergei-magnitsky").to_query(DATE_ASC), DATE_ASC),
    ("events", EventFilter(article="moscow-times-magnitsky-bill").to_query(DATE_DESC), DATE_DESC),
    ("statements", {}, DATE_DESC),
    ("statements", StatementFilter(speaker="sergei-kislyak").to_query(), DATE_ASC),
    ("statements", StatementFilter(kind=StatementKind.QUOTE).to_query(), DATE_ASC),
    ("statements", StatementFilter(about="magnitsky-act").to_query(), DATE_DESC),
    ("statements", StatementFilter(article="moscow-times-magnitsky-bill").to_query(), DATE_ASC),
    ("statements", StatementFilter(text="Pressure").to_query(), DATE_ASC),
    ("sanctions", {}, DATE_ASC),
    ("sanctions", SanctionFilter(authority="us-state-department").to_query(), DATE_ASC),
    ("sanctions", SanctionFilter(target="sergei-magnitsky").to_query(), DATE_DESC),
    ("sanctions", SanctionFilter(status=SanctionStatus.PROPOSED).to_query(), DATE_ASC),
    ("sanctions", SanctionFilter(kinds=[SanctionKind.BLACKLIST]).to_query(), DATE_ASC),
]


@pytest.mark.parametrize(("collection", "query", "order"), CASES)
async def test_filter_and_order_use_an_index(
    db: Database, collection: str, query: Document, order: Order
) -> None:
    await ensure_indexes(db)
    stages = await _plan(db, collection, query, order)
    assert "COLLSCAN" not in stages, stages
    assert "IXSCAN" in stages, stages


async def test_indexes_are_created_at_start_up(db: Database) -> None:
    await ensure_indexes(db)
    for collection, models in INDEXES.items():
        names = {index["name"] async for index in await db[collection].list_indexes()}
        for model in models:
            assert model.document["name"] in names, (collection, model.document["name"])


async def test_a_page_after_a_cursor_is_an_index_range(db: Database) -> None:
    from schema.common.pagination import Window

    await ensure_indexes(db)
    cursor = DATE_ASC.cursor({"date": {"asc": "2009-11\x1fmagnitsky-death"}})
    window = Window.parse(DATE_ASC, first=10, after=cursor)
    base = EventFilter(participant="sergei-magnitsky", from_="2008").to_query(DATE_ASC)
    stages = await _plan(db, "events", window.match(base), DATE_ASC)
    assert "COLLSCAN" not in stages, stages
    assert "IXSCAN" in stages, stages
