"""RSS and Atom feeds through feedparser: one document per entry."""

from __future__ import annotations

import re
import time

import feedparser
import lxml.html
from lxml.etree import ParserError

from ..errors import MalformedInput
from ..model import Failure, RawDocument
from ..settings import Options
from .base import ReadResult


def _entry_text(entry: feedparser.FeedParserDict) -> str:
    parts = entry.get("content") or []
    html = parts[0].get("value", "") if parts else entry.get("summary", "")
    if not html:
        return ""
    if "<" not in html:
        return str(html).strip()
    return fragment_text(str(html))


_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article"}


def fragment_text(html: str) -> str:
    """Return the text of an HTML fragment, one paragraph per block element, scripts dropped."""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ParserError, ValueError):
        return ""
    for bad in root.xpath(".//script|.//style|.//iframe|.//noscript"):
        bad.drop_tree()
    for el in root.iter():
        if el.tag == "br":
            el.tail = "\n" + (el.tail or "")
        elif el.tag in _BLOCKS:
            el.tail = "\n\n" + (el.tail or "")
    text = re.sub(r"[ \t]+", " ", root.text_content())
    return re.sub(r"\s*\n\s*\n\s*", "\n\n", text).strip()


def _entry_date(entry: feedparser.FeedParserDict) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if parsed:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed)
    value = entry.get("published") or entry.get("updated")
    return str(value) if value else None


def read(data: bytes, *, path: str, options: Options) -> ReadResult:
    """Yield one document per feed entry; an entry with no text is reported, not dropped."""
    try:
        parsed = feedparser.parse(data)
    except (ValueError, LookupError) as e:  # an XML declaration naming an encoding that is none (found by fuzzing)
        raise MalformedInput(f"not a readable RSS/Atom feed: {e}", source=path) from e
    entries = parsed.get("entries") or []
    if not entries:
        why = parsed.get("bozo_exception")
        raise MalformedInput(f"not a readable RSS/Atom feed: {why or 'no entries'}", source=path)
    if parsed.get("bozo") and parsed.get("bozo_exception") is not None:
        yield Failure(path, f"malformed feed ({parsed['bozo_exception']}); {len(entries)} entries recovered", MalformedInput.code)
    outlet = parsed.get("feed", {}).get("title")
    for i, entry in enumerate(entries):
        text = _entry_text(entry)
        if not text:
            yield Failure(f"{path}#{i}", "feed entry has no text (no content or summary)", MalformedInput.code)
            continue
        yield RawDocument(
            path=path,
            reader="feed",
            raw=text,
            item=i,
            url=entry.get("link"),
            title=entry.get("title"),
            author=entry.get("author"),
            outlet=outlet,
            published=_entry_date(entry),
            source_id=entry.get("id"),
        )
