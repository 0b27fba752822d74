"""Property-based tests of every ``Mutation`` field: inputs built from the served schema's
input types, filled with anything from hostile strings to real passages of the seed
article, sent over HTTP as an ADMIN (so no role refuses them).

Whatever the input, the server answers a well-formed GraphQL response, never a 5xx,
never ``INTERNAL_SERVER_ERROR``, never a stack trace or driver internals; a refusal (a
top-level error, or user errors) leaves the database exactly as it was; a write has no
user errors, and what it wrote reads back as the payload gave it.

The mutations and their inputs come from the schema, so a new mutation or input field is
fuzzed without touching this file; ``HINTS`` only makes some values realistic enough for
writes to succeed. One seeded database per mutation, shared by its examples: a write one
example makes is there for the next (a slug taken, a revision moved on).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    get_named_type,
    is_leaf_type,
    is_required_argument,
)
from hypothesis import event, given
from hypothesis import strategies as st

from api.settings import Settings
from model.articles import paragraphs
from model.names import ARTICLES
from model.revisions import TYPE_NAMES
from model.store import Database
from schema.common.ids import to_global_id
from schema.schema import build_schema
from seed import ARTICLES_DIR
from seed.loader import prepare
from tests.fuzz import FUZZ
from tests.inputs import (
    HOSTILE,
    INT_MAX,
    INT_MIN,
    InputValues,
    Leaf,
    Strategy,
    answered,
    codes,
    global_ids,
    long_strings,
)
from tests.keys import ADMIN_SECRET, make_key, with_admin
from tests.snapshot import snapshot

Snapshot = dict[str, dict[str, list[str]]]

SCHEMA = build_schema()._schema
assert SCHEMA.mutation_type is not None
assert SCHEMA.query_type is not None
MUTATION_FIELDS: dict[str, GraphQLField] = dict(SCHEMA.mutation_type.fields)
QUERY_FIELDS: dict[str, GraphQLField] = dict(SCHEMA.query_type.fields)
AS_ADMIN = {"Authorization": f"Bearer {ADMIN_SECRET}"}
# Keys made before the fuzzing, for revokeApiKey to find. Not "admin": revoking the key
# the test sends would refuse every later example.
KEY_NAMES = ["desk", "wire"]

# -- the seed, as the loader stores it -------------------------------------------------

SEED_FILE = ARTICLES_DIR / "moscow-times-magnitsky-bill.yaml"
SEED = prepare(SEED_FILE).documents
ARTICLE = SEED[ARTICLES][0]["_id"]
BODY: str = SEED[ARTICLES][0]["body"]
RAW = (ARTICLES_DIR / SEED[ARTICLES][0]["source"]).read_text(encoding="utf-8")
SEED_SLUGS = sorted({doc["_id"] for docs in SEED.values() for doc in docs})
SEED_IDS = {
    TYPE_NAMES[collection]: [to_global_id(TYPE_NAMES[collection], doc["_id"]) for doc in docs]
    for collection, docs in SEED.items()
}
SENTENCES = [
    sentence
    for paragraph in paragraphs(BODY)
    for sentence in re.split(r"(?<=[.?!\"”])\s+", paragraph)
    if sentence
]


def mostly(preferred: Strategy, others: Strategy) -> Strategy:
    """``preferred`` three times in four, else ``others`` (``one_of`` would weigh each of
    their branches alike)."""
    return st.integers(0, 3).flatmap(lambda pick: others if pick == 3 else preferred)


def excerpt(sentence: str, start: int, length: int) -> str:
    start %= len(sentence)
    return sentence[start : start + length]


sentences = st.sampled_from(SENTENCES)
passages = mostly(
    st.one_of(
        sentences,
        st.builds(excerpt, sentences, st.integers(0, 300), st.integers(15, 90)),
        sentences.map(lambda sentence: sentence.replace("\xa0", " ")),  # the same passage
    ),
    st.one_of(
        st.builds(excerpt, sentences, st.integers(0, 300), st.integers(1, 6)),  # ambiguous
        sentences.map(lambda sentence: sentence.upper()),
        sentences.map(lambda sentence: sentence + " and more"),
    ),
)

# -- strings, numbers and ids ----------------------------------------------------------

limit_crossing = st.builds(
    lambda unit, size: (unit * size)[:size],
    st.sampled_from(["a", "é", " ", "\xa0", "Кисляк ", "$gt"]),
    st.sampled_from([80, 81, 200, 201, 500, 501, 2_001, 5_000, 5_001]),
)
texts = st.one_of(
    st.text(max_size=40),  # any code point but lone surrogates, control characters included
    st.text(st.characters(codec="ascii"), max_size=30),
    st.sampled_from(HOSTILE),
    st.sampled_from(SEED_SLUGS),
    global_ids,
    long_strings,
    limit_crossing,
)
NAMES = [
    "Sergei Kislyak",
    "Sergei Lavrov",
    "Сергей Магнитский",
    "U.S. State Department",
    "Interfax",
    "Jane Q. Public",
    "Ministry of Something",
    "Magnitsky Act",
    "!!!",
]
prose = st.sampled_from(NAMES) | passages
references = st.sampled_from(SEED_SLUGS)  # of every kind, so often of the wrong one
bodies = st.sampled_from(
    [
        RAW,
        BODY,
        *paragraphs(BODY)[:3],
        "Support The Moscow Times!",
        "Read more\n\nSupport The Moscow Times!",
        "… we have a small favor to ask.",
        "\r\n\r\n",
        ("A paragraph. " * 20_000)[:200_001],  # one character past max_article_chars
    ]
)
# Values for the string leaves of input fields, by "Type.field" or by field name (the
# ones a field of any input type means alike). Anything else gets ``prose``. Each is
# mixed with ``texts``.
HINTS: dict[str, Strategy] = {
    "EvidenceInput.article": st.sampled_from([ARTICLE, ARTICLE, "nope", ARTICLE.upper()]),
    "EvidenceInput.quote": passages,
    "slug": st.sampled_from(["new-fact", "sergei-kislyak", "magnitsky-act", "Bad Slug", "a--b"]),
    "iso": st.sampled_from(
        ["2009-11-16", "2009-11", "2009", "2012-02-29", "2011-02-29", "2009-13"]
    ),
    "text": prose,  # a QUOTE's text must be in the article
    "country": st.sampled_from(["RU", "us", "GB", "XX", "R", "RUS"]),
    "countries": st.sampled_from(["RU", "us", "GB", "XX", "R", "RUS"]),
    "language": st.sampled_from(["en", "ru", "EN", "eng", "e"]),
    "url": st.sampled_from(
        [
            "https://www.themoscowtimes.com/2012/06/28/russian-envoy-warns-us",
            "http://example.org",
            "ftp://example.org/a",
            "javascript:alert(1)",
            "https://",
            "https://exa mple.org",
            "//example.org",
        ]
    ),
    "body": bodies,
    "CreateApiKeyInput.name": st.sampled_from([*KEY_NAMES, "admin", "new-key", "bad name", "-a"]),
    "RevokeApiKeyInput.name": st.sampled_from([*KEY_NAMES, "new-key", "nobody", "DESK"]),
    **dict.fromkeys(
        [
            "organization",
            "actor",
            "speaker",
            "reportedBy",
            "about",
            "authority",
            "targets",
            "inResponseTo",
        ],
        references,
    ),
}
ints = st.integers(-3, 5) | st.sampled_from([INT_MIN, INT_MAX, 60, 10**9, 10**9 + 1])
INT_HINTS: dict[str, Strategy] = {
    "expectedRevision": st.sampled_from([1, 1, 2]),  # the seed is at revision 1
    "occurrence": st.sampled_from([1, 2, 3]),
}
node_types = [*TYPE_NAMES.values(), "Revision", "ApiKey", "Query", "Node"]
misused_ids = st.one_of(
    st.builds(to_global_id, st.sampled_from(node_types), st.sampled_from(SEED_SLUGS)),
    global_ids,
    st.sampled_from(HOSTILE),
    st.text(max_size=20),
)
any_seed_id = st.sampled_from([id_ for ids in SEED_IDS.values() for id_ in ids])


def ids(input_type: str) -> Strategy:
    """Ids of the seed: of the type the input names ("UpdatePersonInput"), if it names
    one, mixed with ids of other types, of no object, and not ids at all."""
    own = [id_ for type_name, ids in SEED_IDS.items() if type_name in input_type for id_ in ids]
    return mostly(st.sampled_from(own) if own else any_seed_id, misused_ids | any_seed_id)


def leaves(type_: Leaf, place: str) -> Strategy:
    if isinstance(type_, GraphQLEnumType):
        return st.sampled_from(sorted(type_.values))
    input_type, _, field = place.rpartition(".")
    match type_.name:
        case "String":
            return mostly(HINTS.get(place, HINTS.get(field, prose)), texts)
        case "ID":
            return ids(input_type)
        case "Int":
            return mostly(INT_HINTS[field], ints) if field in INT_HINTS else ints
        case "Boolean":
            return st.booleans()
        case "Float":
            return st.floats(allow_nan=False, allow_infinity=False)
    raise NotImplementedError(f"no strategy for scalar {type_.name}")


def merges(type_name: str) -> Strategy:
    entities = st.sampled_from(SEED_IDS[type_name])
    return st.fixed_dictionaries(
        {"into": entities, "from": st.lists(entities, min_size=1, max_size=2)}
    )


# Whole inputs, beside those made field by field: passages cited as the contract says,
# and duplicates merged into one of their own kind.
OBJECTS: dict[str, Strategy] = {
    "EvidenceInput": st.fixed_dictionaries(
        {"article": st.just(ARTICLE), "quote": passages},
        optional={"occurrence": st.sampled_from([None, 1])},
    ),
    "MergeInput": merges("Person") | merges("Organization"),
}


def objects(type_: GraphQLInputObjectType, made: Strategy) -> Strategy:
    return mostly(OBJECTS[type_.name], made) if type_.name in OBJECTS else made


VALUES = InputValues(
    leaves,
    lists=lambda item: mostly(st.lists(item, min_size=1, max_size=3), st.lists(item, max_size=3)),
    objects=objects,
)

# -- documents -------------------------------------------------------------------------


def fields(type_: GraphQLOutputType, depth: int = 0) -> str:
    """``__typename`` and the leaves of a payload, and of each object in it."""
    named = get_named_type(type_)
    assert isinstance(named, GraphQLObjectType | GraphQLInterfaceType), named
    parts = ["__typename"]
    for name, field in named.fields.items():
        if any(is_required_argument(a) for a in field.args.values()):
            continue
        if is_leaf_type(get_named_type(field.type)):
            parts.append(name)
        elif depth == 0:
            parts.append(f"{name} {fields(field.type, depth + 1)}")
    return "{ " + " ".join(parts) + " }"


def operation(name: str) -> str:
    field = MUTATION_FIELDS[name]
    declarations = ", ".join(f"${arg}: {a.type}" for arg, a in field.args.items())
    passed = ", ".join(f"{arg}: ${arg}" for arg in field.args)
    return f"mutation Fuzz({declarations}) {{ {name}({passed}) {fields(field.type)} }}"


NAMES_OF_MUTATIONS = sorted(MUTATION_FIELDS)
OPERATIONS = {name: operation(name) for name in NAMES_OF_MUTATIONS}
ARGUMENTS = {name: VALUES.arguments(MUTATION_FIELDS[name]) for name in NAMES_OF_MUTATIONS}


def payload_fields(name: str) -> dict[str, GraphQLOutputType]:
    payload = get_named_type(MUTATION_FIELDS[name].type)
    assert isinstance(payload, GraphQLObjectType)
    return {field_name: field.type for field_name, field in payload.fields.items()}


def written_fields(name: str) -> list[str]:
    """The payload's nullable fields: null when nothing was written, set when it was."""
    return [f for f, type_ in payload_fields(name).items() if not isinstance(type_, GraphQLNonNull)]


