"""The floor: the benchmark's reads written by hand with the driver, served as plain JSON.

No GraphQL, no schema, no loaders: each endpoint asks MongoDB for what the matching
GraphQL operation of ``bench/scale.py`` shows, in as few commands as a careful hand-written
service would, with projections, and answers with the same fields. What a GraphQL request
costs beyond this is the GraphQL layer's overhead. Search calls the search engine itself:
its ranking is part of the read, not of the GraphQL layer.

    python -m bench.floor     # HOST, PORT, MONGODB_URI and MONGODB_DATABASE as for the API
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from typing import Any

import uvicorn
from pymongo.monitoring import (
    CommandFailedEvent,
    CommandListener,
    CommandStartedEvent,
    CommandSucceededEvent,
)
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from api.database import create_client
from api.settings import Settings
from model import paths
from model.names import ARTICLES, EVENTS, ORGANIZATIONS, PERSONS, SANCTIONS, STATEMENTS
from model.store import Database, Document
from schema.common.ids import from_global_id, to_global_id
from schema.common.pagination import date_order, name_order
from schema.common.projection import Reads
from schema.search.engine import parse_query, search

NAME = {"name": 1}
_TYPES = {
    "Person": (PERSONS, {"name": 1}),
    "Organization": (ORGANIZATIONS, {"name": 1}),
    "Event": (EVENTS, {"title": 1}),
    "Statement": (STATEMENTS, {"text": 1}),
    "Sanction": (SANCTIONS, {"title": 1}),
    "Article": (ARTICLES, {"title": 1}),
}
_COLLECTION_TYPES = {collection: name for name, (collection, _) in _TYPES.items()}


class CommandCounter(CommandListener):
    """Counts the commands the driver sends, as the API's metrics do."""

    def __init__(self) -> None:
        self.count = 0

    def started(self, event: CommandStartedEvent) -> None:
        self.count += 1

    def succeeded(self, event: CommandSucceededEvent) -> None:
        pass

    def failed(self, event: CommandFailedEvent) -> None:
        pass


BY_NAME = name_order(PERSONS)  # the API's own orders, so cursors pass between the two
BY_DATE = date_order(EVENTS)


def date(doc: Document) -> dict[str, Any]:
    value = doc.get("date") or {}
    return {"iso": value.get("iso"), "precision": value.get("precision")}


async def by_ids(
    db: Database, collection: str, ids: set[str], projection: Document
) -> dict[str, Document]:
    if not ids:
        return {}
    found = db[collection].find({"_id": {"$in": sorted(ids)}}, projection)
    return {doc["_id"]: doc for doc in await found.to_list()}


async def actor_names(db: Database, refs: list[Document]) -> dict[str, Document]:
    """Persons and organizations by slug: one ``$in`` per collection."""
    persons = {r["slug"] for r in refs if r and r["type"] == "Person"}
    organizations = {r["slug"] for r in refs if r and r["type"] == "Organization"}
    found_persons, found_orgs = await asyncio.gather(
        by_ids(db, PERSONS, persons, NAME), by_ids(db, ORGANIZATIONS, organizations, NAME)
    )
    return {**found_persons, **found_orgs}


async def ascending(
    db: Database, collection: str, query: Document, projection: Document, *, by: str, limit: int
) -> list[Document]:
    """A page in the ascending order of an indexed key: one find, sorted and limited."""
    return await db[collection].find(query, projection).sort(by, 1).limit(limit).to_list()


def actor(names: dict[str, Document], ref: Document | None) -> dict[str, Any] | None:
    if not ref or ref["slug"] not in names:
        return None
    return {"__typename": ref["type"], "name": names[ref["slug"]]["name"]}


