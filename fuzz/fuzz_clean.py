"""Fuzz the cleaner: ``clean`` over any raw text and metadata, the offset map checked against the raw text.

Run with atheris (``make fuzz`` installs it)::

    python fuzz/fuzz_clean.py -max_total_time=60 fuzz/corpus/clean fuzz/seeds/clean

An input is UTF-8 text (bad bytes replaced), or, when its first byte is below 0x08, lines
built from :data:`TOKENS`, each later byte picking one. Leading lines that start with ``@``
are the reader's metadata: ``@p`` the publication date, ``@t`` the title, ``@a`` the
author, ``@o`` the outlet (``@p2024-01-18``). Importing this module does not need atheris:
the tests call :func:`TestOneInput` directly.
"""

from __future__ import annotations

from fuzzkit import fuzz

from triangulate.clean import clean
from triangulate.clean.lines import _STRIP
from triangulate.errors import InputTooLarge
from triangulate.model import Document, RawDocument

TOKENS = (
    *("\n", "\n\n", "\r\n", " ", "\t", "\u00a0", "\ufeff", "\u200b", "\u2028", "= ", " =", "== ", " ==", "=== ", "# ", "- ", "* "),
    *("Pakistan said its strikes hit hideouts.", "Iran condemned the attack on 16 January 2024.", "Strikes hit hideouts"),
    *("Advertisement", "- Advertisement -", "A word from our sposor", "By Jane Roe", "Reporting by A; Editing by B", "Photo: AFP"),
    *("REUTERS/Jane Doe", "pic.twitter.com/abc", "— Some Person (@someone) January 18, 2024", "More from Example", "Related"),
    *("See also", "References", "== See also ==", "Infobox country", "- Capital: Islamabad", "Skip to content", "World"),
    *("Published 19:55 pm on 18 January 2024", "Updated 9999-12-31", "0000-01-01", "2024-02-30", "on Thursday", "on Sunday"),
    *("This article was originally published by The Conversation.", "Copyright Example News", "Share", " | Example News"),
    *("A police officer stands guard in Islamabad on 18 January, 2024. Photo: AFP", "Officials said the operation ended.", "."),
    *("x", "Ünïcödé", "中文", "\u0000", "\x0c", "<b>", "http://e.org/a", "Monday", "January 17, 2024", "9999-12-31", "0001-01-01"),
)
_META = {"p": "published", "t": "title", "a": "author", "o": "outlet"}
_SEPARATORS = ("\n", "\n\n")


def raw_of(data: bytes) -> RawDocument:
    """Return the raw document an input stands for: its ``@`` metadata lines, then the text."""
    tokens = bool(data) and data[0] < 8
    text = "".join(TOKENS[b % len(TOKENS)] for b in data[1:]) if tokens else data.decode("utf-8", "replace")
    doc = RawDocument(path="fuzz.txt", reader="text", raw="")
    while text.startswith("@") and text[1:2] in _META:
        line, _, text = text.partition("\n")
        setattr(doc, _META[line[1]], line[2:])
    doc.raw = text
    return doc


def check_document(doc: Document) -> None:
    """Assert that the cleaned text maps back into the raw text, piece by piece, and that nothing vanished unrecorded."""
    raw, text, segments = doc.raw, doc.text, doc.offsets.segments
    pos = 0
    for i, (cs, rs, n) in enumerate(segments):
        assert n > 0 and rs >= 0 and rs + n <= len(raw), (cs, rs, n)
        assert text[cs : cs + n] == raw[rs : rs + n], (text[cs : cs + n], raw[rs : rs + n])
        assert text[pos:cs] in (("",) if i == 0 else _SEPARATORS), repr(text[pos:cs])  # only a paragraph break between pieces
        if i:
            assert rs >= segments[i - 1][1] + segments[i - 1][2], "pieces out of raw order"
        pos = cs + n
    assert pos == len(text), (pos, len(text))
    covered = [False] * len(raw)
    for _, rs, n in segments:
        covered[rs : rs + n] = [True] * n
    for cut in doc.removed:
        assert 0 <= cut.raw_start <= cut.raw_end <= len(raw) and raw[cut.raw_start : cut.raw_end] == cut.text, cut
        covered[cut.raw_start : cut.raw_end] = [True] * (cut.raw_end - cut.raw_start)
    lost = {ch for ch, kept in zip(raw, covered, strict=True) if not kept} - set(_STRIP) - {"\n"}
    assert not lost, f"raw characters neither kept nor recorded as removed: {lost!r}"
    for i in range(0, len(text), max(1, len(text) // 200)):  # a sample of offsets: each maps into the raw text
        at = doc.offsets.to_raw(i)
        assert 0 <= at <= len(raw)
        if text[i] != "\n":  # a character of a piece, not of a paragraph break
            assert raw[at] == text[i], (i, at)
    for key, span in doc.evidence.items():
        assert 0 <= span.raw_start <= span.raw_end <= len(raw) and raw[span.raw_start : span.raw_end] == span.quote, (key, span)
    if doc.published is not None:
        assert len(doc.published) == 10 and doc.published[4] == "-", doc.published


def TestOneInput(data: bytes) -> None:
    """Clean one input and check the document; only a too-long text may be refused."""
    raw = raw_of(data)
    try:
        doc = clean(raw)
    except InputTooLarge:
        return
    check_document(doc)


if __name__ == "__main__":
    fuzz(TestOneInput)
