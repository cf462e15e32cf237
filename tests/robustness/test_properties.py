"""Properties (hypothesis) of the cleaner, the count parser, the time resolver and the readers.

For any input: no exception escapes but the documented :class:`InputError` subclasses; the
cleaned text maps back into the raw text (each piece verbatim, only paragraph breaks
between pieces, and nothing of the raw text gone unrecorded but blank space); every count
and time span lies inside the text and quotes it. What the parsers produce parses back: a
number written in digits or words reads as its value, a bound or range as its interval, a
date as its day, and an article written to JSON or UTF-8 reads back as itself.

The checks of one result are the fuzz harnesses' own (``fuzz/``), so that the fuzzers and
these tests assert the same things.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Callable
from datetime import date, timedelta
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st

from robustness.harnesses import known_bug, load
from triangulate.analyze.counts import Count, find_counts
from triangulate.analyze.times import find_times
from triangulate.clean import clean
from triangulate.errors import EmptyInput, InputError
from triangulate.ingest import feed, jsonfile
from triangulate.ingest.decode import decode
from triangulate.model import Document, RawDocument
from triangulate.settings import Options

from conftest import raw

fuzz_clean, fuzz_counts, fuzz_times, fuzz_readers = (load(c) for c in ("clean", "counts", "times", "readers"))
OPTS = Options()
FEW = settings(max_examples=80, deadline=None)
SOME = settings(max_examples=200, deadline=None)
MANY = settings(max_examples=500, deadline=None)

# Text: anything (no lone surrogates: readers replace them before any stage sees the text)
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)


def tokens(vocabulary: tuple[str, ...], max_size: int = 30) -> st.SearchStrategy[str]:
    """Phrases of a harness's tokens: the words the parser under test reacts to, in any order."""
    return st.lists(st.sampled_from(vocabulary), max_size=max_size).map("".join)


# --------------------------------------------------------------------------------------------
# The cleaner

LINES = st.one_of(st.sampled_from([t for t in fuzz_clean.TOKENS if t.strip()]), st.text(max_size=40))
BREAKS = st.sampled_from(["\n", "\n\n", "\r\n", " \n\t", "\n\u00a0\n", "\n\n\n"])


@st.composite
def raw_documents(draw: st.DrawFn) -> RawDocument:
    """A raw article: lines of news furniture and arbitrary text, with perhaps a publication date and a title."""
    lines = draw(st.lists(st.tuples(LINES, BREAKS), min_size=1, max_size=20))
    text = "".join(line + brk for line, brk in lines)
    published = draw(st.one_of(st.none(), st.dates().map(date.isoformat), st.sampled_from(["Thu, 18 Jan 2024 10:00:00 GMT", "", "x"])))
    title = draw(st.one_of(st.none(), st.sampled_from(["Strikes hit hideouts", " "]), st.text(max_size=20)))
    return raw(text, published=published, title=title)


def assert_span_maps_back(doc: Document, start: int, end: int) -> None:
    """A clean span maps to a raw span holding the same characters, only paragraph breaks apart."""
    rs, re_ = doc.offsets.to_raw_span(start, end)
    assert 0 <= rs <= re_ <= len(doc.raw)
    quote = doc.text[start:end]
    if "\n" not in quote:  # inside one piece: verbatim
        assert doc.raw[rs:re_] == quote
    pos = rs
    for piece in re.split(r"\n+", quote):  # across pieces: each verbatim, in order, inside the raw span
        found = doc.raw.find(piece, pos, re_)
        assert found >= 0, (piece, doc.raw[rs:re_])
        pos = found + len(piece)
    for i in range(start, end):
        if doc.text[i] != "\n":
            r = doc.offsets.to_raw(i)
            assert rs <= r < re_ and doc.raw[r] == doc.text[i]


def cleaned(rd: RawDocument) -> Document:
    """``clean(rd)``; an input that runs into a known bug of the cleaner (``harnesses.KNOWN``, an xfail) is rejected."""
    try:
        return clean(rd)
    except Exception as e:
        if known_bug("clean", e):
            reject()
        raise


@MANY
@given(raw_documents())
def test_clean_maps_back_to_the_raw_text(rd: RawDocument) -> None:
    if not rd.raw.strip():
        return
    fuzz_clean.check_document(cleaned(rd))


@SOME
@given(raw_documents(), st.data())
def test_clean_spans_quote_the_raw_text(rd: RawDocument, data: st.DataObject) -> None:
    doc = cleaned(rd)
    n = len(doc.text)
    for _ in range(5):
        start = data.draw(st.integers(0, n))
        end = data.draw(st.integers(start, n))
        assert_span_maps_back(doc, start, end)


@SOME
@given(st.one_of(TEXT, tokens(fuzz_clean.TOKENS)))
def test_clean_any_text(text: str) -> None:
    fuzz_clean.check_document(cleaned(raw(text)))


# --------------------------------------------------------------------------------------------
# The count parser

