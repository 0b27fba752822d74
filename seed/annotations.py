"""The annotation format: what an article states, each fact with verbatim evidence.

Parsed with pydantic so that a typo in a YAML file fails with the file and the
path of the bad value, before anything is written.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from model.kinds import EventKind, OrganizationKind, Precision, SanctionKind, SanctionStatus


class AnnotationError(ValueError):
    """An annotation file is invalid or does not match its article."""


_ISO_BY_PRECISION = {
    Precision.DAY: re.compile(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"),
    Precision.MONTH: re.compile(r"\d{4}-(0[1-9]|1[0-2])"),
    Precision.YEAR: re.compile(r"\d{4}"),
}

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
OrganizationRef = Annotated[str, Field(pattern=r"^organization:[a-z0-9]+(-[a-z0-9]+)*$")]
ActorRef = Annotated[str, Field(pattern=r"^(person|organization):[a-z0-9]+(-[a-z0-9]+)*$")]
SubjectRef = Annotated[
    str, Field(pattern=r"^(person|organization|event|sanction):[a-z0-9]+(-[a-z0-9]+)*$")
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Quote(Strict):
    quote: Annotated[str, Field(min_length=1)]
    occurrence: Annotated[int, Field(ge=1)] | None = None


Evidence = Annotated[list[Quote | str], Field(min_length=1)]


class FuzzyDate(Strict):
    iso: str | None
    precision: Precision
    text: str | None

    @model_validator(mode="after")
    def _iso_matches_precision(self) -> FuzzyDate:
        if self.precision is Precision.UNKNOWN:
            if self.iso is not None:
                raise ValueError("an UNKNOWN date has iso: null")
        elif self.iso is None or not _ISO_BY_PRECISION[self.precision].fullmatch(self.iso):
            raise ValueError(f"iso {self.iso!r} does not match precision {self.precision.value}")
        return self


class Photo(Strict):
    caption: str
    credit: str | None


class ArticleMeta(Strict):
    slug: Slug
    source: str
    title: str
    publisher: str
    url: str | None
    published_on: FuzzyDate | None
    language: str | None = None
    photo: Photo | None = None


class Position(Strict):
    title: str
    organization: OrganizationRef | None
    since: FuzzyDate | None
    until: FuzzyDate | None


class Person(Strict):
    slug: Slug
    name: str
    aliases: list[str] = []
    description: str | None
    countries: list[Annotated[str, Field(pattern=r"^[A-Z]{2}$")]] = []
    positions: list[Position] = []
    evidence: Evidence


class Organization(Strict):
    slug: Slug
    name: str
    aliases: list[str] = []
    kind: OrganizationKind
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None
    description: str | None
    evidence: Evidence


class Participant(Strict):
    actor: ActorRef | None
    description: str | None
    role: str

    @model_validator(mode="after")
    def _named_or_described(self) -> Participant:
        if self.actor is None and not self.description:
            raise ValueError("an unnamed participant needs a description")
        return self


class Event(Strict):
    slug: Slug
    title: str
    kind: EventKind
    description: str | None
    date: FuzzyDate
    location: str | None
    participants: list[Participant] = []
    sanctions: list[Slug] = []
    evidence: Evidence


class Statement(Strict):
    slug: Slug
    kind: Literal["QUOTE", "PARAPHRASE"]
    text: str
    speaker: ActorRef | None
    speaker_description: str | None
    date: FuzzyDate
    medium: str | None
    reported_by: OrganizationRef | None
    about: list[SubjectRef] = []
    evidence: Evidence

    @model_validator(mode="after")
    def _speaker_named_or_described(self) -> Statement:
        if self.speaker is None and not self.speaker_description:
            raise ValueError("an unnamed speaker needs a speaker_description")
        return self


class Sanction(Strict):
    slug: Slug
    title: str
    description: str | None
    kinds: list[SanctionKind]
    status: SanctionStatus
    authority: ActorRef
    targets: list[ActorRef] = []
    target_description: str | None
    target_count: Annotated[int, Field(ge=0)] | None
    reason: str | None
    date: FuzzyDate
    in_response_to: Slug | None
    evidence: Evidence


class Annotations(Strict):
    article: ArticleMeta
    persons: list[Person] = []
    organizations: list[Organization] = []
    events: list[Event] = []
    statements: list[Statement] = []
    sanctions: list[Sanction] = []


def read_annotations(path: Path) -> Annotations:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Annotations.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise AnnotationError(f"{path.name}: {error}") from error
