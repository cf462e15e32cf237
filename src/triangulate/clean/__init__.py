"""Clean: strip the noise out of a raw article and find its metadata.

``clean(raw)`` runs the rules of :mod:`.rules` over the raw text's lines, assembles the
cleaned text with a map back to raw offsets, records every removal with its reason, and
settles the publication date: from the reader's metadata, a timestamp line, or (marked as
inferred) the dates of the page's own captions and embeds refined by the weekdays the text
names. An article longer than the analysis reads (:data:`MAX_TEXT` characters, raw or cleaned)
is refused here, with its length, rather than left to fail inside spaCy.
"""

from __future__ import annotations

from datetime import date, timedelta

from ..errors import InputTooLarge
from ..model import Document, RawDocument, RawSpan
from .dates import WEEKDAY_RE, WEEKDAYS, find_dates, normalise_published
from .lines import Line, assemble, split_lines
from .patterns import patterns
from .rules import RULES, Context, Meta

__all__ = ["CLEAN_VERSION", "MAX_TEXT", "clean"]

# Bump when cleaning output changes, so that stored results are recomputed.
CLEAN_VERSION = "2"

_PAGE_ELEMENTS = {"caption", "credit", "embed", "duplicate"}
MAX_TEXT = 1_000_000  # spaCy's nlp.max_length: the analysis refuses a longer text


def clean(raw: RawDocument) -> Document:
    """Return the cleaned :class:`Document` of a raw one."""
    _check_length(len(raw.raw), raw.origin)  # before the rules: they take minutes over tens of megabytes
    lines = split_lines(raw.raw)
    ctx = Context(raw, lines, patterns())
    for _name, rule in RULES:
        rule(ctx)
    text, offsets, removed = assemble(raw.raw, lines)
    _check_length(len(text), raw.origin)
    meta = ctx.meta
    if raw.published and (iso := normalise_published(raw.published)):
        meta.published, meta.published_source = iso, "metadata"
    if meta.published is None:
        _infer_published(lines, meta)
    return Document(
        id=raw.id,
        path=raw.origin,
        reader=raw.reader,
        raw=raw.raw,
        text=text,
        removed=removed,
        offsets=offsets,
        title=meta.title,
        outlet=raw.outlet or meta.outlet,
        author=raw.author or meta.author,
        published=meta.published,
        published_source=meta.published_source,
        syndicated_from=meta.syndicated_from,
        url=raw.url,
        source_id=raw.source_id,
        encoding=raw.encoding,
        infobox=meta.infobox,
        evidence=meta.evidence,
    )


def _check_length(chars: int, origin: str) -> None:
    """Refuse an article longer than the analysis reads (:data:`MAX_TEXT` characters)."""
    if chars > MAX_TEXT:
        raise InputTooLarge(
            f"article text is {chars:,} characters, over the {MAX_TEXT:,} the language analysis reads", source=origin, stage="clean"
        )


def _infer_published(lines: list[Line], meta: Meta) -> None:
    """Infer a publication day from the page's own dated captions and embeds.

    A photo caption or an embedded post is dated on or before publication, so the latest
    such date is a lower bound. When the article names weekdays ("on Thursday"), the
    publication is on or after the first such weekday from that bound: take the latest.
    """
    found = [(f, line) for line in lines if line.reason in _PAGE_ELEMENTS for f in find_dates(line.text)]
    if not found:
        return
    bound, where = max(found, key=lambda x: x[0].day)
    day: date = bound.day
    meta.evidence["published"] = RawSpan(where.start + bound.start, where.start + bound.end, bound.quote)
    for line in lines:
        if not line.kept:
            continue
        for m in WEEKDAY_RE.finditer(line.text):
            try:
                named = bound.day + timedelta(days=(WEEKDAYS.index(m.group(1).lower()) - bound.day.weekday()) % 7)
            except OverflowError:  # a caption dated in the calendar's last days (found by fuzzing)
                continue
            if named > day:
                day = named
                meta.evidence["published_weekday"] = RawSpan(line.start + m.start(), line.start + m.end(), m.group(0))
    meta.published, meta.published_source = day.isoformat(), "inferred"
