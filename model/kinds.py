"""The closed vocabularies stored in the record: the annotations are checked against them,
the documents hold their values and the schema serves them as enums."""

from __future__ import annotations

from enum import Enum, StrEnum


class Precision(StrEnum):
    """How precisely a date is known: the length of its ISO prefix."""

    DAY = "DAY"
    MONTH = "MONTH"
    YEAR = "YEAR"
    UNKNOWN = "UNKNOWN"


class OrganizationKind(Enum):
    STATE = "STATE"
    GOVERNMENT_BODY = "GOVERNMENT_BODY"
    LEGISLATURE = "LEGISLATURE"
    LAW_ENFORCEMENT = "LAW_ENFORCEMENT"
    DETENTION_FACILITY = "DETENTION_FACILITY"
    MEDIA = "MEDIA"
    OTHER = "OTHER"


class EventKind(Enum):
    ARREST = "ARREST"
    DEATH = "DEATH"
    INVESTIGATION = "INVESTIGATION"
    LEGAL_PROCEEDING = "LEGAL_PROCEEDING"
    LEGISLATION = "LEGISLATION"
    SANCTION = "SANCTION"
    STATEMENT = "STATEMENT"
    DIPLOMATIC = "DIPLOMATIC"
    OTHER = "OTHER"


class SanctionKind(Enum):
    VISA_BAN = "VISA_BAN"
    ENTRY_BAN = "ENTRY_BAN"
    ASSET_FREEZE = "ASSET_FREEZE"
    BLACKLIST = "BLACKLIST"
    OTHER = "OTHER"


class SanctionStatus(Enum):
    PROPOSED = "PROPOSED"
    ADOPTED = "ADOPTED"
    IN_FORCE = "IN_FORCE"
    LIFTED = "LIFTED"
