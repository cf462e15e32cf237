"""JSON and JSON Lines: one article per object.

Fields: ``text``/``content``/``body``, ``title``, ``url``, ``published``/``date``,
``outlet``/``source``, ``author``, ``id``. A ``.json`` file holds one object, a list of
them, or an object with an ``articles``/``documents``/``items`` list. A bad object or
line is reported on its own (``path#N``) and the rest of the file is read.

JSON Lines files (``.jsonl``/``.ndjson``, plain or gzip-compressed) are streamed: one line
is in memory at a time, and the ``max_bytes`` limit applies to each line (each article),
not to the file.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any, BinaryIO, Protocol, cast

from ..errors import BinaryInput, EmptyInput, InputError, InputTooLarge, MalformedInput, UndecodableInput, UnreadableInput
from ..model import Failure, RawDocument
from ..settings import Options
from .base import ReadResult, first_str
from .decode import _BOMS, decode

TEXT_KEYS = ("text", "content", "body")


def _source_name(value: Any) -> str | None:
    if isinstance(value, dict):
        return first_str(value, "name", "title", "id")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _not_text(key: str, value: Any) -> str:
    if value is None:
        return f"field {key!r} is null"
    if isinstance(value, str):
        return f"field {key!r} is empty"
    return f"field {key!r} is {type(value).__name__}, not text"


def article(obj: Any, *, path: str, item: int, encoding: str, reader: str = "json") -> RawDocument | Failure:
    """Turn one JSON object (or table row) into a document, or a :class:`Failure` saying what is wrong."""
    origin = f"{path}#{item}"
    if not isinstance(obj, dict):
        return Failure(origin, f"expected a JSON object, found {type(obj).__name__}", MalformedInput.code)
    text = first_str(obj, *TEXT_KEYS)
    if text is None:
        present = [k for k in TEXT_KEYS if k in obj]
        why = _not_text(present[0], obj[present[0]]) if present else "no text field (text, content or body)"
        return Failure(origin, why, MalformedInput.code)
    raw_id = obj.get("id")
    published = first_str(obj, "published", "date", "published_at", "pubDate")
    return RawDocument(
        path=path,
        reader=reader,
        raw=text,
        encoding=encoding,
        item=item,
        url=first_str(obj, "url", "link"),
        title=first_str(obj, "title", "headline"),
        author=first_str(obj, "author", "byline"),
        outlet=first_str(obj, "outlet") or _source_name(obj.get("source")),
        published=published,
        source_id=str(raw_id) if isinstance(raw_id, str | int) and str(raw_id).strip() else None,
    )


def read_json(data: bytes, *, path: str, options: Options) -> ReadResult:
    """Yield the articles of a JSON file."""
    text, encoding = decode(data, source=path)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        raise MalformedInput(f"invalid JSON at line {e.lineno}, column {e.colno}: {e.msg}", source=path) from e
    if isinstance(obj, dict):
        for key in ("articles", "documents", "items"):
            if isinstance(obj.get(key), list):
                obj = obj[key]
                break
    items = obj if isinstance(obj, list) else [obj]
    if not items:
        raise MalformedInput("JSON holds no articles (an empty list)", source=path)
    if not any(isinstance(item, dict) for item in items):  # a number, a list of numbers: one failure, not one per item
        kinds = sorted({type(item).__name__ for item in items})
        found = f"a list of {len(items)} {' and '.join(kinds)} values" if isinstance(obj, list) else kinds[0]
        raise MalformedInput(f"expected an article object or a list of them, found {found}", source=path)
    for i, item in enumerate(items):
        yield article(item, path=path, item=i, encoding=encoding)


def _line(line: str, *, path: str, lineno: int, encoding: str) -> RawDocument | Failure:
    """Read one non-blank JSON Lines line."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        return Failure(f"{path}#{lineno}", f"line {lineno} is not valid JSON: {e.msg}", MalformedInput.code)
    return article(obj, path=path, item=lineno, encoding=encoding)


def read_jsonl(data: bytes, *, path: str, options: Options) -> ReadResult:
    """Yield the articles of a JSON Lines file held in memory, one per non-blank line."""
    text, encoding = decode(data, source=path)
    for lineno, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield _line(line, path=path, lineno=lineno, encoding=encoding)


_GZIP_MAGIC = b"\x1f\x8b"
_SNIFF = 4096


class _LineSource(Protocol):
    def readline(self, size: int, /) -> bytes: ...


class _Recoded:
    """Lines of a UTF-16/UTF-32 byte stream, re-encoded as UTF-8 (``size`` counts characters)."""

    def __init__(self, raw: BinaryIO, encoding: str) -> None:
        self.text = io.TextIOWrapper(raw, encoding=encoding, newline="\n")

    def readline(self, size: int, /) -> bytes:
        return self.text.readline(size).encode("utf-8", "surrogatepass")


