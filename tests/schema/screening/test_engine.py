"""The screening engine on its own: mentions, quotes and speakers, offsets, bounded work."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schema.screening.engine import (
    AMBIGUOUS,
    COREFERRED,
    FORWARD,
    INFLECTED,
    MAX_SCREEN_CHARS,
    SURNAME,
    Known,
    Screening,
    quote_spans,
    screen,
)
from tests.fuzz import FUZZ
from tests.schema.screening.texts import TEXTS

MAGNITSKY = Known("Person", "sergei-magnitsky", ("Sergei Magnitsky", "Сергей Магнитский"))
KISLYAK = Known("Person", "sergei-kislyak", ("Sergei Kislyak", "Sergej Kisljak", "Сергей Кисляк"))
LAVROV = Known("Person", "sergei-lavrov", ("Sergei Lavrov", "Сергей Лавров"))
PAVEL = Known("Person", "pavel-sokolov", ("Pavel Sokolov",))
ANDREI = Known("Person", "andrei-sokolov", ("Andrei Sokolov",))
US = Known("Organization", "united-states", ("United States", "US", "U.S.", "America"))
STATE = Known("Organization", "us-state-department", ("U.S. State Department", "State Department"))
MINISTRY = Known("Organization", "russian-foreign-ministry", ("Foreign Ministry", "MID"))
MEMORIAL = Known("Organization", "memorial", ("Memorial",))
HERMITAGE = Known("Organization", "hermitage-capital", ("Hermitage Capital", "Hermitage"))
RUSSIA = Known("Organization", "russia", ("Russia", "Россия"))
KREMLIN = Known("Organization", "kremlin", ("Kremlin", "Кремль"))
KNOWN = (
    MAGNITSKY,
    KISLYAK,
    LAVROV,
    PAVEL,
    ANDREI,
    US,
    STATE,
    MINISTRY,
    MEMORIAL,
    HERMITAGE,
    RUSSIA,
    KREMLIN,
)


def named(text: str, known: tuple[Known, ...] = KNOWN) -> list[tuple[str, str, float]]:
    """(the passage, the slug, the score) of every mention."""
    return [(text[m.start : m.end], m.actor.slug, m.score) for m in screen(text, known).mentions]


def slugs(text: str) -> list[tuple[str, str]]:
    return [(passage, slug) for passage, slug, _ in named(text)]


def speakers(text: str) -> list[tuple[str, str | None, str | None]]:
    """(the quote, the words naming its speaker, the speaker's slug) of every quote."""
    return [
        (text[q.start : q.end], q.speaker_text, q.speaker.slug if q.speaker else None)
        for q in screen(text, KNOWN).quotes
    ]


# -- mentions


def test_a_name_or_alias_as_written_scores_one_with_its_offsets() -> None:
    text = "🙂 Lawyer Sergei\u00a0Magnitsky died in 2009."
    [mention] = screen(text, KNOWN).mentions
    assert text[mention.start : mention.end] == "Sergei\u00a0Magnitsky"
    assert mention.start == 9  # code points: the emoji is one, as in Python
    assert (mention.actor, mention.score, mention.matched) == (MAGNITSKY, 1.0, "Sergei Magnitsky")


@pytest.mark.parametrize(
    ("text", "passage", "matched"),
    [
        ("Сергей Магнитский умер в 2009 году.", "Сергей Магнитский", "Сергей Магнитский"),
        ("SERGEI MAGNITSKY DIED", "SERGEI MAGNITSKY", "Sergei Magnitsky"),
        ("Sérgei Magnitsky's case", "Sérgei Magnitsky", "Sergei Magnitsky"),
        ("Sergej Kisljak said", "Sergej Kisljak", "Sergej Kisljak"),
    ],
)
def test_any_script_case_and_accent(text: str, passage: str, matched: str) -> None:
    [mention] = screen(text, KNOWN).mentions
    assert (text[mention.start : mention.end], mention.score, mention.matched) == (
        passage,
        1.0,
        matched,
    )


def test_other_spellings_of_a_person_score_less() -> None:
    [(passage, slug, score)] = named("Sergey Magnitskiy was arrested.")
    assert (passage, slug) == ("Sergey Magnitskiy", "sergei-magnitsky")
    assert 0.75 <= score < 1.0


def test_russian_case_forms_are_mentions() -> None:
    text = "дело Сергея Магнитского; по словам Лаврова; пресс-служба Кремля"
    assert named(text) == [
        ("Сергея Магнитского", "sergei-magnitsky", INFLECTED),
        ("Лаврова", "sergei-lavrov", round(INFLECTED * SURNAME, 4)),
        ("Кремля", "kremlin", INFLECTED),
    ]


def test_a_possessive_is_left_out_of_the_span() -> None:
    assert slugs("Magnitsky's lawyer and Kislyak’s aide") == [
        ("Magnitsky", "sergei-magnitsky"),
        ("Kislyak", "sergei-kislyak"),
    ]


def test_a_surname_one_person_bears_names_that_person() -> None:
    assert named("Later, Lavrov left.") == [("Lavrov", "sergei-lavrov", SURNAME)]


def test_a_shared_surname_names_the_one_named_in_full_before() -> None:
    text = "Pavel Sokolov met Andrei Sokolov. Sokolov left. Earlier, Pavel Sokolov came. Sokolov"
    assert named(text) == [
        ("Pavel Sokolov", "pavel-sokolov", 1.0),
        ("Andrei Sokolov", "andrei-sokolov", 1.0),
        ("Sokolov", "andrei-sokolov", COREFERRED),
        ("Pavel Sokolov", "pavel-sokolov", 1.0),
        ("Sokolov", "pavel-sokolov", COREFERRED),
    ]


def test_a_shared_surname_named_in_full_only_later_or_never() -> None:
    assert named("Sokolov spoke first. Then Andrei Sokolov left.")[0] == (
        "Sokolov",
        "andrei-sokolov",
        FORWARD,
    )
    assert named("Sokolov spoke.") == [
        ("Sokolov", "andrei-sokolov", AMBIGUOUS),
        ("Sokolov", "pavel-sokolov", AMBIGUOUS),
    ]
    assert named("Sokolof spoke.") == []  # another spelling of a shared surname: too unsure


def test_a_surname_hyphens_or_apostrophes_join_is_one() -> None:
    obrien = Known("Person", "patrick-obrien", ("Patrick O'Brien",))
    kara_murza = Known("Person", "vladimir-kara-murza", ("Vladimir Kara-Murza",))
    murza = Known("Person", "ivan-murza", ("Ivan Murza",))
    known = (obrien, kara_murza, murza)
    assert named("Mr. O'Brien and O’Brien met Kara-Murza, then Murza.", known) == [
        ("O'Brien", "patrick-obrien", SURNAME),
        ("O’Brien", "patrick-obrien", SURNAME),
        ("Kara-Murza", "vladimir-kara-murza", SURNAME),
        ("Murza", "ivan-murza", SURNAME),
    ]


def test_the_longest_name_wins() -> None:
    assert slugs("The U.S. State Department said") == [
        ("U.S. State Department", "us-state-department")
    ]
    assert slugs("officials in the U.S. said") == [("U.S.", "united-states")]


@pytest.mark.parametrize(
    "text",
    [
        "pressure on us will not help",  # "US" is written in capitals
        "in mid-March",  # so is "MID"
        "a memorial service",  # "Memorial" is capitalized
        "Foreign Minister Sergei",  # an organization's words must be its own
        "the Americas",
        "the Magnitsky Act and the Hermitage Museum",  # names of other things
        "the Global Magnitsky sanctions, the writer Alexander Lavrov, Vladimir Kara-Murza",
        "Sergei said",  # a first name alone
    ],
)
def test_words_that_only_look_like_names_are_not_mentions(text: str) -> None:
    assert named(text) == []


def test_user_text_is_data() -> None:
    """Patterns and operators in the text or in names are characters like any other (a
    mention spans the words of a name)."""
    tricky = Known("Organization", "tricky", (".* (Group) [x]", '{"$ne": null}'))
    assert named("a .* (Group) [x] and {$ne: null} here", (tricky,)) == [
        ("Group) [x", "tricky", 1.0),
        ("ne: null", "tricky", 1.0),
    ]
    assert named(".* " * 50, (tricky,)) == []


# -- quotes


def test_quotes_in_straight_curly_and_angle_marks_nested_ones_inside() -> None:
    text = (
        'He said "one" and “two ‘inner’ words” and «три «вложенные» слова».\n\n'
        '"left open\n\nThen "closed."'
    )
    assert [text[start:end] for start, end in quote_spans(text)] == [
        "one",
        "two ‘inner’ words",
        "три «вложенные» слова",
        "closed.",
    ]


@pytest.mark.parametrize(
    ("text", "words", "speaker"),
    [
        ('"Enough," Ambassador Sergei Kislyak said.', "Ambassador Sergei Kislyak", KISLYAK),
        ('"Enough," said Lavrov, the minister.', "Lavrov", LAVROV),
        ('Lavrov said: "Enough."', "Lavrov", LAVROV),
        ('Lavrov said on Friday that the bill was "a mistake."', "Lavrov", LAVROV),
        ("«Хватит», — заявил Лавров.", "Лавров", LAVROV),
        ('Kislyak spoke first. "Enough," he said.', "he", KISLYAK),
        ('Lavrov met Magnitsky\'s mother. "Enough," he said.', "he", LAVROV),
        ('"Enough," a State Department spokesman said.', "a State Department spokesman", STATE),
        ('The Kremlin said it was "regrettable."', "The Kremlin", KREMLIN),
        ('"Enough," an official said.', "an official", None),
        ('"Enough," a lawyer for Magnitsky\'s mother said.', None, None),
    ],
)
def test_the_words_naming_the_speaker_and_who_they_name(
    text: str, words: str | None, speaker: Known | None
) -> None:
    [(_, speaker_text, slug)] = speakers(text)
    if words is not None:
        assert speaker_text == words
    assert slug == (speaker.slug if speaker else None)


def test_a_quote_continuing_an_attributed_one_has_its_speaker() -> None:
    text = '"We tried," Lavrov said. "It failed."\n\n"Unattributed words."'
    assert [slug for _, _, slug in speakers(text)] == ["sergei-lavrov", "sergei-lavrov", None]


def test_scare_quotes_and_labels_have_no_speaker() -> None:
    text = 'Lavrov arrived. The ministry added Memorial to its list of "foreign agents."'
    assert speakers(text) == [("foreign agents.", None, None)]


def test_a_definite_description_names_who_stood_beside_it() -> None:
    text = (
        "The prosecutor in the case, Pavel Sokolov, spoke. Kislyak listened. "
        '"He will flee," the prosecutor said.'
    )
    assert speakers(text)[0][1:] == ("the prosecutor", "pavel-sokolov")


# -- bounds and robustness


def test_an_empty_text_and_no_known_actors() -> None:
    assert screen("", KNOWN) == Screening([], [])
    assert screen("Sergei Magnitsky", ()) == Screening([], [])


def test_the_largest_text_is_screened_in_bounded_time() -> None:
    """The work grows with the text, not with the text times the names: a regression to a
    per-name scan of the text (or to quadratic quote handling) takes far longer."""
    unit = (
        'Sergei Kislyak said "relations will suffer," and Lavrov agreed. Magnitsky\'s case, '
        "the U.S. State Department said, is open. Сергей Лавров заявил: «Нет». "
    )
    text = (unit * (MAX_SCREEN_CHARS // len(unit) + 1))[:MAX_SCREEN_CHARS]
    many = KNOWN + tuple(
        Known("Person", f"p{i}", (f"Name{i} Surname{i}", f"Other{i} Surname{i}"))
        for i in range(3000)
    )
    screen("warm up", many)  # the index is built once per set of names
    started = time.perf_counter()
    found = screen(text, many)
    assert time.perf_counter() - started < 5.0
    assert len(found.quotes) > 1000
    assert len(found.mentions) > 3000


@FUZZ
@given(text=TEXTS)
def test_random_texts_give_well_formed_screenings(text: str) -> None:
    found = screen(text, KNOWN)
    for mention in found.mentions:
        assert 0 <= mention.start < mention.end <= len(text)
        assert 0 < mention.score <= 1.0
        assert mention.matched in mention.actor.names
    for quote in found.quotes:
        assert 0 < quote.start <= quote.end < len(text)
        assert text[quote.start - 1] in '"“«'
        assert text[quote.end] in '"”»'
    assert [m.start for m in found.mentions] == sorted(m.start for m in found.mentions)


@FUZZ
@given(
    names=st.lists(st.one_of(st.text(max_size=30), TEXTS), min_size=1, max_size=4),
    person=st.booleans(),
    text=TEXTS,
)
def test_random_names_give_well_formed_screenings(
    names: list[str], person: bool, text: str
) -> None:
    actor = Known("Person" if person else "Organization", "random", tuple(names))
    for mention in screen(text, (*KNOWN, actor)).mentions:
        assert 0 <= mention.start < mention.end <= len(text)
        assert mention.matched in mention.actor.names
