"""Screening a text against the record: which known persons and organizations it names,
and what it quotes, with whom the text says spoke the words.

Pure functions over the text and the known actors' names: no database, no GraphQL.

Mentions. Every name and alias is split into words, folded as search folds them
(``model.keys``: case, accents, script, transliteration and consonant skeleton), and
indexed by the keys of its rarest word; a person's surname (the last word of a name of
several) is indexed too. The text's words are then scanned once: each word looks its keys
up, and the names found are verified word by word around it (``_similarity``). So the work
grows with the text and the names, not with their product, and no regular expression is
ever built from a name or from the text. Where matches overlap, the longest wins. A surname
alone names its one bearer; when several known persons share it, the one the text last named
in full, at a lower score. Persons' names may be spelt otherwise (a transliteration, a
Russian case form, a small misspelling); organizations' names only as written, in any
script.

Quotes. Passages in "…", “…” and «…» (a quote nested in another belongs to it), each with
the words naming its speaker: a verb of saying next to the quote ("…," said Lavrov;
Vetrova said: "…") with the phrase before or after it, resolved to a mention in that
phrase, a pronoun (the nearest person the text named before), a definite description ("the
prosecutor": the person named beside that word before), a spokesperson of a known
organization (that organization), or, for a quote with no attribution of its own that
continues an attributed one in the same paragraph, the same speaker.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from statistics import fmean
from typing import NamedTuple

from rapidfuzz.distance import Indel

from model.documents import RefType
from model.keys import deletions, fold, latin, skeleton
from schema.search.engine import WORD_MATCH, word_similarity

MAX_SCREEN_CHARS = 200_000


def _vocabulary(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Scores. A whole name or alias as written scores 1.0; a near spelling less (its words'
# similarity, as search scores them); a surname alone less again.
ALIKE = 0.7  # the least letter similarity of two spellings of one name word
INFLECTED = 0.9  # a Russian case form of a name word: "Лаврова", "Магнитского"
SURNAME = 0.9  # one known person bears the surname
COREFERRED = 0.75  # several do: the one the text last named in full
FORWARD = 0.65  # several do, none named before: the one the text names in full later
AMBIGUOUS = 0.5  # several do and the text names none of them in full: each of them

_WORD = re.compile(r"\w+")
_BLANK_LINE = re.compile(r"\n[ \t\u00a0]*\n")
_QUOTE_MARKS = re.compile(r'["“”«»]|\n[ \t\u00a0]*\n')
_SENTENCE_END = re.compile(r"[.!?…]+[\"”»’')\]]*(?=\s)|\n")
_SPACE = frozenset(" \t\u00a0\u202f\u2009\n")
_APOSTROPHES = frozenset("'’")
# What may stand between two words of a name, besides what stands there in the name itself.
_JOINERS = frozenset("-\u2010\u2011")

# Words that make a capitalized phrase the name of something else: "Magnitsky Act",
# "Hermitage Museum" name a law and a museum, not the person or the bank.
NAMED_THINGS = _vocabulary(
    """act acts law laws bill prize award medal foundation fund museum gallery library street
    avenue square boulevard bridge prospekt institute university school centre center
    hospital airport station stadium doctrine plan amendment list tower hotel park"""
)
# Capitalized words that may stand before a surname without being a first name.
TITLES = _vocabulary(
    """president vice minister prime foreign interior justice defence defense finance senator
    sen rep representative congressman congresswoman ambassador envoy mr mrs ms miss dr
    judge prosecutor attorney general gen colonel col lieutenant lt major captain capt
    secretary chancellor deputy governor gov mayor spokesman spokeswoman former acting
    chairman chairwoman chair director chief patriarch king queen prince princess pope
    professor prof sir lord lady dame premier commissioner mp mep speaker leader lawyer
    activist opposition investigator officer agent businessman tycoon oligarch journalist
    editor reporter analyst economist lawmaker delegate ex late saint st"""
)
ABBREVIATIONS = _vocabulary(
    """mr mrs ms dr st sen rep gen gov lt col capt jr sr inc corp co vs prof"""
)
PREPOSITIONS = _vocabulary(
    """of for about from to with at by on against after before in into than like over under
    between among toward towards о об с со у от для по при в во на к ко из"""
)
DETERMINERS = frozenset({"a", "an", "the"})
PRONOUNS = frozenset({"he", "she", "он", "она"})
DEFINITE = frozenset({"the", "this", "that"})
SPOKESPERSONS = _vocabulary(
    """spokesman spokeswoman spokesperson spokespeople spokesmen spokeswomen press service
    office secretary representative representatives statement пресс служба представитель
    представительница"""
)
# Verbs that attribute a quote wherever they stand in its sentence, and verbs that do so
# only right before it ("added: …", "added that …"): "added the group to its register of
# "foreign agents"" attributes nothing.
SPEECH_VERBS = _vocabulary(
    """said says say saying told tells tell wrote writes write replied replies reply stated
    states declared declares warned warns insisted insists argued argues called calls
    described describes tweeted posted asked asks answered answers responded responds noted
    notes explained explains acknowledged admitted claimed claims quipped joked remarked
    recalled recalls stressed emphasised emphasized заявил заявила заявили сказал сказала
    сказали сообщил сообщила сообщили отметил отметила отметили добавил добавила добавили
    подчеркнул подчеркнула написал написала ответил ответила назвал назвала назвали пояснил
    пояснила заявляет говорит"""
)
ADJACENT_VERBS = frozenset(
    {"added", "adds", "continued", "continues", "concluded", "announced", "urged"}
)
CLAUSE_BREAKS = re.compile(r",\s+(?:but|and|while|whereas|as|а|но|и)\s+|;\s+|\bthat\s+|\bчто\s+")
MAX_PHRASE_WORDS = 8  # a speaker phrase after a quote ("…," a Foreign Office spokesperson said)
MAX_LOOKBACK = 40  # mentions (or words) looked back at to resolve a pronoun (a description)
DESCRIBED_WINDOW = 6  # words after a description ("the prosecutor in the case, Pavel Sokolov")
CONTEXT_CHARS = 600  # the most of a sentence read around a quote for its attribution
MIN_FUZZY_SKELETON = 4  # shorter skeletons have too many neighbours one consonant away
MAX_NAME_WORD = 40  # longer words are no name's: never looked up (their deletions are many)


@dataclass(frozen=True)
class Known:
    """A person or organization of the record, by the names it may be written with."""

    kind: RefType
    slug: str
    names: tuple[str, ...]  # the name, then the aliases


@dataclass(frozen=True)
class Mention:
    actor: Known
    start: int
    end: int
    score: float
    matched: str  # the name or alias that matched


@dataclass(frozen=True)
class Quote:
    start: int
    end: int
    speaker_text: str | None
    speaker: Known | None


@dataclass(frozen=True)
class Screening:
    mentions: list[Mention]
    quotes: list[Quote]


# ---------------------------------------------------------------------------- words


class _Form(NamedTuple):
    """A word as the matcher compares it, worked out once per distinct word."""

    folded: str
    latin: str
    skeleton: str
    cyrillic: bool


def _form(word: str) -> _Form:
    """A word's forms; those of words no name has (longer than ``MAX_NAME_WORD``) are
    neither kept nor given a skeleton, so a text of long words fills no cache."""
    if len(word) > MAX_NAME_WORD:
        return _forms(word, sounds=False)
    return _known_form(word)


@functools.lru_cache(maxsize=1 << 16)
def _known_form(word: str) -> _Form:
    return _forms(word, sounds=True)


def _forms(word: str, *, sounds: bool) -> _Form:
    folded = "".join(fold(word).split())
    romanized = folded if folded.isascii() else "".join(latin(word).split())
    return _Form(
        folded=folded,
        latin=romanized,
        skeleton=skeleton(romanized) if sounds and len(romanized) <= MAX_NAME_WORD else "",
        cyrillic=any("\u0400" <= char <= "\u04ff" for char in folded),
    )


def _keys(form: _Form, *, probe: bool) -> frozenset[str]:
    """``_word_keys``; none for a word too long for any name (and nothing cached)."""
    return _word_keys(form, probe=probe) if form.skeleton else frozenset()


@functools.lru_cache(maxsize=1 << 16)
def _word_keys(form: _Form, *, probe: bool) -> frozenset[str]:
    """The index keys of a name word (``probe``: the keys a word of the text looks up): as
    folded, in Latin, and its consonant skeleton; a skeleton of ``MIN_FUZZY_SKELETON``
    consonants or more is also found with one consonant more or less (an inflected form, a
    misspelling): a name word is stored under its skeleton's one-letter deletions, a text
    word looks up its own skeleton among those, and its deletions among the skeletons."""
    keys = {form.folded, form.latin, f"s:{form.skeleton}"}
    if len(form.skeleton) >= MIN_FUZZY_SKELETON:
        shorter = deletions(form.skeleton)
        if probe:
            keys.update(f"s:{key}" for key in shorter)
            keys.add(f"d:{form.skeleton}")
        else:
            keys.update(f"d:{key}" for key in shorter)
    return frozenset(keys)


# Russian case endings: a name word in its dictionary form ends in one of the first, the
# same word in another case in one of the second, after the same stem. Folded as names are
# ("й" loses its breve).
_DICTIONARY_ENDINGS = ("", *(fold(ending) for ending in _vocabulary("а я й ь о е ий ый ой ая яя")))
_CASE_ENDINGS = {""} | {
    fold(ending)
    for ending in _vocabulary(
        """а я у ю е и ы ой ей ом ем ым им ых их ого его ому ему ую юю ою ами ями ах ях ам ям ов
        ев ью"""
    )
}
_MIN_STEM = 4


def _inflected(word: str, name: str) -> bool:
    """``word`` is a Russian case form of ``name``: "лаврова" of "лавров", "магнитского"
    of "магнитский", "кремля" of "кремль"."""
    for ending in _DICTIONARY_ENDINGS:
        if name.endswith(ending):
            stem = name[: len(name) - len(ending)]
            if (
                len(stem) >= _MIN_STEM
                and word.startswith(stem)
                and word[len(stem) :] in _CASE_ENDINGS
                and word[len(stem) :] != ending
            ):
                return True
    return False


class _NameWord(NamedTuple):
    form: _Form
    acronym: bool  # written in capitals ("US", "MID"): matches only a word in capitals
    capital: bool  # capitalized: matches no word written in lower case ("memorial")


class _Name(NamedTuple):
    actor: Known
    text: str
    words: tuple[_NameWord, ...]
    gaps: tuple[str, ...]  # what stands between its words
    dotted: bool  # ends with a period that belongs to it ("U.S.")
    anchor: int = 0  # the word it is looked up by: its rarest among the names
    order: int = 0  # 0 for the actor's name, then its aliases in turn


def _name_word(word: str) -> _NameWord:
    return _NameWord(_form(word), acronym=word.isupper(), capital=word[:1].isupper())


def _parse_name(actor: Known, text: str) -> _Name | None:
    found = [m for m in _WORD.finditer(text) if _form(m.group()).folded]
    if not found:
        return None
    gaps = tuple(text[a.end() : b.start()] for a, b in itertools.pairwise(found))
    return _Name(
        actor,
        text,
        tuple(_name_word(m.group()) for m in found),
        gaps,
        dotted=text.rstrip().endswith("."),
    )


def _similarity(word: str, form: _Form, name: _NameWord, *, fuzzy: bool) -> float:
    """How well a word of the text matches a word of a name: 1.0 for the same word in any
    script; ``INFLECTED`` for a Russian case form; with ``fuzzy`` (persons' names, which
    news spells many ways) a near spelling as search scores it; 0.0 otherwise. Words of
    organizations' names must be the same: "Minister" is not "Ministry", "Americas" not
    "America", though their skeletons are the same."""
    if (name.acronym and not word.isupper()) or (name.capital and word[:1].islower()):
        return 0.0
    wanted = name.form
    if form.folded == wanted.folded or form.latin == wanted.latin:
        return 1.0
    if not form.skeleton or not wanted.skeleton:  # a word too long for any name
        return 0.0
    if form.cyrillic and wanted.cyrillic and _inflected(form.folded, wanted.folded):
        return INFLECTED
    if fuzzy:
        # Search takes the same skeleton for the same name; in running text "Russian" and
        # "Rosanana", "Monday" and "Mianda" share one too: their letters must be alike.
        similarity = word_similarity(form.latin, wanted.latin)
        alike = Indel.normalized_similarity(form.latin, wanted.latin) >= ALIKE
        return similarity if similarity >= WORD_MATCH and alike else 0.0
    return 0.0


# ---------------------------------------------------------------------------- the index


class _Word(NamedTuple):
    text: str
    start: int
    end: int
    form: _Form


def _surname(name: _Name) -> _Name | None:
    """A person's surname, as a name of its own: the last words of a name of several that
    nothing but a hyphen or an apostrophe joins ("Lavrov", "Kara-Murza", "O'Brien"). Its
    text stays the whole name's, what a mention of it says it matched."""
    first = len(name.words) - 1
    while (
        first > 0 and name.gaps[first - 1] and set(name.gaps[first - 1]) <= _JOINERS | _APOSTROPHES
    ):
        first -= 1
    if first == 0:
        return None
    words = name.words[first:]
    return name._replace(words=words, gaps=name.gaps[first:], anchor=len(words) - 1, dotted=False)