async def person_page(db: Database, request: Request) -> dict[str, Any]:
    slug = request.query_params["slug"]
    person = await db[PERSONS].find_one({"_id": slug}, {"search": 0, "sort": 0})
    if person is None:
        return {"person": None}
    projection = {"search": 0}
    start = asyncio.create_task  # every read below at once, as the API's loaders do
    orgs = start(
        by_ids(
            db,
            ORGANIZATIONS,
            {p["organization"] for p in person["positions"] if p.get("organization")},
            NAME,
        )
    )
    articles = start(
        by_ids(db, ARTICLES, {c["article"] for c in person["citations"]}, {"title": 1})
    )
    statements = start(
        ascending(db, STATEMENTS, {paths.SPEAKER: slug}, projection, by=paths.DATE_ASC, limit=20)
    )
    statement_count = start(db[STATEMENTS].count_documents({paths.SPEAKER: slug}))
    events = start(
        ascending(db, EVENTS, {paths.PARTICIPANT: slug}, projection, by=paths.DATE_ASC, limit=20)
    )
    event_count = start(db[EVENTS].count_documents({paths.PARTICIPANT: slug}))
    sanctions = start(
        ascending(db, SANCTIONS, {paths.TARGET: slug}, projection, by=paths.DATE_ASC, limit=20)
    )
    return person_answer(
        person,
        await orgs,
        await articles,
        await statements,
        await statement_count,
        await events,
        await event_count,
        await sanctions,
        names=await actor_names(
            db,
            [s["speaker"] for s in await statements]
            + [p["actor"] for e in await events for p in e["participants"]],
        ),
    )


def person_answer(
    person: Document,
    orgs: dict[str, Document],
    articles: dict[str, Document],
    statements: list[Document],
    statement_count: int,
    events: list[Document],
    event_count: int,
    sanctions: list[Document],
    *,
    names: dict[str, Document],
) -> dict[str, Any]:
    slug = person["_id"]
    return {
        "person": {
            "id": to_global_id("Person", slug),
            "name": person["name"],
            "aliases": person["aliases"],
            "description": person.get("description"),
            "countries": person["countries"],
            "positions": [
                {
                    "title": p["title"],
                    "organization": (
                        {"name": orgs[p["organization"]]["name"]}
                        if p.get("organization") in orgs
                        else None
                    ),
                }
                for p in person["positions"]
            ],
            "citations": [
                {"quote": c["quote"], "article": {"title": articles[c["article"]]["title"]}}
                for c in person["citations"]
            ],
            "statements": {
                "totalCount": statement_count,
                "nodes": [
                    {
                        "text": s["text"],
                        "date": date(s),
                        "speaker": actor(names, s.get("speaker")),
                        "citations": [{"quote": c["quote"]} for c in s["citations"]],
                    }
                    for s in statements
                ],
            },
            "events": {
                "totalCount": event_count,
                "nodes": [
                    {
                        "title": e["title"],
                        "date": date(e),
                        "participants": [
                            {"role": p["role"], "actor": actor(names, p.get("actor"))}
                            for p in e["participants"]
                        ],
                    }
                    for e in events
                ],
            },
            "sanctions": {
                "nodes": [{"title": s["title"], "status": s["status"]} for s in sanctions]
            },
        }
    }


async def persons(db: Database, request: Request) -> dict[str, Any]:
    after = request.query_params.get("after")
    query = {BY_NAME.field: {"$gt": BY_NAME.decode(after, "after")}} if after else {}
    page = await ascending(db, PERSONS, query, {"name": 1, "sort": 1}, by=BY_NAME.field, limit=51)
    shown = page[:50]
    # The five latest statements of every person: one command, one index range.
    pipeline: list[Document] = [
        {"$match": {paths.SPEAKER: {"$in": [p["_id"] for p in shown]}}},
        {"$sort": {paths.DATE_ASC: -1}},
        {"$project": {"text": 1, "date": 1, "speaker": 1}},
        {"$group": {"_id": "$" + paths.SPEAKER, "docs": {"$firstN": {"n": 5, "input": "$$ROOT"}}}},
    ]
    latest = {
        group["_id"]: group["docs"]
        for group in await (await db[STATEMENTS].aggregate(pipeline)).to_list()
    }
    names = await actor_names(db, [s["speaker"] for docs in latest.values() for s in docs])
    return {
        "persons": {
            "pageInfo": {
                "endCursor": BY_NAME.cursor(shown[-1]) if shown else None,
                "hasNextPage": len(page) > 50,
            },
            "nodes": [
                {
                    "id": to_global_id("Person", p["_id"]),
                    "name": p["name"],
                    "statements": {
                        "nodes": [
                            {
                                "text": s["text"],
                                "date": date(s),
                                "speaker": actor(names, s.get("speaker")),
                            }
                            for s in reversed(latest.get(p["_id"], []))
                        ]
                    },
                }
                for p in shown
            ],
        }
    }


