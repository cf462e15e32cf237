"""Ingest: find the inputs, pick a reader for each, and yield raw documents.

Readers are registered by name in :data:`READERS`, one module per format; a new format is
one module plus one line here. Bad inputs come out as :class:`Failure` records with the
file name and the reason, and the rest of the batch goes on.

Inputs are files, directories (read recursively), URLs and glob patterns (``shards/*.parquet``,
``data/**/*.jsonl.gz``). JSON Lines (plain or gzip) and Parquet files are streamed, so a
corpus of any size goes through a record at a time.

Every article read is checked for its language (:mod:`.language`): one that is confidently
not English is reported (``T109``) instead of processed. File names that are not valid UTF-8
are shown, stored and reported with the odd bytes as ``\\xNN``.
"""

from __future__ import annotations

import errno
import glob
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from ..errors import InputError, InputTooLarge, UnreadableInput, UnsupportedInput, UnsupportedLanguage
from ..model import Failure, RawDocument
from ..settings import Options
from . import feed, html, jsonfile, parquet, text
from .base import Reader, ReadResult, looks_like_feed, looks_like_html
from .decode import decode
from .fetch import Fetched, Fetcher, HttpFetcher
from .language import foreign_language

__all__ = ["READERS", "Fetched", "Fetcher", "HttpFetcher", "discover", "ingest", "read_item", "reader_for"]


def _read_urls(data: bytes, *, path: str, options: Options, fetcher: Fetcher | None = None) -> ReadResult:
    """Fetch every URL listed in a file (one per line; ``#`` starts a comment)."""
    listing, _ = decode(data, source=path)
    fetcher = fetcher or HttpFetcher(options)
    for line in listing.splitlines():
        url = line.strip()
        if url and not url.startswith("#"):
            yield from read_url(url, options=options, fetcher=fetcher)


