"""JSON and JSON Lines: one article per object.

Fields: ``text``/``content``/``body``, ``title``, ``url``, ``published``/``date``,
``outlet``/``source``, ``author``, ``id``. A ``.json`` file holds one object, a list of
them, or an object with an ``articles``/``documents``/``items`` list. A bad object or
line is reported on its own (``path#N``) and the rest of the file is read.
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import MalformedInput
from ..model import Failure, RawDocument
from ..settings import Options
from .base import ReadResult, first_str
from .decode import decode

TEXT_KEYS = ("text", "content", "body")


def _source_name(value: Any) -> str | None:
    if isinstance(value, dict):
        return first_str(value, "name", "title", "id")
    return value.strip() if isinstance(value, str) and value.strip() else None


def article(obj: Any, *, path: str, item: int, encoding: str) -> RawDocument | Failure:
    """Turn one JSON object into a document, or a :class:`Failure` saying what is wrong."""
    origin = f"{path}#{item}"
    if not isinstance(obj, dict):
        return Failure(origin, f"expected a JSON object, found {type(obj).__name__}", MalformedInput.code)
    text = first_str(obj, *TEXT_KEYS)
    if text is None:
        present = [k for k in TEXT_KEYS if k in obj]
        why = f"field {present[0]!r} is {type(obj[present[0]]).__name__}, not text" if present else "no text field (text, content or body)"
        return Failure(origin, why, MalformedInput.code)
    raw_id = obj.get("id")
    published = first_str(obj, "published", "date", "published_at", "pubDate")
    return RawDocument(
        path=path,
        reader="json",
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
    for i, item in enumerate(items):
        yield article(item, path=path, item=i, encoding=encoding)


def read_jsonl(data: bytes, *, path: str, options: Options) -> ReadResult:
    """Yield the articles of a JSON Lines file, one per non-blank line."""
    text, encoding = decode(data, source=path)
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield Failure(f"{path}#{lineno}", f"line {lineno} is not valid JSON: {e.msg}", MalformedInput.code)
            continue
        yield article(obj, path=path, item=lineno, encoding=encoding)
