"""Refuse a request whose key is not in force, or without a key when reads need one,
before any field runs (mutations check their role per field: ``permissions``).

Run while the request's context is made, and only when there is a key to check or reads
need one: an extension would cost every request, anonymous reads included, its hooks.
The admission check (``schema.admission``) answers with the refusal.
"""

from __future__ import annotations

from graphql import GraphQLError
from pymongo.errors import PyMongoError

from schema.admission import out_of_reach
from schema.common.errors import Unauthenticated
from schema.context import Context
from schema.keys.permissions import NEEDS_KEY
from schema.keys.store import UnknownKey


async def authenticate(context: Context) -> Context:
    """``context`` with ``refusal`` set when the request may not be answered."""
    if context.authorization is None and not context.reads_require_key:
        return context
    if out_of_reach(context):  # refused by ``Admission`` without waiting on the database
        return context
    try:
        caller = await context.caller()
    except UnknownKey:
        context.refusal = Unauthenticated("The API key is not valid (unknown or revoked).")
    except PyMongoError as error:  # classified (and logged) as every database error is
        context.refusal = GraphQLError("The API key could not be checked.", original_error=error)
    else:
        if caller.name is None and context.reads_require_key:
            context.refusal = Unauthenticated(NEEDS_KEY)
    return context