READERS: dict[str, Reader] = {
    r.name: r
    for r in (
        Reader("text", (".txt", ".text", ".md", ".markdown"), text.read, "plain text or Markdown, one article per file"),
        Reader("html", (".html", ".htm", ".xhtml"), html.read, "a web page; main text and metadata through trafilatura"),
        Reader("json", (".json",), jsonfile.read_json, "one article object, a list of them, or {articles: [...]}"),
        Reader(
            "jsonl",
            (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz"),
            jsonfile.read_jsonl,
            "one article object per line, plain or gzip-compressed; streamed",
            stream=jsonfile.stream_jsonl,
        ),
        Reader("parquet", (".parquet",), parquet.read, "one article per row, columns as in JSON; streamed", stream=parquet.stream),
        Reader("feed", (".rss", ".atom", ".xml"), feed.read, "an RSS or Atom feed, one article per entry"),
        Reader("urls", (".urls",), _read_urls, "a list of URLs, one per line, each fetched and read"),
    )
}
_BY_EXTENSION = {ext: r for r in READERS.values() for ext in r.extensions}
_GLOB_CHARS = frozenset("*?[")


def _extension(path: str) -> str:
    """The extension a reader is registered under: ``.jsonl.gz`` for ``a.jsonl.gz``, else the last suffix."""
    suffixes = [s.lower() for s in Path(path).suffixes]
    double = "".join(suffixes[-2:])
    return double if len(suffixes) > 1 and double in _BY_EXTENSION else (suffixes[-1] if suffixes else "")


def is_url(value: str) -> bool:
    """Tell whether an input names an http(s) URL."""
    return value.startswith(("http://", "https://"))


def reader_for(path: str, data: bytes) -> Reader:
    """Pick the reader for a file from its extension, sniffing the content where needed."""
    suffix = _extension(path)
    reader = _BY_EXTENSION.get(suffix)
    head = data[:4096].decode("utf-8", "ignore")
    if reader is None or reader.name == "text":
        if looks_like_html(head):
            return READERS["html"]
        if looks_like_feed(head):
            return READERS["feed"]
        lines = [ln.strip() for ln in head.splitlines() if ln.strip() and not ln.startswith("#")]
        if lines and all(is_url(ln) and " " not in ln for ln in lines):
            return READERS["urls"]
        if reader is None and head.lstrip()[:1] in ("{", "["):
            return READERS["json"]
    if reader is None:
        raise UnsupportedInput(
            f"no reader for {suffix or 'files without an extension'} (known: {', '.join(sorted(_BY_EXTENSION))})", source=path
        )
    return reader


def discover(inputs: Iterable[str]) -> Iterator[str | Failure]:
    """Expand directories (recursively) and glob patterns into files, in a stable order; pass URLs through.

    An input holding ``*``, ``?`` or ``[`` that is not an existing path is a glob pattern
    (``**`` matches any depth); its matches are taken like the files of a directory.
    Only file names are produced here: the files are read one at a time later.
    """
    for item in inputs:
        if is_url(item):
            yield item
            continue
        p = Path(item)
        if p.is_dir():
            yield from _walk(p, seen=set())
        elif p.is_file():
            yield item
        elif p.is_symlink() or p.exists():
            yield _not_a_file(p)
        elif _GLOB_CHARS.intersection(item):
            yield from _expand(item)
        else:
            yield Failure(storable(item), "no such file or directory", UnreadableInput.code)


def _expand(pattern: str) -> Iterator[str | Failure]:
    """The files a glob pattern matches, sorted like a directory walk; directories are walked."""
    matches = sorted(glob.glob(pattern, recursive=True), key=lambda m: Path(m).parts)
    if not matches:
        yield Failure(pattern, f"no file matches {pattern}", UnreadableInput.code)
        return
    walked: set[Path] = set()
    for match in matches:
        p = Path(match)
        if any(parent in walked for parent in p.parents):
            continue  # already read with a directory the pattern matched (``data/**`` matches both)
        if p.is_dir():
            walked.add(p)
            yield from _walk(p, seen=set())
        else:
            yield from _entry(p)


def _walk(root: Path, *, seen: set[str]) -> Iterator[str | Failure]:
    try:
        real = os.path.realpath(root)
    except OSError as e:  # pragma: no cover - realpath rarely fails
        yield Failure(str(root), f"cannot resolve: {e}", UnreadableInput.code)
        return
    if real in seen:
        yield Failure(storable(str(root)), "symbolic link loop: directory already visited", UnreadableInput.code)
        return
    seen.add(real)
    try:
        entries = sorted(root.iterdir(), key=lambda e: e.name)
    except OSError as e:
        yield Failure(storable(str(root)), f"cannot list directory: {e.strerror or e}", UnreadableInput.code)
        return
    for entry in entries:
        if _ignored(entry):
            continue
        if entry.is_dir():
            yield from _walk(entry, seen=seen)
        else:
            yield from _entry(entry)


def _ignored(entry: Path) -> bool:
    """Hidden files and READMEs are not articles."""
    return entry.name.startswith(".") or entry.name.lower() in {"readme.md", "readme.txt", "readme"}


def _entry(entry: Path) -> Iterator[str | Failure]:
    """A file found in a directory or by a pattern: taken when a reader knows its extension."""
    if _ignored(entry):
        return
    if entry.is_file():
        if _extension(entry.name) in _BY_EXTENSION:
            yield str(entry)
        else:
            why = f"skipped: no reader for {entry.suffix or 'files without an extension'}"
            yield Failure(storable(str(entry)), why, UnsupportedInput.code)
    else:
        yield _not_a_file(entry)


def _not_a_file(path: Path) -> Failure:
    """The failure of a path that exists (or is a link) but is neither a regular file nor a directory."""
    source = storable(str(path))
    try:
        mode = path.stat().st_mode
    except OSError as e:
        if e.errno == errno.ELOOP:
            return Failure(source, "symbolic link loop: the link leads back to itself", UnreadableInput.code)
        if path.is_symlink():
            return Failure(source, "broken symbolic link", UnreadableInput.code)
        return Failure(source, f"cannot read: {e.strerror or e}", UnreadableInput.code)  # pragma: no cover - raced away
    kinds = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))
    kind = next((name for test, name in kinds if test(mode)), "a special file")
    return Failure(source, f"skipped: {kind}, not a regular file", UnsupportedInput.code)


