"""How well and how fast screening works: precision and recall of mentions and the accuracy
of quote speakers on the evaluation set (tests/schema/screening/evaluation.yaml), and the
time to screen a text of the largest size allowed against a record of thousands of actors.

    python -m bench.screening [--markdown bench/results/screening.md]

The evaluation is scored here once, for this report and for the test that holds the targets
(tests/schema/screening/test_evaluation.py, which screens through the API instead).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bench.corpus import SIZES, Corpus
from schema.screening.engine import MAX_SCREEN_CHARS, Index, Known, index_of

ROOT = Path(__file__).resolve().parent.parent
EVALUATION = ROOT / "tests" / "schema" / "screening" / "evaluation.yaml"
HOLDOUT = EVALUATION.with_name("holdout.yaml")  # written after the engine: see its header
KINDS = {"persons": "Person", "organizations": "Organization"}

Span = tuple[int, int]


@dataclass(frozen=True)
class Article:
    slug: str
    text: str
    mentions: frozenset[tuple[int, int, str]]  # start, end, entity slug
    quotes: dict[Span, str | None]  # the words inside the marks -> speaker slug


@dataclass(frozen=True)
class EvaluationSet:
    actors: dict[str, list[dict[str, Any]]]  # "persons"/"organizations": slug, name, aliases
    articles: list[Article]

    @property
    def known(self) -> tuple[Known, ...]:
        return tuple(
            Known(KINDS[section], actor["slug"], (actor["name"], *actor["aliases"]))  # type: ignore[arg-type]
            for section, actors in self.actors.items()
            for actor in actors
        )


def _occurrence(text: str, surface: str, occurrence: int) -> int:
    """Where the ``occurrence``-th (1-based) occurrence of ``surface`` starts."""
    at = -1
    for _ in range(occurrence):
        at = text.find(surface, at + 1)
        if at < 0:
            raise ValueError(f"{surface!r} does not occur {occurrence} times")
    return at


def _article(raw: dict[str, Any]) -> Article:
    text: str = raw["text"]
    mentions = set()
    for mention in raw["mentions"]:
        start = _occurrence(text, mention["text"], mention.get("occurrence", 1))
        mentions.add((start, start + len(mention["text"]), mention["entity"]))
    quotes: dict[Span, str | None] = {}
    for quote in raw["quotes"]:
        start = _occurrence(text, quote["quote"], 1)
        quotes[(start, start + len(quote["quote"]))] = quote["speaker"]
    return Article(raw["slug"], text, frozenset(mentions), quotes)


def load(path: Path = EVALUATION) -> EvaluationSet:
    """A set of articles with the actors known while they are screened: its own, and those
    of the set it ``extends``."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    actors: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
    if "extends" in raw:
        for kind, more in load(path.parent / raw["extends"]).actors.items():
            actors[kind] += more
    for kind in KINDS:
        actors[kind] += raw["actors"].get(kind) or []
    return EvaluationSet(actors, [_article(article) for article in raw["articles"]])


@dataclass
class Figures:
    articles: int = 0
    correct_mentions: int = 0
    predicted_mentions: int = 0
    gold_mentions: int = 0
    gold_quotes: int = 0
    found_quotes: int = 0  # gold quotes screening found, with the same span
    extra_quotes: int = 0  # passages screening took for quotes that the gold has none of
    right_speakers: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct_mentions / self.predicted_mentions if self.predicted_mentions else 1.0

    @property
    def recall(self) -> float:
        return self.correct_mentions / self.gold_mentions if self.gold_mentions else 1.0

    @property
    def speaker_accuracy(self) -> float:
        return self.right_speakers / self.gold_quotes if self.gold_quotes else 1.0

    def add(
        self,
        article: Article,
        mentions: Iterable[tuple[int, int, str]],
        quotes: Mapping[Span, str | None],
    ) -> None:
        """One article's screening: a mention is right when its span and entity are a gold
        one's; a quote's speaker when the same span was found with the gold speaker (null
        included); a gold quote not found counts as a wrong speaker."""
        predicted = set(mentions)
        self.articles += 1
        self.correct_mentions += len(predicted & article.mentions)
        self.predicted_mentions += len(predicted)
        self.gold_mentions += len(article.mentions)
        text = article.text
        self.misses += [
            f"{article.slug}: extra mention {text[s:e]!r} -> {slug}"
            for s, e, slug in sorted(predicted - article.mentions)
        ] + [
            f"{article.slug}: missed mention {text[s:e]!r} -> {slug}"
            for s, e, slug in sorted(article.mentions - predicted)
        ]
        self.gold_quotes += len(article.quotes)
        self.extra_quotes += len(set(quotes) - set(article.quotes))
        for span, speaker in article.quotes.items():
            found = span in quotes
            self.found_quotes += found
            if found and quotes[span] == speaker:
                self.right_speakers += 1
            else:
                got = quotes[span] if found else "no quote found"
                words = text[span[0] : span[1]][:40]
                self.misses.append(f"{article.slug}: quote {words!r} by {got}, not {speaker}")

    def summary(self) -> str:
        return (
            f"{self.articles} articles; mentions: precision {self.precision:.3f}, recall "
            f"{self.recall:.3f} ({self.correct_mentions} right of {self.predicted_mentions} "
            f"found, {self.gold_mentions} in the gold); quotes: speaker accuracy "
            f"{self.speaker_accuracy:.3f} ({self.right_speakers} of {self.gold_quotes}), "
            f"{self.found_quotes} found, {self.extra_quotes} extra"
        )