# A name word as the index holds it: the word, and whether it may be spelt otherwise.
_Entry = tuple[_NameWord, bool]


class Index:
    """The known names, each indexed by the keys of its rarest word (a surname rather than
    "Sergei", "Interfax" rather than "news agency"), and persons' names by their surname.
    Names that share the word are held together under it, so a word of the text is compared
    with each distinct word once."""

    def __init__(self) -> None:
        self.keys: dict[str, set[_Entry]] = {}  # anchor words by key
        self.named: dict[_Entry, list[_Name]] = {}  # the names anchored by each
        self.surname_keys: dict[str, set[_Entry]] = {}
        self.surnamed: dict[_Entry, list[_Name]] = {}
        self.lower_case_anchors: set[str] = set()  # folded anchor words written in lower case

    @classmethod
    def of(cls, known: Iterable[Known]) -> Index:
        index = cls()
        names: list[_Name] = []
        for actor in known:
            for order, text in enumerate(dict.fromkeys(actor.names)):
                parsed = _parse_name(actor, text)
                if parsed is not None:
                    names.append(parsed._replace(order=order))
        frequency = Counter(word for name in names for word in {w.form.folded for w in name.words})
        for name in names:
            # Capitalized words first: "the" is rare among names, not in texts.
            rarest = min(
                range(len(name.words)),
                key=lambda i: (
                    not name.words[i].capital and any(w.capital for w in name.words),
                    frequency[name.words[i].form.folded],
                    -i,
                ),
            )
            name = name._replace(anchor=rarest)
            person = name.actor.kind == "Person"
            index._add(index.keys, index.named, (name.words[rarest], person), name)
            if not name.words[rarest].capital:
                index.lower_case_anchors.add(name.words[rarest].form.folded)
            surname = _surname(name)
            if person and surname is not None:
                index._add(index.surname_keys, index.surnamed, (name.words[-1], True), surname)
        return index

    @staticmethod
    def _add(
        keys: dict[str, set[_Entry]], named: dict[_Entry, list[_Name]], entry: _Entry, name: _Name
    ) -> None:
        if entry not in named:
            for key in _keys(entry[0].form, probe=False):
                keys.setdefault(key, set()).add(entry)
        named.setdefault(entry, []).append(name)

    def screen(self, text: str) -> Screening:
        words = _words(text)
        mentions = _Mentions(self, text, words).find()
        quotes = _Quotes(text, words, mentions).find()
        return Screening(
            mentions=[
                Mention(m.actor, m.start, m.end, m.score, m.name.text)
                for m in sorted(mentions, key=lambda m: (m.start, -m.score, m.actor.slug))
            ],
            quotes=quotes,
        )


