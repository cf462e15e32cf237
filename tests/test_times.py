"""Time expressions: each kind of expression resolved to the interval worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from triangulate.analyze.times import find_times

THU = date(2024, 1, 18)  # a Thursday


def one(text: str, published: date | None = THU) -> tuple[str, str | None, str | None, str | None, str]:
    found = find_times(text, published=published)
    assert len(found) == 1, found
    t = found[0]
    assert text[t.start : t.end] == t.text
    return (
        t.text,
        t.date_start.isoformat() if t.date_start else None,
        t.date_end.isoformat() if t.date_end else None,
        t.precision,
        t.anchor,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It began on 16 January 2024.", ("16 January 2024", "2024-01-16", "2024-01-16", "day", "absolute")),
        ("It began on Jan. 16, 2024.", ("Jan. 16, 2024", "2024-01-16", "2024-01-16", "day", "absolute")),
        ("It began on January 16 , 2024 .", ("January 16 , 2024", "2024-01-16", "2024-01-16", "day", "absolute")),
        ("It began 2024-01-16.", ("2024-01-16", "2024-01-16", "2024-01-16", "day", "absolute")),
        ("It began in January 2023.", ("January 2023", "2023-01-01", "2023-01-31", "month", "absolute")),
        ("It began in 2019, officials said.", ("2019", "2019-01-01", "2019-12-31", "year", "absolute")),
        # year-less: the publication year, unless that is after publication in a past-tense sentence
        ("It began on January 16.", ("January 16", "2024-01-16", "2024-01-16", "day", "publication")),
        ("It began on December 25.", ("December 25", "2023-12-25", "2023-12-25", "day", "publication")),
        ("Talks will open on March 3.", ("March 3", "2024-03-03", "2024-03-03", "day", "publication")),
        ("Elections in March were calm.", ("March", "2023-03-01", "2023-03-31", "month", "publication")),
        # weekdays: the publication day itself, else the most recent one, else the next when future
        ("Pakistan struck on Thursday.", ("Thursday", "2024-01-18", "2024-01-18", "day", "publication")),
        ("Iran struck on Tuesday.", ("Tuesday", "2024-01-16", "2024-01-16", "day", "publication")),
        ("Iran struck on Friday.", ("Friday", "2024-01-12", "2024-01-12", "day", "publication")),
        ("Talks will resume on Monday.", ("Monday", "2024-01-22", "2024-01-22", "day", "publication")),
        ("They met last Thursday.", ("last Thursday", "2024-01-11", "2024-01-11", "day", "publication")),
        ("They meet next Tuesday.", ("next Tuesday", "2024-01-23", "2024-01-23", "day", "publication")),
        # deictic
        ("Yesterday the border closed.", ("Yesterday", "2024-01-17", "2024-01-17", "day", "publication")),
        ("The border closed today.", ("today", "2024-01-18", "2024-01-18", "day", "publication")),
        ("It happened three days ago.", ("three days ago", "2024-01-15", "2024-01-15", "day", "publication")),
        ("It happened last week.", ("last week", "2024-01-08", "2024-01-14", "week", "publication")),
        ("It happened earlier this week.", ("earlier this week", "2024-01-15", "2024-01-18", "week", "publication")),
        ("It happened last month.", ("last month", "2023-12-01", "2023-12-31", "month", "publication")),
        ("It happened last year.", ("last year", "2023-01-01", "2023-12-31", "year", "publication")),
        ("Attacks rose over the past week.", ("past week", "2024-01-11", "2024-01-18", "week", "publication")),
        ("Talks open later this month.", ("later this month", "2024-01-18", "2024-01-31", "month", "publication")),
        ("Elections are due next year.", ("next year", "2025-01-01", "2025-12-31", "year", "publication")),
        # nothing to anchor on: kept, unresolved
        ("Two days later, talks began.", ("Two days later", None, None, None, "unresolved")),
    ],
)
def test_resolves(text: str, expected: tuple[str, str | None, str | None, str | None, str]) -> None:
    assert one(text) == expected


def test_without_publication_date_only_absolute_dates_resolve() -> None:
    assert one("Iran struck on Tuesday.", published=None) == ("Tuesday", None, None, None, "unresolved")
    assert one("It began on 16 January 2024.", published=None)[1] == "2024-01-16"


def test_narrative_offsets_follow_the_last_named_day() -> None:
    text = "Iran struck on Tuesday. The next day Pakistan retaliated. Two days later talks began. A week after, envoys returned."
    got = [(t.text, t.date_start.isoformat() if t.date_start else None, t.anchor) for t in find_times(text, published=THU)]
    assert got == [
        ("Tuesday", "2024-01-16", "publication"),
        ("The next day", "2024-01-17", "narrative"),
        ("Two days later", "2024-01-19", "narrative"),
        ("A week after", "2024-01-26", "narrative"),
    ]


def test_month_offsets_give_months() -> None:
    found = find_times("The war began on 3 March 2020. Two months later a truce held.", published=THU)
    assert [(t.text, t.date_start, t.date_end, t.precision) for t in found][1] == (
        "Two months later",
        date(2020, 5, 1),
        date(2020, 5, 31),
        "month",
    )


def test_today_does_not_move_the_narrative() -> None:
    text = "On 3 March 2020 a raid took place. Officials today said that the next day a second raid followed."
    found = find_times(text, published=THU)
    assert [(t.text, t.date_start) for t in found] == [
        ("3 March 2020", date(2020, 3, 3)),
        ("today", THU),
        ("the next day", date(2020, 3, 4)),
    ]


def test_a_weekday_before_a_date_belongs_to_it() -> None:
    found = find_times("four weeks after the Thursday July 7 attacks", published=date(2005, 8, 5))
    assert [(t.text, t.date_start, t.precision) for t in found] == [
        ("four weeks after", date(2005, 8, 4), "day"),  # anchored on the date that follows it
        ("Thursday July 7", date(2005, 7, 7), "day"),
    ]


def test_numbers_verbs_and_counts_are_not_dates() -> None:
    assert find_times("She may march. In 2019 people, 2,000 died. Of 2019 deaths, most were soldiers.", published=THU) == []
    assert [t.text for t in find_times("In 2,019 cases and in 2019 troops", published=THU)] == []


def test_to_dict_is_json_ready() -> None:
    (t,) = find_times("It happened last week.", published=THU)
    assert t.to_dict() == {
        "start": 12,
        "end": 21,
        "text": "last week",
        "date_start": "2024-01-08",
        "date_end": "2024-01-14",
        "precision": "week",
        "anchor": "publication",
    }


def test_without_publication_a_yearless_date_takes_the_year_last_stated() -> None:
    found = find_times("The war began on 3 March 2020. On 19 April, talks opened.", published=None)
    assert [(t.text, t.date_start, t.anchor) for t in found] == [
        ("3 March 2020", date(2020, 3, 3), "absolute"),
        ("19 April", date(2020, 4, 19), "narrative"),
    ]


def test_an_offset_after_a_named_day_dates_the_event_it_names() -> None:
    # "X on Thursday, a day after Y": Y happened the day before Thursday
    found = find_times("Pakistan struck on Thursday, a day after Iran attacked.", published=THU)
    assert [(t.text, str(t.date_start), t.anchor) for t in found] == [
        ("Thursday", str(THU), "publication"),
        ("a day after", "2024-01-17", "narrative"),
    ]


def test_an_offset_in_a_lead_dates_back_from_publication() -> None:
    found = find_times("Pakistan launched strikes, two days after an Iranian attack.", published=THU)
    assert [(t.text, str(t.date_start)) for t in found] == [("two days after", "2024-01-16")]


def test_an_offset_in_a_narrative_still_goes_forward() -> None:
    found = find_times("On 3 May a bomb exploded. A week after the bombing, police arrested two men.", published=THU)
    assert [(t.text, str(t.date_start)) for t in found] == [("3 May", "2023-05-03"), ("A week after", "2023-05-10")]
