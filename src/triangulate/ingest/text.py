"""Plain text and Markdown: the file's text is the document."""

from __future__ import annotations

from ..model import RawDocument
from ..settings import Options
from .base import ReadResult
from .decode import decode


def read(data: bytes, *, path: str, options: Options) -> ReadResult:
    """Yield the one document a text file holds."""
    text, encoding = decode(data, source=path)
    yield RawDocument(path=path, reader="text", raw=text, encoding=encoding)