@functools.lru_cache(maxsize=4)
def index_of(known: tuple[Known, ...]) -> Index:
    """The index of the names, built once while they stay the same (the record changes
    seldom; every screening reads the names anew and finds the index it built)."""
    return Index.of(known)


def screen(text: str, known: Iterable[Known]) -> Screening:
    return index_of(tuple(known)).screen(text)


def _words(text: str) -> list[_Word]:
    forms: dict[str, _Form] = {}
    words: list[_Word] = []
    for match in _WORD.finditer(text):
        raw = match.group()
        form = forms.get(raw)
        if form is None:
            form = forms[raw] = _form(raw)
        if form.folded:
            words.append(_Word(raw, match.start(), match.end(), form))
    return words


# ---------------------------------------------------------------------------- mentions


class _Match(NamedTuple):
    actor: Known
    name: _Name
    first: int  # index of its first word
    last: int  # index of its last word
    start: int
    end: int
    score: float
    literal: bool  # its words as the name writes them (not transliterated, not inflected)

    @property
    def size(self) -> int:
        return self.last - self.first + 1

    @property
    def preference(self) -> tuple[int, float, bool, int, int, str]:
        """Longest first, then best; of names an actor matches equally well, the one
        written as the text writes it, then the actor's name before its aliases."""
        return (
            -self.size,
            -self.score,
            not self.literal,
            self.name.order,
            self.start,
            self.actor.slug,
        )


