"""Fuzz the count parser: ``find_counts`` over any text, every count it returns checked.

Run with atheris (``make fuzz`` installs it)::

    python fuzz/fuzz_counts.py -max_total_time=60 fuzz/corpus/counts fuzz/seeds/counts

An input is UTF-8 text (bad bytes replaced), or, when its first byte is below 0x08, a
phrase of tokens, each later byte picking one from :data:`TOKENS`: random mutations then
build phrases the parser reads ("at least" "47" " people" " were killed"). Importing this
module does not need atheris: the tests call :func:`TestOneInput` directly.
"""

from __future__ import annotations

from fuzzkit import fuzz, phrase

from triangulate.analyze.counts import QUALIFIERS, Count, find_counts

TOKENS = (
    *("at least ", "more than ", "over ", "up to ", "as many as ", "fewer than ", "under ", "nearly ", "almost ", "about "),
    *("some ", "between ", " and ", " or ", " to ", "from ", "-", "–", "—", ",", ", ", ". ", "; ", "\n", " ", "  ", "\u00a0"),
    *("0", "1", "2", "9", "07", "31", "47", "1,200", "12 000", "1.5", "3.", "2000", "2024", "1234567", "10000000000000", ".5"),
    *(" million", " billion", " thousand", " trillion", " hundred", " dozen", "bn", "m", "k", "a ", "an ", "half ", "half a dozen "),
    *("one", "two", "three", "twenty", "-three", "nine", "eleven", "zero", "several ", "dozens", "hundreds", "thousands", " of "),
    *("tens", "scores", "a few ", "a number of ", "a handful of ", "a couple of ", "many ", "multiple ", "numerous "),
    *("people", "person", "children", "child", "soldiers", "civilians", "women", "men", "missiles", "drones", "Pakistanis"),
    *("police", "station", "rocket launchers", "targets", "years", "km", "%", "$", "€", "£", "US$", "Rs", "percent", "per cent"),
    *(" were killed", " was killed", " injured", " dead", " wounded", " missing", " killing ", "killed ", "the death toll rose to "),
    *("the death toll ", "number of dead ", "including ", "among them ", "of whom ", "of them", " of the ", "the ", "victims"),
    *("-odd", " or so", "+", "aged ", "-year-old", "January ", "16 ", "in ", "since ", "F-", "Resolution ", "No. ", "#", ":"),
    *("/", "'", "3pm", "21st", "1990s", "Velayat ", "+92 ", "051-", "rose from ", "(", ")", "who ", "are ", "X", "é", "\u200b"),
)


def text_of(data: bytes) -> str:
    """Return the text an input stands for (see :func:`fuzzkit.phrase`)."""
    return phrase(data, TOKENS)


def check_count(text: str, c: Count) -> None:
    """Assert what every count promises: spans inside the text, quotes equal to them, consistent bounds."""
    assert 0 <= c.start < c.end <= len(text), (c.start, c.end, len(text))
    assert text[c.start : c.end] == c.text, (c.text, text[c.start : c.end])
    assert c.qualifier in QUALIFIERS, c.qualifier
    assert (c.noun_start is None) == (c.noun_end is None)
    if c.noun_start is not None and c.noun_end is not None:
        assert 0 <= c.noun_start < c.noun_end <= len(text), (c.noun_start, c.noun_end)
    if c.low is not None and c.high is not None:
        assert c.low <= c.high, (c.low, c.high, c.text)
    if c.qualifier == "range":
        assert c.low is not None and c.high is not None and c.low < c.high and c.value == c.low
    if c.value is not None:
        assert c.value >= 0, c.value
    for part in c.parts:
        check_count(text, part)
        assert c.start <= part.start and part.end <= c.end
    assert c.to_dict()["text"] == c.text


def check_text(text: str) -> None:
    """Run the count parser on a text and check every count it returns, their order and the people filter."""
    counts = find_counts(text)
    starts = [c.start for c in counts]
    assert starts == sorted(starts), starts
    for c in counts:
        check_count(text, c)
        if c.included_in is not None:
            assert c.included_in in starts, (c.included_in, starts)
    assert find_counts(text, people_only=True) == [c for c in counts if c.is_people]


def TestOneInput(data: bytes) -> None:
    """Run the count parser on one input and check every count it returns."""
    check_text(text_of(data))


if __name__ == "__main__":
    fuzz(TestOneInput)