def listings() -> dict[str, str]:
    """Query fields without arguments that list every object of a type: ``apiKeys``."""
    found: dict[str, str] = {}
    for name, field in QUERY_FIELDS.items():
        bare = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
        if not field.args and isinstance(bare, GraphQLList):
            found[get_named_type(bare).name] = name
    return found


LISTINGS = listings()

# -- checks ----------------------------------------------------------------------------


async def read(client: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> Any:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=AS_ADMIN
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def reads_back(client: httpx.AsyncClient, name: str, payload: dict[str, Any]) -> None:
    """What a write put in its payload is what a read finds."""
    for field_name, type_ in payload_fields(name).items():
        value = payload[field_name]
        named = get_named_type(type_)
        if field_name == "deletedId" and value is not None:  # withdrawn: no node any more
            found = await read(client, "query($id: ID!) { node(id: $id) { id } }", {"id": value})
            assert found["node"] is None, (value, found)
        elif field_name == "mergedIds":  # each merged id leads to the one that remains
            for merged in value:
                query = "query($id: ID!) { node(id: $id) { id } }"
                found = await read(client, query, {"id": merged})
                assert found["node"] == {"id": payload["node"]["id"]}, (merged, found)
        elif value is None or not isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            continue
        elif "id" in named.fields:
            query = (
                f"query($id: ID!) {{ node(id: $id) {{ ... on {named.name} {fields(named, 1)} }} }}"
            )
            found = await read(client, query, {"id": value["id"]})
            assert found["node"] == value, (value, found)
        elif named.name in LISTINGS:
            listing = LISTINGS[named.name]
            found = await read(client, f"{{ {listing} {fields(named, 1)} }}", {})
            assert value in found[listing], (value, found)


def refusals(body: dict[str, Any] | None, payload: dict[str, Any] | None) -> set[str]:
    """The codes of the top-level errors and of the user errors."""
    if body is None:
        return {"HTTP 413"}
    return codes(body) | {error["code"] for error in (payload or {}).get("userErrors", [])}


@dataclass
class Record:
    """The database as the last example left it: one snapshot per example, taken as soon as
    its mutation is answered (no other request writes in between)."""

    db: Database
    last: Snapshot | None = None

    async def state(self) -> Snapshot:
        if self.last is None:
            self.last = await snapshot(self.db)
        return self.last

    async def taken(self) -> Snapshot:
        self.last = await snapshot(self.db)
        return self.last


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return with_admin(settings)


@pytest.fixture
async def keys(client: httpx.AsyncClient) -> list[str]:
    for name in KEY_NAMES:
        await make_key(client, name, "EDITOR")
    return KEY_NAMES


@pytest.fixture
def record(db: Database) -> Record:
    return Record(db)


@pytest.mark.parametrize("name", NAMES_OF_MUTATIONS)
@FUZZ
@given(draw=st.data())
async def test_fuzzed_inputs_write_or_are_refused_without_a_trace(
    client: httpx.AsyncClient,
    record: Record,
    keys: list[str],
    name: str,
    draw: st.DataObject,
) -> None:
    variables = draw.draw(ARGUMENTS[name], label="variables")
    before = await record.state()
    response = await client.post(
        "/graphql", json={"query": OPERATIONS[name], "variables": variables}, headers=AS_ADMIN
    )
    after = await record.taken()  # before any check can fail, for the next example
    body = answered(response, variables)
    payload = None if body is None else (body.get("data") or {}).get(name)
    if body is not None and "errors" in body:
        assert codes(body) == {"BAD_USER_INPUT"}, body
    if payload is not None:
        nothing = all(payload[field] is None for field in written_fields(name))
        everything = all(payload[field] is not None for field in written_fields(name))
        assert nothing if payload["userErrors"] else everything, payload
    if payload is None or payload["userErrors"]:
        event("refused: " + ", ".join(sorted(refusals(body, payload))))
        assert after == before, variables
    else:
        event("written")
        await reads_back(client, name, payload)


def test_every_mutation_is_fuzzed() -> None:
    """The strategies cover the served schema: a new mutation is picked up, and every hint
    names an input field there is."""
    assert set(OPERATIONS) == set(MUTATION_FIELDS)
    assert {"addArticle", "createPerson", "updateSanction", "deleteNode", "mergeEntities"} <= set(
        OPERATIONS
    )
    assert {"createApiKey", "revokeApiKey"} <= set(OPERATIONS)
    inputs = {
        type_name: type_
        for type_name, type_ in SCHEMA.type_map.items()
        if isinstance(type_, GraphQLInputObjectType)
    }
    for hint in [*HINTS, *INT_HINTS]:
        type_name, _, field = hint.rpartition(".")
        owners = [inputs[type_name]] if type_name else list(inputs.values())
        assert any(field in owner.fields for owner in owners), hint
    assert set(OBJECTS) <= set(inputs)