ONES = str.split(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen"
)
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def words(n: int) -> str:
    """``n`` in English words, as news writes them: "one hundred and twenty-three thousand, ..." without commas."""
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + (f"-{ONES[n % 10]}" if n % 10 else "")
    if n < 1000:
        return f"{ONES[n // 100]} hundred" + (f" and {words(n % 100)}" if n % 100 else "")
    for scale, name in ((10**9, "billion"), (10**6, "million"), (10**3, "thousand")):
        if n >= scale:
            head, rest = divmod(n, scale)
            tail = "" if not rest else f" and {words(rest)}" if rest < 100 else f" {words(rest)}"
            return f"{words(head)} {name}{tail}"
    raise AssertionError(n)


def only_count(text: str) -> Count:
    found = find_counts(text)
    assert len(found) == 1, found
    for c in found:
        fuzz_counts.check_count(text, c)
    return found[0]


@MANY
@given(st.one_of(TEXT, tokens(fuzz_counts.TOKENS)))
def test_counts_spans_lie_inside_the_text(text: str) -> None:
    fuzz_counts.check_text(text)


@SOME
@given(st.integers(0, 10**12), st.sampled_from(["{:,}", "{:,}|space", "{}"]))
def test_digits_read_back_as_their_value(n: int, style: str) -> None:
    if style == "{}" and n >= 10**6:  # seven digits without separators read as an id or phone number, by design
        n %= 10**6
    number = style.split("|")[0].format(n)
    if style.endswith("space"):
        number = number.replace(",", " ")
    c = only_count(f"{number} people were killed.")
    assert (c.text, c.value, c.low, c.high, c.qualifier, c.noun, c.predicate) == (number, n, n, n, "exact", "person", "killed")


@SOME
@given(st.integers(0, 999_999_999_999), st.sampled_from([str, str.capitalize, str.upper]))
def test_number_words_read_back_as_their_value(n: int, case: Callable[[str], str]) -> None:
    number = case(words(n))
    c = only_count(f"{number} soldiers were killed.")
    assert (c.text, c.value, c.qualifier, c.noun) == (number, n, "exact", "soldier")


BOUNDS = {
    "at least": ("at_least", lambda n: (n, None)),
    "more than": ("more_than", lambda n: (n + 1, None)),
    "up to": ("at_most", lambda n: (None, n)),
    "fewer than": ("fewer_than", lambda n: (None, n - 1)),
    "about": ("about", lambda n: (None, None)),
    "nearly": ("about", lambda n: (None, n - 1)),
}


@SOME
@given(st.sampled_from(sorted(BOUNDS)), st.integers(2, 10**9), st.booleans())
def test_bounds_read_back_as_their_interval(phrase: str, n: int, as_words: bool) -> None:
    number = words(n) if as_words else f"{n:,}"
    qualifier, interval = BOUNDS[phrase]
    c = only_count(f"Officials said {phrase} {number} civilians were killed.")
    assert (c.text, c.value, c.qualifier, (c.low, c.high)) == (f"{phrase} {number}", n, qualifier, interval(n))


@SOME
@given(st.integers(1, 10**6), st.integers(1, 10**6), st.sampled_from(["between {} and {}", "{}–{}", "from {} to {}"]))
def test_ranges_read_back_as_their_bounds(a: int, b: int, pattern: str) -> None:
    lo, hi = sorted((a, b))
    if lo == hi:
        hi += 1
    phrase = pattern.format(f"{lo:,}", f"{hi:,}")
    c = only_count(f"The strikes killed {phrase} fighters.")
    assert (c.text, c.qualifier, c.value, c.low, c.high) == (phrase, "range", lo, lo, hi)


# --------------------------------------------------------------------------------------------
# The time resolver

PUBLISHED = st.one_of(st.none(), st.dates())
MONTHS = list(calendar.month_name)[1:]


@MANY
@given(st.one_of(TEXT, tokens(fuzz_times.TOKENS)), PUBLISHED)
def test_time_spans_lie_inside_the_text(text: str, published: date | None) -> None:
    fuzz_times.check_text(text, published)


def only_day(text: str, published: date | None) -> tuple[date | None, str]:
    found = find_times(text, published=published)
    assert len(found) == 1, found
    t = found[0]
    fuzz_times.check_mention(text, t)
    return t.day, t.anchor


@SOME
@given(st.dates(), PUBLISHED)
def test_an_iso_date_resolves_to_its_day(day: date, published: date | None) -> None:
    assert only_day(f"The talks began on {day.isoformat()} in Doha.", published) == (day, "absolute")


@SOME
@given(
    st.dates(date(1800, 1, 1), date(2099, 12, 31)),
    PUBLISHED,
    st.sampled_from(["{d} {M} {y}", "{M} {d}, {y}", "{m}. {d}, {y}", "{d}{th} of {M} {y}"]),
)
def test_a_written_date_resolves_to_its_day(day: date, published: date | None, form: str) -> None:
    m = calendar.month_abbr[day.month]
    th = "th" if day.day in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    written = form.format(d=day.day, th=th, M=MONTHS[day.month - 1], m=m, y=day.year)
    if "{m}." in form and m == "May":
        written = written.replace("May.", "May")
    assert only_day(f"The talks began on {written} in Doha.", published) == (day, "absolute")


