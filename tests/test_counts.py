"""Counts: each way news writes a number, with the value, bounds, noun and predicate worked out by hand."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triangulate.analyze.counts import PEOPLE_CATEGORIES, QUALIFIERS, Count, find_counts


def check(text: str, counts: list[Count]) -> None:
    """The invariants every count keeps: spans, bounds, parts, inclusions."""
    starts = {c.start for c in counts}
    for c in counts:
        for x in (c, *c.parts):
            assert text[x.start : x.end] == x.text
            assert x.qualifier in QUALIFIERS
            assert x.value is not None
            if x.noun_start is not None:
                assert x.noun_end is not None and 0 <= x.noun_start < x.noun_end <= len(text)
            if x.low is not None and x.high is not None:
                assert x.low <= x.high
            if x.qualifier == "exact":
                assert x.low == x.high == x.value
        if c.parts:
            assert c.value == sum(p.value or 0 for p in c.parts)
            assert c.start == c.parts[0].start and c.end >= c.parts[-1].end
        if c.included_in is not None:
            assert c.included_in in starts and c.included_in < c.start
    assert [c.start for c in counts] == sorted(c.start for c in counts)
    assert all(a.end <= b.start for a, b in itertools.pairwise(counts))


def counts(text: str) -> list[Count]:
    found = find_counts(text)
    check(text, found)
    return found


def one(text: str) -> Count:
    found = counts(text)
    assert len(found) == 1, [c.text for c in found]
    return found[0]


def row(c: Count) -> tuple[object, ...]:
    return (c.text, c.value, c.low, c.high, c.qualifier, c.noun, c.category, c.predicate)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # digits and number words
        ("Iran launched 15 missiles.", ("15", 15, 15, 15, "exact", "missile", "missile", None)),
        ("It has 1,200 troops there.", ("1,200", 1200, 1200, 1200, "exact", "troop", "soldier", None)),
        ("Some 1.5 million people fled.", ("Some 1.5 million", 1500000, None, None, "about", "person", "person", None)),
        ("1.5 million people fled.", ("1.5 million", 1500000, 1500000, 1500000, "exact", "person", "person", None)),
        ("The camp holds 12 000 residents.", ("12 000", 12000, 12000, 12000, "exact", "resident", "person", None)),
        ("Police found 3 children.", ("3", 3, 3, 3, "exact", "child", "child", None)),
        ("one hundred and three people", ("one hundred and three", 103, 103, 103, "exact", "person", "person", None)),
        ("twenty-three soldiers", ("twenty-three", 23, 23, 23, "exact", "soldier", "soldier", None)),
        ("Twenty three soldiers", ("Twenty three", 23, 23, 23, "exact", "soldier", "soldier", None)),
        ("two thousand five hundred refugees", ("two thousand five hundred", 2500, 2500, 2500, "exact", "refugee", "refugee", None)),
        ("a hundred people", ("a hundred", 100, 100, 100, "exact", "person", "person", None)),
        ("a dozen soldiers", ("a dozen", 12, 12, 12, "exact", "soldier", "soldier", None)),
        ("two dozen soldiers", ("two dozen", 24, 24, 24, "exact", "soldier", "soldier", None)),
        ("half a dozen rockets", ("half a dozen", 6, 6, 6, "exact", "rocket", "rocket", None)),
        ("A child was killed.", ("A", 1, 1, 1, "exact", "child", "child", "killed")),
        ("a woman", ("a", 1, 1, 1, "exact", "woman", "woman", None)),
        ("An Israeli soldier was wounded.", ("An", 1, 1, 1, "exact", "soldier", "soldier", "injured")),
        ("two girls were killed", ("two", 2, 2, 2, "exact", "girl", "child", "killed")),
        # the noun after modifiers
        ("three Pakistani soldiers", ("three", 3, 3, 3, "exact", "soldier", "soldier", None)),
        ("two young children", ("two", 2, 2, 2, "exact", "child", "child", None)),
        ("15 ballistic missiles", ("15", 15, 15, 15, "exact", "missile", "missile", None)),
        ("nine foreign nationals", ("nine", 9, 9, 9, "exact", "national", "person", None)),
        ("eleven Iranian police officers", ("eleven", 11, 11, 11, "exact", "police officer", "police", None)),
        ("50 militants", ("50", 50, 50, 50, "exact", "militant", "militant", None)),
        ("40 fighters", ("40", 40, 40, 40, "exact", "fighter", "fighter", None)),
        ("two fighter jets", ("two", 2, 2, 2, "exact", "fighter jet", "aircraft", None)),
        ("seven targets", ("seven", 7, 7, 7, "exact", "target", None, None)),
        ("three injured Pakistanis", ("three", 3, 3, 3, "exact", "pakistani", "person", "injured")),
        ("Five of the victims were women.", ("Five", 5, 5, 5, "exact", "victim", "person", None)),
        ("Three of the dead were children.", ("Three", 3, 3, 3, "exact", "person", "person", "killed")),
        # bounds
        ("at least 47 people", ("at least 47", 47, 47, None, "at_least", "person", "person", None)),
        ("more than 200 people", ("more than 200", 200, 201, None, "more_than", "person", "person", None)),
        ("over 180 others were injured", ("over 180", 180, 181, None, "more_than", "other", "person", "injured")),
        ("nearly 300 people", ("nearly 300", 300, None, 299, "about", "person", "person", None)),
        ("almost 300 people", ("almost 300", 300, None, 299, "about", "person", "person", None)),
        ("about 1,000 fighters", ("about 1,000", 1000, None, None, "about", "fighter", "fighter", None)),
        ("some 300 militants", ("some 300", 300, None, None, "about", "militant", "militant", None)),
        ("100-odd people", ("100-odd", 100, 100, None, "about", "person", "person", None)),
        ("200 or so civilians", ("200 or so", 200, None, None, "about", "civilian", "civilian", None)),
        ("100+ people", ("100+", 100, 100, None, "at_least", "person", "person", None)),
        ("up to 50 rockets", ("up to 50", 50, None, 50, "at_most", "rocket", "rocket", None)),
        ("as many as 300 people", ("as many as 300", 300, None, 300, "at_most", "person", "person", None)),
        ("fewer than 10 soldiers", ("fewer than 10", 10, None, 9, "fewer_than", "soldier", "soldier", None)),
        ("at least two dozen soldiers", ("at least two dozen", 24, 24, None, "at_least", "soldier", "soldier", None)),
        ("more than a dozen militants", ("more than a dozen", 12, 13, None, "more_than", "militant", "militant", None)),
        ("nearly a hundred people", ("nearly a hundred", 100, None, 99, "about", "person", "person", None)),
        # ranges
        ("around 500–600 fighters", ("around 500–600", 500, 500, 600, "range", "fighter", "fighter", None)),
        ("500-600 fighters", ("500-600", 500, 500, 600, "range", "fighter", "fighter", None)),
        ("between 300 and 400 people", ("between 300 and 400", 300, 300, 400, "range", "person", "person", None)),
        ("from 300 to 400 people", ("from 300 to 400", 300, 300, 400, "range", "person", "person", None)),
        ("two or three people", ("two or three", 2, 2, 3, "range", "person", "person", None)),
        ("3 to 4 soldiers", ("3 to 4", 3, 3, 4, "range", "soldier", "soldier", None)),
        ("between two and three thousand people", ("between two and three thousand", 2000, 2000, 3000, "range", "person", "person", None)),
        ("1.5 to 2 million people", ("1.5 to 2 million", 1500000, 1500000, 2000000, "range", "person", "person", None)),
        # vague quantities, coded as ACLED codes them
        ("dozens of people", ("dozens", 12, 12, None, "vague", "person", "person", None)),
        ("Dozens were killed.", ("Dozens", 12, 12, None, "vague", "person", "person", "killed")),
        ("tens of people", ("tens", 10, 10, None, "vague", "person", "person", None)),
        ("hundreds of people", ("hundreds", 100, 100, None, "vague", "person", "person", None)),
        ("thousands of refugees", ("thousands", 1000, 1000, None, "vague", "refugee", "refugee", None)),
        ("tens of thousands of people", ("tens of thousands", 10000, 10000, None, "vague", "person", "person", None)),
        ("hundreds of thousands of refugees", ("hundreds of thousands", 100000, 100000, None, "vague", "refugee", "refugee", None)),
        ("scores of fighters", ("scores", 20, 20, None, "vague", "fighter", "fighter", None)),
        ("several soldiers", ("several", 3, 3, None, "vague", "soldier", "soldier", None)),
        ("a few civilians", ("a few", 3, 3, None, "vague", "civilian", "civilian", None)),
        ("a number of civilians", ("a number", 3, 3, None, "vague", "civilian", "civilian", None)),
        ("several hundred protesters", ("several hundred", 100, 100, None, "vague", "protester", "protester", None)),
        ("several hundred thousand people", ("several hundred thousand", 100000, 100000, None, "vague", "person", "person", None)),
        ("a couple of soldiers", ("a couple", 2, None, None, "about", "soldier", "soldier", None)),
        # predicates
        ("The strike killed at least 9 people.", ("at least 9", 9, 9, None, "at_least", "person", "person", "killed")),
        ("Two children were killed.", ("Two", 2, 2, 2, "exact", "child", "child", "killed")),
        ("nine people had been killed", ("nine", 9, 9, 9, "exact", "person", "person", "killed")),
        ("5 militants killed in a clash", ("5", 5, 5, 5, "exact", "militant", "militant", "killed")),
        ("Jaish al-Adl attacked a police station, killing 3.", ("3", 3, 3, 3, "exact", "person", "person", "killed")),
        ("9 dead after the blast", ("9", 9, 9, 9, "exact", "person", "person", "killed")),
        ("three were critically injured", ("three", 3, 3, 3, "exact", "person", "person", "injured")),
        ("the deaths of two Pakistani nationals", ("two", 2, 2, 2, "exact", "national", "person", "killed")),
        ("The death toll rose to 11.", ("11", 11, 11, 11, "exact", "death", "person", "killed")),
        ("a death toll of 11", ("11", 11, 11, 11, "exact", "death", "person", "killed")),
        ("The toll has risen to at least 20.", ("at least 20", 20, 20, None, "at_least", "death", "person", "killed")),
        ("11 deaths were reported", ("11", 11, 11, 11, "exact", "death", "person", "killed")),
        ("The clashes claimed 12 lives.", ("12", 12, 12, 12, "exact", "life", "person", "killed")),
        ("Israeli Strike Kills 12 in Gaza", ("12", 12, 12, 12, "exact", "person", "person", "killed")),
        ("Four people are missing.", ("Four", 4, 4, 4, "exact", "person", "person", "missing")),
        ("Gunmen kidnapped 20 students.", ("20", 20, 20, 20, "exact", "student", "person", "abducted")),
        # units: kept, never people
        ("Prices rose 30%.", ("30", 30, 30, 30, "exact", "percent", "percent", None)),
        ("30 percent of homes", ("30", 30, 30, 30, "exact", "percent", "percent", None)),
        ("aid worth $400 billion", ("$400 billion", 400_000_000_000, 400_000_000_000, 400_000_000_000, "exact", None, "money", None)),
        ("within 24 hours", ("24", 24, 24, 24, "exact", "hour", "duration", None)),
        ("12 miles into Iran", ("12", 12, 12, 12, "exact", "mile", "length", None)),
    ],
)
def test_one_count(text: str, expected: tuple[object, ...]) -> None:
    assert row(one(text)) == expected


def test_noun_span_points_at_the_noun() -> None:
    text = "at least three Pakistani soldiers died"
    c = one(text)
    assert c.noun_start is not None and c.noun_end is not None
    assert text[c.noun_start : c.noun_end] == "soldiers"
    assert c.is_people and c.predicate == "killed"


def test_death_toll_noun_is_before_the_number() -> None:
    text = "The death toll rose to 11."
    c = one(text)
    assert c.noun_start is not None and c.noun_end is not None
    assert text[c.noun_start : c.noun_end] == "death" and c.noun_start < c.start


def test_implied_noun_has_no_span() -> None:
    c = one("9 dead")
    assert (c.noun, c.noun_start, c.noun_end) == ("person", None, None)


def test_composite_is_one_count_summing_its_parts() -> None:
    text = "The strike killed three women, four children and two men."
    c = one(text)
    assert (c.text, c.value, c.low, c.high, c.qualifier) == ("three women, four children and two men", 9, 9, 9, "exact")
    assert (c.noun, c.category, c.predicate, c.noun_start) == ("person", "person", "killed", None)
    assert [(p.text, p.value, p.noun, p.category, p.predicate) for p in c.parts] == [
        ("three", 3, "woman", "woman", "killed"),
        ("four", 4, "child", "child", "killed"),
        ("two", 2, "man", "man", "killed"),
    ]


def test_composite_with_a_bound_sums_the_bounds() -> None:
    c = one("at least two soldiers and three militants were killed")
    assert (c.value, c.low, c.high, c.qualifier, c.predicate) == (5, 5, None, "at_least", "killed")


def test_composite_with_an_article() -> None:
    c = one("A woman and two children were killed.")
    assert (c.text, c.value, [p.value for p in c.parts]) == ("A woman and two children", 3, [1, 2])


def test_composite_of_the_sample_sentence() -> None:
    c = one("resulting in the deaths of three women and four children, all of whom were non-Irani citizens.")
    assert (c.text, c.value, c.predicate) == ("three women and four children", 7, "killed")


def test_counts_joined_by_a_verb_are_not_a_composite() -> None:
    text = "nine Pakistani labourers were killed and three were critically injured"
    found = counts(text)
    assert [row(c) for c in found] == [
        ("nine", 9, 9, 9, "exact", "labourer", "person", "killed"),
        ("three", 3, 3, 3, "exact", "person", "person", "injured"),
    ]
    assert all(not c.parts and c.included_in is None for c in found)


def test_including_does_not_add() -> None:
    text = "Iran said that nine people had been killed, including four children."
    nine, four = counts(text)
    assert (nine.text, nine.value, nine.noun, nine.predicate, nine.included_in) == ("nine", 9, "person", "killed", None)
    assert (four.text, four.value, four.noun, four.included_in) == ("four", 4, "child", nine.start)
    assert four.predicate == "killed"  # inherited from the count it is part of


def test_including_a_composite() -> None:
    text = "Vahidi claimed nine foreign nationals were killed, including three women, four children and two men."
    nine, parts = counts(text)
    assert (nine.value, nine.noun, nine.included_in) == (9, "national", None)
    assert (parts.text, parts.value, len(parts.parts), parts.included_in) == ("three women, four children and two men", 9, 3, nine.start)


@pytest.mark.parametrize(
    "text",
    [
        "nine people, among them four children",
        "nine people, four of whom were children",
        "nine people (including four children)",
        "killed nine people including at least four children",
    ],
)
def test_inclusion_markers(text: str) -> None:
    nine, four = counts(text)
    assert (nine.value, four.value, four.included_in) == (9, 4, nine.start)
    assert four.noun == "child"


def test_a_larger_count_is_not_included_in_a_smaller_one() -> None:
    _two, forty = counts("two soldiers, including 40 children")
    assert forty.included_in is None


@pytest.mark.parametrize(
    "text",
    [
        "The third strike hit the village.",
        "It was the 21st attack this year.",
        "the 54th annual meeting",
        "In 2024, the border was calm.",
        "since 1988",
        "the 2019 Khash–Zahedan suicide bombing",
        "It began on January 16.",
        "It began on 16 January.",
        "It began on Jan. 16, 2024.",
        "On 16 January 2024, Iran struck.",
        "16-18 January",
        "between 2019 and 2021",
        "At 10:30 a blast was heard.",
        "at 3 pm",
        "at 3pm",
        "at 3 a.m.",
        "the 1990s and the '90s",
        "2024-01-16 and 16.01.2024 and 9/11",
        "One of the soldiers was hurt.",
        "one of them",
        "no one was hurt",
        "Call +92 51 1234567 or 051-9204567 or 555-123-4567.",
        "order 1234567890",
        "F-16s, JF-17s and J-10Cs",
        "the Su-35 and the S-300",
        "Resolution 2334 and Article 51 and Flight 752",
        "No. 5 and #3",
        "a 900-kilometer (560-mile) border",
        "a two-front conflict and a three-day truce",
        "two-thirds of residents",
        "the two-state solution",
        "He was aged 25.",
        "those aged 25 and over",
        "25 years old",
        "an air defense drill, Velayat 1402, which",
        "5km away and 4G phones and 30x30",
        "as a child he lived there",
        "she was a nurse",
        "several channels of communication",
        "many countries",
        "a missile and drone attack",
        "a 25-year-old was arrested",
    ],
)
def test_not_counts_of_people(text: str) -> None:
    found = counts(text)
    assert not [c for c in found if c.is_people], [c.text for c in found]
    assert not [c for c in found if c.category is None and c.noun is None], [c.text for c in found]


@pytest.mark.parametrize(
    "text",
    [
        "The third strike hit the village.",
        "In 2024, the border was calm.",
        "It began on 16 January.",
        "At 10:30 a blast was heard.",
        "One of the soldiers was hurt.",
        "Call +92 51 1234567.",
        "F-16s and Resolution 2334",
        "a two-front conflict",
        "the 21st",
    ],
)
def test_nothing_at_all(text: str) -> None:
    assert counts(text) == []


def test_one_day_is_a_duration() -> None:
    c = one("This attack occurred one day after a similar strike.")
    assert (c.value, c.noun, c.category, c.is_people) == (1, "day", "duration", False)


def test_a_bare_one_or_several_is_no_count() -> None:
    assert counts("Which one? The one who left. Several said so.") == []


def test_a_year_with_a_count_noun_is_a_count() -> None:
    c = one("Pakistan sent 2000 troops to the border.")
    assert (c.value, c.noun) == (2000, "troop")


def test_rose_from_is_two_tolls_not_a_range() -> None:
    found = counts("The death toll rose from 9 to 11.")
    assert [(c.text, c.value, c.qualifier, c.noun) for c in found] == [("9", 9, "exact", "death"), ("11", 11, "exact", "death")]


def test_active_verb_after_a_count_is_not_its_predicate() -> None:
    gunmen, soldiers = counts("Three gunmen killed two soldiers.")
    assert (gunmen.noun, gunmen.predicate) == ("gunman", None)
    assert (soldiers.noun, soldiers.predicate) == ("soldier", "killed")


def test_sample_paragraph() -> None:
    text = (
        "Two weeks ago, at least 103 people were killed and over 180 others were injured in twin bomb explosions near "
        "the Iranian general Qasem Soleimani’s tomb on January 3."
    )
    found = counts(text)
    assert [row(c) for c in found] == [
        ("Two", 2, 2, 2, "exact", "week", "duration", None),
        ("at least 103", 103, 103, None, "at_least", "person", "person", "killed"),
        ("over 180", 180, 181, None, "more_than", "other", "person", "injured"),
    ]
    assert [c.text for c in find_counts(text, people_only=True)] == ["at least 103", "over 180"]


def test_sample_missiles() -> None:
    text = "On 15 January 2024, Iran launched a barrage of 15 missiles, with all but four missiles hitting the city."
    assert [(c.text, c.value, c.noun) for c in counts(text)] == [("15", 15, "missile"), ("four", 4, "missile")]


def test_to_dict_is_json() -> None:
    c = one("three women and four children")
    d = c.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["value"] == 7 and [p["value"] for p in d["parts"]] == [3, 4]
    assert set(d) == {f for f in Count.__slots__ if not f.startswith("_")}


def test_people_categories_come_from_the_lexicon() -> None:
    assert {"person", "child", "woman", "man", "civilian", "soldier", "militant", "fighter"} <= PEOPLE_CATEGORIES
    assert "missile" not in PEOPLE_CATEGORIES and "duration" not in PEOPLE_CATEGORIES


def test_spans_are_offsets_into_the_text_given() -> None:
    text = "Line one.\nA second line: at least 47 people, and 1,200 soldiers.\n\n  9 dead"
    for c in counts(text):
        assert text[c.start : c.end] == c.text


# Property: on any text, find_counts neither raises nor breaks its invariants.
def words(text: str) -> list[str]:
    return text.split()


_WORDS = [
    *words("at least more than over nearly about some up to fewer between and or to from including among them of whom the a an"),
    *words("one two three nine twenty-three hundred thousand million dozen dozens hundreds tens scores several few number"),
    *words("people children women men soldiers militants missiles killed dead injured were death toll rose January May"),
    *words("0 1 3 9 11 47 100 1,200 12 000 1.5 2024 10:30 21st 3pm 500–600 100-odd $5 30% +92 F-16 - – , . ; ( ) : # ' ’"),
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=40), st.lists(st.sampled_from([" ", " ", " ", ", ", "\n", "", "  "]), max_size=40))
def test_property_on_news_like_text(words: list[str], seps: list[str]) -> None:
    text = "".join(w + (seps[i] if i < len(seps) else " ") for i, w in enumerate(words))
    check(text, find_counts(text))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_property_on_any_text(text: str) -> None:
    check(text, find_counts(text))


def test_partitive_over_a_number() -> None:
    two, three = counts("two of the three hostages were freed")
    assert (two.value, two.noun, three.value, three.noun) == (2, "hostage", 3, "hostage")


def test_lists_of_tolls_with_inclusions() -> None:
    text = "The ministry said 1,139 people were killed, among them 695 civilians, including 36 children."
    people, civilians, children = counts(text)
    assert (people.value, people.predicate) == (1139, "killed")
    assert (civilians.value, civilians.included_in, civilians.predicate) == (695, people.start, "killed")
    assert (children.value, children.included_in) == (36, civilians.start)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The strike killed 3 people and injured 5.", [(3, "person", "killed"), (5, "person", "injured")]),
        ("3 killed, 5 injured in the attack", [(3, "person", "killed"), (5, "person", "injured")]),
        ("The attack left 9 dead and 20 wounded.", [(9, "person", "killed"), (20, "person", "injured")]),
        ("the death of two Pakistani nationals and injury of three", [(2, "national", "killed"), (3, "person", "injured")]),
    ],
)
def test_killed_and_injured_side_by_side(text: str, expected: list[tuple[int, str, str]]) -> None:
    assert [(c.value, c.noun, c.predicate) for c in counts(text)] == expected
