# ruff: noqa: RUF001 - the Cyrillic spellings below are meant
"""A synthetic newsroom corpus, written through the seed loader, deterministic from a seed.

Shape follows the real article: articles cite 5-30 entities; persons have Latin and
Cyrillic aliases and posts in organizations; popularity is skewed (a Zipf draw, so a
few persons speak in thousands of statements and most in one or two); events have
participants and dates of every precision; statements have speakers and subjects;
sanctions have authorities, targets and sometimes answer an earlier sanction.

    python -m bench.corpus --size S --seed 1      # about 1,000 articles
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass

from api.database import open_database
from api.settings import Settings
from model.indexes import ensure_indexes
from model.kinds import EventKind, OrganizationKind, Precision
from model.names import COLLECTIONS
from model.store import Database
from seed.annotations import Annotations
from seed.loader import PreparedArticle, load_new_articles, prepare_text


@dataclass(frozen=True)
class Size:
    articles: int
    persons: int
    organizations: int
    events_per_article: int = 20
    statements_per_article: int = 50
    sanctions_per_article: int = 2


SIZES = {
    "XS": Size(articles=20, persons=200, organizations=40),
    "S": Size(articles=1_000, persons=10_000, organizations=2_000),
    "L": Size(articles=10_000, persons=100_000, organizations=20_000),
}
_SYLLABLES = [
    "ka",
    "li",
    "mo",
    "ser",
    "gei",
    "va",
    "dim",
    "tri",
    "ros",
    "lav",
    "nik",
    "ol",
    "an",
    "dre",
    "mi",
    "khail",
    "pet",
    "rov",
    "zha",
    "ko",
    "vla",
    "di",
    "bo",
    "ris",
]
_CYRILLIC = {
    "ka": "ка",
    "li": "ли",
    "mo": "мо",
    "ser": "сер",
    "gei": "гей",
    "va": "ва",
    "dim": "дим",
    "tri": "три",
    "ros": "рос",
    "lav": "лав",
    "nik": "ник",
    "ol": "ол",
    "an": "ан",
    "dre": "дре",
    "mi": "ми",
    "khail": "хаил",
    "pet": "пет",
    "rov": "ров",
    "zha": "жа",
    "ko": "ко",
    "vla": "вла",
    "di": "ди",
    "bo": "бо",
    "ris": "рис",
}
_PRECISIONS = [precision.value for precision in Precision]
_EVENT_KINDS = [kind.value for kind in EventKind]
_ORG_KINDS = [kind.value for kind in OrganizationKind]


def _word(rng: random.Random, parts: int) -> list[str]:
    return [rng.choice(_SYLLABLES) for _ in range(parts)]


@dataclass(frozen=True)
class _Person:
    slug: str
    name: str
    aliases: list[str]


class Corpus:
    def __init__(self, size: Size, seed: int) -> None:
        self.size = size
        self.seed = seed
        rng = random.Random(seed)
        self.persons = [self._person(rng, i) for i in range(size.persons)]
        self.organizations = [
            (f"org-{i:06d}", f"{''.join(_word(rng, 3)).title()} Agency {i}", rng.choice(_ORG_KINDS))
            for i in range(size.organizations)
        ]
        # Zipf-like popularity: weight 1/rank.
        self.person_weights = [1 / (rank + 1) for rank in range(size.persons)]
        self.org_weights = [1 / (rank + 1) for rank in range(size.organizations)]

    @staticmethod
    def _person(rng: random.Random, i: int) -> _Person:
        first, last = _word(rng, 2), _word(rng, 3)
        name = f"{''.join(first).title()} {''.join(last).title()}"
        cyrillic = " ".join("".join(_CYRILLIC[s] for s in part).title() for part in (first, last))
        variant = name.replace("i", "y", 1) if "i" in name else name + "a"
        return _Person(f"person-{i:06d}", name, [variant, cyrillic])

    def articles(self) -> Iterator[PreparedArticle]:
        for index in range(self.size.articles):
            yield self.article(index)

    def article(self, index: int) -> PreparedArticle:
        rng = random.Random(self.seed * 1_000_003 + index)
        slug = f"article-{index:06d}"
        title = f"Report {index} on the affairs of the day"
        # Every entity appears somewhere (its share of the articles, in turn), and the
        # popular ones again and again (the Zipf draw).
        share = -(-self.size.persons // self.size.articles)
        own = self.persons[index * share : (index + 1) * share]
        drawn = rng.choices(self.persons, self.person_weights, k=rng.randint(0, 30 - len(own)))
        persons = list({p.slug: p for p in [*own, *drawn]}.values())
        org_share = -(-self.size.organizations // self.size.articles)
        own_orgs = self.organizations[index * org_share : (index + 1) * org_share]
        drawn_orgs = rng.choices(self.organizations, self.org_weights, k=rng.randint(1, 4))
        orgs = list(dict.fromkeys([*own_orgs, *drawn_orgs]))
        paragraphs: list[str] = []

        def say(sentence: str) -> str:
            paragraphs.append(sentence)
            return sentence

        raw_persons = [
            {
                "slug": p.slug,
                "name": p.name,
                "aliases": p.aliases,
                "description": None,
                "countries": [rng.choice(["RU", "US", "GB", "DE", "FR"])],
                # Only a person's home article states the post, so a popular person
                # keeps one position however many articles name them.
                "positions": [
                    {
                        "title": "Official",
                        "organization": f"organization:{orgs[0][0]}",
                        "since": None,
                        "until": None,
                    }
                ]
                if p in own
                else [],
                "evidence": [say(f"{p.name} appears in report {index}, item {n}.")],
            }
            for n, p in enumerate(persons)
        ]
        raw_orgs = [
            {
                "slug": o[0],
                "name": o[1],
                "aliases": [],
                "kind": o[2],
                "country": None,
                "description": None,
                "evidence": [say(f"{o[1]} is named in report {index}, item {n}.")],
            }
            for n, o in enumerate(orgs)
        ]
        actors = [f"person:{p.slug}" for p in persons] + [f"organization:{o[0]}" for o in orgs]
        sanctions = []
        for n in range(self.size.sanctions_per_article):
            answer = rng.random() < 0.3 and index > 0
            sanctions.append(
                {
                    "slug": f"{slug}-sanction-{n}",
                    "title": f"Measure {n} of report {index}",
                    "description": None,
                    "kinds": [rng.choice(["VISA_BAN", "ENTRY_BAN", "BLACKLIST"])],
                    "status": rng.choice(["PROPOSED", "ADOPTED", "IN_FORCE"]),
                    "authority": f"organization:{orgs[n % len(orgs)][0]}",
                    "targets": [
                        f"person:{p.slug}" for p in rng.sample(persons, min(3, len(persons)))
                    ],
                    "target_description": None,
                    "target_count": rng.randint(1, 60),
                    "reason": None,
                    "date": self._date(rng),
                    "in_response_to": (
                        f"article-{rng.randrange(index):06d}-sanction-0" if answer else None
                    ),
                    "evidence": [say(f"Measure {n} of report {index} was announced.")],
                }
            )
        events = [
            {
                "slug": f"{slug}-event-{n}",
                "title": f"Event {n} of report {index}",
                "kind": rng.choice(_EVENT_KINDS),
                "description": None,
                "date": self._date(rng),
                "location": None,
                "participants": [
                    {"actor": actor, "description": None, "role": "participant"}
                    for actor in rng.sample(actors, min(3, len(actors)))
                ],
                "sanctions": [sanctions[0]["slug"]] if n == 0 else [],
                "evidence": [say(f"Event {n} of report {index} took place.")],
            }
            for n in range(self.size.events_per_article)
        ]
        statements = []
        for n in range(self.size.statements_per_article):
            speaker = rng.choices(
                persons, [self.person_weights[int(p.slug[-6:])] for p in persons]
            )[0]
            words = f"Statement {n} of report {index} matters"
            quote = rng.random() < 0.5
            sentence = say(
                f'"{words}," {speaker.name} said.'
                if quote
                else f"{speaker.name} said that {words.lower()}."
            )
            statements.append(
                {
                    "slug": f"{slug}-statement-{n}",
                    "kind": "QUOTE" if quote else "PARAPHRASE",
                    "text": words,
                    "speaker": f"person:{speaker.slug}",
                    "speaker_description": None,
                    "date": self._date(rng),
                    "medium": None,
                    "reported_by": None,
                    "about": [f"event:{events[n % len(events)]['slug']}"],
                    "evidence": [sentence],
                }
            )
        annotations = Annotations.model_validate(
            {
                "article": {
                    "slug": slug,
                    "source": f"{slug}.txt",
                    "title": title,
                    "publisher": "Synthetic Times",
                    "url": None,
                    "published_on": self._date(rng),
                },
                "persons": raw_persons,
                "organizations": raw_orgs,
                "events": events,
                "statements": statements,
                "sanctions": sanctions,
            }
        )
        return prepare_text(annotations, "\n\n".join([title, *paragraphs]), f"{slug}.yaml")

    @staticmethod
    def _date(rng: random.Random) -> dict[str, object]:
        precision = rng.choices(_PRECISIONS, [3, 3, 2, 1])[0]
        year, month, day = rng.randint(2000, 2024), rng.randint(1, 12), rng.randint(1, 28)
        iso = {
            "DAY": f"{year}-{month:02d}-{day:02d}",
            "MONTH": f"{year}-{month:02d}",
            "YEAR": str(year),
            "UNKNOWN": None,
        }[precision]
        return {"iso": iso, "precision": precision, "text": None if iso else "some time ago"}


MARKER = "bench_corpus"
"""Collection holding one document that names the corpus a database holds, once loaded."""


GENERATOR_VERSION = 3  # bump when what a load writes changes (3: revisions, and each document's)


def corpus_name(corpus: Corpus) -> str:
    return f"v{GENERATOR_VERSION} {corpus.size} seed={corpus.seed}"


async def loaded_corpus(db: Database) -> str | None:
    """The name of the corpus completely loaded into `db`, if any (a reload can be skipped)."""
    marker = await db[MARKER].find_one({"_id": "corpus"})
    return None if marker is None else str(marker["name"])


async def load_corpus(db: Database, corpus: Corpus, batch: int = 100) -> dict[str, float]:
    """Writes the corpus into an empty database, then builds the indexes once.

    Returns documents per collection, the seconds each phase took and documents/second.
    The marker is written last, so an interrupted load is never taken for a finished one.
    """
    started = time.perf_counter()
    pending: list[PreparedArticle] = []
    for article in corpus.articles():
        pending.append(article)
        if len(pending) == batch:
            await load_new_articles(db, pending)
            pending = []
    if pending:
        await load_new_articles(db, pending)
    written = time.perf_counter()
    await ensure_indexes(db)
    indexed = time.perf_counter()
    counts = {name: float(await db[name].count_documents({})) for name in COLLECTIONS}
    total = sum(counts.values())
    await db[MARKER].replace_one(
        {"_id": "corpus"}, {"name": corpus_name(corpus), "counts": counts}, upsert=True
    )
    return {
        **counts,
        "write_seconds": round(written - started, 2),
        "index_seconds": round(indexed - written, 2),
        "seconds": round(indexed - started, 2),
        "documents_per_second": round(total / (indexed - started)),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    # Bulk writes and index builds take longer than any request may.
    settings = Settings(
        mongodb_database=f"bench_{args.size.lower()}", database_timeout_ms=3_600_000
    )
    async with open_database(settings) as db:
        await db.client.drop_database(db.name)
        report = await load_corpus(db, Corpus(SIZES[args.size], args.seed))
    for key, value in report.items():
        print(f"{key:>22}: {value:,.2f}" if "seconds" in key else f"{key:>22}: {value:,.0f}")


if __name__ == "__main__":
    asyncio.run(main())
