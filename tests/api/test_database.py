"""Every filter and order the API offers is served by an index (explain, not timings)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
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
from seed.loader import load_directory


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

Build = Callable[[Database], Awaitable[Document]]


def fixed(query: Document) -> Build:
    async def build(db: Database) -> Document:
        return query

    return build


CASES: list[tuple[str, Build, Order]] = [
    ("persons", fixed({}), NAME_ASC),
    ("persons", fixed({}), NAME_DESC),
    ("persons", PersonFilter(name="Sergei Kislyak").to_query, NAME_ASC),
    ("persons", PersonFilter(country="ru").to_query, NAME_ASC),
    ("persons", PersonFilter(organization="russia").to_query, NAME_DESC),
    ("organizations", OrganizationFilter(kind=OrganizationKind.STATE).to_query, NAME_ASC),
    ("organizations", OrganizationFilter(country="US").to_query, NAME_ASC),
    ("organizations", OrganizationFilter(name="Interfax").to_query, NAME_ASC),
    ("events", fixed({}), DATE_ASC),
    ("events", fixed({}), DATE_DESC),
    ("events", fixed(EventFilter(kinds=[EventKind.DEATH]).to_query(DATE_ASC)), DATE_ASC),
    ("events", fixed(EventFilter(from_="2008", to="2009-12").to_query(DATE_ASC)), DATE_ASC),
    ("events", fixed(EventFilter(from_="2008", to="2009-12").to_query(DATE_DESC)), DATE_DESC),
    ("events", fixed(EventFilter(participant="sergei-magnitsky").to_query(DATE_ASC)), DATE_ASC),
    (
        "events",
        fixed(EventFilter(article="moscow-times-magnitsky-bill").to_query(DATE_DESC)),
        DATE_DESC,
    ),
    ("statements", fixed({}), DATE_DESC),
    ("statements", fixed(StatementFilter(speaker="sergei-kislyak").to_query()), DATE_ASC),
    ("statements", fixed(StatementFilter(kind=StatementKind.QUOTE).to_query()), DATE_ASC),
    ("statements", fixed(StatementFilter(about="magnitsky-act").to_query()), DATE_DESC),
    (
        "statements",
        fixed(StatementFilter(article="moscow-times-magnitsky-bill").to_query()),
        DATE_ASC,
    ),
    ("statements", fixed(StatementFilter(text="Pressure").to_query()), DATE_ASC),
    ("sanctions", fixed({}), DATE_ASC),
    ("sanctions", fixed(SanctionFilter(authority="us-state-department").to_query()), DATE_ASC),
    ("sanctions", fixed(SanctionFilter(target="sergei-magnitsky").to_query()), DATE_DESC),
    ("sanctions", fixed(SanctionFilter(status=SanctionStatus.PROPOSED).to_query()), DATE_ASC),
    ("sanctions", fixed(SanctionFilter(kinds=[SanctionKind.BLACKLIST]).to_query()), DATE_ASC),
]


@pytest.mark.parametrize(("collection", "build", "order"), CASES)
async def test_filter_and_order_use_an_index(
    db: Database, collection: str, build: Build, order: Order
) -> None:
    await ensure_indexes(db)
    await load_directory(db)
    stages = await _plan(db, collection, await build(db), order)
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