class _Mentions:
    def __init__(self, index: Index, text: str, words: list[_Word]) -> None:
        self.index = index
        self.text = text
        self.words = words
        self.similarities: dict[tuple[str, int, bool], float] = {}
        self.starting: dict[str, list[tuple[_Name, float]]] = {}
        self.ending: dict[str, list[tuple[_Name, float]]] = {}

    def _similarity(self, word: _Word, name: _NameWord, *, fuzzy: bool) -> float:
        """``_similarity``, worked out once per distinct word and name word."""
        key = (word.text, id(name), fuzzy)
        found = self.similarities.get(key)
        if found is None:
            found = self.similarities[key] = _similarity(word.text, word.form, name, fuzzy=fuzzy)
        return found

    def find(self) -> list[_Match]:
        whole = self._choose(self._whole_names())
        taken = {i for m in whole for i in range(m.first, m.last + 1)}
        surnames = [
            m for m in self._surnames(whole) if taken.isdisjoint(range(m.first, m.last + 1))
        ]
        return whole + surnames

    def _candidates(self, word: _Word, *, surnames: bool) -> list[tuple[_Name, float]]:
        """The names whose anchor word (``surnames``: the persons' names whose last word)
        ``word`` matches, with how well: looked up by the word's keys once per distinct
        word, then verified."""
        cache = self.ending if surnames else self.starting
        found = cache.get(word.text)
        if found is None:
            if word.text[:1].islower():
                keys: frozenset[str] = frozenset({word.form.folded}) & self.index.lower_case_anchors
            else:
                keys = _keys(word.form, probe=True)
            table = self.index.surname_keys if surnames else self.index.keys
            named = self.index.surnamed if surnames else self.index.named
            found = cache[word.text] = [
                (name, similarity)
                for entry in {entry for key in keys for entry in table.get(key, ())}
                if (similarity := _similarity(word.text, word.form, entry[0], fuzzy=entry[1]))
                for name in named[entry]
            ]
        return found

    def _whole_names(self) -> Iterator[_Match]:
        for position, word in enumerate(self.words):
            for name, similarity in self._candidates(word, surnames=False):
                match = self._match(name, position, similarity)
                if match is not None and not self._names_something_else(match.last):
                    yield match

    def _match(self, name: _Name, at: int, similarity: float) -> _Match | None:
        """``name`` written with its anchor word at word ``at``, which matches that well."""
        first = at - name.anchor
        last = first + len(name.words) - 1
        if first < 0 or last >= len(self.words):
            return None
        fuzzy = name.actor.kind == "Person"
        similarities = [similarity]
        for offset, wanted in enumerate(name.words):
            position = first + offset
            if offset and not self._joined(position, name.gaps[offset - 1]):
                return None
            if offset != name.anchor:
                similarity = self._similarity(self.words[position], wanted, fuzzy=fuzzy)
                if not similarity:
                    return None
                similarities.append(similarity)
        end = self.words[last].end
        if name.dotted and self.text[end : end + 1] == ".":
            end += 1
        score = round(fmean(similarities), 4)
        literal = all(
            self.words[first + offset].form.folded == wanted.form.folded
            for offset, wanted in enumerate(name.words)
        )
        return _Match(name.actor, name, first, last, self.words[first].start, end, score, literal)

    def _gap(self, position: int) -> str:
        """What stands between word ``position`` and the one before it."""
        return self.text[self.words[position - 1].end : self.words[position].start]

    def _joined(self, position: int, name_gap: str) -> bool:
        """Words of the text stand together as the words of a name do: spaces, hyphens and
        what the name has there ("U.S.", "Foreign, Commonwealth"); a period only after a
        single letter, never across a sentence or a paragraph."""
        gap = self._gap(position)
        if len(gap) > 4 or gap.count("\n") > 1:
            return False
        allowed = set(name_gap) | _JOINERS
        if allowed & _APOSTROPHES:
            allowed |= _APOSTROPHES
        if len(self.words[position - 1].text) == 1:
            allowed.add(".")
        return all(char in _SPACE or char in allowed for char in gap)

    def _next_capitalized(self, position: int) -> bool:
        """The word after ``position`` is capitalized and stands right beside it."""
        nxt = position + 1
        return (
            nxt < len(self.words)
            and self.words[nxt].text[:1].isupper()
            and all(char in _SPACE for char in self._gap(nxt))
            and "\n" not in self._gap(nxt)
        )

    def _names_something_else(self, last: int) -> bool:
        """The name is the start of a longer name ending in "Act", "Museum", ...: "Magnitsky
        Act", "EU Magnitsky Act", "State Hermitage Museum"."""
        position = last
        for _ in range(3):
            if not self._next_capitalized(position):
                return False
            position += 1
            if self.words[position].form.folded in NAMED_THINGS:
                return True
        return False

    @staticmethod
    def _choose(matches: Iterable[_Match]) -> list[_Match]:
        """Longest first, then best; a span matched equally well by several actors keeps
        them all (an alias two of them share)."""
        chosen: list[_Match] = []
        taken: dict[int, tuple[int, int, float]] = {}
        seen: set[tuple[str, int]] = set()  # (actor, first word): its best name only
        for match in sorted(matches, key=lambda m: m.preference):
            spans = {taken.get(i) for i in range(match.first, match.last + 1)}
            if spans == {None} or spans == {(match.first, match.last, match.score)}:
                if (match.actor.slug, match.first) in seen:
                    continue
                seen.add((match.actor.slug, match.first))
                chosen.append(match)
                for i in range(match.first, match.last + 1):
                    taken[i] = (match.first, match.last, match.score)
        return _shared_spans_score_less(chosen)

    def _surnames(self, whole: list[_Match]) -> Iterator[_Match]:
        """A person's surname alone: its bearer; a surname several bear, the one named in
        full nearest before (else after) at a lower score, else each of them."""
        named: dict[Known, list[int]] = {}
        for full in whole:
            named.setdefault(full.actor, []).append(full.start)
        for position, word in enumerate(self.words):
            if word.text[:1].islower():
                continue
            best: dict[Known, _Match] = {}  # each bearer's best reading of the surname
            for surname, similarity in self._candidates(word, surnames=True):
                match = self._match(surname, position, similarity)
                if match is not None and (
                    surname.actor not in best or match.preference < best[surname.actor].preference
                ):
                    best[surname.actor] = match
            if not best:
                continue
            top = min(best.values(), key=lambda m: m.preference)
            if self._inside_unknown_name(top.first, top.last) or self._names_something_else(
                top.last
            ):
                continue
            bearers = {
                actor: m
                for actor, m in best.items()
                if (m.first, m.last, m.score) == (top.first, top.last, top.score)
            }
            for actor, weight in _resolve(bearers, named, top.start, exact=top.score == 1.0):
                yield bearers[actor]._replace(score=round(top.score * weight, 4))

    def _inside_unknown_name(self, first: int, last: int) -> bool:
        """The words are part of a longer name the record does not know: "Global Magnitsky",
        "Alexander Lavrov" (a capitalized word that is no title stands before them, inside a
        sentence), "Vladimir Kara-Murza" (a capitalized word follows them; a hyphen joins
        them to one)."""
        if self._next_capitalized(last) or (
            last + 1 < len(self.words)
            and self._gap(last + 1) in _JOINERS
            and self.words[last + 1].text[:1].isupper()
        ):
            return True
        if first == 0:
            return False
        before = self.words[first - 1]
        gap = self._gap(first)
        if not before.text[:1].isupper() or "\n" in gap:
            return False
        if gap in _JOINERS:
            return True
        if not all(c in _SPACE for c in gap) or before.form.folded in TITLES or first == 1:
            return False  # not beside them, a title, or the text's first word
        lead = self._gap(first - 1)
        return not any(char in lead for char in '.!?:;"“”«»—–\n')


