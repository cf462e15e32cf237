"""Inputs the fuzzers (``fuzz/``) and the property tests found failing, kept as they were found.

Each is run through its harness's ``TestOneInput`` (the bytes exactly as the fuzzer saved
them) and, where the input can be read as a sentence, checked for the right answer too.
A failure in a package being worked on elsewhere (``ingest/``, ``clean/``) is kept as a
strict xfail: it turns into a failure the day the bug is fixed, and the mark comes off.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from robustness.harnesses import load
from triangulate.analyze.counts import find_counts
from triangulate.analyze.times import find_times
from triangulate.clean import clean
from triangulate.ingest import read_item
from triangulate.model import Failure
from triangulate.settings import Options

from conftest import raw

# --------------------------------------------------------------------------------------------
# counts: a bound before a number ("as many as") took back the words of a count read before it,
# and both came back, overlapping and out of order ("many" inside "as many as several hundred")

COUNT_INPUTS = [
    b"The death toll rose to 11. Killing 3, the gunmen fled. 30% of $400 billion. The number of dead reached as many as several hundred.",  # atheris, on its seed
    b'\x03\xfb\x03j\x81M\xc1\xba\xec\xca@\x1e[\xf2\xb4{\xbaH\x89\xbfcH\xc5"\x8f9\xab9Y\xa0\x18d\xf3\x10q\x04\xdek\x8d\xa9\xbd\x1b',  # random.Random(0) token phrase
]


@pytest.mark.parametrize("data", COUNT_INPUTS)
def test_counts_fuzz_inputs(data: bytes) -> None:
    load("counts").TestOneInput(data)


@pytest.mark.parametrize("lead", ["the death toll reached", "The number of dead reached", "Officials said"])
def test_a_bound_that_holds_a_count_word_is_read_once(lead: str) -> None:
    text = f"{lead} as many as several hundred."
    found = [(c.text, c.value, c.qualifier) for c in find_counts(text)]
    assert found == [("as many as several hundred", 100, "vague")]


# --------------------------------------------------------------------------------------------
# times: a publication day at the ends of the calendar (year 1, year 9999) sent the date
# arithmetic out of range (OverflowError, ValueError); such a day now stays unresolved

TIME_INPUTS = [
    b"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00Pakist\x00a",  # atheris, ValueError: year 0 is out of range
    b"\x00G\xc3r\x879\xedF\xfb\xc6\xcc\xfc\xf0L\x8b\x94(\xcab%\xae^\xcb1",  # random.Random(0), OverflowError
    b"\x00\xf2\xfa\xa1\x1b{_A\x94\xc3a\x8d>Hq1T",  # random.Random(0), ValueError: year 10000 is out of range
    b"Yesterdayed. It happened three dAys ago, last week, earlier this month and last year.\n",  # atheris: precision "dAy"
]


@pytest.mark.parametrize("data", TIME_INPUTS)
def test_times_fuzz_inputs(data: bytes) -> None:
    load("times").TestOneInput(data)


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("The border closed yesterday.", date.min),
        ("Talks resume tomorrow.", date.max),
        ("It happened last week.", date.min),
        ("Elections are due next year.", date.max),
        ("It happened three days ago.", date.min),
        ("Iran struck on Friday.", date.min),
        ("They meet next Monday.", date.max),
        ("Elections in March were calm.", date.min),
        ("It happened last month.", date.min),
    ],
)
def test_a_day_off_the_calendar_stays_unresolved(text: str, published: date) -> None:
    (t,) = [t for t in find_times(text, published=published) if t.anchor != "absolute"]
    assert (t.date_start, t.date_end, t.precision, t.anchor) == (None, None, None, "unresolved")


def test_an_offset_back_from_the_first_day_stays_unresolved() -> None:
    found = find_times("On 0001-01-01, a day after the raid, troops moved.", published=None)
    assert [(t.text, t.day, t.anchor) for t in found] == [("0001-01-01", date(1, 1, 1), "absolute"), ("a day after", None, "unresolved")]


@pytest.mark.parametrize("text", ["It happened three DAYS ago.", "It happened three dAys ago.", "THREE DAYS AGO"])
def test_units_in_capitals_are_units(text: str) -> None:
    (t,) = find_times(text, published=date(2024, 1, 18))
    assert (t.day, t.precision) == (date(2024, 1, 15), "day")  # was three years back, with precision "DAY"


def test_a_narrative_offset_in_capitals() -> None:
    found = find_times("Iran struck on Tuesday. Two WEEKS LATER talks began.", published=date(2024, 1, 18))
    assert [(t.day, t.precision) for t in found] == [(date(2024, 1, 16), "day"), (date(2024, 1, 30), "day")]


# --------------------------------------------------------------------------------------------
# ingest and clean

# feed: feedparser decodes the bytes by the XML declaration's encoding name and let a bad name
# escape as ValueError or UnicodeDecodeError; the reader now reports the file as malformed
FEED_INPUTS = [
    (
        b'<?xml version="1.0" encoding="utf-8\x00\x00\x00\x00"?><feed xmlns="http://www.catp://www.category005/Atom"></title><entry>'
        b'<title>Storytit/<le><id>urn:1</id><updated>2024-01-19T08:00:00Z</updated><content type="html">&lt;p&gt;Body text.&lt;/p&gt;'
        b"</content></entr;y></feed>",
        ValueError,
    ),
    (
        b'<?xml version="1.0" encoding="utf\xad8"?><feed xmlns=\xac"http://www.w3.org/2005/Atom"><title>Atom</title><entry><title>Story'
        b'</title><id>urn:1</id><updated>2024-01-19T08:00:00Z|/updated><content type="html">&lt;p&gt;Body text.&lt;/p&gt;</content>'
        b"</entry>\x9e/feed>",
        UnicodeDecodeError,
    ),
]
FEED = b'<rss version="2.0"><channel><item><title>T</title><description>Body text.</description></item></channel></rss>'


@pytest.mark.parametrize("data", [d for d, _ in FEED_INPUTS])
def test_readers_fuzz_inputs(data: bytes) -> None:
    load("readers").TestOneInput(data)


@pytest.mark.parametrize("encoding", [b"utf-8\x00", b"utf\xad8"])
def test_a_feed_declaring_a_bad_encoding_is_a_failure(tmp_path: Path, encoding: bytes) -> None:
    path = tmp_path / "wire.xml"
    path.write_bytes(b'<?xml version="1.0" encoding="' + encoding + b'"?>' + FEED)
    records = list(read_item(str(path), options=Options(), fetcher=load("readers").RefusingFetcher()))
    assert [(Path(r.source).name, r.reason.split(":")[0]) for r in records if isinstance(r, Failure)] == [
        ("wire.xml", "not a readable RSS/Atom feed")
    ]
    assert len(records) == 1


def test_a_caption_dated_at_the_end_of_the_calendar() -> None:
    # the weekday after 9999-12-31 is past date.max: the caption's day stands
    doc = clean(raw("Headline of the story\n\nTroops on 9999-12-31. Photo: AFP\n\nThey struck on Sunday and Monday."))
    assert doc.published == "9999-12-31"
