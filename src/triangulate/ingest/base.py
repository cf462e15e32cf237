"""What every reader shares: the reader signature and small helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..model import Failure, RawDocument

ReadResult = Iterator[RawDocument | Failure]


@dataclass(frozen=True, slots=True)
class Reader:
    """A registered reader: its name, the file extensions it claims, and its function.

    ``read(data, path=..., options=...)`` turns the bytes of one input into documents; it
    yields a :class:`Failure` for a bad item inside a good file (a broken JSONL line) and
    raises an :class:`InputError` when the whole input is unusable.

    ``stream(path, options=...)``, when a reader has it, reads a file from its path a piece
    at a time instead (a JSON Lines or Parquet shard bigger than memory); files are then
    read through it, never whole, and ``max_bytes`` limits each article rather than the file.
    """

    name: str
    extensions: tuple[str, ...]
    read: Callable[..., ReadResult]
    description: str = ""
    stream: Callable[..., ReadResult] | None = None


def first_str(obj: dict[str, object], *keys: str) -> str | None:
    """Return the first of ``keys`` whose value is a non-empty string (stripped)."""
    for key in keys:
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def looks_like_html(text: str) -> bool:
    """Tell whether a text is an HTML page rather than prose."""
    head = text.lstrip()[:1024].lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and head[:1] == "<")


def looks_like_feed(text: str) -> bool:
    """Tell whether a text is an RSS or Atom feed."""
    head = text.lstrip()[:2048].lower()
    return (head.startswith("<?xml") and ("<rss" in head or "<feed" in head or "<rdf:rdf" in head)) or head.startswith(("<rss", "<feed"))