def _shared_spans_score_less(chosen: list[_Match]) -> list[_Match]:
    """An alias several actors share names each of them, less surely."""
    by_span: dict[tuple[int, int], list[_Match]] = {}
    for match in chosen:
        by_span.setdefault((match.first, match.last), []).append(match)
    result: list[_Match] = []
    for group in by_span.values():
        if len(group) == 1:
            result.extend(group)
        else:
            result.extend(m._replace(score=round(m.score * AMBIGUOUS, 4)) for m in group)
    return result


def _resolve(
    bearers: Collection[Known], named: dict[Known, list[int]], at: int, *, exact: bool
) -> list[tuple[Known, float]]:
    """Who a surname alone names, with the weight of its score."""
    if len(bearers) == 1:
        return [(next(iter(bearers)), SURNAME)]
    before = [
        (max(s for s in named[actor] if s < at), actor)
        for actor in bearers
        if any(s < at for s in named.get(actor, ()))
    ]
    if before:
        return [(max(before, key=lambda pair: (pair[0], pair[1].slug))[1], COREFERRED)]
    after = [
        (min(s for s in named[actor] if s > at), actor)
        for actor in bearers
        if any(s > at for s in named.get(actor, ()))
    ]
    if after:
        return [(min(after, key=lambda pair: (pair[0], pair[1].slug))[1], FORWARD)]
    if not exact:  # another spelling of a surname several bear: too unsure to name any
        return []
    return [(actor, AMBIGUOUS) for actor in sorted(bearers, key=lambda a: a.slug)]


