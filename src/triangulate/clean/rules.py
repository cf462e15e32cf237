"""The cleaning rules: each claims lines of the raw text as noise or as metadata.

A rule is a plain function of a :class:`Context`; :data:`RULES` runs them in order and a
line claimed by an earlier rule is never re-claimed. Patterns come from ``noise.toml``;
what the rules add is structure: where a line stands, what is next to it, and how far a
trailing block strays from the article's lead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ..model import RawDocument, RawSpan
from .dates import find_dates
from .lines import Line
from .patterns import Patterns, letters
from .topic import similarity

_WIKI_HEADING = re.compile(r"(={2,6})\s*(.+?)\s*\1")
_WIKI_TITLE = re.compile(r"=\s*([^=\s].*?)\s*=")
_TIME = re.compile(r"\d{1,2}([:.]\d{2})?(am|pm|a\.m\.|p\.m\.)?", re.IGNORECASE)
_FIELD = re.compile(r"[-*|•]\s*([A-Za-z][\w ]{0,40}?)\s*[:=]\s*(.*)")
_TAG = re.compile(r"<[^>]{0,200}>")
UNRELATED_BELOW = 0.15  # trailing blocks less similar than this to the lead are unrelated


@dataclass(slots=True)
class Meta:
    """Metadata the rules find, each with the raw span it came from."""

    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    published_source: str | None = None
    syndicated_from: str | None = None
    infobox: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, RawSpan] = field(default_factory=dict)

    def note(self, key: str, line: Line, start: int | None = None, end: int | None = None) -> None:
        """Record where ``key`` was found (the whole line by default)."""
        s = line.start if start is None else line.start + start
        e = line.end if end is None else line.start + end
        self.evidence[key] = RawSpan(s, e, line.text[s - line.start : e - line.start])


@dataclass(slots=True)
class Context:
    """What the rules share: the document, its lines, the patterns and the metadata found."""

    doc: RawDocument
    lines: list[Line]
    p: Patterns
    meta: Meta = field(default_factory=Meta)

    def kept(self) -> list[Line]:
        """The lines no rule has claimed yet."""
        return [line for line in self.lines if line.kept]

    def alone(self, line: Line) -> bool:
        """True when a line is the only line of its block."""
        return sum(1 for x in self.lines if x.block == line.block) == 1


def infobox(ctx: Context) -> None:
    """Take an encyclopedia infobox ("Infobox" then "- Key: value" lines) as fields."""
    for i, line in enumerate(ctx.lines):
        if not (line.kept and re.fullmatch(r"(\{\{\s*)?infobox\b[^.]{0,60}", line.text, re.IGNORECASE)):
            continue
        line.remove("infobox", "structured fields kept apart from the prose")
        for nxt in ctx.lines[i + 1 :]:
            m = _FIELD.fullmatch(nxt.text)
            if nxt.block != line.block or not m:
                break
            nxt.remove("infobox", "structured fields kept apart from the prose")
            value = " ".join(_TAG.sub("; ", m.group(2)).split()).strip(" ,;*")
            value = re.sub(r"(;\s*)+", "; ", value).strip("; ")
            value = re.sub(r"\s*\(\s*\)|\*+\s*|\s+(?=[,;])", "", value).strip(" ,;")
            value = re.sub(r",\s*;", ";", value)
            if value and value not in {"()", ","}:
                ctx.meta.infobox[m.group(1).strip()] = value
        return


def appendix_sections(ctx: Context) -> None:
    """Drop "See also", "References" and similar list sections."""
    lines = ctx.lines
    for i, line in enumerate(lines):
        if not line.kept:
            continue
        wiki = _WIKI_HEADING.fullmatch(line.text)
        name = (wiki.group(2) if wiki else line.text).strip().rstrip(":").lower()
        if name in ctx.p.see_also:
            reason = "see-also"
        elif name in ctx.p.boilerplate:
            reason = "boilerplate"
        else:
            continue
        if not wiki and not ctx.alone(line):
            continue
        detail = f"'{name}' section: a list of links, not article text"
        line.remove(reason, detail)
        level = len(wiki.group(1)) if wiki else None
        for nxt in lines[i + 1 :]:
            heading = _WIKI_HEADING.fullmatch(nxt.text)
            if level is not None:
                if heading and len(heading.group(1)) <= level:
                    break
            elif not (nxt.text[:1] in "-*•" or (len(nxt.text) < 120 and not nxt.text.endswith("."))):
                break
            nxt.remove(reason, detail)


def trailing_items(ctx: Context) -> None:
    """Drop a trailing block of other stories ("More from ..."), judged by topical distance."""
    kept = ctx.kept()
    for idx, line in enumerate(kept):
        if idx < 3 or len(line.text) > 80 or line.text.endswith((".", ",", ";")):
            continue
        if not any(p.fullmatch(line.text) for p in ctx.p.trailing):
            continue
        before = kept[:idx]
        if sum(len(x.text) for x in before) < 200:
            continue
        lead_blocks = sorted({x.block for x in before})[:4]
        lead = " ".join(x.text for x in before if x.block in lead_blocks)
        after = [x for x in ctx.lines if x.start > line.start]
        sim = similarity(lead, " ".join(x.text for x in after))
        reason = "unrelated" if sim < UNRELATED_BELOW else "related-links"
        detail = f"other stories after '{line.text}' (topical similarity to the lead {sim:.2f})"
        line.remove(reason, detail)
        for x in after:
            x.reason, x.detail = reason, detail  # overrides: the whole tail is one block of other stories
        m = ctx.p.trailing_outlet.fullmatch(line.text)
        if m and ctx.meta.outlet is None:
            ctx.meta.outlet = m.group("outlet").strip()
            ctx.meta.note("outlet", line, m.start("outlet"), m.end("outlet"))
        return


def embeds(ctx: Context) -> None:
    """Drop embedded social-media posts."""
    for line in ctx.kept():
        if any(p.search(line.text) for p in ctx.p.embed):
            line.remove("embed", "embedded social-media post")


def advertisements(ctx: Context) -> None:
    """Drop advertisement markers, matched fuzzily so that typos still match."""
    for line in ctx.kept():
        if len(line.text) > 60:
            continue
        norm = letters(line.text)
        if not norm:
            continue
        for marker in ctx.p.ad_markers:
            exact = len(marker) <= 4 or len(norm) <= 4
            if norm == marker or (not exact and SequenceMatcher(None, norm, marker).ratio() >= 0.85):
                line.remove("advertisement", f"advertisement marker ('{marker}')")
                break


def captions(ctx: Context) -> None:
    """Drop photo credits, captions ending in a credit, and captions right above a credit."""
    for line in ctx.kept():
        if len(line.text) <= 100 and any(p.fullmatch(line.text) for p in ctx.p.credit):
            line.remove("credit", "photo credit")
        elif len(line.text) <= 400 and any(p.search(line.text) for p in ctx.p.caption_tails):
            line.remove("caption", "photo caption with its credit")
    for i, line in enumerate(ctx.lines):
        if line.reason != "credit":
            continue
        for prev in reversed(ctx.lines[max(0, i - 3) : i]):
            if prev.block != line.block or not prev.kept or len(prev.text) > 400:
                break
            prev.remove("caption", "photo caption above its credit")


def reprint(ctx: Context) -> None:
    """Drop reprint notices and keep the original publisher as ``syndicated_from``."""
    for line in ctx.kept():
        if len(line.text) > 200:
            continue
        for p in ctx.p.reprint:
            m = p.fullmatch(line.text)
            if m:
                src = re.sub(r"^the\s+", "", m.group("src").strip(" .,-–—"))  # "the BBC", not "The Conversation"
                line.remove("reprint", f"reprint notice: first published by {src}")
                if ctx.meta.syndicated_from is None and src:
                    ctx.meta.syndicated_from = src
                    off = m.start("src") + (len(m.group("src")) - len(m.group("src").lstrip()))
                    ctx.meta.note("syndicated_from", line, off, off + len(m.group("src").strip(" .,-–—")))
                break


def wire_credits(ctx: Context) -> None:
    """Drop wire-service trailers ("Reporting by ...; Editing by ...")."""
    for line in ctx.kept():
        if any(p.fullmatch(line.text) for p in ctx.p.wire_credits):
            line.remove("credit", "reporting and editing credits")


def navigation(ctx: Context) -> None:
    """Drop navigation crumbs and calls to action."""
    for line in ctx.kept():
        if len(line.text) <= 120 and any(p.fullmatch(line.text) for p in ctx.p.navigation):
            line.remove("navigation", "site navigation")


def duplicates(ctx: Context) -> None:
    """Drop a line that repeats one of the three lines before it (a repeated caption)."""
    lines = ctx.lines
    for i, line in enumerate(lines):
        if line.kept and any(prev.text == line.text for prev in lines[max(0, i - 3) : i]):
            line.remove("duplicate", "repeats the line above")


def _title_like(text: str) -> bool:
    words = text.split()
    return 1 < len(words) <= 30 and len(text) <= 200 and not text.endswith((".", ",", ";", ":")) and any(c.isalpha() for c in text)


def _title_case(text: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_][\w’'-]*", text) if len(w) > 3]
    return bool(words) and sum(w[0].isupper() for w in words) / len(words) >= 0.6


def title(ctx: Context) -> None:
    """Find the headline: reader metadata, ``= Title =``, the first line, or one left at the end."""
    kept = ctx.kept()
    if not kept:
        return
    given = ctx.doc.title.strip() if ctx.doc.title else None
    if given:
        ctx.meta.title = given
        for line in kept[:3]:
            if letters(line.text) == letters(given):
                line.remove("title", "headline")
                ctx.meta.note("title", line)
        return
    first = kept[0]
    wiki = _WIKI_TITLE.fullmatch(first.text)
    if wiki:
        first.remove("title", "headline (wiki markup)")
        ctx.meta.title = wiki.group(1)
        ctx.meta.note("title", first, wiki.start(1), wiki.end(1))
        return
    rest = kept[1:]
    while rest and first.text.lower().strip(" :|") in ctx.p.sections and len(rest[0].text) <= 200:
        first.remove("navigation", "section crumb above the headline")
        first, rest = rest[0], rest[1:]
    if rest and ctx.alone(first) and _title_like(first.text):
        _take_title(ctx, first, "headline")
        return
    last = kept[-1]
    if len(kept) > 2 and ctx.alone(last) and _title_like(last.text) and _title_case(last.text):
        _take_title(ctx, last, "headline left at the end of the text")


def _take_title(ctx: Context, line: Line, detail: str) -> None:
    line.remove("title", detail)
    head, sep, tail = line.text.rpartition(" | ")
    if sep and len(tail.split()) <= 5 and tail[:1].isupper() and len(head) > len(tail):
        ctx.meta.title = head.strip()
        ctx.meta.note("title", line, 0, len(head.rstrip()))
        if ctx.meta.outlet is None:
            ctx.meta.outlet = tail.strip()
            ctx.meta.note("outlet", line, len(head) + len(sep), len(line.text))
    else:
        ctx.meta.title = line.text
        ctx.meta.note("title", line)


def byline(ctx: Context) -> None:
    """Find the byline ("By Name") near the top."""
    for line in ctx.kept()[:8]:
        if len(line.text) > 120:
            continue
        for p in ctx.p.byline:
            m = p.fullmatch(line.text)
            if m:
                line.remove("byline", "byline")
                if ctx.meta.author is None:
                    ctx.meta.author = m.group("author").strip()
                    ctx.meta.note("author", line, m.start("author"), m.end("author"))
                return


def dateline(ctx: Context) -> None:
    """Find a timestamp line near the top ("19:55 pm on 18 January 2024")."""
    for line in ctx.kept()[:8]:
        if len(line.text) > 80:
            continue
        found = find_dates(line.text)
        if not found:
            continue
        rest = line.text
        for f in reversed(found):
            rest = rest[: f.start] + " " + rest[f.end :]
        words = [w for w in re.split(r"\s+", rest.strip().lower()) if w]
        if all(w in ctx.p.dateline_words or _TIME.fullmatch(w) or w.strip(",") in _WEEKDAY_NAMES for w in words):
            line.remove("dateline", "publication timestamp")
            if ctx.meta.published is None:
                ctx.meta.published = found[0].day.isoformat()
                ctx.meta.published_source = "dateline"
                ctx.meta.note("published", line, found[0].start, found[0].end)
            return


_WEEKDAY_NAMES = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}


def headings(ctx: Context) -> None:
    """Keep the words of ``== Heading ==`` lines and drop their markup."""
    for line in ctx.kept():
        m = _WIKI_HEADING.fullmatch(line.text)
        if m:
            line.keep_start, line.keep_end = line.start + m.start(2), line.start + m.end(2)


RULES: tuple[tuple[str, Callable[[Context], None]], ...] = (
    ("infobox", infobox),
    ("appendix_sections", appendix_sections),
    ("trailing_items", trailing_items),
    ("embeds", embeds),
    ("advertisements", advertisements),
    ("captions", captions),
    ("reprint", reprint),
    ("wire_credits", wire_credits),
    ("navigation", navigation),
    ("duplicates", duplicates),
    ("title", title),
    ("byline", byline),
    ("dateline", dateline),
    ("headings", headings),
)