@SOME
@given(st.dates(date(1001, 1, 1), date(9998, 12, 31)), st.integers(1, 12), st.integers(1, 31))  # dateparser reads 4-digit years
def test_a_year_less_date_is_the_last_such_day_by_publication(published: date, month: int, dom: int) -> None:
    if dom > calendar.monthrange(2024, month)[1]:
        return
    day, anchor = only_day(f"The talks began on {MONTHS[month - 1]} {dom}.", published)
    if day is None:  # 29 February, in a year that has none
        assert (month, dom) == (2, 29) and anchor == "unresolved"
        return
    assert (day.month, day.day, anchor) == (month, dom, "publication")
    assert published - timedelta(days=366) < day <= published


@SOME
@given(st.dates(date(1, 1, 8), date(9999, 12, 24)), st.sampled_from(list(calendar.day_name)), st.booleans())
def test_a_weekday_is_the_nearest_such_day(published: date, weekday: str, future: bool) -> None:
    text = f"Talks will resume on {weekday}." if future else f"Iran struck on {weekday}."
    day, anchor = only_day(text, published)
    assert day is not None and anchor == "publication" and calendar.day_name[day.weekday()] == weekday
    if future:
        assert published < day <= published + timedelta(days=7)
    else:
        assert published - timedelta(days=7) < day <= published


@SOME
@given(st.dates(), st.integers(1, 99), st.booleans())
def test_days_ago_count_back_from_publication(published: date, n: int, as_words: bool) -> None:
    number = ONES[n] if as_words and n <= 12 else str(n)
    day, anchor = only_day(f"It happened {number} days ago.", published)
    if published.toordinal() - n < 1:  # before year 1: no such day
        assert (day, anchor) == (None, "unresolved")
    else:
        assert (day, anchor) == (published - timedelta(days=n), "publication")


# --------------------------------------------------------------------------------------------
# The readers

# Text a UTF-8 file may hold and read back unchanged: no control characters but line breaks and tabs,
# no replacement character or byte-order mark (decode counts the one as damage and drops the other)
PROSE = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffd\ufeff") | st.sampled_from("\n\t\r"))


@MANY
@given(st.binary(max_size=300))
def test_decode_any_bytes(data: bytes) -> None:
    try:
        text, encoding = decode(data, source="a.txt")
    except InputError:
        return
    assert text.strip() and encoding


@SOME
@given(PROSE, st.sampled_from(["utf-8", "utf-16", "utf-32"]))
def test_text_reads_back_as_written(text: str, encoding: str) -> None:
    data = text.encode(encoding)
    if not text.strip():
        with pytest.raises(EmptyInput):
            decode(data, source="a.txt")
        return
    assert decode(data, source="a.txt") == (text, encoding)


ARTICLE = st.fixed_dictionaries(
    {"text": PROSE.filter(str.strip)},
    optional={"title": PROSE, "author": PROSE, "published": st.dates().map(date.isoformat), "id": st.integers(0, 10**6)},
)


@SOME
@given(st.lists(ARTICLE, min_size=1, max_size=5), st.sampled_from(["list", "wrapped", "jsonl"]))
def test_json_articles_read_back(articles: list[dict[str, object]], form: str) -> None:
    if form == "jsonl":
        data = "\n".join(json.dumps(a) for a in articles).encode()
        docs = list(jsonfile.read_jsonl(data, path="a.jsonl", options=OPTS))
    else:
        obj: object = articles if form == "list" else {"articles": articles}
        docs = list(jsonfile.read_json(json.dumps(obj, ensure_ascii=False).encode(), path="a.json", options=OPTS))
    assert len(docs) == len(articles)
    for doc, a in zip(docs, articles, strict=True):
        assert isinstance(doc, RawDocument)
        assert doc.raw == str(a["text"]).strip()
        assert doc.title == (str(a["title"]).strip() or None if "title" in a else None)
        assert doc.published == a.get("published")
        assert doc.source_id == (str(a["id"]) if "id" in a else None)


# Feed text: feedparser normalises some characters, so plain printable text without markup
FEED_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E, blacklist_characters="<>&"), min_size=1, max_size=80)


@SOME
@given(st.lists(st.tuples(FEED_TEXT, FEED_TEXT), min_size=1, max_size=4))
def test_feed_entries_read_back(entries: list[tuple[str, str]]) -> None:
    items = "".join(f"<item><title>{escape(t)}</title><description>{escape(d)}</description></item>" for t, d in entries)
    data = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{items}</channel></rss>'.encode()
    docs = [d for d in feed.read(data, path="a.rss", options=OPTS) if isinstance(d, RawDocument)]
    expected = [(t.strip() or None, d.strip()) for t, d in entries if d.strip()]
    assert [(d.title or None, d.raw) for d in docs] == expected


@FEW
@given(st.one_of(st.binary(max_size=200), TEXT.map(str.encode)))
def test_readers_never_raise(data: bytes) -> None:
    try:
        fuzz_readers.TestOneInput(data)
    except Exception as e:
        if known_bug("readers", e):
            reject()
        raise