# ---------------------------------------------------------------------------- quotes


def quote_spans(text: str) -> list[tuple[int, int]]:
    """The outermost quoted passages, as (start, end) of the words inside the marks. A
    quote left open at the end of a paragraph is no quote."""
    spans: list[tuple[int, int]] = []
    opener: str | None = None
    opened = depth = 0
    for mark in _QUOTE_MARKS.finditer(text):
        char, at = mark.group(), mark.start()
        if char[0] == "\n":
            opener = None
            continue
        if opener is None:
            if char in "“«" or (char == '"' and _opens(text, at)):
                opener, opened, depth = char, at, 1
            continue
        closing = {"“": "”", "«": "»", '"': '"'}[opener]
        if opener == "«" and char == "«":
            depth += 1
        elif char == closing and (opener != '"' or _closes(text, at)):
            depth -= 1
            if depth == 0:
                if text[opened + 1 : at].strip():
                    spans.append((opened + 1, at))
                opener = None
    return spans


def _opens(text: str, at: int) -> bool:
    before, after = text[at - 1 : at], text[at + 1 : at + 2]
    return (
        (not before or before in _SPACE or before in "([{—–-/:")
        and bool(after)
        and (after not in _SPACE)
    )


def _closes(text: str, at: int) -> bool:
    return at > 0 and text[at - 1] not in _SPACE


@dataclass(frozen=True, slots=True)
class _Attribution:
    speaker: Known | None
    text: str | None


