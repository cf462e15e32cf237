"""HTML pages: main text and metadata through trafilatura.

The document's raw text is what trafilatura extracts as the article body (scripts, styles,
navigation and comments never reach it); title, author, date and site name come from the
page's metadata.
"""

from __future__ import annotations

import re

import lxml.html
import trafilatura
from lxml.etree import LxmlError, ParserError

from ..errors import MalformedInput
from ..model import RawDocument
from ..settings import Options
from .base import ReadResult
from .decode import decode


def html_to_document(html: str, *, path: str, encoding: str, url: str | None = None) -> RawDocument:
    """Extract the article of one HTML page, or raise :class:`MalformedInput`."""
    try:
        result = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=True, favor_recall=True
        )
    except (LxmlError, ValueError, TypeError) as e:
        raise MalformedInput(f"HTML cannot be parsed: {e}", source=path) from e
    text = getattr(result, "text", None) if result is not None else None
    if not text or not text.strip():
        raise MalformedInput(_parser_limit(html) or "HTML holds no article text that could be extracted", source=path)
    assert result is not None
    return RawDocument(
        path=path,
        reader="html",
        raw=text,
        encoding=encoding,
        url=url or getattr(result, "url", None),
        title=getattr(result, "title", None),
        author=getattr(result, "author", None),
        outlet=getattr(result, "sitename", None),
        published=getattr(result, "date", None),
    )


def _parser_limit(html: str) -> str | None:
    """Say so when the HTML parser gave up on the page (elements nested deeper than it allows), else None."""
    parser = lxml.html.HTMLParser()
    try:
        lxml.html.document_fromstring(html, parser=parser)
    except (LxmlError, ParserError, ValueError):
        return None
    for entry in parser.error_log:
        if entry.type_name == "ERR_RESOURCE_LIMIT" and "depth" in entry.message.lower():
            limit = re.search(r"\d+", entry.message)
            deep = f" (elements over {limit.group()} levels deep)" if limit else ""
            return f"HTML is nested too deeply to parse{deep}; no article text could be extracted"
    return None


def read(data: bytes, *, path: str, options: Options) -> ReadResult:
    """Yield the article of an HTML file."""
    text, encoding = decode(data, source=path)
    yield html_to_document(text, path=path, encoding=encoding)
