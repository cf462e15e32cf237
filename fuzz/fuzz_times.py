"""Fuzz the time resolver: ``find_times`` over any text and publication day, every mention checked.

Run with atheris (``make fuzz`` installs it)::

    python fuzz/fuzz_times.py -max_total_time=60 fuzz/corpus/times fuzz/seeds/times

The last byte of an input picks the publication day (:func:`published_of`: none, the ends
of the calendar, a leap day, ordinary days, or, for a last byte over 0x7f, any day from the
last three bytes); the bytes before it are
the text: UTF-8 (bad bytes replaced), or, when the first byte is below 0x08, a phrase of
tokens, each later byte picking one from :data:`TOKENS`. Importing this module does not
need atheris: the tests call :func:`TestOneInput` directly.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from fuzzkit import fuzz, phrase

from triangulate.analyze.times import TimeMention, find_times

TOKENS = (
    *("January ", "February ", "March ", "May ", "Sept. ", "Jan. ", "Dec ", "December ", "of ", ", ", ". ", "\n", " ", "-"),
    *("1", "2", "9", "12", "16", "29", "31", "00", "16th ", "1st ", "2024", "2023", "1999", "1800", "2099", "0000", "9999"),
    *("2024-01-16", "2024-02-29", "2023-02-29", "-01-", "-12-", "-31", "Monday", "Thursday", "Friday's", "Sunday", "on ", "in "),
    *("last ", "next ", "this ", "Last ", "the past ", "earlier this ", "later this ", "week", "month", "year", "day", "days "),
    *("weeks ", "months ", "years ", "ago", " later", " after", " before", " earlier", "a ", "an ", "one ", "two ", "twelve "),
    *("99 ", "the next day", "the following morning", "the day before", "the previous day", "a day later", "the day after"),
    *("yesterday", "today", "tonight", "tomorrow", "last night", "this morning", "will ", "is due ", "next", "since ", "until "),
    *("during ", "early ", "mid-", "late ", "by ", "the ", "that ", "attacks", "people", "%", " were", "It began ", "was "),
)
_PUBLISHED = (
    *(None, date.min, date.max, date(1, 1, 6), date(9999, 12, 25), date(2024, 1, 18), date(2024, 2, 29), date(2023, 12, 31)),
    *(date(2000, 3, 1), date(1999, 12, 31), date(2024, 1, 1), date(2024, 12, 31), date(1900, 2, 28), date(2025, 6, 15), date(2024, 3, 31)),
    date(2023, 1, 1),
)
PRECISIONS = (None, "day", "week", "month", "year")
ANCHORS = ("absolute", "publication", "narrative", "unresolved")


def published_of(data: bytes) -> tuple[date | None, bytes]:
    """Split an input into its publication day (from the last byte or three) and the bytes of the text."""
    if not data:
        return None, data
    last = data[-1]
    if last < 0x80 or len(data) < 4:
        return _PUBLISHED[last % len(_PUBLISHED)], data[:-1]
    n = int.from_bytes(data[-3:], "big") * 997
    return date.min + timedelta(days=n % (date.max.toordinal() - 1)), data[:-3]


def text_of(data: bytes) -> str:
    """Return the text an input stands for (see :func:`fuzzkit.phrase`)."""
    return phrase(data, TOKENS)


def check_mention(text: str, t: TimeMention) -> None:
    """Assert what every mention promises: its span inside the text, its quote equal to it, a consistent interval."""
    assert 0 <= t.start < t.end <= len(text), (t.start, t.end, len(text))
    assert text[t.start : t.end] == t.text, (t.text, text[t.start : t.end])
    assert t.precision in PRECISIONS and t.anchor in ANCHORS, (t.precision, t.anchor)
    assert (t.date_start is None) == (t.date_end is None) == (t.precision is None), t
    assert (t.anchor == "unresolved") == (t.precision is None), t
    if t.date_start is not None and t.date_end is not None:
        assert t.date_start <= t.date_end, t
    if t.precision == "day":
        assert t.date_start == t.date_end, t
    assert TimeMention.from_dict(t.to_dict()) == t


def check_text(text: str, published: date | None) -> None:
    """Run the time resolver on a text and check every mention it returns, and their order."""
    found = find_times(text, published=published)
    for t in found:
        check_mention(text, t)
    for a, b in itertools.pairwise(found):
        assert a.end <= b.start, (a, b)  # in text order, never overlapping


def TestOneInput(data: bytes) -> None:
    """Run the time resolver on one input and check every mention it returns."""
    published, rest = published_of(data)
    check_text(text_of(rest), published)


if __name__ == "__main__":
    fuzz(TestOneInput)