class _Quotes:
    def __init__(self, text: str, words: list[_Word], mentions: list[_Match]) -> None:
        self.text = text
        self.words = words
        self.word_starts = [word.start for word in words]
        self.spans = quote_spans(text)
        self.quote_starts = [start for start, _ in self.spans]
        best: dict[tuple[int, int], _Match] = {}
        for m in mentions:  # of a span several actors share, the likeliest
            if (m.start, m.end) not in best or m.score > best[(m.start, m.end)].score:
                best[(m.start, m.end)] = m
        self.mentions = sorted(best.values(), key=lambda m: m.start)
        self.mention_starts = [m.start for m in self.mentions]
        self.paragraphs = [0] + [m.end() for m in _BLANK_LINE.finditer(text)]
        self._positions: dict[str, list[int]] | None = None

    def find(self) -> list[Quote]:
        quotes: list[Quote] = []
        previous: tuple[int, _Attribution] | None = None  # paragraph, attribution
        for number, (start, end) in enumerate(self.spans):
            paragraph = bisect.bisect_right(self.paragraphs, start - 1) - 1
            attribution = self._attribution(number, paragraph)
            if attribution is None:
                continues = previous is not None and previous[0] == paragraph
                first = self.text[start:end].lstrip()[:1]
                if continues and previous is not None and not first.islower():
                    attribution = previous[1]
            if attribution is None:
                quotes.append(Quote(start, end, None, None))
                continue
            previous = (paragraph, attribution)
            quotes.append(Quote(start, end, attribution.text, attribution.speaker))
        return quotes

    # -- where to look

    def _bounds(self, number: int, paragraph: int) -> tuple[int, int]:
        """The text around quote ``number`` its attribution may stand in: from the end of
        the quote before (or the paragraph's start) to the start of the next."""
        start, end = self.spans[number]
        low = self.paragraphs[paragraph]
        if number and self.spans[number - 1][1] >= low:
            low = self.spans[number - 1][1] + 1
        high = (
            self.paragraphs[paragraph + 1]
            if paragraph + 1 < len(self.paragraphs)
            else len(self.text)
        )
        if number + 1 < len(self.spans):
            high = min(high, self.spans[number + 1][0] - 1)
        return max(low, start - 1 - CONTEXT_CHARS), min(high, end + 1 + CONTEXT_CHARS)

    def _sentence_ends(self, low: int, high: int) -> list[int]:
        ends: list[int] = []
        for found in _SENTENCE_END.finditer(self.text, low, high):
            if found.group() != "\n":
                position = bisect.bisect_right(self.word_starts, found.start()) - 1
                word = self.words[position] if position >= 0 else None
                if (
                    word is not None
                    and word.end == found.start()
                    and (len(word.text) == 1 or word.form.folded in ABBREVIATIONS)
                ):
                    continue
            ends.append(found.end())
        return ends

    def _attribution(self, number: int, paragraph: int) -> _Attribution | None:
        start, end = self.spans[number]
        low, high = self._bounds(number, paragraph)
        before_start = max([low, *(e for e in self._sentence_ends(low, start - 1))])
        after_ends = self._sentence_ends(end + 1, high)
        after_end = after_ends[0] if after_ends else high
        after = self._after(start, end, after_end)
        if after is not None and after.speaker is not None:
            return after
        before = self._before(before_start, start)
        if before is not None and (before.speaker is not None or after is None):
            return before
        return after

    def _words_between(self, low: int, high: int) -> range:
        first = bisect.bisect_left(self.word_starts, low)
        last = bisect.bisect_left(self.word_starts, high)
        while last > first and self.words[last - 1].end > high:
            last -= 1
        return range(first, last)

    @staticmethod
    def _verb(word: _Word, words: list[_Word], position: int) -> str | None:
        folded = word.form.folded
        if folded in SPEECH_VERBS or folded in ADJACENT_VERBS:
            return folded
        following = words[position + 1].form.folded if position + 1 < len(words) else ""
        if (folded, following) in {("according", "to"), ("по", "словам")}:
            return "according to"
        return None

    # -- after the quote: "…," Kislyak said / "…," said Dmitry Peskov / «…», — заявил Лавров

    def _after(self, start: int, end: int, high: int) -> _Attribution | None:
        inside = self.text[start:end].rstrip()
        lead = self.text[end + 1 : high]
        stripped = lead.lstrip(" \t\u00a0")
        if not (inside[-1:] in ",!?…—–-" or stripped[:1] in ",—–"):
            return None
        positions = self._words_between(end + 1, high)
        for count, position in enumerate(positions):
            if count > MAX_PHRASE_WORDS:
                return None
            verb = self._verb(self.words[position], self.words, position)
            if verb is None:
                continue
            word = self.words[position]
            if count == 0 or verb == "according to":
                after_verb = word.end if verb != "according to" else self.words[position + 1].end
                phrase_end = self.text.find(",", after_verb, high)
                return self._speaker(after_verb, high if phrase_end < 0 else phrase_end, start)
            phrase_start = end + 1 + (len(lead) - len(lead.lstrip(" \t\u00a0,—–-")))
            return self._speaker(phrase_start, word.start, start)
        return None

    # -- before the quote: Vetrova said: "…" / Zakharova said on Friday that … "…"

    def _before(self, low: int, start: int) -> _Attribution | None:
        positions = self._words_between(low, start)
        for position in reversed(positions):
            word = self.words[position]
            verb = self._verb(word, self.words, position)
            if verb is None:
                continue
            between = self.text[word.end : start - 1]
            if verb in ADJACENT_VERBS and not (
                between.strip(" \t\u00a0:,—–") == "" or between.split()[:1] in (["that"], ["что"])
            ):
                continue
            if verb == "according to":
                after_verb = self.words[position + 1].end
                comma = self.text.find(",", after_verb, start)
                return self._speaker(after_verb, start if comma < 0 else comma, start)
            clause = low
            for found in CLAUSE_BREAKS.finditer(self.text, low, word.start):
                clause = found.end()
            return self._speaker(clause, word.start, start)
        return None

    # -- who the phrase names

    def _mentions_between(self, low: int, high: int) -> list[_Match]:
        first = bisect.bisect_left(self.mention_starts, low)
        found: list[_Match] = []
        for mention in self.mentions[first:]:
            if mention.start >= high:
                break
            if mention.end <= high:
                found.append(mention)
        return found

    def _possessive(self, mention: _Match) -> bool:
        after = self.text[mention.end : mention.end + 3]
        return after[:1] in _APOSTROPHES and (after[1:2] in ("s", "") or after[1:2] in _SPACE)

    def _governed(self, mention: _Match) -> bool:
        """Preceded by a preposition ("for Magnitsky", "of a Voice of Russia broadcast")."""
        position = mention.first
        while position > 0:
            gap = self.text[self.words[position - 1].end : self.words[position].start]
            if not all(char in _SPACE for char in gap):
                return False
            position -= 1
            folded = self.words[position].form.folded
            if folded not in DETERMINERS:
                return folded in PREPOSITIONS
        return False

    def _head(self, mention: _Match) -> bool:
        return not self._possessive(mention) and not self._governed(mention)

    def _speaker(self, low: int, high: int, quote: int) -> _Attribution | None:
        phrase = self.text[low:high].strip(" \t\u00a0\n,:—–-")
        if not phrase:
            return None
        low = self.text.index(phrase, low)
        high = low + len(phrase)
        mentions = self._mentions_between(low, high)
        for mention in mentions:
            if mention.actor.kind == "Person" and self._head(mention):
                return _Attribution(mention.actor, self._named(low, mention))
        for mention in mentions:
            if mention.actor.kind == "Organization" and self._head(mention):
                rest = re.sub(r"\([^)]*\)", " ", self.text[mention.end : high]).split(",")[0]
                if all(word in SPOKESPERSONS for word in fold(rest).split()):
                    return _Attribution(mention.actor, self._named(low, mention, high))
        words = [self.words[i] for i in self._words_between(low, high)]
        folded = [word.form.folded for word in words]
        if len(folded) > MAX_PHRASE_WORDS:
            return _Attribution(None, None)
        if folded and folded[0] in PRONOUNS and len(folded) <= 2:
            return _Attribution(self._antecedent(min(low, quote)), words[0].text)
        if folded and folded[0] in DEFINITE and 2 <= len(folded) <= 4:
            return _Attribution(self._described(folded[-1], low), phrase)
        for i, word in enumerate(folded):  # "the diplomat would only say"
            if word in DEFINITE and i + 1 < len(folded) and i > 0:
                return _Attribution(self._described(folded[i + 1], words[i].start), None)
        return _Attribution(None, phrase)

    def _named(self, low: int, mention: _Match, high: int | None = None) -> str:
        """The words naming the speaker: from the start of the phrase's clause holding the
        mention ("his lawyer, Olga Vetrova" gives "Olga Vetrova") to its end."""
        start = low
        for found in re.finditer(r",\s*|\bthat\s+|\bчто\s+", self.text[low : mention.start]):
            start = low + found.end()
        end = mention.end if high is None else high
        return self.text[start:end].strip(" \t\u00a0\n,:—–-")

    def _inside_quote(self, position: int) -> bool:
        number = bisect.bisect_right(self.quote_starts, position) - 1
        return number >= 0 and position < self.spans[number][1]

    def _antecedent(self, before: int) -> Known | None:
        """The person a pronoun stands for: the nearest named before, as a subject (not
        "Medvedev's remarks", not "for Magnitsky"), outside quotes."""
        number = bisect.bisect_left(self.mention_starts, before)
        for mention in reversed(self.mentions[max(0, number - MAX_LOOKBACK) : number]):
            if (
                mention.actor.kind == "Person"
                and self._head(mention)
                and not self._inside_quote(mention.start)
            ):
                return mention.actor
        return None

    def _described(self, noun: str, before: int) -> Known | None:
        """Who "the <noun>" is: the person named beside the last "<noun>" before ("The
        prosecutor in the case, Pavel Sokolov"; "Senator Benjamin Cardin"), or what that
        word is part of the name of; nobody when no known person stands there."""
        if self._positions is None:
            self._positions = {}
            for position, word in enumerate(self.words):
                self._positions.setdefault(word.form.folded, []).append(position)
        occurrences = self._positions.get(noun, [])
        index = bisect.bisect_left(occurrences, bisect.bisect_left(self.word_starts, before))
        for position in reversed(occurrences[max(0, index - MAX_LOOKBACK) : index]):
            word = self.words[position]
            if self._inside_quote(word.start):
                continue
            for mention in self._mentions_between(
                self.words[max(0, position - 1)].start,
                self.words[min(len(self.words) - 1, position + DESCRIBED_WINDOW)].end,
            ):
                if mention.start <= word.start < mention.end or mention.actor.kind == "Person":
                    return mention.actor
            return None
        return None