async def events(db: Database, request: Request) -> dict[str, Any]:
    params = request.query_params
    bounds = {"$gte": params["from"], "$lte": params["to"] + "\ufffe"}
    if "after" in params:
        bounds["$gt"] = BY_DATE.decode(params["after"], "after")
        del bounds["$gte"]
    projection = {"title": 1, "kind": 1, "date": 1}
    page = await ascending(
        db, EVENTS, {paths.DATE_ASC: bounds}, projection, by=paths.DATE_ASC, limit=21
    )
    shown = page[:20]
    return {
        "events": {
            "pageInfo": {
                "endCursor": BY_DATE.cursor(shown[-1]) if shown else None,
                "hasNextPage": len(page) > 20,
            },
            "nodes": [{"title": e["title"], "kind": e["kind"], "date": date(e)} for e in shown],
        }
    }


async def search_endpoint(db: Database, request: Request) -> dict[str, Any]:
    hits = await search(
        db, parse_query(request.query_params["q"]), list(_COLLECTION_TYPES), 10, Reads()
    )
    shown = []
    for hit in hits:
        type_name = _COLLECTION_TYPES[hit.collection]
        field = next(iter(_TYPES[type_name][1]))
        shown.append(
            {
                "score": hit.score,
                "matched": hit.matched,
                "node": {"__typename": type_name, field: hit.doc[field]},
            }
        )
    return {"search": shown}


async def sanctions(db: Database, request: Request) -> dict[str, Any]:
    authority = request.query_params["authority"]
    projection = {"title": 1, "status": 1, "kinds": 1, "date": 1, "targets": 1}
    page = await ascending(
        db, SANCTIONS, {paths.AUTHORITY: authority}, projection, by=paths.DATE_ASC, limit=20
    )
    names = await actor_names(db, [t for s in page for t in s["targets"]])
    return {
        "sanctions": {
            "nodes": [
                {
                    "title": s["title"],
                    "status": s["status"],
                    "kinds": s["kinds"],
                    "date": date(s),
                    "targets": [actor(names, t) for t in s["targets"]],
                }
                for s in page
            ]
        }
    }


async def node(db: Database, request: Request) -> dict[str, Any]:
    node_id = request.query_params["id"]
    type_name, slug = from_global_id(node_id)
    collection, projection = _TYPES[type_name]
    doc = await db[collection].find_one({"_id": slug}, projection)
    if doc is None:
        return {"node": None}
    field = next(iter(projection))
    return {"node": {"__typename": type_name, "id": node_id, field: doc[field]}}


ENDPOINTS = {
    "/person-page": person_page,
    "/persons": persons,
    "/events": events,
    "/search": search_endpoint,
    "/sanctions": sanctions,
    "/node": node,
}


def create_floor_app(settings: Settings) -> Starlette:
    counter = CommandCounter()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        client = create_client(settings.mongodb_uri or "", settings, [counter])
        app.state.db = client[settings.mongodb_database]
        try:
            yield
        finally:
            await client.close()

    def endpoint(read: Any) -> Any:
        async def handle(request: Request) -> JSONResponse:
            return JSONResponse({"data": await read(request.app.state.db, request)})

        return handle

    async def stats(request: Request) -> JSONResponse:
        return JSONResponse({"commands": counter.count})

    routes = [Route(path, endpoint(read)) for path, read in ENDPOINTS.items()]
    return Starlette(routes=[*routes, Route("/stats", stats)], lifespan=lifespan)


def app_from_environment() -> Starlette:
    """One worker's app (uvicorn's ``factory=True``)."""
    return create_floor_app(Settings())


def main() -> None:
    """One process, unless ``WEB_CONCURRENCY`` is given (``bench.goodput`` runs the floor
    with as many workers as the API); ``/stats`` then counts one worker's commands only."""
    settings = Settings()
    if settings.mongodb_uri is None:
        raise SystemExit("bench.floor reads an existing database: set MONGODB_URI")
    workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
    common: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": "warning",
        "timeout_graceful_shutdown": 10,
    }
    if workers == 1:
        uvicorn.run(create_floor_app(settings), **common)
    else:
        uvicorn.run("bench.floor:app_from_environment", factory=True, workers=workers, **common)


if __name__ == "__main__":
    main()