def corpus_actors() -> tuple[Known, ...]:
    """The persons and organizations of the bench corpus at size S: a record of thousands,
    with many names alike (they are made of a few syllables)."""
    corpus = Corpus(SIZES["S"], seed=1)
    return (
        *(Known("Person", p.slug, (p.name, *p.aliases)) for p in corpus.persons),
        *(Known("Organization", slug, (name,)) for slug, name, _ in corpus.organizations),
    )


def evaluate(evaluation: EvaluationSet, others: tuple[Known, ...] = ()) -> Figures:
    """The engine on every article, without the API; ``others``: more actors known."""
    index = index_of((*evaluation.known, *others))
    figures = Figures()
    for article in evaluation.articles:
        found = index.screen(article.text)
        figures.add(
            article,
            ((m.start, m.end, m.actor.slug) for m in found.mentions),
            {(q.start, q.end): q.speaker.slug if q.speaker else None for q in found.quotes},
        )
    return figures


@dataclass(frozen=True)
class Timing:
    actors: int
    names: int
    characters: int
    index_seconds: float
    screen_seconds: list[float]
    mentions: int
    quotes: int


def time_largest_text(
    evaluation: EvaluationSet, others: tuple[Known, ...], runs: int = 5
) -> Timing:
    """The largest text allowed (the evaluation articles over and over) against the
    evaluation's actors and ``others``."""
    known = (*evaluation.known, *others)
    started = time.perf_counter()
    index = Index.of(known)  # not the cached one: the time of a first screening
    index_seconds = time.perf_counter() - started
    joined = "\n\n".join(article.text for article in evaluation.articles) + "\n\n"
    text = (joined * (MAX_SCREEN_CHARS // len(joined) + 1))[:MAX_SCREEN_CHARS]
    seconds: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        found = index.screen(text)
        seconds.append(time.perf_counter() - started)
    return Timing(
        actors=len(known),
        names=sum(len(actor.names) for actor in known),
        characters=len(text),
        index_seconds=index_seconds,
        screen_seconds=seconds,
        mentions=len(found.mentions),
        quotes=len(found.quotes),
    )


def report(results: list[tuple[str, Figures]], timing: Timing) -> str:
    lines = [
        "| set | articles | gold mentions | precision | recall | gold quotes | speaker accuracy |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        *(
            f"| {label} | {f.articles} | {f.gold_mentions} | {f.precision:.3f} | "
            f"{f.recall:.3f} | {f.gold_quotes} | {f.speaker_accuracy:.3f} |"
            for label, f in results
        ),
        "",
        "Targets: precision 0.95, recall 0.90, speaker accuracy 0.85.",
        "",
        f"A text of {timing.characters:,} characters (the largest allowed) against "
        f"{timing.actors:,} actors ({timing.names:,} names): screened in "
        f"{statistics.median(timing.screen_seconds):.3f} s (median of "
        f"{len(timing.screen_seconds)}; max {max(timing.screen_seconds):.3f} s), "
        f"{timing.mentions:,} mentions and {timing.quotes:,} quotes; the index of the names "
        f"built in {timing.index_seconds:.3f} s (once while the names stay the same).",
        "",
        "What the engine got wrong:",
        "",
    ]
    for label, figures in results:
        lines += [f"- {label}:", *(f"  - {miss}" for miss in figures.misses or ["nothing"])]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--markdown", type=Path, help="also write the report here")
    args = parser.parse_args()
    evaluation, holdout, others = load(), load(HOLDOUT), corpus_actors()
    crowd = f"+ {len(others):,} bench corpus actors"
    results = [
        ("evaluation.yaml (written before the engine)", evaluate(evaluation)),
        ("holdout.yaml (written after it)", evaluate(holdout)),
        (f"evaluation.yaml {crowd}", evaluate(evaluation, others)),
        (f"holdout.yaml {crowd}", evaluate(holdout, others)),
    ]
    text = report(results, time_largest_text(holdout, others))
    print(text, end="")
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