_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(value: str) -> str:
    """``value`` as valid Unicode: a file-name byte that is not UTF-8 as ``\\xNN``, any other lone surrogate as U+FFFD."""
    if not _SURROGATE.search(value):
        return value
    return _SURROGATE.sub(lambda m: f"\\x{ord(m[0]) - 0xDC00:02x}" if 0xDC80 <= ord(m[0]) <= 0xDCFF else "\ufffd", value)


def read_file(path: str, *, options: Options, fetcher: Fetcher | None = None) -> ReadResult:
    """Read one file with the reader that fits it; raise :class:`InputError` when unusable.

    A file a streaming reader claims by its extension is read through that reader, a piece
    at a time, with ``max_bytes`` applied to each article; any other file is read whole.
    """
    streaming = _BY_EXTENSION.get(_extension(path))
    if streaming is not None and streaming.stream is not None:
        return streaming.stream(path, options=options)
    try:
        size = os.stat(path).st_size
        if size > options.max_bytes:
            raise InputTooLarge(f"file is {size:,} bytes, over the {options.max_bytes:,}-byte limit (setting max_bytes)", source=path)
        with open(path, "rb") as fh:
            data = fh.read()
    except InputError:
        raise
    except OSError as e:
        raise UnreadableInput(f"cannot read: {e.strerror or e}", source=path) from e
    reader = reader_for(path, data)
    if reader.name == "urls":
        return _read_urls(data, path=path, options=options, fetcher=fetcher)
    return reader.read(data, path=path, options=options)


def read_url(url: str, *, options: Options, fetcher: Fetcher) -> ReadResult:
    """Fetch a URL and read it as HTML, a feed, JSON or text by its content type."""
    try:
        got = fetcher.fetch(url)
        ctype = got.content_type.split(";")[0].strip().lower()
        head = got.data[:4096].decode("utf-8", "ignore")
        if "json" in ctype:
            name = "json"
        elif "rss" in ctype or "atom" in ctype or looks_like_feed(head):
            name = "feed"
        elif "html" in ctype or looks_like_html(head):
            name = "html"
        else:
            name = "text"
        if name == "html":
            page, encoding = decode(got.data, source=url)
            yield html.html_to_document(page, path=url, encoding=encoding, url=got.url)
            return
        for doc in READERS[name].read(got.data, path=url, options=options):
            if isinstance(doc, RawDocument) and doc.url is None:
                doc.url = got.url
            yield doc
    except InputError as e:
        yield Failure(url, e.message, e.code)


def read_item(item: str, *, options: Options, fetcher: Fetcher) -> Iterator[RawDocument | Failure]:
    """Yield the documents of one discovered input (a file or a URL), or its failure; an article not in English is a failure."""
    try:
        found = read_url(item, options=options, fetcher=fetcher) if is_url(item) else read_file(item, options=options, fetcher=fetcher)
        for rec in found:
            yield _checked(rec)
    except InputError as e:
        yield Failure(storable(e.source or item), e.message, e.code)


def _checked(rec: RawDocument | Failure) -> RawDocument | Failure:
    """A record with storable names and text; a document in another language than English becomes its failure."""
    if isinstance(rec, Failure):
        return replace(rec, source=storable(rec.source), reason=storable(rec.reason))
    rec.path = storable(rec.path)
    for name in ("raw", "url", "title", "author", "outlet", "published", "source_id"):
        value = getattr(rec, name)
        if value is not None and _SURROGATE.search(value):
            setattr(rec, name, _SURROGATE.sub("\ufffd", value))
    foreign = foreign_language(rec.raw)
    if foreign is not None:
        lang, _ = foreign
        reason = f"not English (detected: {lang}); only English articles are analysed"
        return Failure(rec.origin, reason, UnsupportedLanguage.code)
    return rec


def ingest(inputs: Iterable[str], *, options: Options, fetcher: Fetcher | None = None) -> Iterator[RawDocument | Failure]:
    """Yield a raw document for every article in ``inputs`` and a failure for every bad one."""
    http = fetcher or HttpFetcher(options)
    for item in discover(inputs):
        if isinstance(item, Failure):
            yield item
        else:
            yield from read_item(item, options=options, fetcher=http)