def _stream_encoding(head: bytes, *, path: str) -> str:
    """The encoding of a JSON Lines stream, from its first bytes (UTF-8 unless a BOM or NULs say otherwise)."""
    for bom, enc in _BOMS:
        if head.startswith(bom):
            return enc
    if b"\x00" in head:
        even, odd = head[0::2], head[1::2]
        for zeros, enc in ((odd, "utf-16-le"), (even, "utf-16-be")):
            if zeros.count(0) > 0.6 * len(zeros):
                return enc
        first = head.lstrip(b"\r\n").split(b"\n", 1)[0]
        if b"\x00" in first or not _utf8(first):  # a binary file; a binary line further on is reported on its own
            raise BinaryInput("binary data (NUL bytes), not text", source=path)
    return "utf-8"


def _utf8(line: bytes) -> bool:
    """Tell whether a line (perhaps cut short at the end of a sample) is UTF-8."""
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as e:
        return e.reason == "unexpected end of data" and e.start >= len(line) - 3
    return True


def _lines(fh: _LineSource, limit: int) -> Iterator[tuple[bytes | None, int]]:
    """Yield each line without its line ending, and its size in bytes; ``None`` for a line over ``limit``.

    No more than ``limit`` (plus two) bytes of a line are ever held: the rest of an
    over-long line is read in chunks and only counted.
    """
    while True:
        line = fh.readline(limit + 2)
        if not line:
            return
        if line.endswith(b"\n") or len(line) < limit + 2:
            body = line.rstrip(b"\r\n")
            yield (body if len(body) <= limit else None), len(body)
            continue
        size = len(line)
        while not line.endswith(b"\n"):
            line = fh.readline(1 << 16)
            if not line:
                break
            size += len(line)
        yield None, size - (len(line) - len(line.rstrip(b"\r\n")))


def stream_jsonl(path: str, *, options: Options) -> ReadResult:
    """Stream the articles of a JSON Lines file, plain or gzip-compressed, one line at a time.

    The file is UTF-8 (a byte-order mark may say UTF-16 or UTF-32); a line that is not
    UTF-8 has its encoding guessed on its own. Gzip is recognised by its magic bytes, so a
    ``.jsonl.gz`` that is not compressed is read too.
    """
    limit = options.max_bytes
    lineno, encoding = 0, "utf-8"
    try:
        with ExitStack() as files:
            fh: BinaryIO = files.enter_context(open(path, "rb"))
            gz = fh.read(2) == _GZIP_MAGIC
            fh.seek(0)
            if gz:
                fh = files.enter_context(cast(BinaryIO, gzip.GzipFile(fileobj=fh, mode="rb")))
            head = fh.read(_SNIFF)
            fh.seek(0)
            encoding = _stream_encoding(head, path=path)
            source: _LineSource = fh
            if not encoding.startswith("utf-8"):
                recoded = _Recoded(fh, encoding)
                files.callback(recoded.text.close)
                source = recoded
            lines = _lines(source, limit)
            seen = False
            for lineno, (line, size) in enumerate(lines, start=1):
                origin = f"{path}#{lineno}"
                if line is None:
                    yield Failure(
                        origin, f"line {lineno} is {size:,} bytes, over the {limit:,}-byte limit (setting max_bytes)", InputTooLarge.code
                    )
                    seen = True
                    continue
                if lineno == 1 and line.startswith(b"\xef\xbb\xbf"):
                    line = line[3:]
                if not line.strip():
                    continue
                seen = True
                try:
                    text, enc = line.decode("utf-8"), encoding
                except UnicodeDecodeError:
                    try:
                        text, enc = decode(line, source=origin)
                    except InputError as e:
                        yield Failure(origin, f"line {lineno}: {e.message}", e.code)
                        continue
                yield _line(text, path=path, lineno=lineno, encoding=enc)
            if not seen:
                raise EmptyInput("empty file: no text to read", source=path)
    except InputError:
        raise
    except (EOFError, zlib.error, gzip.BadGzipFile) as e:
        raise MalformedInput(f"broken gzip data after line {lineno}: {e}", source=path) from e
    except UnicodeDecodeError as e:  # only from a UTF-16/UTF-32 stream; a bad UTF-8 line is reported on its own
        raise UndecodableInput(f"not valid {encoding} after line {lineno}: {e.reason}", source=path) from e
    except OSError as e:
        raise UnreadableInput(f"cannot read: {e.strerror or e}", source=path) from e
