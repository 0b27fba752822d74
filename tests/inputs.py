"""What the property tests of queries (``api/test_properties.py``) and of mutations
(``schema/test_mutation_properties.py``) share: values for GraphQL input types, built from
the schema's types, the hostile strings among them, and what every answer must be.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    is_required_argument,
    is_required_input_field,
)
from hypothesis import event
from hypothesis import strategies as st

INT_MIN, INT_MAX = -(2**31), 2**31 - 1
LEAKS = ("Traceback", 'File "', "pymongo", "bson", "secantus")
CODES = {
    "BAD_USER_INPUT",
    "GRAPHQL_VALIDATION_FAILED",
    "GRAPHQL_PARSE_FAILED",
    "TIMEOUT",
    "SERVICE_UNAVAILABLE",
    "INTERNAL_SERVER_ERROR",
    "QUERY_TOO_COMPLEX",
}
# Variables this small (as ASCII-escaped JSON) are never refused as too large.
SMALL_VARIABLES = 10_000


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


# -- hostile and plausible strings ------------------------------------------------

SLUGS = [
    "sergei-kislyak",
    "sergei-magnitsky",
    "russia",
    "us-state-department",
    "magnitsky-act",
    "magnitsky-death",
    "moscow-times-magnitsky-bill",
]
NODE_TYPES = ["Person", "Organization", "Event", "Statement", "Sanction", "Article"]
HOSTILE = [
    ".*",
    "^",
    "$",
    "\\",
    "(",
    "[",
    "a|b",
    "*",
    "+?",
    "$where",
    "$gt",
    "$ne",
    "$regex",
    "$expr",
    "$function",
    '{"$ne": null}',
    '{"$gt": ""}',
    '{"$regex": ".*"}',
    "this.name == 'x' || true",
    "function() { return true; }",
    "' OR '1'='1",
    "\x00",
    "\x1f",
    "\uffff",
    "__proto__",
    "constructor",
    "null",
    "undefined",
    "NaN",
    "",
    " ",
    "\t\n",
    "%00",
    "../../etc/passwd",
    "magnitsky",
    "Magnitsky",
    "Кисляк",
    "kislyak",
    "Sergeï",
    "RU",
    "us",
    "2009",
    "2009-11",
    "2009-11-16",
    "2009-13",
    "2009-02-30",
    "0000",
    "9999-99-99",
    "-2009",
    "+2009",
    "2009-1",
]

global_ids = st.builds(
    lambda type_name, separator, slug: b64(f"{type_name}{separator}{slug}"),
    st.sampled_from([*NODE_TYPES, "Nope", "", "person", "Node", "Query", "PersonConnection"]),
    st.sampled_from([":", "::", "", " :", ":\x00"]),
    st.sampled_from(SLUGS) | st.text(max_size=20),
)
long_strings = st.builds(
    lambda unit, size: (unit * size)[:size],
    st.text(min_size=1, max_size=8) | st.sampled_from(HOSTILE[:20]).filter(bool),
    st.integers(100, 2000),
)


# -- values of input types ----------------------------------------------------------

Leaf = GraphQLScalarType | GraphQLEnumType
Strategy = st.SearchStrategy[Any]


def as_made(type_: GraphQLInputObjectType, made: Strategy) -> Strategy:
    return made


@dataclass(frozen=True)
class InputValues:
    """Well-typed values of GraphQL input types: coercion accepts them, resolvers judge them.

    ``leaves(type, place)``: values of a scalar or enum where it goes, ``place`` being an
    input field ("EvidenceInput.quote") or an argument ("first"). ``lists(items)``: lists
    of those items. ``objects(type, made)``: values of an input object, given those made
    field by field (every required field; each optional one left out, null or given).
    """

    leaves: Callable[[Leaf, str], Strategy]
    lists: Callable[[Strategy], Strategy]
    objects: Callable[[GraphQLInputObjectType, Strategy], Strategy] = as_made

    def of(self, type_: GraphQLInputType, place: str = "") -> Strategy:
        if isinstance(type_, GraphQLNonNull):
            return self.present(type_.of_type, place)
        return st.none() | self.present(type_, place)

    def present(self, type_: GraphQLInputType, place: str = "") -> Strategy:
        if isinstance(type_, GraphQLList):
            return self.lists(self.of(type_.of_type, place))
        if isinstance(type_, GraphQLScalarType | GraphQLEnumType):
            return self.leaves(type_, place)
        if isinstance(type_, GraphQLInputObjectType):
            return self.objects(type_, self.fields(type_))
        raise NotImplementedError(f"no strategy for {type_}")

    def fields(self, type_: GraphQLInputObjectType) -> st.SearchStrategy[dict[str, Any]]:
        """Field by field: every required one; each optional one left out, null or given."""
        values = {name: self.of(f.type, f"{type_.name}.{name}") for name, f in type_.fields.items()}
        required = [name for name, f in type_.fields.items() if is_required_input_field(f)]
        return st.fixed_dictionaries({name: values.pop(name) for name in required}, optional=values)

    def arguments(self, field: GraphQLField) -> st.SearchStrategy[dict[str, Any]]:
        """Variables for every argument of ``field``; optional ones may be left out."""
        values = {name: self.of(a.type, name) for name, a in field.args.items()}
        required = [name for name, a in field.args.items() if is_required_argument(a)]
        return st.fixed_dictionaries(
            {name: values.pop(name) for name in required}, optional=values
        ).filter(no_leak_words)


def no_leak_words(variables: dict[str, Any]) -> bool:
    """Inputs must not hold the words the leak check looks for, or an echo would trip it."""
    text = json.dumps(variables, ensure_ascii=False).lower()
    return not any(leak.lower() in text for leak in LEAKS)


# -- what every answer must be --------------------------------------------------------


def no_leaks(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    text = response.text.lower()
    for leak in LEAKS:
        assert leak.lower() not in text, f"{leak!r} leaked: {response.text[:2000]}"


def graphql_body(response: httpx.Response) -> dict[str, Any]:
    """A well-formed GraphQL response: JSON object, ``data`` and/or ``errors``, coded errors."""
    no_leaks(response)
    assert response.status_code in (200, 400), response.text[:2000]
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert isinstance(body, dict), body
    assert "data" in body or "errors" in body, body
    assert set(body) <= {"data", "errors", "extensions"}, body
    assert body.get("data") is None or isinstance(body["data"], dict), body
    if "errors" in body:
        errors = body["errors"]
        assert isinstance(errors, list), body
        assert errors, body
        for error in errors:
            assert isinstance(error, dict), body
            assert isinstance(error.get("message"), str), error
            assert error["message"], error
            code = (error.get("extensions") or {}).get("code")
            assert code in CODES, error
            assert code != "INTERNAL_SERVER_ERROR", error
    return body


def answered(response: httpx.Response, variables: dict[str, Any]) -> dict[str, Any] | None:
    """The GraphQL response; None when the variables were refused as too large (413)."""
    event(f"HTTP {response.status_code}")
    if response.status_code == 413:  # the server's limit on the size of variables
        no_leaks(response)
        size = len(json.dumps(variables))
        assert size > SMALL_VARIABLES, (size, variables, response.text)
        return None
    return graphql_body(response)


def codes(body: dict[str, Any]) -> set[str]:
    return {error["extensions"]["code"] for error in body.get("errors", [])}
