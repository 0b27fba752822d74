"""Types every domain uses: Node, PageInfo, FuzzyDate and the order enums."""

from __future__ import annotations

from enum import Enum

import strawberry

from model.documents import DateDoc


@strawberry.interface(description="An object with a global id, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(
        description="Global, opaque, stable identifier: node(id:) resolves it."
    )


@strawberry.type(description="Where a page sits in its list (Relay cursor connections).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="Items precede this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first item.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last item.")


@strawberry.enum(description="Sort direction.")
class OrderDirection(Enum):
    ASC = strawberry.enum_value("ASC", description="Ascending: A to Z, oldest first.")
    DESC = strawberry.enum_value("DESC", description="Descending: Z to A, newest first.")


@strawberry.enum(description="How precisely the source dates something.")
class DatePrecision(Enum):
    DAY = strawberry.enum_value("DAY", description="A calendar day: '2009-11-16'.")
    MONTH = strawberry.enum_value("MONTH", description="A month: '2009-11'.")
    YEAR = strawberry.enum_value("YEAR", description="A year: '2009'.")
    UNKNOWN = strawberry.enum_value(
        "UNKNOWN",
        description=(
            "The source gives the date only in relative words ('last summer') "
            "that cannot be resolved."
        ),
    )


@strawberry.type(description="A date as precise as the source allows.")
class FuzzyDate:
    iso: str | None = strawberry.field(
        description=(
            "ISO 8601 prefix to the known precision: '2009-11-16', '2009-11' or '2009'; "
            "null when UNKNOWN."
        )
    )
    precision: DatePrecision = strawberry.field(description="How much of the date is known.")
    text: str | None = strawberry.field(
        description="The words the source used: 'November 2009', 'a year earlier', 'last summer'."
    )

    @classmethod
    def from_doc(cls, doc: DateDoc) -> FuzzyDate:
        return cls(iso=doc["iso"], precision=DatePrecision(doc["precision"]), text=doc["text"])

    @classmethod
    def maybe(cls, doc: DateDoc | None) -> FuzzyDate | None:
        return cls.from_doc(doc) if doc else None
